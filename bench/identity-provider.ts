// Jobstream only lets admins (or owners) read topics such as `bench` and `job-1`. The bench acts as the
// external identity provider Jobstream supports (JWT_JWKS_URL): it serves an ES256 public key on
// loopback and mints one admin token that the clients send as `?token=` on the /ws URL.

import { generateKeyPairSync, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IdentityProvider {
  jwksUrl: string;
  token: string;
  close: () => Promise<void>;
}

const KID = 'jobstream-bench';
const TOKEN_TTL_S = 6 * 3600;

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export async function startIdentityProvider(): Promise<IdentityProvider> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks = JSON.stringify({
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'ES256', use: 'sig' }],
  });

  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: KID }));
  const payload = b64url(JSON.stringify({ sub: 'bench', role: 'admin', iat: now, exp: now + TOKEN_TTL_S }));
  // JWS ES256 wants the raw r‖s signature, not DER.
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  const token = `${header}.${payload}.${b64url(signature)}`;

  const server = http.createServer((req, res) => {
    const ok = req.method === 'GET' && req.url === '/jwks.json';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ok ? jwks : '{}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
