import { PassThrough } from "node:stream";
import type { MigrationEvent } from "@calicokit/workflows";
import { describe, expect, it } from "vitest";
import type { Invocation } from "../Invocation.js";
import { MigrationProgress } from "./MigrationProgress.js";

function invocation(output: string, tty: boolean): { invocation: Invocation; text: () => string } {
  const stdout = Object.assign(new PassThrough(), { isTTY: tty });
  let text = "";
  stdout.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const invocation = {
    path: ["migrate", "apply"],
    flags: {},
    args: [],
    global: {
      kubeconfig: undefined,
      context: undefined,
      output,
      timeoutMs: undefined,
      verbose: false,
      color: false,
    },
    io: { stdout, stderr: new PassThrough(), stdin: new PassThrough() },
    signal: new AbortController().signal,
  } as Invocation;
  return { invocation, text: () => text };
}

const base = { at: "2026-11-30T21:00:00.000Z", runId: "mig-202611302100-abcdef" };
const events: MigrationEvent[] = [
  { ...base, seq: 1, type: "step-started", step: "create-peers", title: "create the BGPPeers" },
  { ...base, seq: 2, type: "step-succeeded", step: "create-peers", ms: 34 },
  { ...base, seq: 3, type: "step-started", step: "verify-sessions", title: "wait for sessions" },
  {
    ...base,
    seq: 4,
    type: "step-progress",
    step: "verify-sessions",
    detail: "2 clients below 2",
    established: 3,
    wanted: 8,
  },
  {
    ...base,
    seq: 5,
    type: "step-failed",
    step: "verify-sessions",
    error: { tag: "Cancelled", message: "interrupted" },
  },
  { ...base, seq: 6, type: "compensating", step: "create-peers" },
  { ...base, seq: 7, type: "compensated", step: "create-peers" },
  { ...base, seq: 8, type: "rolled-back", reason: "interrupted" },
];

describe("MigrationProgress", () => {
  it("prints JSON lines with -o json", () => {
    const { invocation: inv, text } = invocation("json", true);
    const progress = new MigrationProgress(inv, undefined);
    for (const e of events) progress.event(e);
    progress.finish();
    expect(
      text()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual(events);
  });

  it("prints one plain line per event when stdout is not a terminal", () => {
    const { invocation: inv, text } = invocation("table", false);
    const progress = new MigrationProgress(inv, undefined);
    for (const e of events) progress.event(e);
    progress.finish();
    expect(text().replace(/^ *\d+\.\ds {2}/gm, "")).toBe(
      [
        "step create-peers: create the BGPPeers",
        "step create-peers done in 34 ms",
        "step verify-sessions: wait for sessions",
        "        2 clients below 2",
        "step verify-sessions failed: interrupted",
        "undoing create-peers",
        "undone: create-peers",
        "rolled back: interrupted",
        "",
      ].join("\n"),
    );
  });

  it("says a degraded run waits, and who lacks which reflectors", () => {
    const { invocation: inv, text } = invocation("table", false);
    const progress = new MigrationProgress(inv, undefined);
    progress.event({
      ...base,
      seq: 9,
      type: "degraded",
      step: "verify-mesh-off",
      detail: "2 client(s) below 2 Established reflectors",
      established: 2,
      wanted: 6,
      lacking: [
        {
          role: "client",
          family: "v4",
          missing: ["node-5"],
          nodes: ["node-1", "node-2"],
          count: 3,
        },
        { role: "reflector", family: "v4", missing: ["node-5"], nodes: ["node-4"], count: 1 },
      ],
    });
    progress.finish();
    expect(text().replace(/^ *\d+\.\ds {2}/gm, "")).toBe(
      "degraded, waiting (not finishing) until healthy: node-1, node-2 and 1 more lack node-5 (v4); node-4 lacks node-5 (v4)\n",
    );
  });

  it("redraws the step list in place on a terminal, with sessions Established x/y", () => {
    const { invocation: inv, text } = invocation("table", true);
    const progress = new MigrationProgress(inv, undefined);
    for (const e of events.slice(0, 4)) progress.event(e);
    progress.finish();
    const esc = String.fromCharCode(27);
    const frames = text().split(new RegExp(`${esc}\\[\\d+F`));
    const last = (frames.at(-1) as string).replaceAll(`${esc}[2K`, "");
    expect(last).toMatch(
      /^ {2}✔ create the BGPPeers +succeeded\n {2}▶ wait for sessions +running\n +\d+\.\ds {2}sessions Established 3\/8 {2}2 clients below 2\n$/,
    );
    expect(frames.length).toBeGreaterThan(2);
  });
});
