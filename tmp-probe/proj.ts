const base = new URL('../dist/', import.meta.url).href;
const { Engine, loadRevision } = await import(`${base}engine/index.js`);
const { compile } = await import(`${base}rego/index.js`);
const { projectedInputKey } = await import(`${base}engine/input-projection.js`);
const { authzInputJson } = await import(`${base}server/authz-input.js`);
const decision = 'warden/authz/decision';
const engine = new Engine();
engine.swap(await loadRevision({ policies: 'policies', entrypoints: [decision], compiler: (modules: unknown, entrypoints: unknown) => compile({ modules, entrypoints }) }));
const reads = engine.revision.inputReads.get(decision);
console.log(JSON.stringify(reads, (k, v) => v instanceof Map ? Object.fromEntries(v) : v).slice(0, 400));
const requester = { authenticated_by: 'mtls', id: 'spiffe://warden.local/ns/shop/sa/frontend', namespace: 'shop', service_account: 'frontend', trust_domain: 'warden.local' };
const from = { requester, sourceIp: '127.0.0.1', requesterJson: JSON.stringify(requester) };
const texts: string[] = [];
for (let i = 0; i < 50000; i++) texts.push(authzInputJson({ action: `orders.read.${i}`, resource: { service: 'orders', path: `/orders/${i}`, attributes: { tenant: 'acme', region: 'eu-west-1' } }, context: { fields: { request_id: { stringValue: 'bench' } } } }, from, requester, 64));
console.log(texts[0].length, texts[0]);
console.log(projectedInputKey(reads, texts[0]));
for (let r = 0; r < 5; r++) {
  const s = performance.now();
  let n = 0;
  for (const t of texts) n += projectedInputKey(reads, t).length;
  console.log('µs/key', (((performance.now() - s) * 1000) / texts.length).toFixed(2), n);
}
function fresh() { const out: string[] = []; for (let i = 0; i < 50000; i++) out.push(authzInputJson({ action: `orders.read.${i}.${Math.random()}`, resource: { service: 'orders', path: `/orders/${i}`, attributes: { tenant: 'acme', region: 'eu-west-1' } }, context: { fields: { request_id: { stringValue: 'bench' } } } }, from, requester, 64)); return out; }
for (let r = 0; r < 3; r++) {
  const a = fresh();
  let s = performance.now(); let n = 0;
  for (const t of a) n += projectedInputKey(reads, t).length;
  const unflat = (((performance.now() - s) * 1000) / a.length);
  const b = fresh();
  s = performance.now();
  for (const t of b) n += Buffer.byteLength(t) ; // flatten
  const flatten = (((performance.now() - s) * 1000) / b.length);
  s = performance.now();
  for (const t of b) n += projectedInputKey(reads, t).length;
  const flat = (((performance.now() - s) * 1000) / b.length);
  console.log(`fresh unflattened ${unflat.toFixed(2)}  flatten ${flatten.toFixed(2)}  then ${flat.toFixed(2)}`);
}
