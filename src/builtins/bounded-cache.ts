/** Bounds of a {@link BoundedCache} besides its number of entries. */
export interface CacheWeight<V> {
  /** What an entry costs (bytes, say). */
  weigh: (key: string, value: V) => number;
  /** Most the entries may cost together; an entry costing more than this alone is still kept, alone. */
  max: number;
}

interface Slot<V> {
  value: V;
  /** Where the key sits in `keys`. */
  at: number;
  weight: number;
}

/**
 * A bounded memo (results never depend on it). When full, a random entry makes room, as OPA's
 * regex cache does: a policy that goes through more patterns than the cache holds, in the same
 * order on every evaluation, still finds most of them, where evicting the oldest would find none
 * (and each miss here recompiles a pattern: ~0.5 ms).
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, Slot<V>>();
  private readonly keys: string[] = [];
  private total = 0;

  constructor(
    private readonly limit: number,
    private readonly onEvict?: (value: V) => void,
    private readonly weight?: CacheWeight<V>,
    private readonly random: () => number = Math.random,
  ) {}

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Entries held now. */
  get size(): number {
    return this.keys.length;
  }

  /** What the entries cost together (0 without a weight). */
  get weightHeld(): number {
    return this.total;
  }

  /** Stores `value` under `key`, replacing (and releasing) what the key held. */
  set(key: string, value: V): void {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    const weight = this.weight?.weigh(key, value) ?? 0;
    const max = this.weight?.max ?? Infinity;
    while (this.keys.length > 0 && (this.keys.length >= this.limit || this.total + weight > max)) {
      const victim = this.keys[Math.floor(this.random() * this.keys.length)]!;
      this.remove(victim, this.entries.get(victim)!);
    }
    this.entries.set(key, { value, at: this.keys.length, weight });
    this.keys.push(key);
    this.total += weight;
  }

  private remove(key: string, slot: Slot<V>): void {
    // The last key takes the removed one's place.
    const last = this.keys.pop()!;
    if (last !== key) {
      this.keys[slot.at] = last;
      this.entries.get(last)!.at = slot.at;
    }
    this.entries.delete(key);
    this.total -= slot.weight;
    this.onEvict?.(slot.value);
  }
}
