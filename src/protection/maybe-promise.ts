import type { MaybePromise } from './store.js';

/** Whether a store's answer is still to come. */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Applies `next` to a store's answer: at once when the store answered synchronously (the in-memory
 * store, so a decision never waits a tick for it), else when the promise settles.
 *
 * @example
 * andThen(store.count(key, 1, 60_000, now), (n) => n >= 20);
 */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(value) ? value.then(next) : next(value);
}
