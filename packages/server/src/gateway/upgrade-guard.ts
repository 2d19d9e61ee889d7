import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '@jobstream/protocol';
import { toAppError } from '../errors.js';
import type { Logger } from '../logger.js';

export type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

const ignore = (): void => {};

/**
 * The one guard of the upgrade path. Node ends the process on an exception thrown in an `upgrade`
 * listener (and on an unhandled socket `error`: Node removes its own listener before the event), so
 * nothing may escape it: whatever `listener` throws before the socket is upgraded becomes an HTTP
 * answer (an AppError's status, anything else a logged 500) and the socket is destroyed.
 * The listener must not throw once it has handed the socket to `ws` (its session has its own guard).
 */
export function guardUpgrade(listener: UpgradeListener, logger: Logger): UpgradeListener {
  return (request, socket, head) => {
    // A peer that resets the connection mid-upgrade is no error of ours; `ws` adds its own listener.
    socket.on('error', ignore);
    try {
      listener(request, socket, head);
    } catch (error) {
      refuseUpgrade(socket, error, logger);
    }
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
