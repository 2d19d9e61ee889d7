import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString, LogFn } from 'pino';
import type { Logger } from '../logger.js';

/** `?token=` (and `access_token`) in a logged URL: browsers put credentials there for WebSockets and SSE. */
const TOKEN_PARAM = /([?&](?:access_)?token=)[^&#]*/gi;

/** A URL fit for a log line: credentials in its query replaced. */
export function redactUrl(url: string): string {
  return url.replace(TOKEN_PARAM, '$1[redacted]');
}

/**
 * The logger Fastify is given: its request lines ("incoming request", "request completed" with the
 * status and time) at info, each with its `reqId`. A request is logged as its method, URL (tokens
 * redacted), host and peer: never its headers (Authorization, cookies) nor its body.
 */
export function requestLogger(logger: Logger): FastifyBaseLogger {
  return logger.child(
    {},
    {
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
        }),
      },
    },
  );
}

/** This process's part of every request id it makes: random, so that ids of two nodes never collide. */
const PROCESS_PART = randomBytes(6).toString('base64url');
let made = 0;

/**
 * A request's id: the caller's `X-Request-Id` when it is a short plain token, else a new one (this
 * process's random part and a count: unique across nodes and restarts, and no random draw per request).
 */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given)) return given;
  made = (made + 1) % Number.MAX_SAFE_INTEGER;
  return `${PROCESS_PART}-${made.toString(36)}`;
}

/**
 * Fastify's `childLoggerFactory`: each request's logger (its lines carry the `reqId`). The pino child,
 * which serializes its bindings when made, is made when a line at an enabled level is first logged
 * through it: a request that logs nothing (every request answered without trouble, when LOG_LEVEL is
 * above info) makes none. Options of a route's own (a level, serializers) get a real child at once.
 */
export function requestChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined)
    return logger.child(bindings, options);
  return new RequestLogger(logger, bindings);
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type Line = Parameters<LogFn>;

/** A request's logger; its methods are on the prototype, so that making one per request is cheap. */
class RequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  get level(): LevelWithSilentOrString {
    return (this.#child ?? this.#parent).level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#made().level = level;
  }

  #made(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings));
  }

  /** A line at `level`: logged through the child (made now if need be) when the level is enabled. */
  #log(level: Level, line: Line): void {
    if (this.#child === undefined && !isEnabled(this.#parent, level)) return;
    this.#made()[level](...line);
  }

  fatal(...line: Line): void {
    this.#log('fatal', line);
  }
  error(...line: Line): void {
    this.#log('error', line);
  }
  warn(...line: Line): void {
    this.#log('warn', line);
  }
  info(...line: Line): void {
    this.#log('info', line);
  }
  debug(...line: Line): void {
    this.#log('debug', line);
  }
  trace(...line: Line): void {
    this.#log('trace', line);
  }
  silent(): void {
    // Nothing, as pino's own: no line is at 'silent', so no child is made for one.
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#made().child(bindings, options);
  }
}

/** Whether `logger` writes lines at `level` (pino's isLevelEnabled, where the logger has it). */
function isEnabled(logger: FastifyBaseLogger, level: string): boolean {
  const check = (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return check === undefined ? true : check.call(logger, level);
}
