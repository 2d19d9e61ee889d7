import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** A recorded feed from test/fixtures/feeds. */
export const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');

export interface FeedServer {
  readonly url: string;
  /** Answers `path` with this status and body from now on. */
  set(path: string, status: number, body: string): void;
  /** Holds answers to `path` this long first. */
  delay(path: string, ms: number): void;
  /** Requests `path` has had. */
  hits(path: string): number;
}

/**
 * A local server answering each path with a recorded feed in its public format, or misbehaving on
 * purpose: `/hang` never answers, unknown paths are 404.
 */
export async function feedServer(t: TestContext): Promise<FeedServer> {
  const routes = new Map<string, [number, string]>([
    ['/greenhouse', [200, fixture('greenhouse-board.json')]],
    ['/lever', [200, fixture('lever-postings.json')]],
    ['/json', [200, fixture('feed.json')]],
    ['/rss', [200, fixture('feed.rss')]],
    ['/broken-json', [200, '{"jobs": [ oops']],
    ['/wrong-shape', [200, '{"postings": 3}']],
    ['/error', [503, 'down for maintenance']],
    ['/wrong-xml', [200, '<feed><entry/></feed>']],
  ]);
  const delays = new Map<string, number>();
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/hang') return;
    const [status, body] = routes.get(path) ?? [404, 'not found'];
    const answer = () => {
      if (!res.destroyed) res.writeHead(status).end(body);
    };
    const delay = delays.get(path);
    if (delay) setTimeout(answer, delay);
    else answer();
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (path, status, body) => routes.set(path, [status, body]),
    delay: (path, ms) => delays.set(path, ms),
    hits: (path) => hits.get(path) ?? 0,
  };
}
