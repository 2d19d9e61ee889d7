import { CloseCode } from '@jobstream/protocol';
import type { Prng } from '../prng.js';
import { clientFrame, Op, RawWs } from '../raw-ws.js';
import { closingInput, framed, type ClosingInput } from './frames.js';
import { unmatched } from './matcher.js';
import type { Input } from './messages.js';
import type { EndpointModel } from './model.js';

export interface FuzzTarget {
  readonly port: number;
  /** MAX_PAYLOAD_BYTES of the server. */
  readonly maxPayload: number;
  /** RATE_LIMIT_BURST of the server: a flood is twice that and more. */
  readonly burst: number;
}

export interface EndpointReport {
  /** Inputs sent: in-band messages, inputs that close their connection, and the flood. */
  inputs: number;
  closing: number;
  connections: number;
  /** Close codes seen, with how often. */
  readonly closes: Map<number, number>;
  readonly failures: string[];
}

const BATCH = 100;
/** Inputs as large as this stay in-band; the frame limit is what closing inputs are for. */
const IN_BAND_BYTES = 60_000;
const WAIT_MS = 30_000;

/**
 * Sends `n` inputs to one endpoint: batches written in one go on connections of `perConnection`
 * inputs (each answer checked against what its input allows), inputs that end their connection on
 * connections of their own, and one flood. Stops early after a few failures, each described.
 */
export async function fuzzEndpoint(
  target: FuzzTarget,
  model: EndpointModel,
  r: Prng,
  n: number,
): Promise<EndpointReport> {
  const report: EndpointReport = { inputs: 0, closing: 0, connections: 0, closes: new Map(), failures: [] };
  // One in 25 inputs ends its connection (each on a connection of its own); one is the flood.
  const closing = Array.from({ length: Math.max(10, Math.floor(n / 25)) }, () =>
    closingInput(r, target.maxPayload),
  );
  report.inputs += closing.length;
  while (report.inputs < n - 1 && report.failures.length < 3) {
    const count = Math.min(model.perConnection, n - 1 - report.inputs);
    report.inputs += count;
    await inBandConnection(target, model, r, count, report);
  }
  for (let i = 0; i < closing.length && report.failures.length < 3; i += 8) {
    await Promise.all(
      closing.slice(i, i + 8).map((input) => closingConnection(target, model, input, report)),
    );
  }
  report.closing = closing.length;
  if (report.failures.length < 3) await flood(target, model, report);
  report.inputs++;
  return report;
}

function input(model: EndpointModel, r: Prng): Input {
  for (let i = 0; ; i++) {
    const candidate = model.input(r);
    if (Buffer.byteLength(candidate.text) <= IN_BAND_BYTES || i > 20) return candidate;
  }
}

async function open(
  target: FuzzTarget,
  model: EndpointModel,
  report: EndpointReport,
): Promise<RawWs | undefined> {
  report.connections++;
  try {
    return await RawWs.open(target.port, model.path);
  } catch (error) {
    report.failures.push(`${model.name}: could not connect: ${String(error)}`);
    return undefined;
  }
}

/** The answers among `texts`, by kind; what is no answer (events, welcomes) left out. */
const answersOf = (model: EndpointModel, texts: readonly string[]): string[] =>
  texts.map((text) => model.classify(text)).filter((kind): kind is string => kind !== null);

async function inBandConnection(
  target: FuzzTarget,
  model: EndpointModel,
  r: Prng,
  count: number,
  report: EndpointReport,
): Promise<void> {
  const ws = await open(target, model, report);
  if (!ws) return;
  try {
    for (let sent = 0; sent < count && report.failures.length < 3; sent += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, count - sent) }, () => input(model, r));
      const from = ws.texts().length;
      const frames = batch.map((i) => framed(r, i));
      const expects = batch.map((i) => i.expect);
      const mark = r.bytes(8);
      if (model.sentinel) {
        frames.push(clientFrame(model.sentinel.text));
        expects.push(model.sentinel.expect);
      } else frames.push(clientFrame(mark, { opcode: Op.ping }));
      ws.write(Buffer.concat(frames));
      const wanted = expects.filter((e) => e.length > 0).length;
      const done = () =>
        answersOf(model, ws.texts().slice(from)).length >= wanted &&
        (model.sentinel !== undefined || ws.pongs.some((p) => p.equals(mark)));
      const arrived = await ws.until(done, WAIT_MS);
      const answers = answersOf(model, ws.texts().slice(from));
      const problem = !arrived
        ? ws.socket.destroyed
          ? `the connection closed (${(await ws.closed).code})`
          : `no answer within ${WAIT_MS} ms`
        : (answers.find((a) => a.startsWith('undocumented')) ?? unmatched(expects, answers));
      if (problem !== null && problem !== undefined) {
        report.failures.push(describe(model, problem, batch, answers));
        return;
      }
    }
  } finally {
    ws.close();
    const { code } = (await within(ws.closed, WAIT_MS)) ?? { code: -1 };
    report.closes.set(code, (report.closes.get(code) ?? 0) + 1);
    ws.socket.destroy();
  }
}

async function closingConnection(
  target: FuzzTarget,
  model: EndpointModel,
  input: ClosingInput,
  report: EndpointReport,
): Promise<void> {
  const ws = await open(target, model, report);
  if (!ws) return;
  ws.write(input.bytes);
  if (input.endAfter) ws.socket.end();
  const closed = await within(ws.closed, WAIT_MS);
  ws.socket.destroy();
  if (closed === undefined)
    return void report.failures.push(`${model.name}: ${input.label}: not closed within ${WAIT_MS} ms`);
  report.closes.set(closed.code, (report.closes.get(closed.code) ?? 0) + 1);
  const wrong = answersOf(model, ws.texts()).find((a) => a.startsWith('undocumented'));
  const codeOk =
    input.codes.length === 0 ? closed.code >= 1000 && closed.code < 5000 : input.codes.includes(closed.code);
  if (!codeOk || wrong) {
    report.failures.push(
      `${model.name}: ${input.label}: closed with ${closed.code} (${closed.reason}), expected ${input.codes.join(' or ') || 'a close code'}${wrong ? `; ${wrong}` : ''}`,
    );
  }
}

/** Twice the burst and more, in one write: documented rate errors, then 1008. */
async function flood(target: FuzzTarget, model: EndpointModel, report: EndpointReport): Promise<void> {
  const ws = await open(target, model, report);
  if (!ws) return;
  const frame = clientFrame(model.flood);
  ws.write(Buffer.concat(Array.from({ length: 2 * target.burst + 50 }, () => frame)));
  const closed = await within(ws.closed, WAIT_MS);
  ws.socket.destroy();
  const answers = answersOf(model, ws.texts());
  const told = answers.filter((a) => model.rateErrors.includes(a)).length;
  const wrong = answers.find((a) => a.startsWith('undocumented'));
  if (closed?.code !== CloseCode.policy || wrong || (model.rateErrors.length > 0 && told === 0)) {
    report.failures.push(
      `${model.name}: flood: closed with ${closed?.code ?? 'nothing'}, ${told} rate errors${wrong ? `; ${wrong}` : ''}`,
    );
  }
}

function describe(
  model: EndpointModel,
  problem: string,
  batch: readonly Input[],
  answers: readonly string[],
): string {
  const inputs = batch.map((i) => `  ${i.label} [${i.expect.join('|')}] ${i.text.slice(0, 120)}`).join('\n');
  return `${model.name}: ${problem}\nanswers: ${answers.join(', ')}\ninputs:\n${inputs}`;
}

/** `promise`'s value, or undefined after `ms`; the timer is cleared either way (it would hold the socket). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
