// Many concurrent readers of one run (dashboards, pipelines polling) share one cluster read per
// key and per `ttlMs`: the apiserver sees a steady trickle however many readers there are.
export class ShortCache<T> {
  private readonly entries = new Map<
    string,
    { readonly value: Promise<T>; readonly until: number }
  >();

  constructor(private readonly ttlMs: number) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.until > now) return hit.value;
    const value = load();
    this.entries.set(key, { value, until: now + this.ttlMs });
    // failures are not cached: the next reader asks again
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > 1000) {
      for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
    }
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
