import type { Hash } from 'node:crypto';

const SLICE_BYTES = 8 * 1024 * 1024;

/**
 * Feeds `bytes` to `hash` 8 MiB at a time, with a turn of the event loop between slices: hashing a
 * large file (~50 ms for 77 MB) never holds up the thread that answers checks in one piece.
 */
export async function hashInSlices(hash: Hash, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.byteLength; at += SLICE_BYTES) {
    hash.update(bytes.subarray(at, at + SLICE_BYTES));
    if (at + SLICE_BYTES < bytes.byteLength) await new Promise((resolve) => setImmediate(resolve));
  }
}
