export * from './alloc';
export * from './json-parse';
export * from './json-dump';
export * from './ops';
export * from './host';
export * from './eval';
export * from './builtins-core';
export { rt_conflict } from './errors';
export * from './sprintf';
