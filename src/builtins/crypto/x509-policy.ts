// Provenance: follows Go's src/crypto/x509/verify.go (policiesValid); Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import type { ParsedCert } from './x509-cert.js';

// Certificate policy validation as Go's crypto/x509 runs it on every candidate chain since Go 1.24
// (verify.go: policiesValid, RFC 5280 6.1 as updated by RFC 9618's policy graph). OPA passes no
// VerifyOptions.CertificatePolicies, so the user's initial policy set is {anyPolicy}: a chain fails only
// where a CA or the leaf requires an explicit policy the chain does not carry, or maps to/from anyPolicy.

const ANY_POLICY = '2.5.29.32.0';

interface PolicyNode {
  readonly validPolicy: string;
  expected: string[];
  readonly parents: Set<PolicyNode>;
  readonly children: Set<PolicyNode>;
}

function node(validPolicy: string, parents: PolicyNode[]): PolicyNode {
  const n: PolicyNode = { validPolicy, expected: [validPolicy], parents: new Set(), children: new Set() };
  for (const p of parents) {
    p.children.add(n);
    n.parents.add(p);
  }
  return n;
}

class PolicyGraph {
  private readonly strata: Array<Map<string, PolicyNode>> = [new Map([[ANY_POLICY, node(ANY_POLICY, [])]])];
  private parentIndex = new Map<string, PolicyNode[]>();
  private depth = 0;

  insert(n: PolicyNode): void {
    this.strata[this.depth]!.set(n.validPolicy, n);
  }

  parentsWithExpected(expected: string): PolicyNode[] {
    return this.depth === 0 ? [] : (this.parentIndex.get(expected) ?? []);
  }

  parentWithAnyPolicy(): PolicyNode | undefined {
    return this.depth === 0 ? undefined : this.strata[this.depth - 1]!.get(ANY_POLICY);
  }

  parents(): PolicyNode[] {
    return this.depth === 0 ? [] : [...this.strata[this.depth - 1]!.values()];
  }

  leaves(): Map<string, PolicyNode> {
    return this.strata[this.depth]!;
  }

  leafWithPolicy(policy: string): PolicyNode | undefined {
    return this.strata[this.depth]!.get(policy);
  }

  deleteLeaf(policy: string): void {
    const n = this.strata[this.depth]!.get(policy);
    if (n === undefined) return;
    for (const p of n.parents) p.children.delete(n);
    for (const c of n.children) c.parents.delete(n);
    this.strata[this.depth]!.delete(policy);
  }

  validPolicyNodes(): PolicyNode[] {
    const valid: PolicyNode[] = [];
    for (let i = this.depth; i >= 0; i--) {
      for (const n of this.strata[i]!.values()) {
        if (n.validPolicy === ANY_POLICY || n.parents.size !== 1) continue;
        if ([...n.parents][0]!.validPolicy === ANY_POLICY) valid.push(n);
      }
    }
    return valid;
  }

  prune(): void {
    for (let i = this.depth - 1; i > 0; i--) {
      for (const n of [...this.strata[i]!.values()]) {
        if (n.children.size > 0) continue;
        for (const p of n.parents) p.children.delete(n);
        this.strata[i]!.delete(n.validPolicy);
      }
    }
  }

  incrDepth(): void {
    this.parentIndex = new Map();
    for (const n of this.strata[this.depth]!.values()) {
      for (const e of n.expected) this.parentIndex.set(e, [...(this.parentIndex.get(e) ?? []), n]);
    }
    this.depth++;
    this.strata.push(new Map());
  }
}

/** A constraint present with a usable value (Go: `X > 0 || XZero`) that is tighter than `current`. */
function tighter(value: number | undefined, current: number): number {
  return value !== undefined && value >= 0 && value < current ? value : current;
}

/** Processes one certificate's policies into the graph (RFC 5280 6.1.3 (d), as updated by RFC 9618). */
function addPolicies(pg: PolicyGraph, cert: ParsedCert, anyAllowed: boolean): void {
  pg.incrDepth();
  const policies = cert.facts.policies;
  for (const policy of policies) {
    if (policy === ANY_POLICY) continue;
    let parents = pg.parentsWithExpected(policy);
    const any = pg.parentWithAnyPolicy();
    if (parents.length === 0 && any !== undefined) parents = [any];
    if (parents.length > 0) pg.insert(node(policy, parents));
  }
  if (policies.includes(ANY_POLICY) && anyAllowed) {
    const missing = new Map<string, PolicyNode[]>();
    const leaves = pg.leaves();
    for (const p of pg.parents()) {
      for (const e of p.expected) if (!leaves.has(e)) missing.set(e, [...(missing.get(e) ?? []), p]);
    }
    for (const [oid, parents] of missing) pg.insert(node(oid, parents));
  }
  pg.prune();
}

/** Applies policy mappings (6.1.4 (b)); false where a mapping involves anyPolicy, which Go refuses. */
function applyMappings(pg: PolicyGraph, cert: ParsedCert, policyMapping: number): boolean {
  const mappings = new Map<string, string[]>();
  for (const [issuer, subject] of cert.facts.policyMappings) {
    if (policyMapping > 0) {
      if (issuer === ANY_POLICY || subject === ANY_POLICY) return false;
      mappings.set(issuer, [...(mappings.get(issuer) ?? []), subject]);
    } else {
      pg.deleteLeaf(issuer);
      pg.prune();
    }
  }
  for (const [issuer, subjects] of mappings) {
    const matching = pg.leafWithPolicy(issuer);
    const any = pg.leafWithPolicy(ANY_POLICY);
    if (matching !== undefined) matching.expected = subjects;
    else if (any !== undefined) {
      const n = node(issuer, [any]);
      n.expected = subjects;
      pg.insert(n);
    }
  }
  return true;
}

/** Go's policiesValid for a chain (leaf first, trust anchor last) with OPA's options. */
export function policiesValid(chain: ParsedCert[]): boolean {
  if (chain.length === 1) return true;
  const n = chain.length - 1;
  let pg: PolicyGraph | undefined = new PolicyGraph();
  let inhibitAnyPolicy = n + 1;
  let explicitPolicy = n + 1;
  let policyMapping = n + 1;
  for (let i = n - 1; i >= 0; i--) {
    const cert = chain[i]!;
    const selfSigned = cert.rawIssuer.equals(cert.rawSubject);
    if (cert.facts.policies.length === 0) pg = undefined;
    if (explicitPolicy === 0 && pg === undefined) return false;
    if (pg !== undefined) {
      addPolicies(pg, cert, inhibitAnyPolicy > 0 || (n - i < n && selfSigned));
      if (i !== 0 && cert.facts.policyMappings.length > 0 && !applyMappings(pg, cert, policyMapping)) return false;
    }
    if (i !== 0) {
      if (!selfSigned) {
        if (explicitPolicy > 0) explicitPolicy--;
        if (policyMapping > 0) policyMapping--;
        if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
      }
      explicitPolicy = tighter(cert.facts.requireExplicitPolicy, explicitPolicy);
      policyMapping = tighter(cert.facts.inhibitPolicyMapping, policyMapping);
      inhibitAnyPolicy = tighter(cert.facts.inhibitAnyPolicy, inhibitAnyPolicy);
    }
  }
  if (explicitPolicy > 0) explicitPolicy--;
  if (chain[0]!.facts.requireExplicitPolicy === 0) explicitPolicy = 0;
  const valid = pg === undefined ? [] : pg.validPolicyNodes();
  const any = pg?.leafWithPolicy(ANY_POLICY);
  if (any !== undefined) valid.push(any);
  return explicitPolicy !== 0 || valid.length > 0;
}
