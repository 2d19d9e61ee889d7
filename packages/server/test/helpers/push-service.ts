import assert from 'node:assert/strict';
import { createDecipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from 'jose';

/** A browser's side of a push subscription: the keys the push is encrypted for, kept by the test. */
export interface TestBrowser {
  /** `PushSubscription.toJSON()`, as the dashboard posts it. */
  readonly subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  /** Decrypts an aes128gcm body (RFC 8291) sent to this subscription. */
  decrypt(body: Buffer): string;
}

/** One push as the stub received it, already checked and decrypted. */
export interface ReceivedPush {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The VAPID token's claims (its signature verified). */
  readonly claims: JWTPayload;
  /** The `k=` of the Authorization header: the server's VAPID public key. */
  readonly vapidKey: string;
  readonly payload: unknown;
}

/**
 * A push service on loopback, as browsers' vendors run them: it takes `POST /push/<name>`, checks the
 * VAPID authorization (RFC 8292: `vapid t=<JWT>, k=<key>`, an ES256 JWT signed by that key, its `aud`
 * this origin, `exp` ahead, a `sub`), `TTL` and `Content-Encoding: aes128gcm`, and decrypts the body
 * with the browser's private key (RFC 8291 over RFC 8188). Each path answers `status(path)` (201 by default).
 */
export async function startPushService(t: TestContext) {
  const browsers = new Map<string, TestBrowser>();
  const received: ReceivedPush[] = [];
  const problems: string[] = [];
  const statuses = new Map<string, number[]>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      check(path, req.headers, Buffer.concat(chunks))
        .then((push) => {
          received.push(push);
          for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
          // The answers given for this path in turn; the last one stays.
          const queue = statuses.get(path) ?? [];
          const status = (queue.length > 1 ? queue.shift() : queue[0]) ?? 201;
          // 0: no answer at all (a push service that hangs).
          if (status !== 0) res.writeHead(status).end();
        })
        .catch((error: unknown) => {
          problems.push(`${path}: ${String(error)}`);
          res.writeHead(400).end(String(error));
        });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function check(path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<ReceivedPush> {
    const browser = browsers.get(path);
    if (!browser) throw new Error('no such subscription');
    assert.equal(headers['content-encoding'], 'aes128gcm');
    assert.match(String(headers.ttl), /^\d+$/);
    const auth = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(headers.authorization ?? '');
    assert.ok(auth, `Authorization is vapid t=…, k=… (got ${headers.authorization})`);
    const [, token = '', vapidKey = ''] = auth;
    assert.equal(decodeProtectedHeader(token).alg, 'ES256');
    const point = Buffer.from(vapidKey, 'base64url');
    assert.equal(point.length, 65);
    const key = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      'ES256',
    );
    // Signature, audience (this push service's origin) and expiry, as a push service checks them.
    const { payload: claims } = await jwtVerify(token, key, { audience: origin, algorithms: ['ES256'] });
    assert.ok(typeof claims.exp === 'number' && claims.exp * 1000 > Date.now(), 'exp in the future');
    assert.ok(typeof claims.sub === 'string' && /^(mailto:|https:)/.test(claims.sub), 'sub is a contact');
    return { path, headers, claims, vapidKey, payload: JSON.parse(browser.decrypt(body)) as unknown };
  }

  return {
    origin,
    received,
    problems,
    /** A new subscription at `/push/<name>`, with keys made as a browser makes them. */
    browser(name: string): TestBrowser {
      const path = `/push/${name}`;
      const browser = testBrowser(`${origin}${path}`);
      browsers.set(path, browser);
      return browser;
    },
    /** What the push service answers at `/push/<name>` from now on, in turn, the last one staying (410: gone; 0: nothing). */
    answer(name: string, ...answers: number[]): void {
      statuses.set(`/push/${name}`, answers);
    },
    /** Resolves once `count` pushes have come. */
    pushes(count: number, timeoutMs = 8000): Promise<ReceivedPush[]> {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${received.length} of ${count} pushes within ${timeoutMs} ms; ${problems.join('; ')}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
  };
}

/** A browser's subscription keys (P-256 ECDH pair, 16-byte auth secret) and the matching decryption. */
export function testBrowser(endpoint: string): TestBrowser {
  const ecdh = createECDH('prime256v1');
  const uaPublic = ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    subscription: {
      endpoint,
      keys: { p256dh: uaPublic.toString('base64url'), auth: authSecret.toString('base64url') },
    },
    decrypt(body) {
      return decryptAes128gcm(body, ecdh.getPrivateKey(), uaPublic, authSecret);
    },
  };
}

const hmac = (key: Buffer, data: Buffer): Buffer => createHmac('sha256', key).update(data).digest();

/**
 * RFC 8291 §3.4 and RFC 8188 §2: the body is salt (16) | rs (4) | idlen (1) | keyid (the server's
 * ephemeral public key) | records; the content key and nonce come from HKDF over the ECDH secret and
 * the browser's auth secret; each record ends with a padding delimiter (2 for the last, then zeros).
 */
export function decryptAes128gcm(
  body: Buffer,
  uaPrivate: Buffer,
  uaPublic: Buffer,
  authSecret: Buffer,
): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body.readUInt8(20);
  assert.equal(idlen, 65, 'keyid is the server’s uncompressed P-256 public key');
  const asPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(uaPrivate);
  const ecdhSecret = ecdh.computeSecret(asPublic);
  // HKDF-Extract(auth_secret, ecdh_secret), then HKDF-Expand with "WebPush: info" || 0 || ua || as.
  const prkKey = hmac(authSecret, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic, Buffer.from([1])]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonceBase = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const out: Buffer[] = [];
  const count = Math.ceil(records.length / rs);
  for (let seq = 0; seq < count; seq++) {
    const record = records.subarray(seq * rs, (seq + 1) * rs);
    const nonce = Buffer.from(nonceBase);
    // The record's sequence number, XORed into the nonce's low bytes (a handful of records at most).
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const delimiter = plain[end];
    assert.equal(delimiter, seq === count - 1 ? 2 : 1, 'padding delimiter');
    out.push(plain.subarray(0, end));
  }
  return Buffer.concat(out).toString('utf8');
}
