// gojsonschema (OPA's validator) reports, for a failed anyOf or oneOf, only the errors of the
// branch that got furthest: each step of validation that runs adds one to a branch's score and each
// error takes two away (validation.go, result.go). ajv reports every branch, so the branch to keep
// is chosen here by replaying that score over the branch schema. It covers the keywords that
// steer the score (types, properties, items, required, bounds, enum/const, combinators, local
// $refs); a keyword it does not know counts as a step that passed.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: unknown };

export interface Outcome {
  score: number;
  errors: number;
}

const MAX_DEPTH = 64;

const isObject = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON with sorted keys: equal values print the same (as gojsonschema's marshalWithoutNumber). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function typeMatches(type: string, v: Json): boolean {
  switch (type) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      return true;
  }
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

class Scorer {
  constructor(private readonly root: unknown) {}

  run(schema: unknown, value: Json, depth: number): Outcome {
    const out: Outcome = { score: 0, errors: 0 };
    if (depth > MAX_DEPTH || schema === true) return out;
    if (schema === false) return this.fail(out);
    if (!isObject(schema)) return out;
    if (typeof schema.$ref === 'string') {
      const target = resolvePointer(this.root, schema.$ref);
      return target === undefined ? out : this.run(target, value, depth + 1);
    }
    const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
    if (types !== undefined && !types.some((t) => typeMatches(t, value))) return this.fail(out);
    this.combinators(schema, value, depth, out);
    if (Array.isArray(value)) this.array(schema, value, depth, out);
    if (isObject(value)) this.object(schema, value as { [k: string]: Json }, depth, out);
    if (typeof value === 'string') this.string(schema, value, out);
    if (typeof value === 'number') this.number(schema, value, out);
    this.common(schema, value, out);
    out.score++;
    return out;
  }

  private fail(out: Outcome, n = 1): Outcome {
    out.score -= 2 * n;
    out.errors += n;
    return out;
  }

  private merge(out: Outcome, sub: Outcome): void {
    out.score += sub.score;
    out.errors += sub.errors;
  }

  private best(branches: unknown[], value: Json, depth: number): { valid: number; best?: Outcome } {
    let valid = 0;
    let best: Outcome | undefined;
    for (const b of branches) {
      const r = this.run(b, value, depth + 1);
      if (r.errors === 0) valid++;
      else if (best === undefined || r.score > best.score) best = r;
    }
    return { valid, best };
  }

  private combinators(s: Schema, v: Json, depth: number, out: Outcome): void {
    if (Array.isArray(s.anyOf)) {
      const { valid, best } = this.best(s.anyOf, v, depth);
      if (valid === 0) {
        this.fail(out);
        if (best) this.merge(out, best);
      }
    }
    if (Array.isArray(s.oneOf)) {
      const { valid, best } = this.best(s.oneOf, v, depth);
      if (valid !== 1) this.fail(out);
      if (valid === 0 && best) this.merge(out, best);
    }
    if (Array.isArray(s.allOf)) {
      let failed = false;
      for (const b of s.allOf) {
        const r = this.run(b, v, depth + 1);
        failed ||= r.errors > 0;
        this.merge(out, r);
      }
      if (failed) this.fail(out);
    }
    if (s.not !== undefined && this.run(s.not, v, depth + 1).errors === 0) this.fail(out);
    if (s.if !== undefined) {
      const branch = this.run(s.if, v, depth + 1).errors === 0 ? s.then : s.else;
      if (branch !== undefined) {
        const r = this.run(branch, v, depth + 1);
        if (r.errors > 0) {
          this.fail(out);
          this.merge(out, r);
        }
      }
    }
    out.score++;
  }

  private array(s: Schema, v: Json[], depth: number, out: Outcome): void {
    const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
    if (tuple !== undefined) {
      tuple.forEach((item, i) => i < v.length && this.merge(out, this.run(item, v[i]!, depth + 1)));
      const rest = Array.isArray(s.prefixItems) ? s.items : s.additionalItems;
      for (let i = tuple.length; i < v.length; i++) {
        if (rest === false) {
          this.fail(out);
          break;
        }
        if (rest !== undefined) this.merge(out, this.run(rest, v[i]!, depth + 1));
      }
    } else if (s.items !== undefined) {
      for (const item of v) this.merge(out, this.run(s.items, item, depth + 1));
    }
    if (typeof s.minItems === 'number' && v.length < s.minItems) this.fail(out);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) this.fail(out);
    if (s.uniqueItems === true) this.fail(out, v.length - new Set(v.map(canonicalJson)).size);
    if (s.contains !== undefined) {
      let best: Outcome | undefined;
      let found = false;
      for (const item of v) {
        const r = this.run(s.contains, item, depth + 1);
        if (r.errors === 0) {
          found = true;
          break;
        }
        if (best === undefined || r.score > best.score) best = r;
      }
      if (!found) {
        this.fail(out);
        if (best) this.merge(out, best);
      }
    }
    out.score++;
  }

  private object(s: Schema, v: { [k: string]: Json }, depth: number, out: Outcome): void {
    const keys = Object.keys(v);
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties) this.fail(out);
    if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) this.fail(out);
    if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string' && r in v) out.score++; else this.fail(out);
    const properties = isObject(s.properties) ? s.properties : {};
    const patterns = isObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
    for (const k of keys) {
      let matched = false;
      for (const [p, sub] of patterns) {
        if (!safeTest(p, k)) continue;
        matched = true;
        this.merge(out, this.run(sub, v[k]!, depth + 1));
      }
      if (matched) out.score++;
      if (k in properties || matched) continue;
      if (s.additionalProperties === false) this.fail(out);
      else if (s.additionalProperties !== undefined) this.merge(out, this.run(s.additionalProperties, v[k]!, depth + 1));
    }
    out.score++;
    for (const [k, sub] of Object.entries(properties)) if (k in v) this.merge(out, this.run(sub, v[k]!, depth + 1));
  }

  private string(s: Schema, v: string, out: Outcome): void {
    const length = [...v].length;
    if (typeof s.minLength === 'number' && length < s.minLength) this.fail(out);
    if (typeof s.maxLength === 'number' && length > s.maxLength) this.fail(out);
    if (typeof s.pattern === 'string' && !safeTest(s.pattern, v)) this.fail(out);
    out.score++;
  }

  private number(s: Schema, v: number, out: Outcome): void {
    if (typeof s.multipleOf === 'number' && !Number.isInteger(v / s.multipleOf)) this.fail(out);
    if (typeof s.maximum === 'number' && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) this.fail(out);
    if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) this.fail(out);
    if (typeof s.minimum === 'number' && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) this.fail(out);
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) this.fail(out);
    out.score++;
  }

  private common(s: Schema, v: Json, out: Outcome): void {
    const text = canonicalJson(v);
    if ('const' in s && canonicalJson(s.const) !== text) this.fail(out);
    if (Array.isArray(s.enum) && !s.enum.some((e) => canonicalJson(e) === text)) this.fail(out);
    out.score++;
  }
}

function safeTest(pattern: string, s: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(s);
  } catch {
    return true;
  }
}

/** gojsonschema's score and error count for `value` against `schema` (`root` resolves `#/…` refs). */
export function scoreBranch(schema: unknown, value: unknown, root: unknown): Outcome {
  return new Scorer(root).run(schema, value as Json, 0);
}
