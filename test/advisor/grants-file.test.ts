import test from 'ava';
import { join } from 'node:path';
import { AdvisorError, readGrantsFile } from '../../src/advisor/index.js';
import { logFolder } from '../helpers/decision-records.js';
import { folder } from '../helpers/cli.js';

test('grants are found wherever data.json mounts them: at the root or under warden/config', (t) => {
  const root = folder({ 'data.json': JSON.stringify({ warden: { config: { grants: [] } } }), 'p.rego': 'package x\n' });
  t.deepEqual(readGrantsFile(root).keysInFile, ['warden', 'config', 'grants']);
  t.is(readGrantsFile('policies').relativePath, 'warden/config/data.json');
});

test('a malformed grant is refused naming the file, the grant and the field', (t) => {
  const dir = folder({ 'warden/config/data.json': JSON.stringify({ grants: [{ service: 'a', caller: { namespace: 'n', service_account: 's' }, actions: ['x'] }, { service: 'b', caller: { namespace: 'n' }, actions: [] }] }) });
  const err = t.throws(() => readGrantsFile(dir), { instanceOf: AdvisorError });
  t.is((err as AdvisorError).code, 'advisor_invalid_grants');
  t.is(err!.message, `${join(dir, 'warden/config/data.json')}: data.warden.config.grants[1].caller: must be {namespace: string, service_account: string}`);
});

test('a policy directory without the bundled layout is refused, saying what is supported', (t) => {
  const dir = logFolder({ 'data.json': JSON.stringify({ roles: {} }) });
  const err = t.throws(() => readGrantsFile(dir), { instanceOf: AdvisorError });
  t.is((err as AdvisorError).code, 'advisor_unsupported_layout');
  t.regex(err!.message, /reads the bundled layout only \(grants: \[\{service, caller: \{namespace, service_account\}, actions\}\]/);
});
