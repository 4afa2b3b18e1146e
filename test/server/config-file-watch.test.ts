import test from 'ava';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchConfigFile } from '../../src/server/config-file-watch.js';
import type { ServeConfig } from '../../src/server/config.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

async function until(ok: () => boolean): Promise<boolean> {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  return ok();
}

test('a changed config file is reported parsed; a broken one is an error and what is in force stays', async (t) => {
  const dir = temporaryDirectory('warden-config-');
  const file = join(dir, 'warden.yaml');
  writeFileSync(file, 'ipDeny: ["10.0.0.1"]\n');
  const changes: Array<Partial<ServeConfig>> = [];
  const errors: Error[] = [];
  const stop = watchConfigFile(file, { onChange: (c) => changes.push(c), onError: (e) => errors.push(e) }, 20);
  t.teardown(stop);
  writeFileSync(join(dir, 'next.yaml'), 'ipDeny: ["10.0.0.2"]\n');
  renameSync(join(dir, 'next.yaml'), file);
  t.true(await until(() => changes.length === 1));
  t.deepEqual((changes[0] as Record<string, unknown>).ipDeny, ['10.0.0.2']);
  writeFileSync(file, 'ipDeny: ["10.0.0.2"]\nnoSuchKey: 1\n');
  t.true(await until(() => errors.length === 1));
  t.regex(errors[0]!.message, /unknown keys noSuchKey/);
  t.is(changes.length, 1);
});
