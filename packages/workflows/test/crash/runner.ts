// A migration runner as a separate process, for the crash tests: it runs, resumes or rolls back
// a migration and prints every event as a JSON line on stdout. With --park-at it stops dead
// right after the matching event is journalled and printed (the event loop blocks, nothing else
// runs), so the test's SIGKILL lands exactly on that step boundary.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CalicoClient } from "@calicokit/client";
import {
  type MigrationEvent,
  type MigrationRecord,
  parseMigrationPlan,
  resumeMigration,
  rollbackMigration,
  runMigration,
  WorkflowError,
} from "../../src/index.js";
import { type RunnerLine, type RunnerStop, stopMatches } from "./CrashRunner.js";

const { values } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    plan: { type: "string" },
    resume: { type: "string" },
    rollback: { type: "string" },
    "park-at": { type: "string" },
    "started-by": { type: "string" },
    "lease-seconds": { type: "string" },
    "lock-wait-ms": { type: "string" },
    "verify-timeout-ms": { type: "string" },
  },
  strict: true,
});

function print(line: RunnerLine): void {
  // stdout is a pipe: on Linux the write is synchronous, so the line is out before we go on
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function park(): never {
  // blocks this thread for good: no Lease renewal, no next request, until the SIGKILL
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}

const parkAt =
  values["park-at"] === undefined ? undefined : (JSON.parse(values["park-at"]) as RunnerStop);
const number = (name: "lease-seconds" | "lock-wait-ms" | "verify-timeout-ms") =>
  values[name] === undefined ? undefined : Number(values[name]);

const client = await CalicoClient.connect({ kubeconfigPath: values.kubeconfig });
const options = {
  startedBy: values["started-by"] ?? "crash-runner",
  onEvent: (event: MigrationEvent) => {
    print({ event });
    if (parkAt !== undefined && stopMatches(parkAt, event)) park();
  },
  ...(number("lease-seconds") === undefined ? {} : { leaseSeconds: number("lease-seconds") }),
  ...(number("lock-wait-ms") === undefined ? {} : { lockWaitMs: number("lock-wait-ms") }),
  ...(number("verify-timeout-ms") === undefined
    ? {}
    : { verifyTimeoutMs: number("verify-timeout-ms") }),
};

let outcome: Promise<MigrationRecord>;
if (values.plan !== undefined) {
  const plan = parseMigrationPlan(JSON.parse(readFileSync(values.plan, "utf8")));
  outcome = runMigration(client, plan, options);
} else if (values.resume !== undefined) {
  outcome = resumeMigration(client, values.resume, options);
} else if (values.rollback !== undefined) {
  outcome = rollbackMigration(client, values.rollback, options);
} else {
  throw new Error("give --plan FILE, --resume ID or --rollback ID");
}

try {
  const record = await outcome;
  print({ done: { phase: record.phase } });
} catch (error) {
  if (!(error instanceof WorkflowError)) throw error;
  print({
    failed: { tag: error._tag, message: error.message, runId: error.runId, holder: error.holder },
  });
  process.exitCode = 1;
} finally {
  client.close();
}
