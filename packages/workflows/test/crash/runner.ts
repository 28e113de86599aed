// A migration runner as a separate process, for the crash tests. It loads the workflow code,
// then waits for its job (one JSON line of RunnerOptions on stdin): runs, resumes or rolls back a
// migration and prints every event as a JSON line on stdout. With parkAt it stops dead right
// after the matching event is journalled and printed (the thread blocks, nothing else runs), so
// the test's SIGKILL lands on that step boundary.
import { createInterface } from "node:readline";
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
import { type RunnerLine, type RunnerOptions, stopMatches } from "./CrashRunner.js";

function print(line: RunnerLine): void {
  // stdout is a pipe: on Linux the write is synchronous, so the line is out before we go on
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function park(): never {
  // blocks this thread for good: no Lease renewal, no next request, until the SIGKILL
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}

/** The first line of `input`; undefined when it closes without one. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  for await (const line of createInterface({ input })) return line;
  return undefined;
}

print({ ready: true });
const line = await firstLine(process.stdin);
// stdin closed without a job: the test that kept this process loaded is done with it
if (line === undefined) process.exit(0);

const { kubeconfig, job, parkAt, ...settings } = JSON.parse(line) as RunnerOptions;
const client = await CalicoClient.connect({ kubeconfigPath: kubeconfig });
const options = {
  ...settings,
  onEvent: (event: MigrationEvent) => {
    print({ event });
    if (parkAt !== undefined && stopMatches(parkAt, event)) park();
  },
};

let outcome: Promise<MigrationRecord>;
if ("run" in job) outcome = runMigration(client, parseMigrationPlan(job.run), options);
else if ("resume" in job) outcome = resumeMigration(client, job.resume, options);
else outcome = rollbackMigration(client, job.rollback, options);

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
