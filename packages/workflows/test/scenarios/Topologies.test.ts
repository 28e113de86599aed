import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { BirdProcess, type Lab, LabNetwork } from "@calicokit/lab";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  getMigration,
  type MigrationRequest,
  planMigration,
  runMigration,
  type StepId,
} from "../../src/index.js";
import { type MigrationLab, startMigrationLab, waitUntil } from "../support/MigrationLab.js";
import { failureOf, startRun, stepStates } from "./support/RunProbe.js";

// Scenario 13 (a ToR the cluster peers with stays Established through every change, and a
// rollback removes only calicokit's objects) and the reflector-set change (add, remove, replace
// one reflector) with every client on at least two Established reflectors throughout. One lab and
// one ToR for the whole file: the ToR's sessions are watched across every run in it.

const run$ = promisify(execFile);
const torAddress = "10.99.0.250";
const torAs = 65010;

interface Sampler<T> {
  stop(): Promise<T[]>;
}

/** Calls `sample` every `everyMs` until stopped; returns every sample taken. */
function sampling<T>(everyMs: number, sample: () => Promise<T>): Sampler<T> {
  const samples: T[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(await sample());
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** A ToR router: a BIRD in the lab's hub namespace (on the bridge), eBGP to every node. */
async function startTor(lab: Lab, dir: string) {
  const hub = LabNetwork.netnsName(lab.name, "hub");
  await run$("ip", ["-n", hub, "addr", "add", `${torAddress}/16`, "dev", "br0"]);
  const nodes = lab.status().nodes;
  const config = [
    `router id ${torAddress};`,
    "protocol device { scan time 10; }",
    `template bgp nodes { local as ${torAs}; import all; export none; }`,
    ...nodes.map(
      (n) =>
        `protocol bgp ${n.name.replace("-", "_")} from nodes { neighbor ${n.ipv4} as ${n.asNumber}; }`,
    ),
  ].join("\n");
  const configPath = join(dir, "tor.conf");
  writeFileSync(configPath, `${config}\n`);
  const socketPath = join(dir, "tor.ctl");
  const bird = await BirdProcess.start({
    netns: hub,
    family: 4,
    configPath,
    socketPath,
    logPath: join(dir, "tor.log"),
  });
  /** Nodes whose session with the ToR is not Established right now. */
  const down = async (): Promise<string[]> => {
    const { stdout } = await run$("birdc", ["-s", socketPath, "show", "protocols"]);
    const rows = stdout
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1] === "BGP");
    return nodes
      .map((n) => n.name.replace("-", "_"))
      .filter((name) => {
        const row = rows.find((f) => f[0] === name);
        return !(row?.[3] === "up" && row[5] === "Established");
      });
  };
  return { bird, down };
}

describe("a ToR peer untouched by every change; reflector-set changes keep clients on two reflectors", () => {
  let env: MigrationLab;
  let tor: Awaited<ReturnType<typeof startTor>>;
  let torWatch: Sampler<string[]>;
  let torVersion: string | undefined;

  beforeAll(async () => {
    env = await startMigrationLab(`wf-topo-${process.pid % 1000}`, { nodes: 6, zones: 3 });
    tor = await startTor(env.lab, join(tmpdir(), `calicokit-lab.${env.lab.name}`));
    // the cluster's own, hand-made peering with the ToR: not calicokit's
    const peer = await env.client.bgpPeers.create({
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name: "tor", labels: { "network.example.com/role": "tor" } },
      spec: { peerIP: torAddress, asNumber: torAs },
    });
    torVersion = peer.metadata.resourceVersion;
    await waitUntil(
      "every node Established to the ToR",
      60_000,
      async () => (await tor.down()).length === 0,
    );
    torWatch = sampling(200, () => tor.down());
  }, 180_000);

  afterAll(async () => {
    await torWatch?.stop();
    await tor?.bird.stop("kill");
    await env?.close();
  });

  async function expectTorUntouched() {
    const peer = await env.client.bgpPeers.get("tor");
    expect(peer.metadata.resourceVersion).toBe(torVersion);
    expect(peer.metadata.labels).toEqual({ "network.example.com/role": "tor" });
  }

  test("13: a rolled-back run and a full migration leave the ToR peer as it was, its sessions up", async () => {
    const request = { to: "route-reflectors", rrNodes: ["node-4", "node-5"] } as const;
    const plan = await planMigration(env.client, request);
    expect(plan.warnings.join("\n")).toContain("(ToR / external: tor) are left untouched");
    expect(plan.changes.map((c) => `${c.kind} ${c.name}`)).not.toContain("BGPPeer tor");

    // cancelled after the reflectors are marked: the rollback deletes only what the run created
    const controller = new AbortController();
    const cancelled = startRun(env.client, plan, {
      startedBy: "test",
      signal: controller.signal,
      verifyTimeoutMs: 90_000,
      onEvent: (e) => {
        if (e.type === "step-started" && e.step === "verify-sessions") controller.abort();
      },
    });
    expect((await failureOf(cancelled))._tag).toBe("Cancelled");
    expect(stepStates(await getMigration(env.client, plan.id))).toMatchObject({
      "create-peers": "compensated",
    });
    expect((await env.client.bgpPeers.listAll()).items.map((p) => p.metadata.name)).toEqual([
      "tor",
    ]);
    await expectTorUntouched();

    const done = await runMigration(env.client, await planMigration(env.client, request), {
      startedBy: "test",
    });
    expect(done.phase).toBe("Succeeded");
    await expectTorUntouched();
    // the sampler saw every node Established to the ToR at every look so far
    const samples = await torWatch.stop();
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.filter((down) => down.length > 0)).toEqual([]);
    torWatch = sampling(200, () => tor.down());
  }, 180_000);

  /**
   * Changes the reflector set and samples, on every client that stays a client, how many
   * reflector sessions BIRD has Established: never fewer than two.
   */
  async function changeSet(rrNodes: readonly string[], steps: readonly StepId[]) {
    const request: MigrationRequest = { to: "reflector-set", rrNodes: [...rrNodes] };
    const plan = await planMigration(env.client, request);
    expect(plan.from).toBe("route-reflectors");
    expect(plan.steps.map((s) => s.id)).toEqual(steps);
    const reflectorsEver = new Set([...plan.previousReflectors, ...rrNodes]);
    const nodes = env.lab.status().nodes;
    const sessionName = (ip: string) => `Node_${ip.replaceAll(".", "_")}`;
    const reflectorSessions = new Set(
      nodes.filter((n) => reflectorsEver.has(n.name)).map((n) => sessionName(n.ipv4)),
    );
    const clients = nodes.filter((n) => !reflectorsEver.has(n.name)).map((n) => n.name);
    const look = () =>
      Promise.all(
        clients.map(async (client) => {
          const up = (await env.lab.bgpSessions(client)).filter(
            (s) => s.established && reflectorSessions.has(s.name),
          );
          return { client, up: up.length };
        }),
      );
    // The promise is about a change that starts settled. A reflector that left in the previous
    // change can still be re-forming its sessions as a client: seen on the lab with none
    // Established for a second or two after that run's verify-final had passed.
    await waitUntil("every client on two reflectors before the change", 30_000, async () =>
      (await look()).every((s) => s.up >= 2),
    );
    const watch = sampling(100, look);
    const record = await runMigration(env.client, plan, { startedBy: "test" });
    const samples = (await watch.stop()).flat();
    expect(record.phase).toBe("Succeeded");
    // at least two looks at every client (a change that needs no new session can pass at once)
    expect(samples.length).toBeGreaterThanOrEqual(clients.length * 2);
    expect(samples.filter((s) => s.up < 2)).toEqual([]);
    for (const node of await Promise.all(nodes.map((n) => env.client.nodes.get(n.name)))) {
      const name = node.node.metadata.name;
      expect(node.node.spec.bgp?.routeReflectorClusterID !== undefined, name).toBe(
        rrNodes.includes(name),
      );
    }
  }

  test("reflector-set: add one, remove one, replace one; no client ever below two reflectors", async () => {
    await changeSet(["node-4", "node-5", "node-6"], ["mark-route-reflectors", "verify-sessions"]);
    await changeSet(["node-4", "node-6"], ["unmark-route-reflectors", "verify-final"]);
    await changeSet(
      ["node-4", "node-2"],
      ["mark-route-reflectors", "verify-sessions", "unmark-route-reflectors", "verify-final"],
    );
    await expectTorUntouched();

    const back = await runMigration(env.client, await planMigration(env.client, { to: "mesh" }), {
      startedBy: "test",
    });
    expect(back.phase).toBe("Succeeded");
    await waitUntil("the full mesh beside the ToR session", 30_000, async () => {
      const nodes = env.lab.status().nodes;
      const sessions = await Promise.all(nodes.map((n) => env.lab.bgpSessions(n.name)));
      return sessions.every(
        (rows) =>
          rows.filter((r) => r.kind === "Mesh" && r.established).length === nodes.length - 1 &&
          !rows.some((r) => r.kind === "Node"),
      );
    });
    expect((await env.client.bgpPeers.listAll()).items.map((p) => p.metadata.name)).toEqual([
      "tor",
    ]);
    const samples = await torWatch.stop();
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.filter((down) => down.length > 0)).toEqual([]);
    torWatch = sampling(200, () => tor.down());
  }, 240_000);
});
