import { closeCodeAdvice, CloseCode, type CloseCodeName } from '@jobstream/protocol';
import { z } from 'zod';
import { gatewayCloseCodes, type DialectApi, type MessageSet } from '../../gateway/dialect-api.js';
import { dialects } from '../../gateway/dialects/index.js';

type Json = Record<string, unknown>;

/** A message's name: the literal of its tag (`subscribe`, `system.connected`, …). */
function nameOf(option: z.ZodType, tag: string): string {
  const literal = (option as z.ZodObject).shape[tag] as z.ZodLiteral | undefined;
  const value = literal?.value;
  if (typeof value !== 'string') throw new Error(`a message without a literal ${tag}`);
  return value;
}

/** Each message of a set, by name, with its JSON Schema (what the client sends: input; else output). */
function messages(set: MessageSet, io: 'input' | 'output'): [string, Json][] {
  return set.union.options.map((option) => {
    const schema = set.adds ? (option as z.ZodObject).extend(set.adds) : option;
    const payload = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Json;
    delete payload.$schema;
    return [nameOf(option as z.ZodType, set.tag), payload];
  });
}

const key = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

/** A close code's name (CloseCode's key). */
function closeCodeName(code: number): CloseCodeName {
  const name = (Object.keys(CloseCode) as CloseCodeName[]).find((n) => CloseCode[n] === code);
  if (name === undefined) throw new Error(`close code ${code} has no name in the protocol`);
  return name;
}

/** The close codes of an API with what each tells the client, as `x-close-codes`. */
function closeCodes(api: DialectApi): Json[] {
  const names = new Set<CloseCodeName>([...api.closeCodes, ...gatewayCloseCodes]);
  if (api.goingAway !== 'drop') names.add(closeCodeName(api.goingAway.code));
  const codes: Json[] = [...names].map((name) => ({
    code: CloseCode[name],
    name,
    meaning: closeCodeAdvice[name],
  }));
  if (api.goingAway === 'drop')
    codes.push({
      code: 1006,
      name: 'abnormal',
      meaning: 'at shutdown the connection ends without a close frame, as its original server did: reconnect',
    });
  return codes.sort((a, b) => Number(a.code) - Number(b.code));
}

/**
 * The AsyncAPI 3.0 document of every WebSocket API, made from the protocol package's zod schemas:
 * one channel per endpoint, its messages both ways (the server receives what clients send, and sends
 * the rest), its query parameters and its close codes (`x-close-codes`, with what each tells a client).
 */
export function asyncApiDocument(version: string): Json {
  const channels: Json = {};
  const operations: Json = {};
  const components: Json = {};
  for (const { api } of dialects) {
    const refs: Record<'send' | 'receive', Json[]> = { send: [], receive: [] };
    const channelMessages: Json = {};
    // A message's key in its channel: its name, with `client.` before what clients send (both sides
    // of some APIs have a `ping`).
    const add = (set: MessageSet, direction: 'send' | 'receive') => {
      for (const [name, payload] of messages(set, direction === 'receive' ? 'input' : 'output')) {
        const own = direction === 'receive' ? `client.${key(name)}` : key(name);
        components[`${api.id}.${own}`] = { name, title: name, payload };
        channelMessages[own] = { $ref: `#/components/messages/${api.id}.${own}` };
        refs[direction].push({ $ref: `#/channels/${api.id}/messages/${own}` });
      }
    };
    for (const set of api.server) add(set, 'send');
    if (api.client) add(api.client, 'receive');
    channels[api.id] = {
      address: api.address,
      title: api.title,
      description: api.description,
      messages: channelMessages,
      ...(api.parameters
        ? {
            parameters: Object.fromEntries(
              Object.entries(api.parameters).map(([p, d]) => [p, { description: d }]),
            ),
          }
        : {}),
      bindings: {
        ws: {
          method: 'GET',
          query: {
            type: 'object',
            properties: Object.fromEntries(
              Object.entries(api.query ?? {}).map(([q, d]) => [q, { type: 'string', description: d }]),
            ),
          },
        },
      },
      'x-close-codes': closeCodes(api),
    };
    operations[`${api.id}.serverSends`] = {
      action: 'send',
      channel: { $ref: `#/channels/${api.id}` },
      summary: `What the server sends on ${api.address}`,
      messages: refs.send,
    };
    if (refs.receive.length > 0)
      operations[`${api.id}.clientSends`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${api.id}` },
        summary: `What clients send on ${api.address}`,
        messages: refs.receive,
      };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Jobstream WebSocket APIs',
      version,
      description:
        'Six WebSocket APIs from one server: the native protocol and the five documented ones (spec/*.md). Every message is a JSON text frame. The REST API is described in OpenAPI at /docs/json.',
    },
    servers: {
      jobstream: { host: 'localhost:8000', protocol: 'ws', description: 'A Jobstream node (wss behind TLS)' },
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages: components },
  };
}
