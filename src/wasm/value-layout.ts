/** Tags and sizes of the runtime's value layout (src/wasm/runtime/value.ts); the two must agree. */
export const TAG = { null: 1, bool: 2, int: 3, ref: 4, string: 5, array: 6, object: 7, set: 8 } as const;

/** Native builtins return this to hand the call to the host implementation. */
export const DEFER = -1;
