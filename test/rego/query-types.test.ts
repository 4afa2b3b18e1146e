import test from 'ava';
import { compile } from '../../src/rego/compile.js';
import { CompileError } from '../../src/rego/errors.js';

test('an ad-hoc query is type-checked like a rule body: a wrong builtin argument is a rego_type_error at its place', async (t) => {
  const e = await t.throwsAsync(compile({ modules: [], query: 'x := "a"\nupper(1)' }), { instanceOf: CompileError });
  t.deepEqual(
    e!.diagnostics.map((d) => [d.code, d.file, d.line, d.col]),
    [['rego_type_error', '<query>', 2, 1]],
  );
  await t.notThrowsAsync(compile({ modules: [], query: 'x := "a"; upper(x)' }));
});
