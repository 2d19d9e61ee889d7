import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, describeConfig, loadConfig, settings, type SettingName } from '../src/config.js';
import { Prng } from './helpers/prng.js';

/** Values a setting may be handed: each setting's default, others', and hostile text. */
function values(rng: Prng): string {
  const defaults = Object.values(settings).flatMap((s) => ('default' in s ? [s.default] : []));
  return rng.weighted<() => string>([
    [3, () => rng.pick(defaults)],
    [2, () => String(rng.range(-2, 2 ** 33) * (rng.chance(0.5) ? 1 : -1))],
    [1, () => rng.pick(['true', 'no', 'on', 'auto', '*', ',', ' , ,', '0x10', '1e309', 'NaN'])],
    [1, () => rng.pick(['redis://', 'postgres://u:p@h/db', 'sqlite:', 'http://[', 'https://a.example'])],
    [1, () => rng.string(rng.range(0, 40), 'a:/.,*%@[]{} \t\u0000\u2028é0123456789')],
    [1, () => 'x'.repeat(rng.range(1000, 100_000))],
  ])();
}

test('settings fuzz: any value of any setting starts the server or stops it with a ConfigError naming it', () => {
  const seed = Number(process.env.FUZZ_SEED ?? 20261201) >>> 0;
  const rng = new Prng(seed);
  const names = Object.keys(settings) as SettingName[];
  const runs = Number(process.env.FUZZ_N ?? 3000);
  let accepted = 0;
  for (let i = 0; i < runs; i++) {
    const env: Record<string, string> = {};
    const flags: Partial<Record<SettingName, string>> = {};
    const chosen = Array.from({ length: rng.range(1, 4) }, () => rng.pick(names));
    for (const name of chosen) {
      if (rng.chance(0.5)) env[settings[name].env] = values(rng);
      else flags[name] = values(rng);
    }
    try {
      const config = loadConfig(env, flags);
      accepted++;
      assert.equal(typeof describeConfig(config), 'object');
    } catch (error) {
      assert.ok(error instanceof ConfigError, `FUZZ_SEED=${seed} run ${i}: ${String(error)}`);
      // The message names a variable, so an operator knows what to fix.
      assert.match(error.message, /[A-Z_]{3,}/, `FUZZ_SEED=${seed} run ${i}: ${error.message}`);
    }
  }
  assert.ok(accepted > 0 && accepted < runs, `some accepted, some refused (${accepted} of ${runs})`);
});
