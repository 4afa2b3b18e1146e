// The data sets of bench:data, written straight to bytes (a 400 MB JSON text built from small JS
// strings would need several times that in heap). Keys come in a seeded shuffled order, as real
// data arrives, so every run and every process builds the same bytes.

/** A data set's JSON bytes, a policy over it and inputs for its indexed lookup. */
export interface Dataset {
  /** What the table's first column says. */
  label: string;
  entries: number;
  json: Uint8Array;
  policy: string;
  entrypoint: string;
  /** Input for the i-th lookup, an existing key. */
  input(i: number): object;
}

/** xorshift32: fast, seeded, the same numbers in every process. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

/** 0..n-1 in a seeded shuffled order. */
function shuffled(n: number, next: () => number): Uint32Array {
  const xs = new Uint32Array(n);
  for (let i = 0; i < n; i++) xs[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
  return xs;
}

/** Appends ASCII text in 16 MB chunks and joins them once. */
class ByteSink {
  private readonly chunks: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(1 << 24);
  private used = 0;

  write(text: string): void {
    if (this.used + text.length > this.chunk.length) {
      this.chunks.push(this.chunk.subarray(0, this.used));
      this.chunk = Buffer.allocUnsafe(Math.max(1 << 24, text.length));
      this.used = 0;
    }
    this.used += this.chunk.write(text, this.used, 'latin1');
  }

  bytes(): Uint8Array {
    const all = Buffer.concat([...this.chunks, this.chunk.subarray(0, this.used)]);
    this.chunks.length = 0;
    return all;
  }
}

const ROLE_COUNT = 1000;

/** `{"user_roles": {"userN": ["roleK"]}}` with `n` users. */
export function userRoles(n: number): Dataset {
  const next = random(0x5eed_0001);
  const order = shuffled(n, next);
  const sink = new ByteSink();
  sink.write('{"user_roles":{');
  for (let i = 0; i < n; i++) {
    sink.write(`${i === 0 ? '' : ','}"user${order[i]}":["role${Math.floor(next() * ROLE_COUNT)}"]`);
  }
  sink.write('}}');
  return {
    label: `user_roles ${n.toLocaleString('en-US')}`,
    entries: n,
    json: sink.bytes(),
    policy: 'package bench\n\nroles := data.user_roles[input.user]\n',
    entrypoint: 'bench/roles',
    input: (i) => ({ user: `user${(i * 7919) % n}` }),
  };
}

// EOPA's RBAC benchmark (docs.styra.com, "Testing policy performance for RBAC use cases"):
// `users` maps userN to role names, `roles` maps roleK to {action, resource} grants. Its counts per
// user are not published beyond the 400 MB total for 500,000 users; these give that size.
const EOPA_ROLES = 20_000;
const EOPA_GRANTS_PER_ROLE = 10;
const EOPA_ROLES_PER_USER = 60;

/** EOPA's RBAC shape with `users` users (500,000 for its 400 MB size). */
export function eopaRbac(users: number): Dataset {
  const next = random(0x5eed_0002);
  const pick = (n: number): number => Math.floor(next() * n);
  const sink = new ByteSink();
  sink.write('{"roles":{');
  const roleOrder = shuffled(EOPA_ROLES, next);
  for (let r = 0; r < EOPA_ROLES; r++) {
    const grants: string[] = [];
    for (let g = 0; g < EOPA_GRANTS_PER_ROLE; g++) {
      grants.push(`{"action":"action${pick(10_000)}","resource":"resource${pick(10_000)}"}`);
    }
    sink.write(`${r === 0 ? '' : ','}"role${roleOrder[r]}":[${grants.join(',')}]`);
  }
  sink.write('},"users":{');
  const userOrder = shuffled(users, next);
  for (let u = 0; u < users; u++) {
    const roles: string[] = [];
    for (let k = 0; k < EOPA_ROLES_PER_USER; k++) roles.push(`"role${pick(EOPA_ROLES)}"`);
    sink.write(`${u === 0 ? '' : ','}"user${userOrder[u]}":[${roles.join(',')}]`);
  }
  sink.write('}}');
  return {
    label: `EOPA RBAC ${users.toLocaleString('en-US')} users`,
    entries: users,
    json: sink.bytes(),
    policy: [
      'package rbac',
      '',
      'default allow := false',
      '',
      'allow if {',
      '\tsome role in data.users[input.user]',
      '\tsome permission in data.roles[role]',
      '\tpermission.action == input.action',
      '\tpermission.resource == input.resource',
      '}',
      '',
    ].join('\n'),
    entrypoint: 'rbac/allow',
    input: (i) => ({ user: `user${(i * 7919) % users}`, action: `action${i % 10_000}`, resource: `resource${(i * 31) % 10_000}` }),
  };
}
