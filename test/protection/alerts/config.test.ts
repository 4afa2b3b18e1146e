import test from 'ava';
import { parse as parseYaml } from 'yaml';
import { parseAlertsConfig } from '../../../src/protection/alerts/config.js';
import { ProtectionError } from '../../../src/protection/errors.js';

test('the contract example parses to typed settings, durations in ms', (t) => {
  const raw = parseYaml(`
alerts:
  webhook: http://127.0.0.1:9093
  newEdge: { learnFor: 10m }
  denyBurst: { count: 20, within: 60s }
  rateSpike: { factor: 5, minPerSecond: 10 }
  identitySpread: { addresses: 5, within: 60s }
`) as { alerts: unknown };
  t.deepEqual(parseAlertsConfig(raw.alerts), {
    webhook: 'http://127.0.0.1:9093',
    newEdge: { learnForMs: 600_000 },
    denyBurst: { count: 20, withinMs: 60_000 },
    rateSpike: { factor: 5, minPerSecond: 10, windowMs: 10_000, baselineMs: 600_000 },
    identitySpread: { addresses: 5, withinMs: 60_000 },
    resolveAfterMs: 300_000,
  });
});

test('a detector is on when its section is there, with defaults for what it leaves out; off without it', (t) => {
  const raw = parseYaml('newEdge:\ndenyBurst: { count: 3 }\nrateSpike: {}\nresolveAfter: 90s\n');
  t.deepEqual(parseAlertsConfig(raw), {
    newEdge: { learnForMs: 600_000 },
    denyBurst: { count: 3, withinMs: 60_000 },
    rateSpike: { factor: 5, minPerSecond: 10, windowMs: 10_000, baselineMs: 600_000 },
    resolveAfterMs: 90_000,
  });
  t.deepEqual(parseAlertsConfig(undefined), { resolveAfterMs: 300_000 }, 'no section: alerts off, nothing to deliver');
  t.deepEqual(parseAlertsConfig({ newEdge: false }), { resolveAfterMs: 300_000 });
});

test('durations as the rest of the config writes them; anything else, zero or negative is refused naming the field', (t) => {
  t.like(parseAlertsConfig({ denyBurst: { within: '500ms' }, newEdge: { learnFor: '1h' }, identitySpread: { within: 90_000 } }), {
    denyBurst: { withinMs: 500 },
    newEdge: { learnForMs: 3_600_000 },
    identitySpread: { withinMs: 90_000 },
  });
  for (const bad of ['60', '0s', '-1s', 'soon', '', 0, -5, true]) {
    const e = t.throws(() => parseAlertsConfig({ denyBurst: { within: bad } }), { instanceOf: ProtectionError });
    t.is(e?.code, 'protection_invalid_config');
    t.true(e?.message.startsWith('alerts.denyBurst.within must be a positive duration'), e?.message);
  }
});

const refusals: [unknown, string][] = [
  [{ denyBurst: { count: 0 } }, 'alerts.denyBurst.count must be a positive integer'],
  [{ denyBurst: { count: 2.5 } }, 'alerts.denyBurst.count must be a positive integer'],
  [{ denyBurst: { count: '20' } }, 'alerts.denyBurst.count must be a positive integer'],
  [{ denyBurst: { within: '60' } }, 'alerts.denyBurst.within must be a positive duration'],
  [{ denyBurst: { cuont: 3 } }, 'alerts.denyBurst.cuont is not a setting'],
  [{ denyBurst: [] }, 'alerts.denyBurst must be a mapping'],
  [{ newEdge: { learnFor: 'never' } }, 'alerts.newEdge.learnFor must be a positive duration'],
  [{ rateSpike: { factor: 0 } }, 'alerts.rateSpike.factor must be a positive number'],
  [{ rateSpike: { factor: 1 } }, 'alerts.rateSpike.factor must be greater than 1'],
  [{ rateSpike: { minPerSecond: -1 } }, 'alerts.rateSpike.minPerSecond must be a positive number'],
  [{ rateSpike: { window: '1m', baseline: '10s' } }, 'alerts.rateSpike.baseline must be at least alerts.rateSpike.window'],
  [{ identitySpread: { addresses: 1 } }, 'alerts.identitySpread.addresses must be from 2 to 256'],
  [{ identitySpread: { within: '5 minutes' } }, 'alerts.identitySpread.within must be a positive duration'],
  [{ webhook: 'ftp://am:9093' }, 'alerts.webhook must be an http(s) URL'],
  [{ webhook: 'not a url' }, 'alerts.webhook must be an http(s) URL'],
  [{ webhook: 'http://user:secret@am:9093' }, 'alerts.webhook must not carry credentials'],
  [{ resolveAfter: '0s' }, 'alerts.resolveAfter must be a positive duration'],
  [{ bans: {} }, 'alerts.bans is not a setting'],
  ['on', 'alerts must be a mapping'],
];

for (const [raw, message] of refusals) {
  test(`refused: ${JSON.stringify(raw)}`, (t) => {
    const e = t.throws(() => parseAlertsConfig(raw), { instanceOf: ProtectionError });
    t.is(e?.code, 'protection_invalid_config');
    t.true(e?.message.startsWith(message), e?.message);
  });
}

test('the field path given is the one errors name (the server may nest the section)', (t) => {
  t.throws(() => parseAlertsConfig({ denyBurst: { count: -3 } }, 'protection.alerts'), { message: /^protection\.alerts\.denyBurst\.count must be a positive integer, not -3$/ });
});

test('identitySpread.addresses past what the store can count distinctly is refused', (t) => {
  t.throws(() => parseAlertsConfig({ identitySpread: { addresses: 257, within: '60s' } }), { message: /alerts\.identitySpread\.addresses must be from 2 to 256, not 257/ });
});
