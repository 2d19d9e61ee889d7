/**
 * Server-to-client WebSocket frames (RFC 6455 §5.2): unmasked, so the same bytes serve every socket.
 * Framing once per event instead of once per send is what lets a fan-out share one buffer.
 */
const OP_TEXT = 0x1;
const OP_PING = 0x9;

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerLen + len);
  out[0] = 0x80 | opcode; // FIN + opcode
  if (len < 126) {
    out[1] = len;
  } else if (len < 65536) {
    out[1] = 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  payload.copy(out, headerLen);
  return out;
}

/** A text frame carrying `text` (UTF-8). */
export function textFrame(text: string): Buffer {
  return frame(OP_TEXT, Buffer.from(text, 'utf8'));
}

/** A JSON message as a text frame. */
export function jsonFrame(message: unknown): Buffer {
  return textFrame(JSON.stringify(message));
}

/** An empty ping control frame; browsers answer it with a pong on their own. */
export const pingFrame: Buffer = frame(OP_PING, Buffer.alloc(0));
