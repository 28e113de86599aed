import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BirdProcess } from "../src/BirdProcess.js";
import { Lab } from "../src/Lab.js";
import { LabNetwork } from "../src/LabNetwork.js";
import { birdcBgp, established, waitFor } from "./support/birdc.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("lab lifecycle", () => {
  test("Lab.up cleans up after a crashed lab of the same name", async () => {
    const name = `crash-${process.pid % 1000}`;
    const dir = join(tmpdir(), `calicokit-lab.${name}`);
    // What a SIGKILLed run leaves: namespaces with a BIRD still in them, and its temp dir
    // naming an owner that is gone.
    const network = await LabNetwork.create(name);
    const netns = await network.addNode({ name: "node-1", index: 1, ipv4: "10.99.0.11" });
    mkdirSync(join(dir, "nodes", "node-1"), { recursive: true });
    const config = join(dir, "nodes", "node-1", "bird.cfg");
    writeFileSync(config, "router id 10.99.0.11;\nprotocol device {}\n");
    const orphan = await BirdProcess.start({
      netns,
      family: 4,
      configPath: config,
      socketPath: join(dir, "nodes", "node-1", "bird.ctl"),
      logPath: join(dir, "nodes", "node-1", "bird.log"),
    });
    const deadPid = spawnSync("true").pid;
    writeFileSync(join(dir, "lab.json"), JSON.stringify({ ownerPid: deadPid }));

    const lab = await Lab.up({ name, nodes: 2, calicoApi: "v3" });
    try {
      expect(alive(orphan.pid)).toBe(false);
      const nodes = lab.status().nodes;
      await waitFor("mesh", 20_000, () =>
        nodes.every((n) => birdcBgp(n.birdSocket).filter(established).length === 1),
      );
    } finally {
      await lab.down();
    }
    expect(await LabNetwork.namespacesOf(name)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  test("a lab name owned by another live process is refused", async () => {
    const name = `owned-${process.pid % 1000}`;
    const dir = join(tmpdir(), `calicokit-lab.${name}`);
    const owner = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "lab.json"), JSON.stringify({ ownerPid: owner.pid }));
      await expect(Lab.up({ name, nodes: 1, calicoApi: "v3" })).rejects.toMatchObject({
        _tag: "NameInUse",
      });
    } finally {
      owner.kill("SIGKILL");
      execFileSync("rm", ["-rf", dir]);
    }
  });
});
