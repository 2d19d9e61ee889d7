import type { WebSocketConstructor } from './transports/transport.js';

/** Browsers and service workers have a WebSocket of their own. */
export const loadWebSocket = (): Promise<WebSocketConstructor> =>
  globalThis.WebSocket
    ? Promise.resolve(globalThis.WebSocket as unknown as WebSocketConstructor)
    : Promise.reject(new Error('no WebSocket in this runtime'));
