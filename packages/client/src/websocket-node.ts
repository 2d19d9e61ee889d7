import type { WebSocketConstructor } from './transports/transport.js';

/**
 * Node before 22 has no global WebSocket: `ws` (an optional peer dependency) is loaded when it is
 * first needed, so that nothing of it reaches a browser bundle.
 */
export const loadWebSocket = async (): Promise<WebSocketConstructor> => {
  if (globalThis.WebSocket) return globalThis.WebSocket as unknown as WebSocketConstructor;
  const ws = await import('ws');
  return ws.WebSocket as unknown as WebSocketConstructor;
};
