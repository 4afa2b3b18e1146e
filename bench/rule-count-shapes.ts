// Generated policies of N rules in the shapes of issue 21's table, with an input each shape's
// decision allows (the last rule, or the first body, holds) and one it denies.

export interface RuleCountShape {
  name: string;
  entrypoint: string;
  /** The policy: one module, or several (one package each). */
  source(rules: number): string | string[];
  allowed(rules: number): unknown;
  denied(rules: number): unknown;
}

function lines(head: string[], rules: number, rule: (i: number) => string): string {
  const out = [...head];
  for (let i = 0; i < rules; i++) out.push(rule(i));
  return out.join('\n');
}

const PRINCIPAL = 'spiffe://cluster.local/ns/default/sa/sa';

export const RULE_COUNT_SHAPES: RuleCountShape[] = [
  {
    name: 'allow: method, path, caller',
    entrypoint: 'shape/allow',
    source: (n) => lines(['package shape', ''], n, (i) => `allow if {\n\tinput.method == "GET"\n\tinput.path == "/r${i}"\n\tinput.caller == "c${i}"\n}`),
    allowed: (n) => ({ method: 'GET', path: `/r${n - 1}`, caller: `c${n - 1}` }),
    denied: (n) => ({ method: 'GET', path: `/r${n}`, caller: 'nobody' }),
  },
  {
    name: 'violations contains msg',
    entrypoint: 'shape/violations',
    source: (n) => lines(['package shape', ''], n, (i) => `violations contains msg if {\n\tinput.kind = "K${i}"\n\tmsg := sprintf("kind %s is not allowed", [input.kind])\n}`),
    allowed: (n) => ({ kind: `K${n - 1}` }),
    denied: (n) => ({ kind: `K${n}` }),
  },
  {
    name: 'first body holds, rest startswith',
    entrypoint: 'shape/allow',
    source: (n) => lines(['package shape', '', 'allow if input.admin == true'], n - 1, (i) => `allow if startswith(input.path, "/p${i}/")`),
    allowed: () => ({ admin: true, path: '/none/' }),
    denied: () => ({ admin: false, path: '/none/' }),
  },
  {
    // The prefix index's own case: the denied path sorts among the prefixes rather than before them all.
    name: 'path prefixes, last rule matches',
    entrypoint: 'shape/allow',
    source: (n) => lines(['package shape', ''], n, (i) => `allow if startswith(input.path, "/p${i}/")`),
    allowed: (n) => ({ path: `/p${n - 1}/items/1` }),
    denied: (n) => ({ path: `/p${n}x/items/1` }),
  },
  {
    // A gateway's route table of path globs (glob.match runs on the host: ~5 µs a call unindexed).
    name: 'path globs, last rule matches',
    entrypoint: 'shape/allow',
    source: (n) => lines(['package shape', ''], n, (i) => `allow if glob.match("/api/r${i}/*/items/*", ["/"], input.path)`),
    allowed: (n) => ({ path: `/api/r${n - 1}/o1/items/2` }),
    denied: (n) => ({ path: `/api/r${n - 1}/o1/orders/2` }),
  },
  {
    // Anchored: indexed on the literal text after `^`.
    name: 'path regexes, last rule matches',
    entrypoint: 'shape/allow',
    source: (n) => lines(['package shape', ''], n, (i) => `allow if regex.match("^/api/r${i}/[^/]+/items/[0-9]+$", input.path)`),
    allowed: (n) => ({ path: `/api/r${n - 1}/o1/items/2` }),
    denied: (n) => ({ path: `/api/r${n - 1}/o1/orders/2` }),
  },
  {
    // Nothing to index: every rule asks the host, and the host's compiled patterns must all stay cached.
    name: 'unanchored regexes, last rule matches',
    entrypoint: 'shape/allow',
    source: (n) => lines(['package shape', ''], n, (i) => `allow if regex.match("/api/r${i}/[^/]+/items/[0-9]+$", input.path)`),
    allowed: (n) => ({ path: `/api/r${n - 1}/o1/items/2` }),
    denied: (n) => ({ path: `/api/r${n - 1}/o1/orders/2` }),
  },
  {
    // Three refs, a third of the rules each: dispatched on all three (OPA's trie branches on each).
    name: 'deny list: users, addresses, paths',
    entrypoint: 'shape/deny',
    source: (n) => lines(['package shape', ''], n, (i) => [`deny if input.user == "u${i}"`, `deny if input.ip == "${denyListAddress(i)}"`, `deny if input.path == "/p${i}"`][i % 3]!),
    allowed: () => ({ user: 'nobody', ip: '192.168.0.1', path: '/' }),
    denied: (n) => ({ user: 'nobody', ip: denyListAddress(n - 1 - ((n + 1) % 3)), path: '/' }),
  },
  {
    // Violations with sprintf messages on two refs in turn: one run of two searches (sprintf with a constant format cannot fail).
    name: 'violations: kinds and users in turn',
    entrypoint: 'shape/violations',
    source: (n) =>
      lines(['package shape', ''], n, (i) =>
        i % 2 ? `violations contains msg if {\n\tinput.kind == "K${i}"\n\tmsg := sprintf("kind %s is not allowed", [input.kind])\n}` : `violations contains msg if {\n\tinput.user == "u${i}"\n\tmsg := sprintf("user %s is not allowed", [input.user])\n}`),
    allowed: () => ({ kind: 'none', user: 'nobody' }),
    denied: (n) => ({ kind: `K${n - 1 - (n % 2)}`, user: 'u0' }),
  },
  {
    // One rule of N conditions: compile time must stay linear in a body's length.
    name: 'one body of N conditions',
    entrypoint: 'shape/allow',
    source: (n) => `package shape\n\nallow if {\n${Array.from({ length: n }, (_, i) => `\tinput.user != "u${i}"`).join('\n')}\n}`,
    allowed: () => ({ user: 'nobody' }),
    denied: (n) => ({ user: `u${n - 1}` }),
  },
  {
    // A priority table as one else chain of N branches, last branch matching.
    name: 'else chain of N branches',
    entrypoint: 'shape/level',
    source: (n) => ['package shape', '', 'default level := -1', 'level := 0 if input.t == "t0"', ...Array.from({ length: n - 1 }, (_, i) => `else := ${i + 1} if input.t == "t${i + 1}"`)].join('\n'),
    allowed: (n) => ({ t: `t${n - 1}` }),
    denied: () => ({ t: 'none' }),
  },
  {
    // A package per service, the decision dispatching on the caller's service: one package is looked up, not all.
    name: 'packages by service name',
    entrypoint: 'shape/allow',
    source: (n) => [
      ...Array.from({ length: n }, (_, i) => `package svc.s${i}\n\nallow if {\n\tinput.method == "GET"\n\tinput.caller == "c${i}"\n}`),
      'package shape\n\nallow if data.svc[input.service].allow',
    ],
    allowed: (n) => ({ service: `s${n - 1}`, method: 'GET', caller: `c${n - 1}` }),
    denied: (n) => ({ service: `s${n - 1}`, method: 'GET', caller: 'nobody' }),
  },
  {
    // Packages two levels deep (50 namespaces), both keys from the input: one package is looked up.
    name: 'packages by namespace and service',
    entrypoint: 'shape/allow',
    source: (n) => [
      ...Array.from({ length: n }, (_, i) => `package svc.ns${i % 50}.s${i}\n\nallow if {\n\tinput.method == "GET"\n\tinput.caller == "c${i}"\n}`),
      'package shape\n\nallow if data.svc[input.namespace][input.service].allow',
    ],
    allowed: (n) => ({ namespace: `ns${(n - 1) % 50}`, service: `s${n - 1}`, method: 'GET', caller: `c${n - 1}` }),
    denied: (n) => ({ namespace: `ns${(n - 1) % 50}`, service: `s${n - 1}`, method: 'GET', caller: 'nobody' }),
  },
  {
    // Ref-head rules as a table, read by a key from the input: one rule is looked up, not all.
    name: 'ref-head route table',
    entrypoint: 'shape/allow',
    source: (n) => lines(['package shape', '', 'allow if route[input.path] == input.service'], n, (i) => `route["/r${i}"] := "svc${i % 13}"`),
    allowed: (n) => ({ path: `/r${n - 1}`, service: `svc${(n - 1) % 13}` }),
    denied: (n) => ({ path: `/r${n}`, service: 'svc0' }),
  },
  {
    // A table written in the policy as one object: built once when the module loads, not per evaluation.
    name: 'object of N routes in the policy',
    entrypoint: 'shape/allow',
    source: (n) => `package shape\n\nroutes := {\n${Array.from({ length: n }, (_, i) => `\t"/r${i}": {"GET", "HEAD"},`).join('\n')}\n}\n\nallow if input.method in routes[input.path]`,
    allowed: (n) => ({ path: `/r${n - 1}`, method: 'HEAD' }),
    denied: (n) => ({ path: `/r${n - 1}`, method: 'POST' }),
  },
  {
    name: 'envoy route table',
    entrypoint: 'shape/allow',
    source: (n) =>
      lines(['package shape', ''], n, (i) =>
        `allow if {\n\tinput.attributes.request.http.path == "/r${i}"\n\tinput.attributes.request.http.method == "GET"\n\tinput.attributes.source.principal == "${PRINCIPAL}${i}"\n}`),
    allowed: (n) => envoyInput(`/r${n - 1}`, 'GET', `${PRINCIPAL}${n - 1}`),
    denied: (n) => envoyInput(`/r${n - 1}`, 'POST', `${PRINCIPAL}${n - 1}`),
  },
];

/** The address deny-list rule `i` (one of every three, `i % 3 == 1`) denies: the last such rule, in the shape's denied input. */
function denyListAddress(i: number): string {
  return `10.${i >> 8}.${i & 255}.1`;
}

export function envoyInput(path: string, method: string, principal: string): unknown {
  return { attributes: { request: { http: { path, method } }, source: { principal } } };
}
