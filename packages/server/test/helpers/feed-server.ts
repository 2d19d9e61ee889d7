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
  /**
   * Answers `path` with this ETag and Last-Modified from now on, and 304 to a request whose
   * If-None-Match (or, without one, If-Modified-Since) matches them.
   */
  validators(path: string, etag: string, lastModified: string): void;
  /** How many requests to `path` were answered 304. */
  notModified(path: string): number;
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
    ['/ashby', [200, fixture('ashby-board.json')]],
    ['/workable', [200, fixture('workable-account.json')]],
    ['/smartrecruiters', [200, fixture('smartrecruiters-postings.json')]],
    ['/recruitee', [200, fixture('recruitee-offers.json')]],
    ['/remoteok', [200, fixture('remoteok.json')]],
    ['/weworkremotely', [200, fixture('weworkremotely.rss')]],
    ['/hn', [200, fixture('hn-thread.json')]],
    ['/broken-json', [200, '{"jobs": [ oops']],
    ['/wrong-shape', [200, '{"postings": 3}']],
    ['/error', [503, 'down for maintenance']],
    ['/wrong-xml', [200, '<feed><entry/></feed>']],
  ]);
  const delays = new Map<string, number>();
  const hits = new Map<string, number>();
  const tags = new Map<string, { etag: string; lastModified: string }>();
  const unchanged = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/hang') return;
    const [status, body] = routes.get(path) ?? [404, 'not found'];
    const tag = tags.get(path);
    const match = req.headers['if-none-match']
      ? req.headers['if-none-match'] === tag?.etag
      : req.headers['if-modified-since'] !== undefined &&
        req.headers['if-modified-since'] === tag?.lastModified;
    const headers = tag ? { etag: tag.etag, 'last-modified': tag.lastModified } : {};
    const answer = () => {
      if (res.destroyed) return;
      if (tag && match) {
        unchanged.set(path, (unchanged.get(path) ?? 0) + 1);
        res.writeHead(304, headers).end();
      } else res.writeHead(status, headers).end(body);
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
    validators: (path, etag, lastModified) => tags.set(path, { etag, lastModified }),
    notModified: (path) => unchanged.get(path) ?? 0,
  };
}
