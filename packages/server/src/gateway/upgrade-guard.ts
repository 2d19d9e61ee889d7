import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '@jobstream/protocol';
import { AppError, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';

export type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

const ignore = (): void => {};

/**
 * Installs `listener` as the server's one upgrade handler, guarded. Node ends the process on an
 * exception thrown in an `upgrade` listener (and on an unhandled socket `error`: Node removes its own
 * listener before the event), so nothing may escape it: whatever `listener` throws before the socket
 * is upgraded becomes an HTTP answer (an AppError's status, anything else a logged 500) and the socket
 * is destroyed. The listener must not throw once it has handed the socket to `ws` (its session has its
 * own guard). Returns the function that uninstalls it.
 */
export function installUpgradeGuard(server: Server, listener: UpgradeListener, logger: Logger): () => void {
  const unanswered = trackResponses();
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A peer that resets the connection mid-upgrade is no error of ours; `ws` adds its own listener.
    socket.on('error', ignore);
    const earlier = unanswered.of(socket);
    if (earlier) {
      // Pipelined behind a request still being answered: a 101 now would overtake that answer (which
      // would then land inside the WebSocket stream). Refused once the answers before it are out.
      const error = new AppError(
        ErrorCode.invalidMessage,
        'an upgrade must not be pipelined behind a request',
      );
      void earlier.then(() => refuseUpgrade(socket, error, logger));
      return;
    }
    try {
      listener(request, socket, head);
    } catch (error) {
      refuseUpgrade(socket, error, logger);
    }
  };
  server.on('request', unanswered.track);
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('request', unanswered.track);
    server.off('upgrade', onUpgrade);
  };
}

/**
 * Answers an upgrade that will not happen: the status of the error, a body in the REST error shape
 * (`{"error": {code, message}}`), then the socket is destroyed once the answer is written.
 */
export function refuseUpgrade(socket: Duplex, error: unknown, logger: Logger): void {
  const appError = toAppError(error);
  if (appError.code === ErrorCode.internal) logger.error({ err: error }, 'upgrade failed');
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = appError.httpStatus;
  const body = JSON.stringify({ error: { code: appError.code, message: appError.message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

interface Unanswered {
  count: number;
  idle: (() => void)[];
}

/**
 * HTTP responses still being written, per socket (a keep-alive connection answers in order). A socket's
 * entry lives as long as the socket (a WeakMap), and one listener function serves every response, so
 * that a request costs a count and a listener, not a new entry and a closure each.
 */
function trackResponses() {
  const open = new WeakMap<object, Unanswered>();
  function answered(this: ServerResponse): void {
    const entry = open.get(this.req.socket);
    if (entry === undefined || --entry.count > 0) return;
    for (const idle of entry.idle.splice(0)) idle();
  }
  return {
    track: (request: IncomingMessage, response: ServerResponse): void => {
      const socket = request.socket;
      let entry = open.get(socket);
      if (entry === undefined) open.set(socket, (entry = { count: 0, idle: [] }));
      entry.count++;
      response.once('close', answered);
    },
    /** Resolves when what was asked before on `socket` is answered; undefined when nothing is pending. */
    of: (socket: Duplex): Promise<void> | undefined => {
      const entry = open.get(socket);
      return entry && entry.count > 0 ? new Promise((resolve) => entry.idle.push(resolve)) : undefined;
    },
  };
}
