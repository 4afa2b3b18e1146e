import type { HostBuiltin } from '../host-builtin.js';
import type { RegoSet, RegoValue } from '../value.js';
import { ValueSet } from '../rego-object.js';
import { makeSet, setElements, setFromNormalised } from '../rego-order.js';
import { setArg } from '../operands.js';

// Set algebra: union, intersection, `&`, `|` and the deprecated set_diff.

/** The members of `a` not in `b` (`a - b` on sets, and set_diff). */
export function difference(a: RegoSet, b: RegoSet): RegoSet {
  const drop = new ValueSet(setElements(b));
  return setFromNormalised(setElements(a).filter((x) => !drop.has(x)));
}

function intersect(a: RegoSet, b: RegoSet): RegoSet {
  const have = new ValueSet(setElements(b));
  return setFromNormalised(setElements(a).filter((x) => have.has(x)));
}

export const and: HostBuiltin = (a, b) => intersect(setArg('and', a, 1), setArg('and', b, 2));

export const or: HostBuiltin = (a, b) =>
  makeSet([...setElements(setArg('or', a, 1)), ...setElements(setArg('or', b, 2))]);

/** union(set of sets); every member must itself be a set ("operand 1 must be set"). */
export const union: HostBuiltin = (sets) => {
  // flatMap, not push(...members): spreading a large set as arguments overflows the stack.
  const all = setElements(setArg('union', sets, 1)).flatMap((s) => setElements(setArg('union', s, 1)));
  return makeSet(all);
};

export const intersection: HostBuiltin = (sets) => {
  const members = setElements(setArg('intersection', sets, 1));
  let acc: RegoSet | undefined;
  for (const s of members) {
    const next = setArg('intersection', s, 1);
    acc = acc === undefined ? next : intersect(acc, next);
  }
  return acc ?? makeSet([]);
};

/** set_diff(a, b): the members of `a` not in `b` (deprecated in OPA for `a - b`; Rego v0 only). */
export const setDiff: HostBuiltin = (a, b) => difference(setArg('set_diff', a, 1), setArg('set_diff', b, 2));
