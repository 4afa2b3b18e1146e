/**
 * Builtins compiled into the runtime, by OPA name: the runtime export that implements each, and
 * whether that export may return DEFER to hand unusual operands to the host implementation.
 */
export interface NativeBuiltin {
  fn: string;
  defers: boolean;
}

const exact = (fn: string): NativeBuiltin => ({ fn, defers: false });
const deferring = (fn: string): NativeBuiltin => ({ fn, defers: true });

export const NATIVE_BUILTINS: Record<string, NativeBuiltin> = {
  equal: exact('b_equal'),
  neq: exact('b_neq'),
  lt: exact('b_lt'),
  gt: exact('b_gt'),
  lte: exact('b_lte'),
  gte: exact('b_gte'),
  plus: deferring('b_plus'),
  minus: deferring('b_minus'),
  mul: deferring('b_mul'),
  div: deferring('b_div'),
  rem: deferring('b_rem'),
  count: deferring('b_count'),
  'internal.member_2': exact('b_member_2'),
  'internal.member_3': exact('b_member_3'),
  is_number: exact('b_is_number'),
  is_string: exact('b_is_string'),
  is_boolean: exact('b_is_boolean'),
  is_array: exact('b_is_array'),
  is_set: exact('b_is_set'),
  is_object: exact('b_is_object'),
  is_null: exact('b_is_null'),
  type_name: exact('b_type_name'),
  and: deferring('b_and'),
  or: deferring('b_or'),
  startswith: deferring('b_startswith'),
  endswith: deferring('b_endswith'),
  'internal.print': exact('b_internal_print'),
  sprintf: deferring('b_sprintf'),
};

/**
 * Builtins whose result differs between calls with the same arguments (OPA's non-deterministic
 * builtins). None is native: each runs on the host, so the evaluation that calls one is known to
 * hold only for its moment and its decision is not cached (see src/builtins/nondeterminism.ts).
 */
export const NON_DETERMINISTIC: ReadonlySet<string> = new Set(['time.now_ns', 'rand.intn', 'uuid.rfc4122', 'http.send', 'net.lookup_ip_addr', 'opa.runtime']);

/** Prefix of the names under which Warden modules call host builtins (see src/builtins/host-codec.ts). */
export const HOST_BUILTIN_PREFIX = 'warden/';
