import type { BuiltinGroup } from './declaration.js';

/** Comparison operators, and the operators the compiler writes (`=`, `:=`, `in`). */
export const COMPARISON: BuiltinGroup = {
  category: 'comparison',
  builtins: [
    { name: 'eq', signature: 'any, any -> boolean', categories: ['internal'], planner: true, unchecked: true },
    { name: 'assign', signature: 'any, any -> boolean', categories: ['internal'], planner: true, unchecked: true },
    { name: 'equal', signature: 'any, any -> boolean', native: 'b_equal', unchecked: true },
    { name: 'neq', signature: 'any, any -> boolean', native: 'b_neq', unchecked: true },
    { name: 'lt', signature: 'any, any -> boolean', native: 'b_lt', unchecked: true },
    { name: 'lte', signature: 'any, any -> boolean', native: 'b_lte', unchecked: true },
    { name: 'gt', signature: 'any, any -> boolean', native: 'b_gt', unchecked: true },
    { name: 'gte', signature: 'any, any -> boolean', native: 'b_gte', unchecked: true },
    { name: 'internal.member_2', signature: 'any, any -> boolean', categories: ['internal'], native: 'b_member_2', unchecked: true },
    { name: 'internal.member_3', signature: 'any, any, any -> boolean', categories: ['internal'], native: 'b_member_3', unchecked: true },
  ],
};
