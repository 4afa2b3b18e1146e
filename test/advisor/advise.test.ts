import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPatch } from 'diff';
import type { DecisionRecord } from '../../src/audit/index.js';
import { analyseTraffic, dataJsonText, dataJsonWithGrants, readGrantsFile, summariseDecisions, type Advice } from '../../src/advisor/index.js';
import { loadCandidate, type CandidatePolicy } from '../../src/replay/candidate-policy.js';
import { rebuildInput } from '../../src/replay/index.js';
import { authzRecord, policiesWith } from '../helpers/decision-records.js';

type Call = { ns: string; sa: string; service: string; action: string; allowed: boolean; time?: string };

function advise(calls: Call[], policies = 'policies'): Advice {
  const records = calls.map((c) => {
    const record = authzRecord(c) as unknown as DecisionRecord;
    return { record, timeMs: Date.parse(record.time) };
  });
  return analyseTraffic(summariseDecisions(records), readGrantsFile(policies));
}

const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 12, minute)).toISOString();

const observed: Call[] = [
  { ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.read', allowed: true },
  { ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.read', allowed: true },
  { ns: 'shop', sa: 'cart', service: 'inventory', action: 'inventory.read', allowed: true },
  { ns: 'observability', sa: 'prometheus', service: 'metrics', action: 'scrape', allowed: true },
  { ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.create', allowed: false, time: at(1) },
  { ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.create', allowed: false, time: at(5) },
  { ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.cancel', allowed: false, time: at(9) },
  { ns: 'shop', sa: 'search', service: 'catalog', action: 'catalog.read', allowed: false, time: at(3) },
];

test('grants no allowed decision used are found, and actions of used grants nobody used', (t) => {
  const advice = advise(observed);
  t.deepEqual(advice.unusedGrants.map((g) => g.index), [1, 2]);
  const byIndex = new Map(advice.grants.map((g) => [g.index, g]));
  t.like(byIndex.get(0), { decisions: 2, unusedActions: ['GET', 'orders.list'] });
  t.like(byIndex.get(3), { decisions: 1, unusedActions: ['GET'] }, 'shop/* covers shop/cart');
  t.like(byIndex.get(4), { decisions: 1, unusedActions: [] }, '"*" is used by any action');
  t.like(advice.decisions, { total: 8, allowed: 4, denied: 4 });
});

test('recurring denied edges: count, actions, first and last seen; a single denial is not recurring', (t) => {
  const advice = advise(observed);
  t.deepEqual(advice.deniedEdges, [
    { caller: 'shop/frontend', service: 'orders', denials: 3, actions: { 'orders.create': 2, 'orders.cancel': 1 }, firstSeen: at(1), lastSeen: at(9) },
  ]);
});

test('probing: many distinct services and actions denied in a short time is flagged; the same many spread over hours, or one call retried, is not', (t) => {
  const targets = [
    ['orders', 'orders.create'], ['payments', 'payments.refund'], ['inventory', 'inventory.write'], ['metrics', 'scrape'], ['admin', 'users.list'], ['admin', 'users.list'],
  ];
  const burst = targets.map(([service, action], i): Call => ({ ns: 'shop', sa: 'intruder', service: service!, action: action!, allowed: false, time: at(i) }));
  const spread = targets.map(([service, action], i): Call => ({ ns: 'shop', sa: 'batch', service: service!, action: action!, allowed: false, time: at(i * 60) }));
  const retried = Array.from({ length: 20 }, (_, i): Call => ({ ns: 'shop', sa: 'misconfigured', service: 'orders', action: 'orders.create', allowed: false, time: at(i) }));
  const edges = advise([...burst, ...spread, ...retried]).deniedEdges;
  const intruder = edges.find((e) => e.caller === 'shop/intruder' && e.service === 'admin')!;
  t.deepEqual(intruder.probing, { targets: 5, from: at(0), to: at(4) }, 'the fifth distinct target came at minute 4');
  t.true(edges.filter((e) => e.caller !== 'shop/intruder').every((e) => e.probing === undefined));
  t.deepEqual(
    edges.filter((e) => e.caller === 'shop/intruder').map((e) => e.service).sort(),
    ['admin', 'inventory', 'metrics', 'orders', 'payments'],
    "a probing caller's edges are listed even when denied once",
  );
  t.deepEqual(advise([...burst, ...spread, ...retried]).probingCallers, [{ caller: 'shop/intruder', denials: 6, evidence: { targets: 5, from: at(0), to: at(4) } }]);
  t.truthy(edges.find((e) => e.caller === 'shop/misconfigured'), 'retried denials are a recurring edge, a candidate to grant');
});

async function candidate(policies: string): Promise<CandidatePolicy> {
  return loadCandidate({ policies, entrypoints: ['warden/authz/decision'] });
}

function allows(policy: CandidatePolicy, call: Call): boolean {
  const rebuilt = rebuildInput(authzRecord(call) as unknown as DecisionRecord, { decision: 'warden/authz/decision', envoyDecision: 'warden/authz/decision' });
  if (!rebuilt.replayable) throw new Error(rebuilt.reason);
  return policy.decide(rebuilt).allowed;
}

test('the minimal grants, evaluated with the bundled policy, allow exactly the observed allowed calls', async (t) => {
  const advice = advise(observed);
  const minimalDir = policiesWith(() => advice.minimalGrants);
  const [minimal, current] = await Promise.all([candidate(minimalDir), candidate('policies')]);
  for (const call of observed) t.is(allows(minimal, call), call.allowed, `${call.ns}/${call.sa} ${call.action} on ${call.service}`);
  // Calls the current grants allow but nobody made: the minimal grants must refuse them.
  const unobserved: Call[] = [
    { ns: 'shop', sa: 'frontend', service: 'orders', action: 'GET', allowed: true },
    { ns: 'shop', sa: 'checkout', service: 'orders', action: 'orders.create', allowed: true },
    { ns: 'shop', sa: 'checkout', service: 'payments', action: 'payments.charge', allowed: true },
    { ns: 'shop', sa: 'other', service: 'inventory', action: 'inventory.read', allowed: true },
    { ns: 'observability', sa: 'prometheus', service: 'metrics', action: 'delete', allowed: true },
  ];
  for (const call of unobserved) {
    t.true(allows(current, call), `today: ${call.ns}/${call.sa} ${call.action} on ${call.service}`);
    t.false(allows(minimal, call), `minimal: ${call.ns}/${call.sa} ${call.action} on ${call.service}`);
  }
});

test('the diff turns data.json into the minimal grants document, and keeps the untouched lines', (t) => {
  const advice = advise(observed);
  const file = readGrantsFile('policies');
  const patched = applyPatch(file.text, advice.minimalGrantsDiff);
  t.is(patched, dataJsonWithGrants(file, advice.minimalGrants));
  t.deepEqual((JSON.parse(patched as string) as { grants: unknown }).grants, advice.minimalGrants);
  t.regex(advice.minimalGrantsDiff, /^--- a\/warden\/config\/data\.json\n\+\+\+ b\/warden\/config\/data\.json\n@@ /);
  t.notRegex(advice.minimalGrantsDiff, /^[-+] {2}"trust_domain"/m);
  t.regex(advice.minimalGrantsDiff, /^\+ {4}\{ "service": "inventory", "caller": \{ "namespace": "shop", "service_account": "cart" \}, "actions": \["inventory\.read"\] \},$/m);
});

test('traffic that uses every grant exactly gives an empty diff', (t) => {
  const exact = policiesWith(() => [{ service: 'orders', caller: { namespace: 'shop', service_account: 'frontend' }, actions: ['orders.read'] }]);
  const dir = join(exact, 'warden/config');
  // In the printer's style, as the bundled file is.
  const file = readGrantsFile(exact);
  writeFileSync(join(dir, 'data.json'), dataJsonText(file.document, file.keysInFile));
  t.is(advise([observed[0]!], exact).minimalGrantsDiff, '');
});

test("the printer writes the bundled data.json back byte for byte, so diffs show only what changed", (t) => {
  const file = readGrantsFile('policies');
  t.is(dataJsonText(file.document, file.keysInFile), readFileSync('policies/warden/config/data.json', 'utf8'));
});
