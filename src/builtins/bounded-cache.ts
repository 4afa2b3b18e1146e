/** A bounded memo: the oldest entry goes when the map is full (results never depend on it). */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly limit: number,
    private readonly onEvict?: (value: V) => void,
  ) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) {
        const value = this.entries.get(oldest.value);
        this.entries.delete(oldest.value);
        if (value !== undefined) this.onEvict?.(value);
      }
    }
    this.entries.set(key, value);
  }
}
