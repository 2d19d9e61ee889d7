import { randomUUID } from 'node:crypto';
import type { Prng } from '../prng.js';
import { rawExchange } from '../raw-http.js';
import type { EndpointReport } from './run-endpoint.js';
import { oddString } from './values.js';

/**
 * Raw HTTP requests at the upgrade path: every endpoint's path and others, mutated targets (bad
 * escapes, absolute forms with bad hosts, huge, raw bytes), methods, versions, missing, broken and
 * extra headers, bytes before or instead of a request, requests cut short. Written on raw sockets.
 */

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const PATHS = [
  '/ws',
  '/ws/',
  '/api/v1/ws',
  '/api/v1/ws/jobs',
  '/api/ws/jobs',
  '/ws/notifications/',
  '/ws/matching-jobs/x',
  '/',
  '/health',
  '/nope',
  '*',
];

function target(r: Prng, port: number): string {
  let path = r.chance(0.1) ? `/ws/matching-jobs/${randomUUID()}` : r.pick(PATHS);
  const mutate = r.weighted<() => void>([
    [4, () => {}],
    [
      2,
      () =>
        (path += `?${r.pick(['token=', 'channels=', 'user_id=', 'a='])}${r.pick(['garbage', '%zz', '%', 'x.y.z', '%00', 'jobs,%e0', oddString(r)])}`),
    ],
    [2, () => (path = `${path}${r.pick(['%zz', '%', '%e0%80', '%00', '%2e%2e', '%ff', '%c0%af'])}`)],
    [
      1,
      () =>
        (path = `${r.pick(['http://127.0.0.1:' + port, 'http://[', 'http://[::1', 'http://a@b', 'ws://x', 'http://%zz', 'https://x:99999'])}${path}`),
    ],
    [1, () => (path += 'a/'.repeat(r.range(100, 5000)))],
    [1, () => (path = path.replace('/', r.pick(['//', '/./', '/../', '/%2F'])))],
    [1, () => (path += r.pick(['\u0001', '\u007f', 'é', '\u00ff', ' ', '\t', '#frag', '\\']))],
  ]);
  mutate();
  return path;
}

function headers(r: Prng): string[] {
  const lines = [
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${KEY}`,
    'Sec-WebSocket-Version: 13',
  ];
  for (let i = r.int(3); i > 0; i--) {
    r.weighted<() => void>([
      [2, () => lines.splice(r.int(lines.length), 1)],
      [
        2,
        () => {
          const i = r.int(lines.length);
          lines[i] = `${(lines[i] ?? 'X').split(':')[0] ?? 'X'}: ${oddString(r)}`;
        },
      ],
      [1, () => lines.push(r.pick(lines))],
      [1, () => lines.push(`Sec-WebSocket-Key: ${r.pick(['abc', '', KEY + 'x', '====================='])}`)],
      [1, () => lines.push(`Sec-WebSocket-Version: ${r.pick(['8', '12', '', 'abc', '13, 8'])}`)],
      [
        3,
        () =>
          lines.push(
            r.pick([
              `Origin: ${r.pick(['http://evil.test', 'null', '', '%zz', 'http://[', oddString(r)])}`,
              `Cookie: jobstream_session=${r.pick(['%zz', '', 'a.b.c', '"', '%E0%A4%A'])}`,
              `Authorization: ${r.pick(['Bearer', 'Bearer ', 'bearer x.y.z', 'Basic abc', 'Bearer a b'])}`,
              `Sec-WebSocket-Protocol: ${r.pick(['a,,b', 'chat', ' ', 'a b', '\u0001'])}`,
              `Sec-WebSocket-Extensions: ${r.pick(['permessage-deflate', 'x; y=', ';;'])}`,
              `X-Forwarded-For: ${r.pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1'])}`,
              `X-Big: ${'b'.repeat(r.range(1000, 20_000))}`,
              `X-Ctl: a${r.pick(['\u0001', '\u007f', '\u00ff', '\r\n b'])}`,
              r.pick([
                'X Y: z',
                'NoColon',
                ': empty',
                'Content-Length: 5',
                'Transfer-Encoding: chunked',
                'Expect: 100-continue',
              ]),
            ]),
          ),
      ],
    ])();
  }
  return lines;
}

/** One raw request (bytes, as latin1 so that any byte may appear). */
export function upgradeInput(r: Prng, port: number): { bytes: Buffer; label: string } {
  const method = r.chance(0.85)
    ? 'GET'
    : r.pick(['POST', 'HEAD', 'PUT', 'OPTIONS', 'get', 'G\u0000T', '', 'CONNECT', 'DELETE', 'PRI']);
  const version = r.chance(0.9)
    ? 'HTTP/1.1'
    : r.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1\u0000', 'HTTX/1.1', '', 'HTTP/1.10']);
  const request = (): string =>
    [`${method} ${target(r, port)} ${version}`, ...headers(r), '', r.chance(0.05) ? 'hello' : ''].join(
      '\r\n',
    );
  const bytes = (text: string) => Buffer.from(text, 'latin1');
  return r.weighted<() => { bytes: Buffer; label: string }>([
    [80, () => ({ bytes: bytes(request()), label: 'request' })],
    [5, () => ({ bytes: r.bytes(r.range(1, 400)), label: 'random bytes' })],
    [
      4,
      () => ({
        bytes: Buffer.concat([r.chance(0.5) ? bytes('\r\n\r\n') : r.bytes(r.range(1, 50)), bytes(request())]),
        label: 'bytes before a request',
      }),
    ],
    [3, () => ({ bytes: bytes(`GET /health HTTP/1.1\r\nHost: x\r\n\r\n${request()}`), label: 'pipelined' })],
    [
      5,
      () => {
        const whole = bytes(request());
        return { bytes: whole.subarray(0, r.int(whole.length)), label: 'cut short' };
      },
    ],
    [
      3,
      () => ({
        bytes: bytes(
          r.pick([
            'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
            'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n',
            '\u0016\u0003\u0001\u0002\u0000\u0001\u0000',
          ]),
        ),
        label: 'another protocol',
      }),
    ],
  ])();
}

/** The close codes a socket may end with after a 101 here (1011, an internal error, is not one). */
const CLOSE_CODES = new Set([
  1000, 1001, 1002, 1005, 1006, 1007, 1008, 1009, 1012, 4001, 4003, 4004, 4008, 4029,
]);
/** The sentences `ws` answers a broken handshake with (text bodies, the status says it all). */
const WS_SENTENCES = [
  'Invalid HTTP method',
  'Invalid Upgrade header',
  'Missing or invalid Sec-WebSocket-Key header',
  'Missing or invalid Sec-WebSocket-Version header',
  'Invalid Sec-WebSocket-Protocol header',
  'Bad Request',
];

/** What is wrong with the answer to one raw request, or null. */
export async function checkUpgrade(
  port: number,
  input: { bytes: Buffer; label: string },
): Promise<string | null> {
  const answer = await rawExchange(port, input.bytes, { endAfter: true, timeoutMs: 15_000 });
  if (!answer.closedByServer) return 'the server neither answered nor closed within 15 s';
  let rest = answer.raw;
  // What is no upgrade (no `Upgrade` with `Connection: upgrade`) is the REST API's, Node's or the
  // router's to answer: the REST fuzz suite holds those to their shape; here only no 5xx is asked.
  const sent = input.bytes.toString('latin1');
  const upgrade = /\r\nupgrade:[^\r]*\S/i.test(sent) && /\r\nconnection:[^\r]*upgrade/i.test(sent);
  // A CONNECT has no listener, and Node then closes the connection (earlier answers pending with it).
  if (/(^|\n)CONNECT /.test(sent)) return null;
  if (rest.length === 0) return upgrade ? 'no answer at all' : null;
  while (rest.length > 0) {
    const text = rest.toString('latin1');
    const status = /^HTTP\/1\.1 (\d{3}) [^\r\n]*\r\n/.exec(text);
    const end = text.indexOf('\r\n\r\n');
    if (!status || end < 0) return `not an HTTP answer: ${JSON.stringify(text.slice(0, 200))}`;
    const code = Number(status[1]);
    if (code >= 500) return `answered ${code}: ${JSON.stringify(text.slice(0, 300))}`;
    if (!upgrade) return null; // the first answer is all that is asked of what is not ours
    const head = text.slice(0, end);
    if (code === 101) return closeAfterUpgrade(rest.subarray(end + 4));
    if (/\r\ntransfer-encoding: *chunked/i.test(head))
      return `a chunked answer to an upgrade: ${JSON.stringify(text.slice(0, 300))}`;
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? '0');
    const body = text.slice(end + 4, end + 4 + length);
    if (/\r\ncontent-type: *application\/json/i.test(head)) {
      const error = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
      if (code >= 400 && (typeof error?.code !== 'string' || typeof error.message !== 'string'))
        return `an error not in the documented shape: ${body}`;
    } else if (code >= 400 && !WS_SENTENCES.includes(body))
      return `an undocumented ${code}: ${JSON.stringify(text.slice(0, 300))}`;
    rest = rest.subarray(Buffer.byteLength(text.slice(0, end + 4 + length), 'latin1'));
  }
  return null;
}

/** After a 101: server frames only, ending in a documented close code (or none: the client left). */
function closeAfterUpgrade(bytes: Buffer): string | null {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    if (offset + length > bytes.length) return null; // the rest was cut off by the close
    if (opcode === 0x8 && length >= 2) {
      const code = bytes.readUInt16BE(offset);
      return CLOSE_CODES.has(code)
        ? null
        : `closed with ${code}: ${bytes.subarray(offset + 2, offset + length).toString()}`;
    }
    if (![0x1, 0x2, 0x9, 0xa].includes(opcode))
      return `not a WebSocket frame after the 101 (opcode ${opcode})`;
    at = offset + length;
  }
  return null;
}

/** Sends `n` raw requests, 16 at a time, each on its own connection; the report says what went wrong. */
export async function fuzzUpgrades(port: number, r: Prng, n: number): Promise<EndpointReport> {
  const report: EndpointReport = { inputs: 0, closing: 0, connections: 0, closes: new Map(), failures: [] };
  for (let i = 0; i < n && report.failures.length < 3; i += 16) {
    const batch = Array.from({ length: Math.min(16, n - i) }, () => upgradeInput(r, port));
    const problems = await Promise.all(batch.map((input) => checkUpgrade(port, input)));
    problems.forEach((problem, k) => {
      const sent = JSON.stringify(batch[k]?.bytes.toString('latin1').slice(0, 400));
      if (problem) report.failures.push(`upgrade (${batch[k]?.label}): ${problem}\nsent: ${sent}`);
    });
    report.inputs += batch.length;
    report.connections += batch.length;
  }
  return report;
}
