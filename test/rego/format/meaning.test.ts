import test from 'ava';
import { formatSource, FormatError } from '../../../src/rego/format/index.js';
import { assertSameMeaning } from '../../../src/rego/format/meaning-check.js';
import { parseModule } from '../../../src/rego/syntax/index.js';

test('a comment inside an argument does not cost the expression its other arguments or its with clauses', (t) => {
  const source = 'package p\n\ntest_x if {\n\tf({"a": {\n\t\t# why\n\t\t"msg": "x",\n\t}}, 2) with input.a as 1\n\t\twith data.b as 2\n}\n';
  const out = formatSource(source, { file: 'p.rego' });
  t.regex(out, /# why/);
  t.regex(out, /\b2,?\s*\)? with input\.a as 1\s+with data\.b as 2/);
});

test('formatted text that would mean something else is refused, not written', (t) => {
  const original = parseModule('package p\n\nallow if {\n\tinput.ok with input as {}\n}\n', { file: 'p.rego' }).module!;
  const e = t.throws(() => assertSameMeaning(original, 'package p\n\nallow if input.ok\n', 'p.rego', 1), { instanceOf: FormatError });
  t.regex(e!.message, /p\.rego: formatting would change what the module means/);
  t.notThrows(() => assertSameMeaning(original, 'package p\n\nallow if {\n\tinput.ok with input as {}\n}\n', 'p.rego', 1));
  t.notThrows(() => assertSameMeaning(parseModule('package p\nx = 1 { plus(1, 2, y) }\n', { file: 'p.rego', regoVersion: 0 }).module!, 'package p\n\nx := 1 if y = 1 + 2\n', 'p.rego', 1));
});

test('an import that changes how `not` reads its operands is kept; dropping it would be refused', (t) => {
  const negation = 'p if not startswith(input.x, "a")\n';
  for (const imports of ['import future.keywords.not\n', 'import future.keywords\n', 'import rego.v1\nimport future.keywords.not\n']) {
    const source = `package t\n\n${imports}\n${negation}`;
    for (const dropV0Imports of [false, true]) {
      const out = formatSource(source, { file: 't.rego', dropV0Imports });
      t.regex(out, /import future\.keywords(\.not)?\n/, `${imports} (drop: ${dropV0Imports})`);
    }
  }
  // Nothing negated: the wildcard brings nothing v1 lacks, and goes as before.
  t.is(formatSource('package t\n\nimport future.keywords\n\np if input.x\n', { file: 't.rego', dropV0Imports: true }), 'package t\n\np if input.x\n');
  const original = parseModule(`package t\n\nimport future.keywords.not\n\n${negation}`, { file: 't.rego' }).module!;
  const e = t.throws(() => assertSameMeaning(original, `package t\n\n${negation}`, 't.rego', 1), { instanceOf: FormatError });
  t.regex(e!.message, /would change what the module means/);
});
