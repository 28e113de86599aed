import { EventEmitter, once } from "node:events";
import { type ControlPlane, startControlPlane, uniqueName } from "@calicokit/testkit";
import type { BgpPeer } from "@calicokit/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CalicoClient } from "../src/CalicoClient.js";
import { CalicoClientError } from "../src/CalicoClientError.js";
import type { HeldLease } from "../src/LeaseClient.js";

// Issue 8 §3: the client, with its default options, under an apiserver that is killed and
// restarted (etcd and its data kept) and paused, while 8 writers, a watcher and a Lease holder
// work. The control plane is this file's own: restarting the shared one would disturb others.

const writers = 8;
/** Acknowledged writes between two disruptions: the load that runs into each one. */
const writesBetweenDisruptions = 8;

interface WriterLog {
  /** Names whose create was acknowledged, and those whose delete was. */
  readonly created: Set<string>;
  readonly deleted: Set<string>;
  /** Names whose create or delete failed: their fate is unknown. */
  readonly uncertain: Set<string>;
  /** Own writes reported as AlreadyExists (create) or NotFound (delete): never allowed. */
  readonly misreported: string[];
  readonly failures: CalicoClientError[];
  /** Anything thrown that is not a CalicoClientError. */
  readonly escaped: unknown[];
}

function peer(name: string, label: string): BgpPeer {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "BGPPeer",
    metadata: { name, labels: { chaos: label } },
    spec: { peerIP: "192.0.2.77", asNumber: 64512 },
  } as BgpPeer;
}

describe("the client through apiserver restarts, with its defaults", () => {
  let cp: ControlPlane;

  beforeAll(async () => {
    cp = await startControlPlane({ calicoApi: "v3" });
  }, 120_000);
  afterAll(async () => {
    await cp?.stop();
  });

  // a restart resolves once /readyz and the CRDs answer: seconds on a quiet machine, over a
  // minute each on one loaded many times over, hence the generous timeout
  it("loses no acknowledged write, invents none, misreports none; the watch and the Lease keep up", async () => {
    const label = uniqueName("chaos");
    const selector = `chaos=${label}`;
    const connect = () => CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const progress = new EventEmitter();
    progress.setMaxListeners(50);
    let acknowledged = 0;
    let running = true;
    const log: WriterLog = {
      created: new Set(),
      deleted: new Set(),
      uncertain: new Set(),
      misreported: [],
      failures: [],
      escaped: [],
    };
    const record = (error: unknown, name: string, ownWriteTag: "AlreadyExists" | "NotFound") => {
      log.uncertain.add(name);
      if (!(error instanceof CalicoClientError)) log.escaped.push(error);
      else {
        log.failures.push(error);
        if (error._tag === ownWriteTag) log.misreported.push(`${name}: ${error.message}`);
      }
    };
    const acked = () => {
      acknowledged++;
      progress.emit("ack", acknowledged);
    };
    const acksReach = async (count: number) => {
      while (acknowledged < count) await once(progress, "ack");
    };

    // 8 writers: create names of their own; every third write deletes one they created
    const writing = Array.from({ length: writers }, async (_, w) => {
      const client = await connect();
      const mine: string[] = [];
      for (let n = 0; running; n++) {
        const doomed = n % 3 === 2 ? mine.shift() : undefined;
        if (doomed !== undefined) {
          try {
            await client.bgpPeers.delete(doomed);
            log.deleted.add(doomed);
            acked();
          } catch (error) {
            record(error, doomed, "NotFound");
          }
          continue;
        }
        const name = `${label}-w${w}-${n}`;
        try {
          await client.bgpPeers.create(peer(name, label));
          log.created.add(name);
          mine.push(name);
          acked();
        } catch (error) {
          record(error, name, "AlreadyExists");
        }
      }
      client.close();
    });

    // the watcher: its view of the chaos objects, name -> resourceVersion
    const watcherClient = await connect();
    const view = new Map<string, string>();
    const stopWatching = new AbortController();
    let watchError: unknown;
    const watching = (async () => {
      for await (const event of watcherClient.bgpPeers.watch({
        labelSelector: selector,
        signal: stopWatching.signal,
      })) {
        if (event.type === "BOOKMARK") continue;
        const name = event.object.metadata.name as string;
        if (event.type === "DELETED") view.delete(name);
        else view.set(name, event.object.metadata.resourceVersion as string);
        progress.emit("watched", name);
      }
    })().catch((error: unknown) => {
      watchError = error;
    });

    // the Lease holder renews after each acknowledged write; a failed renewal must be clean
    const leaseClient = await connect();
    const ref = { name: uniqueName("chaos-lease"), namespace: "default", holder: "chaos" };
    let lease: HeldLease = await leaseClient.leases.acquire(ref, { durationSeconds: 60 });
    let renewals = 0;
    const leaseFailures: unknown[] = [];
    const holding = (async () => {
      while (running) {
        await once(progress, "ack");
        try {
          lease = await leaseClient.leases.renew(lease);
          renewals++;
        } catch (error) {
          leaseFailures.push(error);
        }
      }
    })();

    // the disruptions, each once the writers have worked into it
    const disruptions: (() => Promise<void>)[] = [
      () => cp.restartApiserver({ signal: "SIGKILL" }),
      () => cp.restartApiserver(),
      () => cp.pauseApiserver(3_000),
      () => cp.restartApiserver({ signal: "SIGKILL" }),
    ];
    for (const disrupt of disruptions) {
      await acksReach(acknowledged + writesBetweenDisruptions);
      await disrupt();
    }
    await acksReach(acknowledged + writesBetweenDisruptions);
    running = false;
    progress.emit("ack", acknowledged); // wakes the Lease holder so it sees the end
    await Promise.all(writing);
    await holding;

    // the watch has caught up once it reports a marker written after everything else
    const checker = await connect();
    const marker = `${label}-marker`;
    const sawMarker = (async () => {
      while (!view.has(marker)) await once(progress, "watched");
    })();
    await checker.bgpPeers.create(peer(marker, label));
    await sawMarker;
    stopWatching.abort();
    await watching;

    const stored = await checker.bgpPeers.listAll({ labelSelector: selector });
    const storedNames = new Set(stored.items.map((p) => p.metadata.name as string));
    storedNames.delete(marker);

    expect(log.escaped).toEqual([]);
    expect(log.misreported).toEqual([]);
    // with the defaults, restarts of a few seconds fail no write
    expect(log.failures.map((e) => e.message)).toEqual([]);
    // every acknowledged write is visible: created and not deleted = stored
    for (const name of log.created) {
      if (!log.deleted.has(name) && !log.uncertain.has(name)) {
        expect(storedNames.has(name), `${name} was acknowledged`).toBe(true);
      }
    }
    for (const name of log.deleted) expect(storedNames.has(name), `${name} deleted`).toBe(false);
    // nothing unacknowledged is invented
    for (const name of storedNames) {
      expect(log.created.has(name) || log.uncertain.has(name), `${name} invented`).toBe(true);
    }
    // the watch's replayed view equals the stored state
    expect(watchError).toBeUndefined();
    expect(new Map([...view].filter(([name]) => name !== marker))).toEqual(
      new Map(
        stored.items
          .filter((p) => p.metadata.name !== marker)
          .map((p) => [p.metadata.name as string, p.metadata.resourceVersion as string]),
      ),
    );
    // the Lease renewed through it all, or failed cleanly; either way it can be taken again
    expect(renewals).toBeGreaterThan(0);
    for (const failure of leaseFailures) expect(failure).toBeInstanceOf(CalicoClientError);
    const again = await checker.leases.acquire(ref, { durationSeconds: 60 });
    expect(again.holder).toBe("chaos");
    expect(acknowledged).toBeGreaterThanOrEqual(writesBetweenDisruptions * 5);

    for (const c of [watcherClient, leaseClient, checker]) c.close();
  }, 400_000);
});
