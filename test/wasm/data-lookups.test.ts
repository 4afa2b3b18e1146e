import test from 'ava';
import { evaluateRego } from '../helpers/rego-eval.js';

// OPA reads base documents by storage path, where a number key is its text; a document first bound
// to a variable is a value, looked up as values are (the conformance cases dataderef/* pin both).
const POLICY = `package p
by_input := data.users[input.id]
nested := data.org.teams[input.team].name
by_constant := data.users[123]
bound := u[123] if u := data.users
indexed := data.list[input.i]
missing := data.users[input.other]
`;
const DATA = { users: { '123': 'alice', '1.5': 'half' }, org: { teams: { '7': { name: 'seven' } } }, list: ['zero', 'one'] };

test('a number looks up its text in a document of data; a value bound to a variable is looked up by the number', async (t) => {
  const [row] = (await evaluateRego(POLICY, 'p', { id: 123, team: 7, i: 1, other: 9 }, DATA)) as Array<{ result: Record<string, unknown> }>;
  t.deepEqual(row!.result, { by_input: 'alice', nested: 'seven', by_constant: 'alice', indexed: 'one' });
});

test('a string key and a non-integer number find their own text too', async (t) => {
  const [row] = (await evaluateRego(POLICY, 'p', { id: '123', team: 1.5 }, { ...DATA, org: { teams: { '1.5': { name: 'one and a half' } } } })) as Array<{ result: Record<string, unknown> }>;
  t.like(row!.result, { by_input: 'alice', nested: 'one and a half' });
});
