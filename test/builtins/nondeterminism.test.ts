import test from 'ava';
import { builtinImplementations, hostBuiltins, takeNondeterministic } from '../../src/builtins/index.js';
import type { RegoValue } from '../../src/builtins/value.js';
import { HOST_BUILTIN_PREFIX, NATIVE_BUILTINS, NON_DETERMINISTIC } from '../../src/wasm/native-builtins.js';
import { NON_DETERMINISTIC as CATALOG_NON_DETERMINISTIC } from '../../src/rego/compile/builtin-catalog.js';
import { INTERMEDIATE_PEM, LEAF_PEM, ROOT_PEM } from './crypto/fixtures.js';

// Arguments each non-deterministic builtin accepts (http.send and most lookups fail: the call still counts).
const ARGS: Record<string, RegoValue[]> = {
  'time.now_ns': [],
  'rand.intn': ['k', 10],
  'uuid.rfc4122': ['k'],
  'http.send': [{ method: 'get', url: 'http://127.0.0.1:1/' }],
  'net.lookup_ip_addr': ['127.0.0.1'],
  'opa.runtime': [],
};

type SdkBuiltin = (...args: unknown[]) => unknown;

function calledThrough(sdkName: string, args: RegoValue[]): boolean {
  takeNondeterministic();
  try {
    (hostBuiltins[sdkName] as SdkBuiltin)(...args);
  } catch {
    // OPA-built modules' builtins throw their errors; the call happened all the same.
  }
  return takeNondeterministic();
}

test('the catalog and the runtime name the same non-deterministic builtins, and none runs inside the module', (t) => {
  t.is(CATALOG_NON_DETERMINISTIC, NON_DETERMINISTIC);
  t.deepEqual([...NON_DETERMINISTIC].sort(), Object.keys(ARGS).sort());
  for (const name of NON_DETERMINISTIC) {
    t.is(NATIVE_BUILTINS[name], undefined, `${name} must reach the host to be noticed`);
    t.not(builtinImplementations[name], undefined, `${name} has a host implementation`);
  }
});

test('every non-deterministic builtin marks the evaluation, for Warden modules and OPA-built ones; taking the mark clears it', (t) => {
  for (const [name, args] of Object.entries(ARGS)) {
    t.true(calledThrough(HOST_BUILTIN_PREFIX + name, args), `${HOST_BUILTIN_PREFIX}${name}`);
    t.true(calledThrough(name, args), name);
    t.false(takeNondeterministic(), `${name}: the mark is taken once`);
  }
});

test('deterministic builtins leave no mark', (t) => {
  t.false(calledThrough(`${HOST_BUILTIN_PREFIX}time.parse_rfc3339_ns`, ['2020-01-01T00:00:00Z']));
  t.false(calledThrough('semver.compare', ['1.0.0', '2.0.0']));
  t.false(calledThrough('uuid.parse', ['00000000-0000-4000-8000-000000000000']));
});

test('builtins that fall back to the clock mark the evaluation only when they read it', (t) => {
  const jwk = { kty: 'oct', k: Buffer.from('secret').toString('base64url') };
  const token = builtinImplementations['io.jwt.encode_sign']!({ alg: 'HS256', typ: 'JWT' }, { exp: 4_000_000_000 }, jwk) as string;
  t.false(calledThrough('io.jwt.encode_sign', [{ alg: 'HS256' }, { sub: 'x' }, jwk]));
  t.true(calledThrough('io.jwt.decode_verify', [token, { secret: 'secret' }]), 'no time constraint: now');
  t.false(calledThrough('io.jwt.decode_verify', [token, { secret: 'secret', time: 2000e9 }]), 'a time constraint');
  const pems = ROOT_PEM + INTERMEDIATE_PEM + LEAF_PEM;
  const withOptions = 'crypto.x509.parse_and_verify_certificates_with_options';
  t.true(calledThrough('crypto.x509.parse_and_verify_certificates', [pems]));
  t.true(calledThrough(withOptions, [pems, { DNSName: 'svc.warden.test' }]), 'no CurrentTime: now');
  t.false(calledThrough(withOptions, [pems, { CurrentTime: 1_700_000_000_000_000_000 }]), 'CurrentTime given');
});
