import { spawn } from "node:child_process";
import { openSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { birdRouteReplaceMs, Lab, type LabStatus } from "@calicokit/lab";
import { CliError } from "../CliError.js";
import type { CommandHandler } from "../CommandSpec.js";
import { type Invocation, stringFlag } from "../Invocation.js";
import {
  askLab,
  defaultLabName,
  type LabAnswer,
  type LabRequest,
  type LabState,
  labFiles,
  processAlive,
  readLabState,
} from "../internal/LabDaemon.js";
import { printData, renderTable } from "../Output.js";

const labName = (invocation: Invocation) => stringFlag(invocation, "name") ?? defaultLabName;

function count(invocation: Invocation, flag: string, fallback: number): number {
  const text = stringFlag(invocation, flag);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new CliError(
      "Usage",
      `--${flag} "${text}" is not a whole number of at least 1`,
      `e.g. --${flag} ${fallback}`,
    );
  }
  return value;
}

function printStatus(invocation: Invocation, status: LabStatus): void {
  if (invocation.global.output !== "table") {
    printData(invocation, status);
    return;
  }
  invocation.io.stdout.write(
    renderTable(
      ["NODE", "ZONE", "IPV4", "ASN", "RR-CLUSTER-ID", "POD-CIDR"],
      status.nodes.map((n) => [
        n.name,
        n.zone,
        n.ipv4,
        String(n.asNumber),
        n.routeReflectorClusterID ?? "<none>",
        n.podCIDR,
      ]),
    ),
  );
  invocation.io.stdout.write(
    `\nlab ${status.name} (Calico API ${status.calicoApi}); kubeconfig: ${status.kubeconfig}\nexport KUBECONFIG=${status.kubeconfig}\n`,
  );
}

/** `lab up`: starts `lab serve` detached and returns once its full mesh is Established. */
export const up: CommandHandler = async (invocation) => {
  const name = labName(invocation);
  const nodes = count(invocation, "nodes", 4);
  const zones = count(invocation, "zones", 2);
  const api = stringFlag(invocation, "api") ?? "v3";
  const existing = readLabState(name);
  if (existing && processAlive(existing.pid) && existing.phase !== "failed") {
    throw new CliError(
      "Failed",
      `lab ${name} is already running (process ${existing.pid})`,
      `use it, or stop it first: calicokit lab down --name ${name}`,
    );
  }
  const files = labFiles(name);
  rmSync(files.state, { force: true });
  const log = openSync(files.log, "w");
  const entry = process.argv[1] as string;
  const child = spawn(
    process.execPath,
    [
      entry,
      "lab",
      "serve",
      "--name",
      name,
      "--nodes",
      String(nodes),
      "--zones",
      String(zones),
      "--api",
      api,
    ],
    {
      detached: true,
      stdio: ["ignore", log, log],
    },
  );
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
  });
  child.unref();
  const interactive = invocation.global.output === "table";
  if (interactive)
    invocation.io.stderr.write(
      `starting lab ${name}: ${nodes} nodes in ${zones} zones (log: ${files.log})\n`,
    );
  let lastDetail = "";
  // The serve process writes its phase to the state file; polling it keeps `up` independent of
  // the daemon's socket until the lab is ready.
  for (;;) {
    const state: LabState | undefined = readLabState(name);
    if (state?.phase === "ready") break;
    if (state?.phase === "failed" || exited !== undefined) {
      const error = state?.error;
      const usage = error?.tag === "InvalidOptions" || error?.tag === "NameInUse";
      throw new CliError(
        usage ? "Usage" : "Failed",
        `lab ${name} did not start: ${error?.message ?? `the lab process exited (${exited})`}`,
        error?.hint ?? `see ${files.log}`,
      );
    }
    if (interactive && state?.detail && state.detail !== lastDetail) {
      lastDetail = state.detail;
      invocation.io.stderr.write(`  ${state.detail}\n`);
    }
    if (invocation.signal.aborted) {
      process.kill(child.pid as number, "SIGTERM");
      throw new CliError(
        "Interrupted",
        `lab ${name}: start interrupted; the lab is being torn down`,
      );
    }
    await sleep(200);
  }
  printStatus(invocation, (await askLab(name, { op: "status" })) as LabStatus);
  return 0;
};

/** `lab status`: the running lab's nodes (the shape of `Lab.status()` with -o json). */
export const status: CommandHandler = async (invocation) => {
  printStatus(invocation, (await askLab(labName(invocation), { op: "status" })) as LabStatus);
  return 0;
};

/** `lab down`: stops the lab and waits until its process is gone. Nothing to do is success. */
export const down: CommandHandler = async (invocation) => {
  const name = labName(invocation);
  const state = readLabState(name);
  if (state === undefined || !processAlive(state.pid)) {
    rmSync(labFiles(name).state, { force: true });
    invocation.io.stdout.write(`lab ${name} is not running\n`);
    return 0;
  }
  try {
    await askLab(name, { op: "down" });
  } catch (error) {
    // a lab still starting has no socket yet: SIGTERM makes it tear itself down
    if (!(error instanceof CliError) || !error.message.startsWith("no lab")) throw error;
    process.kill(state.pid, "SIGTERM");
  }
  while (processAlive(state.pid)) await sleep(100);
  invocation.io.stdout.write(`lab ${name} is down: no namespace, link or process left\n`);
  return 0;
};

/** `lab fault stop-bird|start-bird NODE`. */
export const fault: CommandHandler = async (invocation) => {
  const [which, node] = invocation.args as [string, string];
  await askLab(labName(invocation), {
    op: "fault",
    fault: which as "stop-bird" | "start-bird",
    node,
  });
  invocation.io.stdout.write(`${which} ${node}: done\n`);
  return 0;
};

/** `lab gaps [--since TIME]`: the route probe's gaps (a node lacking a route to a pod block). */
export const gaps: CommandHandler = async (invocation) => {
  const since = stringFlag(invocation, "since");
  if (since !== undefined && Number.isNaN(Date.parse(since))) {
    throw new CliError(
      "Usage",
      `--since "${since}" is not a time`,
      "use an ISO time, e.g. 2026-11-30T21:00:00Z",
    );
  }
  const found = (await askLab(labName(invocation), {
    op: "gaps",
    ...(since ? { since } : {}),
  })) as {
    node: string;
    destination: string;
    owner: string;
    start: string;
    end: string | null;
    durationMs: number;
  }[];
  if (invocation.global.output !== "table") printData(invocation, found);
  else if (found.length === 0) invocation.io.stdout.write("no route gaps\n");
  else {
    invocation.io.stdout.write(
      renderTable(
        ["NODE", "DESTINATION", "OWNER", "START", "DURATION"],
        found.map((g) => [
          g.node,
          g.destination,
          g.owner,
          g.start,
          g.end === null ? `${g.durationMs} ms (open)` : `${g.durationMs} ms`,
        ]),
      ),
    );
  }
  return 0;
};

/** `lab serve` (started by `lab up`): holds the Lab until `lab down`, SIGTERM or SIGINT. */
export const serve: CommandHandler = async (invocation) => {
  const name = labName(invocation);
  const files = labFiles(name);
  const writeState = (state: Omit<LabState, "pid">) =>
    writeFileSync(files.state, JSON.stringify({ pid: process.pid, ...state }));
  writeState({ phase: "starting", detail: "starting kube-apiserver, etcd and one BIRD per node" });
  // A stop asked for while the lab starts (lab down, or lab up's Ctrl-C) waits for Lab.up to
  // finish, so its teardown removes everything it started.
  let stopRequested = false;
  const onEarlySignal = () => {
    stopRequested = true;
  };
  process.on("SIGTERM", onEarlySignal);
  process.on("SIGINT", onEarlySignal);
  let lab: Lab;
  try {
    lab = await Lab.up({
      name,
      nodes: count(invocation, "nodes", 4),
      zones: count(invocation, "zones", 2),
      asNumber: 64512,
      calicoApi: (stringFlag(invocation, "api") ?? "v3") as "v3" | "v1",
    });
  } catch (error) {
    const e = error as { _tag?: string; message?: string; hint?: string };
    writeState({
      phase: "failed",
      error: {
        tag: e._tag ?? "Unknown",
        message: e.message ?? String(error),
        ...(e.hint ? { hint: e.hint } : {}),
      },
    });
    return 1;
  }
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      writeState({ phase: "stopping" });
      server.close();
      await lab.down();
      rmSync(files.socket, { force: true });
      rmSync(files.state, { force: true });
    })();
    return stopping;
  };
  // allowHalfOpen: the client ends its side after the request and waits for the answer
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString();
    });
    socket.on("end", async () => {
      let answer: LabAnswer;
      try {
        answer = { ok: true, value: await handle(lab, JSON.parse(text) as LabRequest, stop) };
      } catch (error) {
        const e = error as { _tag?: string; message?: string; hint?: string };
        answer = {
          ok: false,
          error: {
            tag: e._tag ?? "Unknown",
            message: e.message ?? String(error),
            ...(e.hint ? { hint: e.hint } : {}),
          },
        };
      }
      socket.end(JSON.stringify(answer));
    });
  });
  rmSync(files.socket, { force: true });
  await new Promise<void>((resolve) => server.listen(files.socket, resolve));
  const onSignal = () => void stop();
  // the new handlers first: with no listener left, even for a moment, Node restores the
  // signal's default action and a `lab down` landing then would kill the lab's owner outright
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.off("SIGTERM", onEarlySignal);
  process.off("SIGINT", onEarlySignal);
  if (stopRequested) void stop();
  // whatever breaks in here, the lab's BIRDs, namespaces and control plane must not outlive us
  process.on("uncaughtException", (error) => {
    writeState({ phase: "failed", error: { tag: "Unknown", message: error.message } });
    void stop().finally(() => process.exit(1));
  });
  try {
    const nodes = lab.status().nodes;
    const wanted = nodes.length * (nodes.length - 1);
    for (;;) {
      if (stopping) break;
      const up = (await Promise.all(nodes.map((n) => lab.bgpSessions(n.name))))
        .flat()
        .filter((s) => s.established).length;
      writeState({
        phase: up === wanted ? "ready" : "starting",
        detail: `full mesh: ${up}/${wanted} session ends Established`,
      });
      if (up === wanted) break;
      await sleep(500);
    }
  } catch (error) {
    writeState({ phase: "failed", error: { tag: "Unknown", message: (error as Error).message } });
    await stop();
    return 1;
  }
  await new Promise<void>((resolve) => server.on("close", resolve));
  await stopping;
  return 0;
};

async function handle(lab: Lab, request: LabRequest, stop: () => Promise<void>): Promise<unknown> {
  switch (request.op) {
    case "status":
      return lab.status();
    case "down":
      await stop();
      return null;
    case "fault":
      if (request.fault === "stop-bird") await lab.stopBird(request.node);
      else await lab.startBird(request.node);
      return null;
    case "gaps":
      await lab.sampleRoutes();
      return lab.routeGaps({
        atLeastMs: birdRouteReplaceMs,
        ...(request.since ? { since: new Date(request.since) } : {}),
      });
  }
}
