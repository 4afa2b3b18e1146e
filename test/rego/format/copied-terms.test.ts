/**
 * Terms with a comment inside that `opa fmt` cannot place (OPA issue 6330): the term is copied as
 * written, and so is every term around it up to the expression, rule head or ref bracket. The
 * expected texts follow OPA's writer (v1/format/format.go: writeTerm, writeUnformatted,
 * writeIterable, writeRef, writeRule), traced by hand for each input.
 */
import test from 'ava';
import { formatSource } from '../../../src/rego/format/index.js';

const format = (source: string, target: 'v0' | 'v1' = 'v1') => formatSource(source, { file: 'p.rego', target, parseVersion: target === 'v1' ? 1 : 0 });

/** A formatted module that `opa fmt` leaves exactly as written. */
function unchanged(name: string, source: string): void {
  test(name, (t) => {
    t.is(format(source), source);
  });
}

unchanged(
  'an array holding an object with a comment inside is copied whole, its last-line comment after it',
  'package p\n\nx := [{"a": # c1\n"b"}, 3] # c2\n',
);

unchanged(
  'a call argument spanning lines with a comment: the whole call is copied, source indentation kept',
  'package p\n\np if {\n\ty := f({"a": # c1\n\t"b"}, 2) # c2\n}\n\nf(a, b) := [a, b]\n',
);

unchanged(
  'a with value spanning lines with a comment is copied, the expression before it stays formatted',
  'package p\n\ntest_p if {\n\tp with input as {"a": # c1\n\t"b"} # c2\n}\n\np if input.a\n',
);

unchanged(
  'a comprehension whose body is on lines of its own stays formatted around the copied term',
  'package p\n\np := x if {\n\tx := [v |\n\t\tv := {"a": # c1\n\t\t"b"} # c2\n\t]\n}\n',
);

unchanged(
  'a set comprehension written on one line is copied whole, closing brace included',
  'package p\n\np := y if {\n\ty := {v | v := {"a": # c1\n\t"b"}} # c2\n}\n',
);

unchanged(
  'the only p[…] head of a module, with a comment in its bracket, is copied whole before `if`',
  'package p\n\np[\n{"a": #\n"b"} #\n] if input.x\n',
);

test('in a ref head longer than p[…], the bracket is written on the head line and closed on a line of its own', (t) => {
  const source = 'package p\n\np.q[\n{"a": #\n"b"} #\n] := true\n';
  t.is(format(source), 'package p\n\np.q[{"a": #\n"b"} #\n] := true\n');
});

test('a copied head value keeps its last-line comment before a block body, which opens on the next line', (t) => {
  const source = 'package p\n\nf(x) := {"a": #\nx} if { #\n\tx > 1\n}\n';
  t.is(format(source), 'package p\n\nf(x) := {"a": #\nx} #\n if {\n\tx > 1\n}\n');
});

test('a copied partial-set key is laid out as a copied head value', (t) => {
  const source = 'package p\n\ns contains {"a": #\n"b"} if { #\n\tinput.x\n}\n';
  t.is(format(source), 'package p\n\ns contains {"a": #\n"b"} #\n if {\n\tinput.x\n}\n');
});

test('a copied head value with its body on the same line keeps `if` and the body there', (t) => {
  const source = 'package p\n\np := {"a":  #\n"b"} if input.x # c2\n';
  t.is(format(source), source);
});

test('v0 has no `if`: the brace follows the copied value and the comment opens the body', (t) => {
  const source = 'package p\n\np = {"a":  #\n"b"} { #\n\tstr := "x"\n}\n';
  t.is(format(source, 'v0'), source);
});

test('an else value whose comments can be placed is formatted, the first comment ending the line before else', (t) => {
  const source = 'package p\n\np := 1 if {\n\tinput.x\n} else := {"a": # c1\n\t"b"} # c2\n';
  t.is(format(source), 'package p\n\np := 1 if {\n\tinput.x\n} # c1\n\nelse := {"a": "b"} # c2\n');
});

test('copying a term loses no comment and formatting the copy again changes nothing', (t) => {
  const source = 'package p\n\np if {\n\tevery x in input.xs {\n\t\tx == [1, {"a": # c1\n\t\t"b"}] # c2\n\t}\n}\n';
  const once = format(source);
  t.is((once.match(/#/g) ?? []).length, 2);
  t.is(format(once), once);
});

// Where OPA's writer would comment out the rest of the line (its output then does not parse),
// Warden keeps the copied term's last-line comment for the end of the line: these differ from
// `opa fmt` on purpose.
unchanged(
  'a copied argument of a negated call keeps its closing parenthesis before the comment',
  'package p\n\np if {\n\tnot f({"a": # c1\n\t"b"}) # c2\n}\n\nf(x) := x\n',
);

unchanged(
  'a copied every domain keeps the brace opening the every body before the comment',
  'package p\n\np if {\n\tevery x in [{"a": # c1\n\t"b"}] { # c2\n\t\tx\n\t}\n}\n',
);

unchanged(
  'a copied operand keeps the with clause after it and the comment at the end of the line',
  'package p\n\np if {\n\tinput.a == {"a": # c1\n\t"b"} with input as {} # c2\n}\n',
);
