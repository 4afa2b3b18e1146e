import { randomInt } from 'node:crypto';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoValue } from '../value.js';
import { parseGoDuration } from '../time/go-duration.js';
import { formatIp, parseIp } from '../net/ip-address.js';
import { builtinError } from '../errors.js';
import { int64Arg, plainObjectArg, stringArg } from '../operands.js';

// Builtins that reach outside the evaluation: randomness, the clock, the runtime and the network.

export const NETWORK_DISABLED = 'network access is disabled in Warden';

function randomBelow(n: bigint): bigint {
  if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return BigInt(randomInt(0, Number(n)));
  // Rejection sampling over 64 random bits for bounds beyond what randomInt takes.
  const limit = (1n << 64n) - ((1n << 64n) % n);
  for (;;) {
    const buf = new BigUint64Array(1);
    globalThis.crypto.getRandomValues(buf);
    const r = buf[0]!;
    if (r < limit) return r % n;
  }
}

/**
 * A `rand.intn` that remembers its answer per (str, n) in `cache`, as OPA does within one query.
 * A host builtin sees no query boundaries, so the table entry keeps no cache and draws afresh on
 * every call; an embedder that runs one evaluation at a time can bind a cache per evaluation.
 */
export function makeRandIntn(cache?: Map<string, RegoValue>): HostBuiltin {
  return (str, n) => {
    const s = stringArg('rand.intn', str, 1);
    let bound = int64Arg('rand.intn', n, 2);
    if (bound === 0n) return 0;
    if (bound < 0n) bound = -bound;
    const key = `${bound}:${s}`;
    const hit = cache?.get(key);
    if (hit !== undefined) return hit;
    const r = randomBelow(bound);
    const value = r > BigInt(Number.MAX_SAFE_INTEGER) ? r : Number(r);
    cache?.set(key, value);
    return value;
  };
}

export const randIntn: HostBuiltin = makeRandIntn();

/** opa.runtime: Warden runs without an OPA runtime (and exposes no environment), as OPA does then. */
export const opaRuntime: HostBuiltin = () => ({});

export const testSleep: HostBuiltin = (d) => {
  const s = stringArg('test.sleep', d, 1);
  let ns: bigint;
  try {
    ns = parseGoDuration(s);
  } catch (e) {
    throw builtinError('test.sleep', e instanceof Error ? e.message : String(e));
  }
  const ms = Number(ns / 1_000_000n);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return null;
};

/**
 * trace: OPA records the note in its evaluation trace (shown by `opa eval --explain`); Warden keeps
 * no trace, so the note goes nowhere and the call is true, as OPA's is.
 */
export const trace: HostBuiltin = (note) => {
  stringArg('trace', note, 1);
  return true;
};

/** http.send: a zero-trust policy engine makes no outbound requests from policy code. */
export const httpSend: HostBuiltin = (req) => {
  plainObjectArg('http.send', req, 1);
  throw builtinError('http.send', NETWORK_DISABLED);
};

/**
 * net.lookup_ip_addr answers what needs no resolver: IP literals (returned as Go prints them) and
 * `localhost` (RFC 6761 loopback). Every other name would need DNS, which Warden does not do.
 */
export const netLookupIpAddr: HostBuiltin = (x) => {
  const name = stringArg('net.lookup_ip_addr', x, 1);
  const ip = parseIp(name);
  if (ip !== undefined) return new RegoSet([formatIp(ip.family, ip.value)]);
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (lower === 'localhost' || lower.endsWith('.localhost')) return new RegoSet(['127.0.0.1', '::1']);
  throw builtinError('net.lookup_ip_addr', NETWORK_DISABLED);
};

export const runtimeBuiltins: Record<string, HostBuiltin> = {
  'rand.intn': randIntn,
  'opa.runtime': opaRuntime,
  'test.sleep': testSleep,
  trace,
  'http.send': httpSend,
  'net.lookup_ip_addr': netLookupIpAddr,
};
