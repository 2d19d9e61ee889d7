import type { Prng } from '../prng.js';
import type { FuzzRoute } from './routes.js';

/** A request written byte by byte, for what no HTTP client sends: framing, encoding and syntax errors. */
export interface RawFuzz {
  readonly bytes: Buffer;
  /** The client ends its side after writing (a client that gives up mid-body). */
  readonly halfClose: boolean;
  /** false when the request is incomplete, so that no answer is a fair outcome. */
  readonly expectAnswer: boolean;
  readonly label: string;
}

const CRLF = '\r\n';

/** One seeded malformed request to `route` (its path, parameters left as they are). */
export function rawFuzz(route: FuzzRoute, rng: Prng, authorization: string): RawFuzz {
  const path = route.path.replace(/:\w+/g, '1').replace(/\*$/, 'x').replace(/^\*$/, '/');
  const body = '{"company":"Raw","job_title":"T"}';
  const line = (method = route.method, target = path, version = 'HTTP/1.1') =>
    `${method} ${target} ${version}`;
  const head = (lines: string[]) =>
    [line(), 'Host: 127.0.0.1', `Authorization: ${authorization}`, ...lines].join(CRLF);
  const json = 'Content-Type: application/json';
  const variants: (() => Omit<RawFuzz, 'label'> & { label: string })[] = [
    () => ({
      label: 'content-length larger than the body, then half-close',
      bytes: Buffer.from(`${head([json, 'Content-Length: 500'])}${CRLF}${CRLF}${body}`),
      halfClose: true,
      expectAnswer: false,
    }),
    () => ({
      label: 'content-length smaller than the body',
      bytes: Buffer.from(`${head([json, 'Content-Length: 5', 'Connection: close'])}${CRLF}${CRLF}${body}`),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'two different content-lengths',
      bytes: Buffer.from(`${head([json, 'Content-Length: 2', 'Content-Length: 3'])}${CRLF}${CRLF}{}x`),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'a bad chunk size',
      bytes: Buffer.from(
        `${head([json, 'Transfer-Encoding: chunked'])}${CRLF}${CRLF}zz${CRLF}{}${CRLF}0${CRLF}${CRLF}`,
      ),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'transfer-encoding and content-length',
      bytes: Buffer.from(
        `${head([json, 'Transfer-Encoding: chunked', 'Content-Length: 2'])}${CRLF}${CRLF}2${CRLF}{}${CRLF}0${CRLF}${CRLF}`,
      ),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'a control character in a header value',
      bytes: Buffer.from(`${head([`X-Odd: a\u0001b`, 'Connection: close'])}${CRLF}${CRLF}`),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'latin-1 bytes in the Idempotency-Key and Authorization',
      bytes: Buffer.concat([
        Buffer.from(
          `${line()}${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}${json}${CRLF}Content-Length: ${body.length}${CRLF}`,
        ),
        Buffer.from([
          0x49, 0x64, 0x65, 0x6d, 0x70, 0x6f, 0x74, 0x65, 0x6e, 0x63, 0x79, 0x2d, 0x4b, 0x65, 0x79, 0x3a,
          0x20, 0xe9, 0xff, 0x0d, 0x0a,
        ]),
        Buffer.from([
          0x41, 0x75, 0x74, 0x68, 0x6f, 0x72, 0x69, 0x7a, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x3a, 0x20, 0x42,
          0x65, 0x61, 0x72, 0x65, 0x72, 0x20, 0xe9, 0x0d, 0x0a,
        ]),
        Buffer.from(`${CRLF}${body}`),
      ]),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'an obs-fold header line',
      bytes: Buffer.from(`${head(['X-Fold: a', ' b', 'Connection: close'])}${CRLF}${CRLF}`),
      halfClose: false,
      expectAnswer: true,
    }),
    () => {
      const target = rng.pick([
        'http://[/x',
        `http://127.0.0.1:1${path}`,
        `//${path}`,
        '*',
        `${path}#frag`,
        `${path}?%zz=%zz`,
      ]);
      return {
        label: `request target ${target}`,
        bytes: Buffer.from(
          `${line(route.method, target)}${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}${CRLF}`,
        ),
        halfClose: false,
        expectAnswer: true,
      };
    },
    () => ({
      label: 'an unknown HTTP version',
      bytes: Buffer.from(
        `${line(route.method, path, rng.pick(['HTTP/9.9', 'HTTP/1.1x', 'HTTP/0.9']))}${CRLF}Host: x${CRLF}${CRLF}`,
      ),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'bare LF line ends',
      bytes: Buffer.from(`${line()}\nHost: 127.0.0.1\nConnection: close\n\n`),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'a space in the path',
      bytes: Buffer.from(`${route.method} ${path}/a b HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'a request target over the header size limit',
      bytes: Buffer.from(
        `${line(route.method, `${path}?q=${'x'.repeat(20_000)}`)}${CRLF}Host: x${CRLF}${CRLF}`,
      ),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: `Expect: ${'garbage'}`,
      bytes: Buffer.from(
        `${head([json, 'Expect: garbage', `Content-Length: ${body.length}`, 'Connection: close'])}${CRLF}${CRLF}${body}`,
      ),
      halfClose: false,
      expectAnswer: true,
    }),
    () => ({
      label: 'Expect: 100-continue',
      bytes: Buffer.from(
        `${head([json, 'Expect: 100-continue', `Content-Length: ${body.length}`, 'Connection: close'])}${CRLF}${CRLF}${body}`,
      ),
      halfClose: false,
      expectAnswer: true,
    }),
  ];
  return rng.pick(variants)();
}
