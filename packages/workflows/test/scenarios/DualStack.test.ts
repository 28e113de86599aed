import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getMigration, planMigration, runMigration } from "../../src/index.js";
import { type MigrationLab, startMigrationLab, waitUntil } from "../support/MigrationLab.js";
import { failureOf, meshConfigVersion, startRun, stepStates } from "./support/RunProbe.js";

// Scenario 16: on a dual-stack cluster each address family is verified on its own. IPv4
// Established to both reflectors does not stand in for IPv6: with one client's IPv6 sessions to a
// reflector blocked, the mesh stays on and the run rolls back.

describe("dual-stack: each family is verified separately (real BIRD and bird6)", () => {
  let env: MigrationLab;
  const request = { to: "route-reflectors", rrNodes: ["node-3", "node-4"] } as const;

  beforeAll(async () => {
    env = await startMigrationLab(`wf-ds-${process.pid % 1000}`, {
      nodes: 4,
      zones: 2,
      ipv6: true,
    });
    const nodes = env.lab.status().nodes;
    await waitUntil("the IPv6 mesh", 60_000, async () =>
      (await Promise.all(nodes.map((n) => env.lab.bgpSessions(n.name, 6)))).every(
        (rows) =>
          rows.filter((r) => r.kind === "Mesh" && r.established).length === nodes.length - 1,
      ),
    );
  });

  afterAll(async () => {
    await env?.close();
  });

  test("16: IPv4 up but IPv6 down between a client and a reflector: verify fails, the mesh stays on", async () => {
    const plan = await planMigration(env.client, request);
    expect(plan.families).toEqual(["v4", "v6"]);
    const meshVersion = await meshConfigVersion(env.client);
    await env.lab.blockBgp("node-1", "node-4", { family: 6 });
    let unblocked: Promise<void> | undefined;
    const run = startRun(env.client, plan, {
      startedBy: "test",
      // long enough for every IPv4 session to come up first (a collision between two
      // reflectors can hold one back for 20 s and more), so only the IPv6 one is short
      verifyTimeoutMs: 60_000,
      onEvent: (e) => {
        // the restored mesh needs IPv6 between them again
        if (e.type === "compensating" && unblocked === undefined) {
          unblocked = env.lab.unblockBgp("node-1", "node-4");
        }
      },
    });
    const failure = await failureOf(run);
    await unblocked;
    expect(failure._tag).toBe("RolledBack");
    // short in IPv6 only: its IPv4 sessions to both reflectors were up
    expect(failure.message).toContain("node-1 (v6: 1/2)");
    expect(failure.message).not.toMatch(/\(v4: /);

    const record = await getMigration(env.client, plan.id);
    expect(record.phase).toBe("RolledBack");
    expect(stepStates(record)).toMatchObject({
      "verify-sessions": "failed",
      "disable-mesh": "pending",
    });
    expect(await meshConfigVersion(env.client)).toBe(meshVersion);
    expect((await env.client.bgpPeers.listAll()).items).toEqual([]);
  }, 150_000);

  test("with both families reachable the same migration verifies IPv4 and IPv6 and succeeds", async () => {
    const record = await runMigration(env.client, await planMigration(env.client, request), {
      startedBy: "test",
    });
    expect(record.phase).toBe("Succeeded");
    for (const family of [4, 6] as const) {
      for (const client of ["node-1", "node-2"]) {
        const rows = await env.lab.bgpSessions(client, family);
        expect(
          rows.some((r) => r.kind === "Mesh"),
          `${client} v${family}`,
        ).toBe(false);
        expect(
          rows.filter((r) => r.kind === "Node" && r.established).length,
          `${client} v${family}: ${JSON.stringify(rows)}`,
        ).toBe(2);
      }
    }
  }, 120_000);
});
