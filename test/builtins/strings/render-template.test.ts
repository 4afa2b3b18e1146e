import test from 'ava';
import { RegoSet } from '../../../src/builtins/value.js';
import { call, fails } from '../helpers.js';

const render = (tpl: string, vars: Parameters<typeof call>[1]) => call('strings.render_template', tpl, vars);

test('render_template: fields, numbers and missing keys', (t) => {
  t.is(render('{{.test}}', { test: 'hello world' }), 'hello world');
  t.is(render('{{.test}}', { test: 2023 }), '2023');
  t.is(render('{{.a.b}} {{.x}}', { a: { b: 1.5 }, x: true }), '1.5 true');
  t.is(render('{{.testvarnotprovided}}', { test: 'hello world' }), '<undefined>');
  t.is(render('test {{.foo}} {{.bar}} {{.baz}}', { baz: 1 }), 'test <undefined> <undefined> 1');
  t.is(render('{{.}}', { b: [1, 2], a: 'x' }), 'map[a:x b:[1 2]]');
  t.is(render('{{.s}}', { s: new RegoSet(['b', 'a']) }), '[a b]');
});

test('render_template: range, if, with, variables, trimming', (t) => {
  t.is(
    render('{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}', { hellonames: ['rohan', 'john doe'] }),
    'hello rohan,hello john doe',
  );
  t.is(render('{{- range .xs -}} [{{ . }}] {{- end }}', { xs: ['a', 'b'] }), '[a][b]');
  t.is(render('{{range .xs}}x{{else}}empty{{end}}', { xs: [] }), 'empty');
  t.is(render('{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}', { m: { b: 2, a: 1 } }), 'a=1;b=2;');
  t.is(render('{{with .m}}{{.a}}{{else}}none{{end}}|{{with .n}}{{.}}{{else}}none{{end}}', { m: { a: 1 } }), '1|none');
  t.is(render('{{if eq .n 3}}three{{else if gt .n 3}}big{{else}}small{{end}}', { n: 5 }), 'big');
  t.is(render('{{$x := "v"}}{{$x}}{{$x = "w"}}{{$x}}', {}), 'vw');
  t.is(render('{{range .xs}}{{if eq . 2}}{{break}}{{end}}{{.}}{{end}}', { xs: [1, 2, 3] }), '1');
  t.is(render('{{range .xs}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}', { xs: [1, 2, 3] }), '13');
  t.is(render('a {{/* comment */}} b {{- /* trimmed */ -}} c', {}), 'a  bc');
});

test('render_template: functions and pipelines', (t) => {
  const vars = { xs: ['a', 'b'], s: 'héllo', n: 5 };
  t.is(render('{{len .xs}} {{.xs | len}} {{len .s}} {{index .xs 1}}', vars), '2 2 6 b');
  t.is(render('{{printf "%05.1f|%s" 3.14159 .s}}', vars), '003.1|héllo');
  t.is(render('{{print "a" 1 2 "b"}}|{{println "x" 1}}', vars), 'a1 2b|x 1\n');
  t.is(render('{{if and .n (not .missing)}}yes{{end}} {{or .missing "dflt"}}', vars), 'yes dflt');
  t.is(render('{{html "<a&b>"}} {{urlquery "a b"}}', vars), '&lt;a&amp;b&gt; a+b');
  t.is(render('{{if lt 1 2}}lt{{end}}{{if ne "a" "b"}}ne{{end}}', vars), 'ltne');
});

test('render_template errors', (t) => {
  fails(t, 'eval_builtin_error', 'strings.render_template: template: template: missing value for command', 'strings.render_template', '{{ if }}{{end}}', {});
  fails(t, 'eval_builtin_error', "strings.render_template: template: template: can't evaluate field b in type string", 'strings.render_template', '{{.a.b}}', { a: 'x' });
  fails(t, 'eval_builtin_error', 'strings.render_template: template: template: function "nope" not defined', 'strings.render_template', '{{nope 1}}', {});
  fails(t, 'eval_builtin_error', 'strings.render_template: template: template: unclosed action', 'strings.render_template', '{{.a', {});
  fails(t, 'eval_type_error', 'strings.render_template: operand 2 must be object but got array', 'strings.render_template', '', []);
});
