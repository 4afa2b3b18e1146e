import test from 'ava';
import { goIndentedJson, opaErrorsJson } from '../../src/rego/diagnostics-json.js';
import { errorsOccurred } from '../../src/rego/diagnostics.js';

test("error JSON escapes <, > and & as Go's encoder does, so it matches opa check byte for byte", (t) => {
  t.is(goIndentedJson({ m: 'a < b && c > d' }), '{\n  "m": "a \\u003c b \\u0026\\u0026 c \\u003e d"\n}\n');
  t.deepEqual(JSON.parse(goIndentedJson({ m: 'a < b && c > d' })), { m: 'a < b && c > d' });
});

test('only parse errors with a known source line carry details; others have location, message and code', (t) => {
  const out = JSON.parse(
    opaErrorsJson([
      { code: 'rego_parse_error', message: 'unexpected eof token', file: 'a.rego', line: 2, col: 5, sourceLine: 'p := ' },
      { code: 'rego_unsafe_var_error', message: 'var x is unsafe', file: 'a.rego', line: 3, col: 2, sourceLine: '\tx' },
    ]),
  ) as { errors: unknown[] };
  t.deepEqual(out.errors, [
    { details: { line: 'p := ', idx: 4 }, location: { file: 'a.rego', row: 2, col: 5 }, message: 'unexpected eof token', code: 'rego_parse_error' },
    { location: { file: 'a.rego', row: 3, col: 2 }, message: 'var x is unsafe', code: 'rego_unsafe_var_error' },
  ]);
});

test("errorsOccurred: OPA's text for one error (same line) and for several (one per line, no column)", (t) => {
  const d = { code: 'rego_type_error' as const, message: 'm', file: 'f.rego', line: 4, col: 9 };
  t.is(errorsOccurred([d]), '1 error occurred: f.rego:4: rego_type_error: m');
  t.is(errorsOccurred([d, { ...d, line: 5 }]), '2 errors occurred:\nf.rego:4: rego_type_error: m\nf.rego:5: rego_type_error: m');
});
