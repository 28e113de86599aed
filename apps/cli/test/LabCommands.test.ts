import { readFileSync } from "node:fs";
import { CalicoClient } from "@calicokit/client";
import { uniqueName } from "@calicokit/testkit";
import { lockName } from "@calicokit/workflows";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, inputFile, runCli, scratch, startCli } from "./support.js";

// One lab for the file: lab up leaves it running in the background, every command below talks
// to it from a fresh process, and lab down removes it.
const lab = uniqueName("cli").slice(0, 12);
const env = { CALICOKIT_LAB_STATE_DIR: scratch };
let cli: string;
let kubeconfig: string;
let client: CalicoClient;
const run = (...args: string[]) => runCli(cli, ["--kubeconfig", kubeconfig, ...args], { env });

beforeAll(async () => {
  cli = await buildCli();
  const up = await runCli(
    cli,
    ["lab", "up", "--name", lab, "--nodes", "4", "--zones", "2", "-o", "json"],
    { env },
  );
  expect(up.stderr).toBe("");
  expect(up.code).toBe(0);
  kubeconfig = JSON.parse(up.stdout).kubeconfig;
  client = await CalicoClient.connect({ kubeconfigPath: kubeconfig });
}, 180_000);

afterAll(async () => {
  client?.close();
  const down = await runCli(cli, ["lab", "down", "--name", lab], { env });
  expect(down).toMatchObject({
    code: 0,
    stdout: `lab ${lab} is down: no namespace, link or process left\n`,
  });
}, 120_000);

describe("lab and bgp commands", () => {
  it("lab status prints Lab.status() from another process", async () => {
    const status = await runCli(cli, ["lab", "status", "--name", lab, "-o", "json"], { env });
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed).toMatchObject({ name: lab, kubeconfig, calicoApi: "v3" });
    expect(parsed.nodes.map((n: { name: string; zone: string }) => [n.name, n.zone])).toEqual([
      ["node-1", "zone-a"],
      ["node-2", "zone-b"],
      ["node-3", "zone-a"],
      ["node-4", "zone-b"],
    ]);
    const missing = await runCli(cli, ["lab", "fault", "stop-bird", "node-9", "--name", lab], {
      env,
    });
    expect(missing.code).toBe(2);
  });

  it("bgp status --all shows the full mesh as calicoctl node status does", async () => {
    const result = await run("bgp", "status", "--all");
    expect(result.code).toBe(0);
    const blocks = result.stdout.split("\n\n");
    expect(blocks).toHaveLength(4);
    expect(blocks[0]).toMatch(
      /^node-1: 3 established, 0 not established\nPEER ADDRESS {3}PEER TYPE {11}STATE {3}SINCE {6}INFO(\n10\.99\.0\.\d+ +node-to-node mesh {3}up {6}\d\d:\d\d:\d\d {3}Established){3}$/,
    );
    const json = JSON.parse((await run("bgp", "status", "node-2", "-o", "json")).stdout);
    expect(json).toEqual([
      expect.objectContaining({ node: "node-2", ok: true, established: 3, notEstablished: 0 }),
    ]);
    expect(json[0].peers[0]).toEqual(
      expect.objectContaining({ family: "v4", type: "NodeMesh", state: "Established" }),
    );
  });

  it("apply -f of a v3 Node as calicoctl prints it changes only the core Node's Calico annotations", async () => {
    const before = await client.nodes.get("node-4");
    const yaml = (await run("get", "node", "node-4", "-o", "yaml")).stdout;
    const file = inputFile(
      "node-4.yaml",
      yaml.replace(/(\n {2}labels:\n)/, "$1    calicokit-test: marked\n"),
    );
    expect(await run("apply", "-f", file)).toMatchObject({
      code: 0,
      stdout: "nodes/node-4 configured\n",
    });
    const after = await client.nodes.get("node-4");
    expect(after.kubernetes.metadata.labels).toEqual(before.kubernetes.metadata.labels);
    expect(after.node.metadata.labels?.["calicokit-test"]).toBe("marked");
    expect(
      JSON.parse(after.kubernetes.metadata.annotations?.["projectcalico.org/labels"] ?? "{}"),
    ).toEqual({ "calicokit-test": "marked" });
    expect(await run("apply", "-f", file)).toMatchObject({
      code: 0,
      stdout: "nodes/node-4 unchanged\n",
    });
  });
});

describe("migrate against the lab", () => {
  it("another run holding the lock is exit 5, nothing written", async () => {
    const held = await client.leases.acquire(
      { name: lockName, namespace: "kube-system", holder: "someone-else" },
      { durationSeconds: 120 },
    );
    try {
      const result = await run(
        "migrate",
        "apply",
        "--to",
        "route-reflectors",
        "--rr-count",
        "2",
        "--yes",
      );
      expect(result.code).toBe(5);
      expect((await client.bgpPeers.listAll()).items).toEqual([]);
    } finally {
      await client.leases.release(held);
    }
  });

  it("Ctrl-C during apply rolls the run back: exit 3 and the mesh as before", async () => {
    const apply = startCli(
      cli,
      [
        "--kubeconfig",
        kubeconfig,
        "migrate",
        "apply",
        "--to",
        "route-reflectors",
        "--rr-count",
        "2",
        "--yes",
      ],
      { env },
    );
    await apply.waitForOutput(/step mark-route-reflectors done/);
    process.kill(apply.pid, "SIGINT");
    const result = await apply.done;
    expect(result.stderr).toContain("interrupted");
    expect(result.code).toBe(3);
    expect((await client.bgpPeers.listAll()).items).toEqual([]);
    for await (const view of client.nodes.list())
      expect(view.node.spec.bgp?.routeReflectorClusterID).toBeUndefined();
    const status = JSON.parse((await run("migrate", "status", "-o", "json")).stdout);
    expect(status.phase).toBe("RolledBack");
  }, 180_000);

  it("a rollback that cannot be verified is exit 4, says the cluster is half-migrated, and rollback finishes it once fixed", async () => {
    // The scenario-20 situation through the binary: the mesh switch is written, then a client's
    // BIRD stops, so neither the run's check nor the restored mesh can be proved from the nodes.
    const apply = startCli(
      cli,
      [
        "--kubeconfig",
        kubeconfig,
        "migrate",
        "apply",
        "--to",
        "route-reflectors",
        "--rr-nodes",
        "node-1,node-2",
        "--yes",
        // the forward verification must pass, and a session can sit in BIRD's error wait (5-30 s)
        // before it comes up; the rollback's verification, which cannot pass, waits all of it out
        "--verify-timeout",
        "45s",
      ],
      { env },
    );
    // Barrier: the run is frozen as it starts the mesh switch (its verification cannot finish
    // while it is stopped), BIRD is stopped on a client, then Ctrl-C asks for the rollback.
    await apply.waitForOutput(/step disable-mesh: /);
    process.kill(apply.pid, "SIGSTOP");
    const stopped = await run("lab", "fault", "stop-bird", "node-4", "--name", lab);
    expect(stopped.code).toBe(0);
    process.kill(apply.pid, "SIGINT");
    process.kill(apply.pid, "SIGCONT");
    const result = await apply.done;
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toMatch(/rollback failed: /);
    const runId = /rollback of (\S+) failed while verifying the restored state/.exec(
      result.stderr,
    )?.[1];
    expect(runId, result.stderr).toBeDefined();
    expect(result.stderr).toContain(
      `the cluster is half-migrated: see "calicokit migrate status ${runId}", fix the cause, then run "calicokit migrate rollback ${runId}"`,
    );
    const failed = JSON.parse(
      (await run("migrate", "status", runId as string, "-o", "json")).stdout,
    );
    expect(failed.phase).toBe("RollbackFailed");

    // the cause fixed, rollback proves the mesh from the nodes and ends
    expect((await run("lab", "fault", "start-bird", "node-4", "--name", lab)).code).toBe(0);
    const fixed = await run("migrate", "rollback", runId as string, "--verify-timeout", "60s");
    expect(fixed.code, fixed.stderr).toBe(0);
    const restored = JSON.parse(
      (await run("migrate", "status", runId as string, "-o", "json")).stdout,
    );
    expect(restored.phase).toBe("RolledBack");
    expect((await client.bgpPeers.listAll()).items).toEqual([]);
  }, 300_000);

  it("apply succeeds with JSON lines, then status, list and topology show the reflectors", async () => {
    const result = await run(
      "migrate",
      "apply",
      "--to",
      "route-reflectors",
      "--rr-count",
      "2",
      "--yes",
      "-o",
      "json",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({ type: "succeeded" });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events[0].seq + i));
    const list = JSON.parse((await run("migrate", "list", "-o", "json")).stdout);
    expect(list.items.map((r: { phase: string }) => r.phase)).toContain("Succeeded");
    const topology = JSON.parse((await run("bgp", "topology", "-o", "json")).stdout);
    expect(
      topology.nodes.filter((n: { routeReflector: boolean }) => n.routeReflector),
    ).toHaveLength(2);
    expect(topology.sessions.every((s: { type: string }) => s.type !== "NodeMesh")).toBe(true);
    const dot = (await run("bgp", "topology", "-o", "dot")).stdout;
    expect(dot).toMatch(/^graph bgp \{\n/);
    expect(dot).toContain("shape=doublecircle");
    expect(readFileSync(kubeconfig, "utf8")).toContain("server:");
  }, 240_000);
});
