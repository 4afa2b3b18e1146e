import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { runtimeInstance } from '../helpers/runtime-instance.js';

// Large data through the unmodified SDK's setData: it loads, lookups find what it holds, and it
// takes a bounded multiple of its text in memory. How fast is for bench:data, not for tests.

const USERS = 200_000;

/** `{"user_roles": {"userN": ["roleK"]}}` with keys in a scrambled order (a fixed permutation). */
function userRolesText(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = (i * 7919) % n;
    parts.push(`"user${u}":["role${u % 1000}"]`);
  }
  return `{"user_roles":{${parts.join(',')}}}`;
}

const text = userRolesText(USERS);
const bytes = new TextEncoder().encode(text);

test('a 200k-entry object loads through setData and indexed lookups find each entry', async (t) => {
  const source = 'package big\n\nroles := data.user_roles[input.user]\n\nsize := count(data.user_roles)\n';
  const wasm = await compile({ modules: [{ path: 'big.rego', source }], entrypoints: ['big/roles', 'big/size'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  policy.setData(bytes.slice().buffer);
  t.deepEqual(policy.evaluate({}, 'big/size'), [{ result: USERS }]);
  for (const u of [0, 1, 9, 10, 99_999, 123_457, USERS - 1]) {
    t.deepEqual(policy.evaluate({ user: `user${u}` }, 'big/roles'), [{ result: [`role${u % 1000}`] }], `user${u}`);
  }
  t.deepEqual(policy.evaluate({ user: `user${USERS}` }, 'big/roles'), []);
  t.deepEqual(policy.evaluate({ user: 'user' }, 'big/roles'), []);
});

test('parsed data takes at most three times its JSON text in the heap, text included', async (t) => {
  const rt = await runtimeInstance();
  const before = rt.call('opa_heap_ptr_get');
  const v = rt.parseJson(bytes);
  t.not(v, 0);
  const used = rt.call('opa_heap_ptr_get') - before;
  t.true(used <= 3 * bytes.length, `heap grew by ${(used / bytes.length).toFixed(2)}× the text`);
});
