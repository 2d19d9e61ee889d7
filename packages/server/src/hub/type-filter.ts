/** A server-side filter of event types: exact names, or prefixes ending in `.`. */
export type TypeMatcher = (type: string) => boolean;

export function typeMatcher(types: readonly string[] | undefined): TypeMatcher | undefined {
  if (!types || types.length === 0) return undefined;
  const exact = new Set(types.filter((t) => !t.endsWith('.')));
  const prefixes = types.filter((t) => t.endsWith('.'));
  return (type) => exact.has(type) || prefixes.some((p) => type.startsWith(p));
}
