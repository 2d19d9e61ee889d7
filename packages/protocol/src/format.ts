/** Wording shared by the server's events and the clients that show them. */

/** "15 minutes", "1 hour", "1 day": the reminder offsets of the document, rounded to the unit. */
export function describeTimeUntil(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const [n, unit] =
    minutes >= 1440
      ? [Math.round(minutes / 1440), 'day']
      : minutes >= 60
        ? [Math.round(minutes / 60), 'hour']
        : [minutes, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
