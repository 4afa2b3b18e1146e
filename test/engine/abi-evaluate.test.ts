import test from 'ava';
import { evaluateJson } from '../../src/engine/abi-evaluate.js';
import { applyToPolicy, buildRevision, type PolicyRevision } from '../../src/engine/index.js';
import { compile } from '../../src/rego/index.js';

// evaluateJson against the SDK's own evaluate, on two instances of the same module and data.
const POLICY = `package t

decision := {"allow": allow, "reasons": [sprintf("%s may %s", [input.user, input.action])]} if input.action != "none"

allow if data.grants[input.user][_] == input.action

size := count(input.items)

fails := to_number(input.user)
`;
const ENTRYPOINTS = ['t/decision', 't/size', 't/fails'];

async function pair(data: Record<string, unknown>): Promise<[PolicyRevision, PolicyRevision]> {
  const wasm = await compile({ modules: [{ path: 't.rego', source: POLICY }], entrypoints: ENTRYPOINTS });
  return [await buildRevision({ wasm, data, source: 'a' }), await buildRevision({ wasm, data, source: 'b' })];
}

const encoder = new TextEncoder();

/** What the call gave: its result set, or what it threw. */
function outcome(run: () => unknown): unknown {
  try {
    return { result: run() };
  } catch (e) {
    return { threw: e instanceof Error ? e.message : e };
  }
}

function same(t: import('ava').ExecutionContext, ours: PolicyRevision, sdk: PolicyRevision, inputJson: string, entrypoint: string): void {
  const expected = outcome(() => sdk.policy!.evaluate(encoder.encode(inputJson).buffer as ArrayBuffer, entrypoint));
  t.deepEqual(outcome(() => evaluateJson(ours.policy!, inputJson, entrypoint)), expected, `${entrypoint} ${inputJson.slice(0, 60)}`);
}

test('the same result sets and throws as the SDK: allowed, denied, undefined, builtin errors, unknown entrypoints', async (t) => {
  const [ours, sdk] = await pair({ grants: { alice: ['read'] } });
  for (const input of [{ user: 'alice', action: 'read' }, { user: 'alice', action: 'write' }, { user: 'bob', action: 'none' }, { user: 'zoë 🙂', action: 'lire' }, { user: '7', items: [1, 2, 3] }]) {
    for (const entrypoint of ENTRYPOINTS) same(t, ours, sdk, JSON.stringify(input), entrypoint);
  }
  same(t, ours, sdk, '{"user": "alice"}', 'no/such/entrypoint');
  t.like(outcome(() => evaluateJson(ours.policy!, '{"user":"alice"}', 't/fails')), { threw: 'eval_builtin_error: to_number: strconv.ParseFloat: parsing "alice": invalid syntax' });
  t.deepEqual(evaluateJson(ours.policy!, '{"user":"bob","action":"none"}', 't/decision'), []);
  // Evaluations leave nothing behind: the same input again gives the same answer.
  for (let i = 0; i < 3; i++) same(t, ours, sdk, '{"user":"alice","action":"read"}', 't/decision');
});

test('inputs larger than the memory grow it as the SDK does, and evaluations after them still agree', async (t) => {
  const [ours, sdk] = await pair({});
  const items = Array.from({ length: 200_000 }, (_, i) => `item-${i}-é`);
  const big = JSON.stringify({ user: 'alice', action: 'read', items });
  const before = (ours.policy as unknown as { mem: { buffer: ArrayBuffer } }).mem.buffer.byteLength;
  t.true(big.length > before, 'the input is larger than the whole memory');
  same(t, ours, sdk, big, 't/size');
  same(t, ours, sdk, big, 't/decision');
  same(t, ours, sdk, '{"user":"alice","action":"read","items":[]}', 't/size');
});

test('data written in place is seen, as by the SDK', async (t) => {
  const [ours, sdk] = await pair({ grants: {} });
  const writes = [{ path: ['grants', 'carol'], valueJson: '["write"]' }];
  applyToPolicy(ours.policy!, writes);
  applyToPolicy(sdk.policy!, writes);
  same(t, ours, sdk, '{"user":"carol","action":"write"}', 't/decision');
  t.like((evaluateJson(ours.policy!, '{"user":"carol","action":"write"}', 't/decision') as Array<{ result: { allow: boolean } }>)[0], { result: { allow: true } });
});
