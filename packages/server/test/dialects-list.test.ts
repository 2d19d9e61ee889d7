import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { dialects } from '../src/gateway/dialects/index.js';

test('the list of dialects: each serves the address its AsyncAPI description names (no other does) and goes away as it says', () => {
  const config = loadConfig({});
  const made = dialects.map((module) => ({
    api: module.api,
    dialect: module.create({ config, runEvents: { after: () => Promise.resolve([]) } }),
  }));
  assert.equal(new Set(made.map(({ api }) => api.id)).size, made.length, 'channel ids are unique');
  assert.equal(new Set(made.map(({ dialect }) => dialect.name)).size, made.length, 'names are unique');
  for (const { api, dialect } of made) {
    const path = api.address.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001');
    assert.notEqual(dialect.match(path), null, `${dialect.name} serves ${api.address}`);
    for (const other of made)
      if (other.dialect !== dialect)
        assert.equal(other.dialect.match(path), null, `${other.dialect.name} leaves ${path} alone`);
    assert.deepEqual(dialect.goingAway, api.goingAway, `${dialect.name} goes away as described`);
  }
});
