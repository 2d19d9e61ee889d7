/**
 * Full jitter: a delay drawn uniformly from [0, min(cap, initial·2^attempt)). Clients that lost the
 * same server at the same moment spread their returns over the whole window instead of arriving
 * together (the "thundering herd" a restart would otherwise cause).
 */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random = Math.random,
): number {
  return Math.floor(random() * Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30)));
}
