import test from 'ava';
import { canonicalJson, canonicalCopy } from '../../src/engine/canonical-json.js';
import { holdsExactNumber, isLosslessNumber, parseJsonExact, stringifyJsonExact } from '../../src/engine/exact-json.js';
import { parseYamlExact } from '../../src/engine/exact-yaml.js';

test('numbers a double holds are plain numbers; the others keep their digits', (t) => {
  const value = parseJsonExact('{"small": 42, "float": 0.1, "safe": 9007199254740991, "big": 12345678901234567891, "long": 0.12345678901234567891, "huge": 1e400, "s": "12345678901234567891"}') as Record<string, unknown>;
  t.is(value.small, 42);
  t.is(value.float, 0.1);
  t.is(value.safe, 9007199254740991);
  t.is(value.s, '12345678901234567891');
  for (const [key, digits] of [['big', '12345678901234567891'], ['long', '0.12345678901234567891'], ['huge', '1e400']] as const) {
    t.true(isLosslessNumber(value[key]), key);
    t.is(String(value[key]), digits);
  }
});

test('text without a long number parses as JSON.parse does, duplicate keys included', (t) => {
  const text = '{"a": [1, 2.5, -3e2, "x"], "b": {"c": null}, "a": true}';
  t.deepEqual(parseJsonExact(text), JSON.parse(text));
  t.throws(() => parseJsonExact('{"a": 1,'), { instanceOf: SyntaxError });
  t.throws(() => parseJsonExact('{"a": 12345678901234567891,'));
});

test('written back, the digits are the ones read, in JSON.stringify\'s layout', (t) => {
  const text = '{"ids":[12345678901234567891,2],"nested":{"x":[]},"y":{}}';
  const value = parseJsonExact(text);
  t.true(holdsExactNumber(value));
  t.is(stringifyJsonExact(value), text);
  t.is(stringifyJsonExact(value, 2), JSON.stringify(JSON.parse(text), null, 2).replace('12345678901234567000', '12345678901234567891'));
  t.is(stringifyJsonExact({ plain: [1, 'a'] }), '{"plain":[1,"a"]}');
  t.is(stringifyJsonExact(undefined), 'null');
});

test('canonical JSON keeps the digits and sorts around them; a canonical copy keeps the number itself', (t) => {
  const value = parseJsonExact('{"b": 98765432109876543210, "a": [12345678901234567891]}');
  t.is(canonicalJson(value), '{"a":[12345678901234567891],"b":98765432109876543210}');
  const copy = canonicalCopy(value) as Record<string, unknown>;
  t.true(isLosslessNumber(copy.b));
  t.is(canonicalJson(copy), '{"a":[12345678901234567891],"b":98765432109876543210}');
  t.not(canonicalJson(parseJsonExact('{"id": 12345678901234567891}')), canonicalJson(parseJsonExact('{"id": 12345678901234567890}')), 'two ids are two cache keys');
});

test('YAML integers a double cannot hold keep their digits too; others are plain numbers', (t) => {
  const value = parseYamlExact('big: 12345678901234567891\nnegative: -9007199254740993\nsmall: 12\nhex: 0x10\nratio: 1.5\nlist: [1, 98765432109876543210]\n');
  t.is(canonicalJson(value), '{"big":12345678901234567891,"hex":16,"list":[1,98765432109876543210],"negative":-9007199254740993,"ratio":1.5,"small":12}');
  t.is(stringifyJsonExact(value), '{"big":12345678901234567891,"negative":-9007199254740993,"small":12,"hex":16,"ratio":1.5,"list":[1,98765432109876543210]}');
});
