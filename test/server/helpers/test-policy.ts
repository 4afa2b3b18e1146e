/**
 * The policy the service tests run, as a hand-written OPA plan (no Rego compiler needed):
 *
 * warden/authz/decision:
 *   action "boom"      → evaluation error (division by zero)
 *   action "badshape"  → the string "oops"
 *   action "undefined" → undefined
 *   data.grants[input.subject.id][input.action] == true → {"allow": true, "reasons": []}
 *   otherwise          → {"allow": false, "reasons": ["not granted"]}
 *
 * warden/envoy/decision (OPA-Envoy shapes):
 *   input.parsed_path[0] == "public"          → {"allowed": true, "headers": {"x-checked": "yes"}}
 *   input.parsed_query.mode[0] == "bool"      → true
 *   otherwise                                 → {"allowed": false, "http_status": 401, "body": "nope"}
 */
import { compilePlan } from '../../../src/wasm/index.js';
import { bool, local, stmt, str, type Json } from '../../helpers/plan-builder.js';
import type { PolicyCompiler } from '../../../src/engine/index.js';
import { CompileError } from '../../../src/rego/errors.js';

class Strings {
  readonly list: string[] = [];
  id(s: string): number {
    let i = this.list.indexOf(s);
    if (i < 0) i = this.list.push(s) - 1;
    return i;
  }
  op(s: string) {
    return str(this.id(s));
  }
}

function objectOf(S: Strings, target: number, fields: Array<[string, { type: string; value: unknown }]>): Json[] {
  return [stmt('MakeObjectStmt', { target }), ...fields.map(([k, v]) => stmt('ObjectInsertStmt', { key: S.op(k), value: v, object: target }))];
}

/** Adds `{"result": local(result)}` to the result set when `result` is defined. */
function emit(result: number, tmp: number): Json {
  return {
    stmts: [
      stmt('IsDefinedStmt', { source: result }),
      stmt('MakeObjectStmt', { target: tmp }),
      stmt('ObjectInsertStmt', { key: { type: 'string_index', value: -1 }, value: local(result), object: tmp }),
      stmt('ResultSetAddStmt', { value: tmp }),
    ],
  };
}

/** Builds the plan (see the file comment). */
export function testPlan(): Json {
  const S = new Strings();
  const R = 10; // result local
  const authz = [
    { stmts: [
      stmt('DotStmt', { source: local(0), key: S.op('action'), target: 20 }),
      stmt('EqualStmt', { a: local(20), b: S.op('boom') }),
      stmt('MakeNumberRefStmt', { Index: S.id('1'), target: 21 }),
      stmt('MakeNumberRefStmt', { Index: S.id('0'), target: 22 }),
      stmt('CallStmt', { func: 'div', args: [local(21), local(22)], result: 23 }),
      stmt('AssignVarOnceStmt', { source: local(23), target: R }),
    ] },
    { stmts: [
      stmt('DotStmt', { source: local(0), key: S.op('action'), target: 30 }),
      stmt('EqualStmt', { a: local(30), b: S.op('badshape') }),
      stmt('AssignVarOnceStmt', { source: S.op('oops'), target: R }),
    ] },
    { stmts: [
      stmt('DotStmt', { source: local(1), key: S.op('grants'), target: 40 }),
      stmt('DotStmt', { source: local(0), key: S.op('subject'), target: 41 }),
      stmt('DotStmt', { source: local(41), key: S.op('id'), target: 42 }),
      stmt('DotStmt', { source: local(40), key: local(42), target: 43 }),
      stmt('DotStmt', { source: local(0), key: S.op('action'), target: 44 }),
      stmt('DotStmt', { source: local(43), key: local(44), target: 45 }),
      stmt('EqualStmt', { a: local(45), b: bool(true) }),
      stmt('MakeArrayStmt', { capacity: 0, target: 46 }),
      ...objectOf(S, 47, [['allow', bool(true)], ['reasons', local(46)]]),
      stmt('AssignVarOnceStmt', { source: local(47), target: R }),
    ] },
    { stmts: [
      stmt('IsUndefinedStmt', { source: R }),
      stmt('DotStmt', { source: local(0), key: S.op('action'), target: 50 }),
      stmt('NotEqualStmt', { a: local(50), b: S.op('undefined') }),
      stmt('MakeArrayStmt', { capacity: 1, target: 51 }),
      stmt('ArrayAppendStmt', { array: 51, value: S.op('not granted') }),
      ...objectOf(S, 52, [['allow', bool(false)], ['reasons', local(51)]]),
      stmt('AssignVarOnceStmt', { source: local(52), target: R }),
    ] },
    emit(R, 11),
  ];
  const envoy = [
    { stmts: [
      stmt('DotStmt', { source: local(0), key: S.op('parsed_path'), target: 20 }),
      stmt('MakeNumberIntStmt', { value: 0, target: 21 }),
      stmt('DotStmt', { source: local(20), key: local(21), target: 22 }),
      stmt('EqualStmt', { a: local(22), b: S.op('public') }),
      ...objectOf(S, 23, [['x-checked', S.op('yes')]]),
      ...objectOf(S, 24, [['allowed', bool(true)], ['headers', local(23)]]),
      stmt('AssignVarOnceStmt', { source: local(24), target: R }),
    ] },
    { stmts: [
      stmt('DotStmt', { source: local(0), key: S.op('parsed_query'), target: 30 }),
      stmt('DotStmt', { source: local(30), key: S.op('mode'), target: 31 }),
      stmt('MakeNumberIntStmt', { value: 0, target: 32 }),
      stmt('DotStmt', { source: local(31), key: local(32), target: 33 }),
      stmt('EqualStmt', { a: local(33), b: S.op('bool') }),
      stmt('AssignVarOnceStmt', { source: bool(true), target: R }),
    ] },
    { stmts: [
      stmt('IsUndefinedStmt', { source: R }),
      stmt('MakeNumberIntStmt', { value: 401, target: 40 }),
      ...objectOf(S, 41, [['allowed', bool(false)], ['http_status', local(40)], ['body', S.op('nope')]]),
      stmt('AssignVarOnceStmt', { source: local(41), target: R }),
    ] },
    emit(R, 11),
  ];
  const resultKey = S.id('result');
  const fix = (blocks: Json[]) => JSON.parse(JSON.stringify(blocks).replaceAll('{"type":"string_index","value":-1}', `{"type":"string_index","value":${resultKey}}`)) as Json[];
  return {
    static: { strings: S.list.map((value) => ({ value })), files: [{ value: 'test.rego' }] },
    plans: {
      plans: [
        { name: 'warden/authz/decision', blocks: fix(authz) },
        { name: 'warden/envoy/decision', blocks: fix(envoy) },
      ],
    },
    funcs: { funcs: [] },
  };
}

/**
 * A PolicyCompiler for tests: ignores the Rego text and returns the test plan's Wasm, unless a
 * module's source contains `FAIL`, which makes it throw like a compile error with a location.
 */
export function testCompiler(calls?: { count: number }): PolicyCompiler {
  return async (modules) => {
    if (calls) calls.count++;
    const bad = modules.find((m) => m.source.includes('FAIL'));
    if (bad) {
      throw new CompileError([{ file: bad.path, line: 1, col: 1, code: 'rego_parse_error', message: 'test failure' }]);
    }
    return compilePlan(testPlan());
  };
}
