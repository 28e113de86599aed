/** An interval in which a node had no kernel route to another node's pod block. */
export interface RouteGap {
  /** The node whose kernel table lacked the route. */
  readonly node: string;
  /** The pod block (IPAM block CIDR) it could not reach. */
  readonly destination: string;
  /** The node the block belongs to. */
  readonly owner: string;
  readonly start: Date;
  /** Undefined while the route is still missing. */
  readonly end: Date | undefined;
  /** `end - start`, or `now - start` for a gap still open. */
  readonly durationMs: number;
}

interface Track {
  readonly node: string;
  readonly destination: string;
  readonly owner: string;
  /** When tracking began: a route missing at the first look has been missing since then. */
  readonly since: number;
  openedAt: number | undefined;
  seen: boolean;
}

/**
 * The bookkeeping behind the route probe: which (node, block) pairs are tracked, and the
 * intervals in which a tracked route was absent. Pure: callers feed observations with times.
 *
 * @example
 * ```ts
 * const ledger = new GapLedger()
 * ledger.track("n1", "192.168.0.64/26", "n2", 0)
 * ledger.observe("n1", new Set(), 100)            // missing since tracking began (0)
 * ledger.observe("n1", new Set(["192.168.0.64/26"]), 250)
 * ledger.gaps(0, 300)                             // [{ ..., durationMs: 250 }]
 * ```
 */
export class GapLedger {
  private readonly tracks = new Map<string, Track>();
  private readonly closed: RouteGap[] = [];

  /** Starts watching `node`'s route to `destination` (a no-op when already tracked). */
  track(node: string, destination: string, owner: string, at: number): void {
    const key = `${node} ${destination}`;
    if (this.tracks.has(key)) return;
    this.tracks.set(key, { node, destination, owner, since: at, openedAt: undefined, seen: false });
  }

  /** Stops tracking the pairs `drop` selects; an open gap ends at `at`. */
  untrackWhere(drop: (node: string, destination: string) => boolean, at: number): void {
    for (const [key, track] of this.tracks) {
      if (!drop(track.node, track.destination)) continue;
      if (track.openedAt !== undefined) this.close(track, at);
      this.tracks.delete(key);
    }
  }

  /** Records what `node`'s kernel table held at time `at`. */
  observe(node: string, present: ReadonlySet<string>, at: number): void {
    for (const track of this.tracks.values()) {
      if (track.node !== node) continue;
      const has = present.has(track.destination);
      if (!has && track.openedAt === undefined) {
        track.openedAt = track.seen ? at : track.since;
      } else if (has && track.openedAt !== undefined) {
        this.close(track, at);
        track.openedAt = undefined;
      }
      track.seen = true;
    }
  }

  /** Gaps overlapping [since, now], clipped to start no earlier than `since`. */
  gaps(since: number, now: number): RouteGap[] {
    const open = [...this.tracks.values()]
      .filter((t) => t.openedAt !== undefined)
      .map((t) => gap(t, t.openedAt ?? now, undefined, now));
    return [...this.closed, ...open]
      .filter((g) => g.end === undefined || g.end.getTime() > since)
      .map((g) => {
        const start = Math.max(g.start.getTime(), since);
        const end = g.end?.getTime() ?? now;
        return { ...g, start: new Date(start), durationMs: end - start };
      })
      .sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  private close(track: Track, at: number): void {
    this.closed.push(gap(track, track.openedAt ?? at, at, at));
  }
}

function gap(track: Track, start: number, end: number | undefined, now: number): RouteGap {
  return {
    node: track.node,
    destination: track.destination,
    owner: track.owner,
    start: new Date(start),
    end: end === undefined ? undefined : new Date(end),
    durationMs: (end ?? now) - start,
  };
}
