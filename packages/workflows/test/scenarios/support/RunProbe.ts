import type { CalicoClient } from "@calicokit/client";
import {
  type MigrationEvent,
  type MigrationPlan,
  type MigrationRecord,
  planMigration,
  type RunOptions,
  resumeMigration,
  runMigration,
  type StepId,
  type StepState,
  WorkflowError,
} from "../../../src/index.js";

/** A run started in the background: its events as they come, and barriers on them. */
export interface RunProbe {
  readonly events: readonly MigrationEvent[];
  /** Settles with the final record, or the WorkflowError the run failed with. */
  readonly outcome: Promise<MigrationRecord | WorkflowError>;
  /** Resolves when the first event matching `match` has been reported (at once if it has). */
  reached(match: (event: MigrationEvent) => boolean): Promise<MigrationEvent>;
}

/**
 * Starts `runMigration` without waiting for it. `onEvent` runs inside the run, before its next
 * step: what a test does there synchronously (stopping an agent, aborting the signal) happens at
 * that exact point of the run.
 */
export function startRun(
  client: CalicoClient,
  plan: MigrationPlan,
  options: ProbeOptions,
): RunProbe {
  return probe((onEvent) => runMigration(client, plan, { ...options, onEvent }), options.onEvent);
}

/** Starts `resumeMigration` of run `id` without waiting for it; `onEvent` as for `startRun`. */
export function startResume(client: CalicoClient, id: string, options: ProbeOptions): RunProbe {
  return probe((onEvent) => resumeMigration(client, id, { ...options, onEvent }), options.onEvent);
}

type ProbeOptions = Omit<RunOptions, "onEvent"> & {
  readonly onEvent?: (event: MigrationEvent) => void;
};

function probe(
  start: (onEvent: (event: MigrationEvent) => void) => Promise<MigrationRecord>,
  onEvent: ((event: MigrationEvent) => void) | undefined,
): RunProbe {
  const events: MigrationEvent[] = [];
  const waiters: { match: (e: MigrationEvent) => boolean; resolve: (e: MigrationEvent) => void }[] =
    [];
  const outcome = start((event) => {
    events.push(event);
    onEvent?.(event);
    for (const waiter of waiters.filter((w) => w.match(event))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  }).catch((error: unknown) => {
    if (error instanceof WorkflowError) return error;
    throw error;
  });
  return {
    events,
    outcome,
    reached: (match) => {
      const seen = events.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        // a run that ends without the event must not leave the test waiting forever
        outcome.then(
          () => reject(new Error(`the run ended without the awaited event: ${eventTrail(events)}`)),
          reject,
        );
      });
    },
  };
}

/** `type` or `type:step` per event, for failure messages and order assertions. */
export function eventTrail(events: readonly MigrationEvent[]): string[] {
  return events.map((e) => ("step" in e ? `${e.type}:${e.step}` : e.type));
}

/** The run's failure, asserting it failed. */
export async function failureOf(probe: RunProbe): Promise<WorkflowError> {
  const result = await probe.outcome;
  if (!(result instanceof WorkflowError)) {
    throw new Error(
      `expected the run to fail; it ended ${result.phase}: ${eventTrail(probe.events)}`,
    );
  }
  return result;
}

/** Each step's state, by id. */
export function stepStates(record: MigrationRecord): Partial<Record<StepId, StepState>> {
  return Object.fromEntries(record.steps.map((s) => [s.id, s.state]));
}

/** The resourceVersion of BGPConfiguration default: unchanged means the mesh switch was never written. */
export async function meshConfigVersion(client: CalicoClient): Promise<string | undefined> {
  return (await client.bgpConfigurations.get("default")).metadata.resourceVersion;
}

/**
 * Brings a lab back to the full mesh between tests (a to-mesh migration, nothing when it is there
 * already), so one failed test does not leave the next one a cluster on route reflectors.
 */
export async function returnToMesh(client: CalicoClient): Promise<void> {
  const plan = await planMigration(client, { to: "mesh" });
  if (plan.nothingToDo) return;
  const record = await runMigration(client, plan, { startedBy: "test-reset" });
  if (record.phase !== "Succeeded") throw new Error(`the reset to the mesh ended ${record.phase}`);
}
