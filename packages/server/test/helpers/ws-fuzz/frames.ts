import type { Prng } from '../prng.js';
import { clientFrame, Op } from '../raw-ws.js';
import type { Input } from './messages.js';

/**
 * How an input's text travels: one text frame mostly, else a binary frame (read as its UTF-8 text),
 * fragments (with control frames between them, as RFC 6455 allows), or after a ping.
 */
export function framed(r: Prng, input: Input): Buffer {
  if (input.binary) return clientFrame(input.binary, { opcode: Op.binary });
  const payload = Buffer.from(input.text, 'utf8');
  return r.weighted<() => Buffer>([
    [16, () => clientFrame(payload)],
    [2, () => clientFrame(payload, { opcode: Op.binary })],
    [2, () => fragments(r, payload, r.chance(0.5) ? Op.text : Op.binary)],
    [1, () => Buffer.concat([clientFrame(r.bytes(r.int(126)), { opcode: Op.ping }), clientFrame(payload)])],
  ])();
}

function fragments(r: Prng, payload: Buffer, opcode: number): Buffer {
  const cuts = [...new Set(Array.from({ length: r.range(1, 4) }, () => r.int(payload.length + 1)))].sort(
    (a, b) => a - b,
  );
  const bounds = [0, ...cuts, payload.length];
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const fin = i + 2 === bounds.length;
    out.push(
      clientFrame(payload.subarray(bounds[i], bounds[i + 1]), {
        opcode: i === 0 ? opcode : Op.continuation,
        fin,
      }),
    );
    if (!fin && r.chance(0.3)) out.push(clientFrame(r.bytes(r.int(20)), { opcode: Op.ping }));
  }
  return Buffer.concat(out);
}

/** An input that ends its connection, and the close codes that may end it. */
export interface ClosingInput {
  readonly bytes: Buffer;
  /** [] for any valid close code (random bytes may even form a close frame of their own). */
  readonly codes: readonly number[];
  readonly label: string;
  /** Half-close after sending: bytes that may leave a frame unfinished end as 1006. */
  readonly endAfter?: boolean;
}

const closePayload = (code: number, reason: Buffer | string = ''): Buffer =>
  Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);

/** Oversized, invalid UTF-8, broken framing, closes of every kind, and raw garbage. */
export function closingInput(r: Prng, maxPayload: number): ClosingInput {
  const text = (s: string | Buffer) => clientFrame(s);
  return r.weighted<() => ClosingInput>([
    [
      3,
      () => ({
        bytes: text('x'.repeat(maxPayload + r.range(1, 5000))),
        codes: [1009],
        label: 'oversized frame',
      }),
    ],
    [
      1,
      () => ({
        bytes: Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        codes: [1009],
        label: 'length 2^63',
      }),
    ],
    [
      1,
      () => {
        const half = Buffer.alloc(Math.ceil(maxPayload / 2) + 10, 0x20);
        const bytes = Buffer.concat([
          clientFrame(half, { fin: false }),
          clientFrame(half, { opcode: Op.continuation }),
        ]);
        return { bytes, codes: [1009], label: 'oversized fragments' };
      },
    ],
    [
      3,
      () => {
        const bad = r.pick([
          [0xff],
          [0xc3],
          [0xc0, 0xaf],
          [0xed, 0xa0, 0x80],
          [0xf4, 0x90, 0x80, 0x80],
          [0xe2, 0x82],
        ]);
        return {
          bytes: text(Buffer.concat([Buffer.from('{"type":"'), Buffer.from(bad), Buffer.from('"}')])),
          codes: [1007],
          label: 'invalid UTF-8',
        };
      },
    ],
    [
      1,
      () => ({
        bytes: Buffer.concat([
          clientFrame('{"a":"\xe9', { fin: false }),
          clientFrame(Buffer.from([0xff]), { opcode: Op.continuation }),
        ]),
        codes: [1007],
        label: 'invalid UTF-8 across fragments',
      }),
    ],
    [1, () => ({ bytes: clientFrame('{}', { mask: false }), codes: [1002], label: 'unmasked' })],
    [1, () => ({ bytes: clientFrame('{}', { rsv: r.range(1, 7) }), codes: [1002], label: 'reserved bits' })],
    [
      1,
      () => ({
        bytes: clientFrame('{}', { opcode: r.pick([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) }),
        codes: [1002],
        label: 'unknown opcode',
      }),
    ],
    [
      1,
      () => ({
        bytes: clientFrame(Buffer.alloc(126), { opcode: Op.ping }),
        codes: [1002],
        label: 'ping of 126 bytes',
      }),
    ],
    [
      1,
      () => ({
        bytes: clientFrame('x', { opcode: Op.ping, fin: false }),
        codes: [1002],
        label: 'fragmented ping',
      }),
    ],
    [
      1,
      () => ({
        bytes: clientFrame('x', { opcode: Op.continuation }),
        codes: [1002],
        label: 'continuation first',
      }),
    ],
    [
      1,
      () => ({
        bytes: Buffer.concat([clientFrame('{', { fin: false }), clientFrame('}')]),
        codes: [1002],
        label: 'text inside a fragmented text',
      }),
    ],
    [
      1,
      () => ({
        bytes: clientFrame(Buffer.from([3]), { opcode: Op.close }),
        codes: [1002],
        label: 'close of 1 byte',
      }),
    ],
    [
      1,
      () => {
        const code = r.pick([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535]);
        return {
          bytes: clientFrame(closePayload(code), { opcode: Op.close }),
          codes: [1002],
          label: `close ${code}`,
        };
      },
    ],
    [
      1,
      () => ({
        bytes: clientFrame(closePayload(1000, Buffer.from([0xff])), { opcode: Op.close }),
        codes: [1007],
        label: 'close reason not UTF-8',
      }),
    ],
    [
      2,
      () => {
        const code = r.pick([1000, 1001, 1003, 1011, 3000, 4000, 4999]);
        return {
          bytes: clientFrame(closePayload(code, 'bye'), { opcode: Op.close }),
          codes: [code],
          label: `close ${code}`,
        };
      },
    ],
    [1, () => ({ bytes: clientFrame('', { opcode: Op.close }), codes: [1005], label: 'empty close' })],
    // Random bytes may form valid frames, a broken one, or half of one: every outcome is documented.
    [3, () => ({ bytes: r.bytes(r.range(1, 300)), codes: [], label: 'random bytes', endAfter: true })],
  ])();
}
