/**
 * Reading event data as it was published, without zod (the SDK's browser bundle uses it too): anyone
 * with the right to publish may send a catalogued type with any data.
 */

type Keys<T> = T extends unknown ? keyof T : never;
/**
 * An event's data as it may arrive: anyone with the right to publish may send a catalogued type with
 * any data, so each of the catalogue's fields may be missing or of another type. A renderer reads it
 * by the catalogue's names (a renamed field fails to compile) and narrows each value it uses.
 */
export type Published<T> = { readonly [K in Keys<T>]?: unknown };

/** A plain object (not an array): what a field must be before its own fields are read. */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A field as a record, or an empty one. */
export const recordOf = (value: unknown): Readonly<Record<string, unknown>> => (isRecord(value) ? value : {});
