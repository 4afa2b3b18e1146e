import test from 'ava';
import { splitHostPort, startMetricsServer, WardenMetrics } from '../../src/audit/index.js';

test('every metric is prefixed warden_ and served at /metrics', async (t) => {
  const m = new WardenMetrics();
  m.recordDecision('envoy', 'allow', 0.0003);
  m.recordCache(true);
  m.recordCache(false);
  m.recordReload('abc');
  m.recordReload('def');
  m.recordReloadFailure();
  const server = await startMetricsServer(m.registry, '127.0.0.1:0');
  try {
    const text = await (await fetch(server.url)).text();
    const names = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((x) => x[1]!));
    t.true([...names].every((n) => n.startsWith('warden_')));
    t.regex(text, /^warden_decisions_total\{api="envoy",result="allow"\} 1$/m);
    t.regex(text, /^warden_policy_revision\{revision="def"\} 1$/m);
    t.notRegex(text, /revision="abc"/);
    t.regex(text, /^warden_policy_reloads_total 2$/m);
    t.regex(text, /^warden_policy_reload_failures_total 1$/m);
  } finally {
    await server.close();
  }
});

test('HOST:PORT parsing', (t) => {
  t.deepEqual(splitHostPort('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
  t.deepEqual(splitHostPort('[::1]:80'), { host: '::1', port: 80 });
  t.deepEqual(splitHostPort(':9464'), { host: '127.0.0.1', port: 9464 });
  t.throws(() => splitHostPort('nope'));
});
