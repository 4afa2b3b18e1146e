import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readServeConfigFile } from '../../src/server/config.js';
import { loadShadowCandidate, parseShadowConfig } from '../../src/shadow/index.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

test('shadow settings are checked, naming the key that is wrong', (t) => {
  t.deepEqual(parseShadowConfig({ source: 'cand' }), { source: 'cand', sample: 1 });
  t.deepEqual(parseShadowConfig({ source: 'cand', sample: 0 }), { source: 'cand', sample: 0 });
  for (const [value, pattern] of [
    ['cand', /shadow must be an object/],
    [{ sample: 0.5 }, /shadow\.source must be/],
    [{ source: 'cand', sample: 1.5 }, /shadow\.sample must be a number from 0 to 1, got 1\.5/],
    [{ source: 'cand', sample: '0.5' }, /shadow\.sample/],
    [{ source: 'cand', rate: 1 }, /shadow: unknown key "rate"/],
  ] as const) {
    t.throws(() => parseShadowConfig(value), { message: pattern });
  }
});

test('a config file: shadow is a known key, its relative source found beside the file, a bad sample refused', (t) => {
  const dir = temporaryDirectory('warden-shadow-config-');
  const file = join(dir, 'warden.yaml');
  writeFileSync(file, 'shadow:\n  source: cand\n  sample: 0.25\n');
  t.deepEqual(readServeConfigFile(file).shadow, { source: join(dir, 'cand'), sample: 0.25 });
  writeFileSync(file, 'shadow:\n  source: cand\n  sample: -1\n');
  const e = t.throws(() => readServeConfigFile(file));
  t.regex(e!.message, /config .*warden\.yaml: shadow\.sample must be a number from 0 to 1/);
});

test('a shadow source that does not exist is refused with its path', async (t) => {
  await t.throwsAsync(loadShadowCandidate('/nonexistent/candidate', ['warden/authz/decision']), { code: 'shadow_policy_failed', message: /shadow \/nonexistent\/candidate/ } as never);
});
