import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import WebSocket from 'ws';
import { api } from './api.js';

/** What a matching stream sends, as parsed JSON. */
export type Message = Record<string, unknown>;

/** A run of `n` targets, one criterion: 3 events per target, one match each, 4 status and plan events. */
export function runOf(n: number) {
  return {
    source: { name: 'CV', text: 'TypeScript services on Node.js. PostgreSQL schemas. Kubernetes.' },
    targets: Array.from({ length: n }, (_, i) => ({
      id: `t${i}`,
      name: `Company ${i}`,
      text: i % 2 ? `Company ${i} runs TypeScript on Node.js.` : `Company ${i} bakes bread.`,
    })),
    criteria: [{ id: 'ts', label: 'TypeScript and Node.js' }],
  };
}

/** The documented order of a run of `n` targets, as `type` (and `:status`) names. */
export function documentedOrder(n: number): string[] {
  const target = [
    'matching.job.target.search',
    'matching.job.target.evaluation',
    'matching.job.target.candidate',
  ];
  return [
    'matching.job.status:queued',
    'matching.job.status:running',
    'matching.job.criteria',
    'matching.job.source_snippets',
    ...Array.from({ length: n }, () => target).flat(),
    ...Array.from({ length: n }, () => 'matching.job.match.persisted'),
    'matching.job.status:complete',
  ];
}

export const names = (messages: readonly Message[]): string[] =>
  messages.map((m) => `${String(m.type)}${m.type === 'matching.job.status' ? `:${String(m.status)}` : ''}`);

/** Every message a matching socket receives until the run ends (or `until` says so). */
export function watch(url: string, until = (m: Message) => m.status === 'complete') {
  const ws = new WebSocket(url);
  const messages: Message[] = [];
  const done = new Promise<Message[]>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as Message;
      messages.push(message);
      if (message.type === 'matching.job.status' && until(message)) {
        ws.close();
        resolve(messages);
      }
    });
    ws.on('close', (code) => reject(new Error(`closed with ${code} after ${messages.length} messages`)));
    ws.on('error', () => {});
  });
  done.catch(() => {}); // awaited by the test; a close after the end is no failure
  return { ws, messages, done };
}

export async function waitForStatus(url: string, id: string, status: string): Promise<void> {
  const call = api(url);
  for (let i = 0; i < 600; i++) {
    const job = await call<{ status: string }>('GET', `/api/v1/queue/jobs/${id}`);
    if (job.body.status === status) return;
    if (['failed', 'cancelled'].includes(job.body.status)) assert.fail(`run ${id} is ${job.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`run ${id} did not become ${status}`);
}

/** Each event once (event_ids strictly increasing), in the documented order, ranks 1…n. */
export function assertWholeRun(messages: readonly Message[], n: number): void {
  assert.deepEqual(names(messages), documentedOrder(n));
  const ids = messages.map((m) => Number(m.event_id));
  assert.ok(
    ids.every((id, i) => i === 0 || id > ids[i - 1]!),
    'every event once, in order',
  );
  const ranks = messages.filter((m) => m.type === 'matching.job.match.persisted').map((m) => m.rank);
  assert.deepEqual(
    ranks,
    Array.from({ length: n }, (_, i) => i + 1),
  );
}

/**
 * An OpenAI-compatible stub that answers every evaluation GOOD after `delayMs`; while `failing()`, it
 * answers HTTP 500 instead.
 */
export async function slowLlm(t: TestContext, delayMs: number, failing = () => false): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        if (res.destroyed) return;
        if (failing()) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'the model is overloaded' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        const content = '{"rating":"GOOD","reason":"fits"}';
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}
