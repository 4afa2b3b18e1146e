import { BUILTIN_GROUPS, BUILTINS, type Builtin } from './index.js';

/** Where a call is answered, in the reference's words. */
function runs(b: Builtin): string {
  if (b.planner) return 'compiler';
  if (b.native === undefined) return 'host';
  if (b.native.defers) return 'native, host for other operands';
  return b.host ? 'native (host for OPA-built modules)' : 'native';
}

const yes = (v: boolean): string => (v ? 'yes' : 'no');

/** Categories in the order their groups come, each listed once; the compiler's own last. */
function categories(): string[] {
  const out: string[] = [];
  for (const group of BUILTIN_GROUPS) {
    for (const d of group.builtins) {
      for (const c of BUILTINS.get(d.name)!.categories) if (!out.includes(c)) out.push(c);
    }
  }
  return [...out.filter((c) => c !== 'internal'), ...out.filter((c) => c === 'internal')];
}

/**
 * The builtin reference (docs/builtins.md), written from the registry alone so it cannot drift:
 * one table per OPA category; a builtin in several categories is listed in each.
 *
 * @example
 * writeFileSync('docs/builtins.md', renderBuiltinReference());
 */
export function renderBuiltinReference(): string {
  const all = [...BUILTINS.values()];
  const lines = [
    '# Builtin reference',
    '',
    '<!-- Generated from src/builtins/registry by `npm run docs:builtins`. Do not edit by hand. -->',
    '',
    `Warden knows ${all.length} builtins: ${all.filter((b) => b.native !== undefined).length} compiled into the Wasm runtime ` +
      `(native), ${all.filter((b) => b.host).length} implemented in TypeScript on the host, ` +
      `${all.filter((b) => b.planner).length} answered by the compiler. A native builtin that says "host for other operands" ` +
      'hands operands it does not handle to its host implementation. Non-deterministic builtins make a decision uncacheable. ' +
      'Deprecated builtins are refused in Rego v1 modules. Arguments are type-checked at compile time where the last column says so; ' +
      'the other signatures are OPA\'s declarations, for reference.',
    '',
  ];
  for (const category of categories()) {
    lines.push(`## ${category}`, '', '| Name | Signature | Runs | Deterministic | Deprecated | Type-checked |', '| --- | --- | --- | --- | --- | --- |');
    for (const b of all.filter((x) => x.categories.includes(category))) {
      lines.push(`| \`${b.name}\` | \`${b.signature}\` | ${runs(b)} | ${yes(!b.nondeterministic)} | ${yes(b.deprecated)} | ${yes(b.typeChecked)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
