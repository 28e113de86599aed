import { type MigrationEvent, watchMigration } from "./internal/Workflows.js";
import type { ServerContext } from "./ServerContext.js";

interface Feed {
  readonly events: MigrationEvent[];
  readonly wake: Set<() => void>;
  readonly stop: AbortController;
  subscribers: number;
  done: boolean;
  failure: unknown;
}

/**
 * One journal follower per run, shared by every event-stream subscriber of it: 50 browsers on
 * one run cost the cluster one poll loop, not 50. Each subscriber gets the run's history after
 * its own `afterSeq`, then live events, in order, until the run ends or it leaves.
 *
 * @example
 * ```ts
 * import { EventFeeds } from "@calicokit/server"
 * declare const context: import("@calicokit/server").ServerContext
 * const feeds = new EventFeeds(context)
 * for await (const event of feeds.follow("mig-202611302105-ab12cd", 0, AbortSignal.timeout(60_000))) console.log(event.seq)
 * ```
 */
export class EventFeeds {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly context: ServerContext) {}

  async *follow(id: string, afterSeq: number, signal: AbortSignal): AsyncGenerator<MigrationEvent> {
    const feed = this.open(id);
    feed.subscribers++;
    let after = afterSeq;
    try {
      for (;;) {
        for (const event of feed.events) {
          if (event.seq > after) {
            after = event.seq;
            yield event;
          }
        }
        if (feed.failure !== undefined) throw feed.failure;
        if (feed.done || signal.aborted) return;
        await new Promise<void>((resolve) => {
          const wake = () => {
            feed.wake.delete(wake);
            signal.removeEventListener("abort", wake);
            resolve();
          };
          feed.wake.add(wake);
          signal.addEventListener("abort", wake, { once: true });
        });
      }
    } finally {
      feed.subscribers--;
      if (feed.subscribers === 0) {
        feed.stop.abort();
        this.feeds.delete(id);
      }
    }
  }

  private open(id: string): Feed {
    const existing = this.feeds.get(id);
    if (existing !== undefined) return existing;
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, this.context.shutdown]);
    const feed: Feed = {
      events: [],
      wake: new Set(),
      stop,
      subscribers: 0,
      done: false,
      failure: undefined,
    };
    this.feeds.set(id, feed);
    const wakeAll = () => {
      for (const wake of [...feed.wake]) wake();
    };
    void (async () => {
      try {
        for await (const event of watchMigration(this.context.client, id, {
          namespace: this.context.namespace,
          signal,
        })) {
          feed.events.push(event);
          wakeAll();
        }
      } catch (error) {
        feed.failure = error;
      } finally {
        feed.done = true;
        if (this.feeds.get(id) === feed) this.feeds.delete(id);
        wakeAll();
      }
    })();
    return feed;
  }
}
