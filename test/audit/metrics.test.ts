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

test('the latency histogram and counters read as prom-client exposes them', async (t) => {
  const m = new WardenMetrics();
  for (const seconds of [0.00004, 0.0003, 0.0003, 2]) m.recordDecision('authorizer', 'deny', seconds);
  m.recordCache(true);
  m.recordCache(true);
  m.recordCache(false);
  const text = await m.registry.metrics();
  t.regex(text, /^# TYPE warden_decision_duration_seconds histogram$/m);
  t.regex(text, /^warden_decision_duration_seconds_bucket\{api="authorizer",le="0.00005"\} 1$/m);
  t.regex(text, /^warden_decision_duration_seconds_bucket\{api="authorizer",le="0.0005"\} 3$/m);
  t.regex(text, /^warden_decision_duration_seconds_bucket\{api="authorizer",le="1"\} 3$/m);
  t.regex(text, /^warden_decision_duration_seconds_bucket\{api="authorizer",le="\+Inf"\} 4$/m);
  t.regex(text, /^warden_decision_duration_seconds_count\{api="authorizer"\} 4$/m);
  t.regex(text, /^warden_decision_duration_seconds_sum\{api="authorizer"\} 2\.00064/m);
  t.regex(text, /^warden_decisions_total\{api="authorizer",result="deny"\} 4$/m);
  t.regex(text, /^warden_decisions_total\{api="envoy",result="allow"\} 0$/m);
  t.regex(text, /^warden_cache_hits_total 2$/m);
  t.regex(text, /^warden_cache_misses_total 1$/m);
  // Counted once: a second scrape sees the same totals.
  m.recordCache(true);
  t.regex(await m.registry.metrics(), /^warden_cache_hits_total 3$/m);
});

test('decision-log drops are counted from each log\'s running total, once, across scrapes', async (t) => {
  const m = new WardenMetrics();
  let a = 3;
  let b = 0;
  m.observeDecisionLogDrops(() => a);
  m.observeDecisionLogDrops(() => b);
  t.regex(await m.registry.metrics(), /^warden_decision_log_dropped_total 3$/m);
  a = 5;
  b = 4;
  t.regex(await m.registry.metrics(), /^warden_decision_log_dropped_total 9$/m);
  t.regex(await m.registry.metrics(), /^warden_decision_log_dropped_total 9$/m);
  m.recordDecisionLogWorkerRestart();
  t.regex(await m.registry.metrics(), /^warden_decision_log_worker_restarts_total 1$/m);
});

test('the countermeasures metrics: rate limits by limit, denied addresses, bans in force by kind, alerts, webhook failures', async (t) => {
  const m = new WardenMetrics();
  let bans = { source_ip: 2, subject: 0 };
  m.protection.watchBans(() => bans);
  m.protection.rateLimited.inc({ limit: 'per-caller' });
  m.protection.deniedAddress.inc();
  m.protection.alerts.inc({ kind: 'ban' });
  m.protection.webhookFailures.inc();
  let text = await m.registry.metrics();
  t.regex(text, /^warden_rate_limited_total\{limit="per-caller"\} 1$/m);
  t.regex(text, /^warden_denied_address_total 1$/m);
  t.regex(text, /^warden_bans_active\{by="source_ip"\} 2$/m);
  t.regex(text, /^warden_alerts_total\{kind="ban"\} 1$/m);
  t.regex(text, /^warden_alerts_total\{kind="new_edge"\} 0$/m, 'every kind exists from the first scrape');
  t.regex(text, /^warden_alert_webhook_failures_total 1$/m);
  bans = { source_ip: 0, subject: 1 };
  text = await m.registry.metrics();
  t.regex(text, /^warden_bans_active\{by="source_ip"\} 0$/m);
  t.regex(text, /^warden_bans_active\{by="subject"\} 1$/m);
});
