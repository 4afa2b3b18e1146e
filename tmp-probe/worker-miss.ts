// Temporary: what a miss costs on an evaluation worker (check-worker.ts decide()), per job.
const base = new URL('../dist/', import.meta.url).href;
const { Engine, loadRevision } = await import(`${base}engine/index.js`);
const { compile } = await import(`${base}rego/index.js`);
const { loadPackageDefinition, rawRequestService } = await import(`${base}server/protos.js`);
const { decideAuthz } = await import(`${base}server/authz-decide.js`);
const { answerParts } = await import(`${base}server/check-answer.js`);
const { validateAuthzCheck } = await import(`${base}server/validation.js`);
const { DEFAULT_LIMITS } = await import(`${base}server/config.js`);
const { encodeResult, decodeJob, encodeJob } = await import(`${base}server/check-worker/wire.js`);
const { missRequest } = await import('../bench/check/protocol.js');
const decision = 'warden/authz/decision';
const engine = new Engine();
engine.swap(await loadRevision({ policies: 'policies', entrypoints: [decision], compiler: (modules: unknown, entrypoints: unknown) => compile({ modules, entrypoints }) }));
const method = rawRequestService(loadPackageDefinition(), 'warden.authz.v1.Authorizer').Check!;
const requester = { authenticated_by: 'mtls', id: 'spiffe://warden.local/ns/shop/sa/frontend', namespace: 'shop', service_account: 'frontend', trust_domain: 'warden.local' };
const from = { requester, sourceIp: '127.0.0.1', requesterJson: JSON.stringify(requester) };
const N = Number(process.argv[2] ?? 100000);
const jobs: string[] = [];
for (let i = 0; i < N; i++) jobs.push(encodeJob({ id: i, kind: 'check', connection: JSON.stringify([requester, '127.0.0.1']), bytes: method.requestSerialize(missRequest(`${i}-${Math.random()}`)) }));
const t = { decode: 0, decide: 0, answer: 0, result: 0 };
function run(lines: string[], timed: boolean) {
  for (const line of lines) {
    const t0 = performance.now();
    const job = decodeJob(line);
    const req = method.requestDeserialize(job.bytes).message();
    validateAuthzCheck(req, DEFAULT_LIMITS);
    const t1 = performance.now();
    const outcome = decideAuthz(engine, decision, req, requester, from, DEFAULT_LIMITS.maxDepth);
    const t2 = performance.now();
    const { body, logTail } = answerParts(outcome, method.responseSerialize);
    const t3 = performance.now();
    const { allow, reasons, failure } = outcome.decision;
    encodeResult({ id: job.id, kind: 'decided', revision: outcome.revision, allow, reasons, failure, cached: outcome.cached, ttlLeftMs: outcome.ttlLeftMs, inputLength: outcome.inputJson.length, answer: { body, logTail } });
    const t4 = performance.now();
    if (timed) { t.decode += t1 - t0; t.decide += t2 - t1; t.answer += t3 - t2; t.result += t4 - t3; }
  }
}
run(jobs.slice(0, N / 2), false);
const s = performance.now();
run(jobs.slice(N / 2), true);
const total = ((performance.now() - s) * 1000) / (N / 2);
const per = (x: number) => ((x * 1000) / (N / 2)).toFixed(2);
console.log(`µs/job total ${total.toFixed(2)}: decode ${per(t.decode)} decide ${per(t.decide)} answer ${per(t.answer)} result ${per(t.result)}`);
// Pieces of decide, on fresh inputs.
const { authzInputJson } = await import(`${base}server/authz-input.js`);
const { projectedInputKey } = await import(`${base}engine/input-projection.js`);
const { evaluateJson } = await import(`${base}engine/abi-evaluate.js`);
const { interpretResultSet } = await import(`${base}engine/decision.js`);
const { DecisionCache } = await import(`${base}engine/decision-cache.js`);
const rev = engine.revision;
const reads = rev.inputReads.get(decision);
const reqs = jobs.slice(0, 50000).map((l) => method.requestDeserialize(decodeJob(l).bytes).message());
const cache = new DecisionCache({});
const p = { input: 0, key: 0, get: 0, eval: 0, interp: 0, set: 0 };
for (let round = 0; round < 2; round++) for (const req of reqs) {
  const a = performance.now();
  const inputJson = authzInputJson(req, from, requester, 64);
  const b = performance.now();
  const key = `authz\0${decision}\0${projectedInputKey(reads, inputJson)}`;
  const c = performance.now();
  cache.get(key);
  const d = performance.now();
  const rs = evaluateJson(rev.policy, inputJson, decision);
  const e = performance.now();
  const dec = interpretResultSet(rs, decision, 'authz');
  const f = performance.now();
  cache.set(key, dec);
  const g = performance.now();
  if (round === 1) { p.input += b - a; p.key += c - b; p.get += d - c; p.eval += e - d; p.interp += f - e; p.set += g - f; }
}
console.log(Object.entries(p).map(([k, v]) => `${k} ${((v * 1000) / reqs.length).toFixed(2)}`).join('  '));
