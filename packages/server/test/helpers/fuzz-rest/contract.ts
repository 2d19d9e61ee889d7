import { Writable } from 'node:stream';
import { ErrorCode } from '@jobstream/protocol';
import type { FuzzAnswer } from './client.js';
import type { FuzzRoute } from './routes.js';

const codes = new Set<string>(Object.values(ErrorCode));

/** Served as files or HTML, not JSON: their errors need not be in the API's shape. */
const notJson = (route: FuzzRoute) =>
  route.path === '/' || route.path.startsWith('/docs') || route.path.startsWith('/assets');
/** Answers that may rightly take longer than the client waits: a long-poll asked to wait, a stream. */
const mayWait = (route: FuzzRoute) => route.path.endsWith('/poll') || route.path === '/api/v1/events';

/** A breach's reason without its details (status, body): what failures are grouped by. */
export const kindOf = (why: string): string => why.replace(/:.*$/s, '');

/** Why an answer breaks the contract, or undefined when it keeps it. */
export function breach(route: FuzzRoute, method: string, answer: FuzzAnswer): string | undefined {
  if (answer.kind === 'timeout') return mayWait(route) ? undefined : 'no answer within 5 s';
  if (answer.kind === 'closed') return 'connection closed without an answer';
  if (answer.status >= 500) return `status ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (answer.kind === 'stream') return answer.status === 200 ? undefined : `a stream with ${answer.status}`;
  if (answer.status < 400 || method === 'HEAD' || notJson(route)) return undefined;
  if (!answer.contentType.startsWith('application/json'))
    return `error as ${answer.contentType || 'nothing'}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `error body is not JSON: ${answer.body.slice(0, 200)}`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; fields?: unknown } }).error;
  const shaped =
    Object.keys(body as object).join() === 'error' &&
    typeof error?.code === 'string' &&
    codes.has(error.code) &&
    typeof error.message === 'string' &&
    (error.fields === undefined || Array.isArray(error.fields));
  return shaped ? undefined : `error body not in the documented shape: ${answer.body.slice(0, 300)}`;
}

export interface LogEntry {
  readonly level: number;
  readonly msg?: string;
  readonly err?: { readonly message?: string; readonly stack?: string };
}

/**
 * A pino destination that keeps what the server logs: a 500 on a connection the client has already
 * left reaches nobody but the log.
 */
export function logSink(): { stream: Writable; errors: () => LogEntry[] } {
  const entries: LogEntry[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        entries.push(JSON.parse(line) as LogEntry);
      }
      done();
    },
  });
  return { stream, errors: () => entries.filter((e) => e.level >= 50) };
}
