import test from 'ava';
import { instanceLabels } from '../../src/audit/instance-labels.js';
import { readServeConfigFile } from '../../src/server/config.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '../helpers/temp-dir.js';

test('labels: a fresh id unless given; the config labels kept as strings', (t) => {
  t.deepEqual(instanceLabels(undefined, () => 'fresh'), { id: 'fresh' });
  t.deepEqual(instanceLabels({ region: 'eu', id: 'pod-1' }, () => 'fresh'), { region: 'eu', id: 'pod-1' });
  t.deepEqual(instanceLabels({ region: 'eu' }, () => 'fresh'), { region: 'eu', id: 'fresh' });
});

test('labels that cannot be used are config errors naming the label', (t) => {
  t.throws(() => instanceLabels(['a']), { message: /labels must map label names to strings/ });
  t.throws(() => instanceLabels({ version: '9' }), { message: /"version" cannot be set/ });
  t.throws(() => instanceLabels({ region: 3 }), { message: /labels\.region must be a non-empty string/ });
  const dir = temporaryDirectory('warden-labels-');
  const file = join(dir, 'warden.yaml');
  writeFileSync(file, 'labels:\n  app: mine\n');
  t.throws(() => readServeConfigFile(file), { message: /warden\.yaml: labels: "app" cannot be set/ });
});
