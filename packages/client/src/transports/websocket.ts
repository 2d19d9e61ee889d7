import type { ClientMessage, ServerMessage } from '@jobstream/protocol';
import { loadWebSocket } from '#websocket';
import type { Transport, TransportFactory, WebSocketLike } from './transport.js';

/** A close reason may carry the server's retry hint: `retry_ms=5000`. */
const retryHint = (reason: string): number | undefined => {
  const ms = /retry_ms=(\d+)/.exec(reason)?.[1];
  return ms === undefined ? undefined : Number(ms);
};

/** The native protocol at `/ws`. The token goes in `?token=`, since browsers cannot set headers. */
export const websocket: TransportFactory = (ctx, on) => {
  let ws: WebSocketLike | undefined;
  let closed = false;
  const early: string[] = [];
  const token = ctx.token();
  const url = `${ctx.base.replace(/^http/, 'ws')}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const fail = (code: number, reason: string): void => {
    if (closed) return;
    closed = true;
    on.close(code, reason, retryHint(reason));
  };

  const transport: Transport & { heartbeatMs: number } = {
    name: 'websocket',
    heartbeatMs: 0,
    send(message: ClientMessage): boolean {
      const text = JSON.stringify(message);
      if (ws?.readyState === 1) ws.send(text);
      else if (!closed && message.type !== 'ping') early.push(text);
      else return false;
      return true;
    },
    close(): void {
      closed = true;
      if (ws) {
        ws.onclose = ws.onmessage = ws.onopen = null;
        try {
          ws.close(1000);
        } catch {
          // a socket still connecting may refuse close() in some runtimes
        }
      }
    },
  };

  (ctx.WebSocket ? Promise.resolve(ctx.WebSocket) : loadWebSocket()).then(
    (Ctor) => {
      if (closed) return;
      ws = new Ctor(url);
      ws.onopen = () => {
        for (const text of early.splice(0)) ws?.send(text);
      };
      ws.onmessage = (event) => {
        on.alive();
        let message: ServerMessage;
        try {
          message = JSON.parse(String(event.data)) as ServerMessage;
        } catch {
          return;
        }
        if (message.type === 'welcome') transport.heartbeatMs = message.heartbeat_ms;
        on.message(message);
      };
      ws.onerror = () => {};
      ws.onclose = (event) => fail(event.code, event.reason);
    },
    (error: unknown) => fail(1006, `cannot open a WebSocket: ${String(error)}`),
  );
  return transport;
};
