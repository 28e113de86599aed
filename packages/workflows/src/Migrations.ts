import { type AnyCalicoClientError, type CalicoClient, CalicoClientError } from "@calicokit/client";
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as z from "zod";
import { CalicoApi } from "./CalicoApi.js";
import {
  applyPlanEffect,
  approveRunEffect,
  cancelRunEffect,
  defaultRunSettings,
  planMigrationEffect,
  type RunSettings,
  resumeRunEffect,
  rollbackRunEffect,
} from "./MigrationEngine.js";
import { MigrationJournal } from "./MigrationJournal.js";
import { type MigrationPlan, parseMigrationPlan } from "./MigrationPlan.js";
import { isTerminal, type MigrationEvent, type MigrationRecord } from "./MigrationRecord.js";
import { describeIssue, type MigrationRequest } from "./MigrationRequest.js";
import { type AnyWorkflowError, WorkflowError } from "./WorkflowError.js";

/** Options of `runMigration`, `resumeMigration` and `rollbackMigration`. Unknown keys are errors. */
export interface RunOptions {
  /** Recorded in the journal: who asked (the CLI user, the HTTP caller). Default `$USER`. */
  readonly startedBy?: string;
  /** Where journals and the Lease live. Default `kube-system`. */
  readonly namespace?: string;
  readonly onEvent?: (event: MigrationEvent) => void;
  /** Aborting cancels the run, which rolls back. */
  readonly signal?: AbortSignal;
  /**
   * Aborting stops the run without undoing anything (for a shutdown): the write under way is
   * finished and journalled, the Lease released; the promise rejects with `Stopped` and the run
   * can be resumed.
   */
  readonly stop?: AbortSignal;
  /** Lease duration in seconds (a crashed runner's claim expires after it). Default 30. */
  readonly leaseSeconds?: number;
  /** Wait up to this long for another holder's Lease to be released or expire. Default 0. */
  readonly lockWaitMs?: number;
  /** Deadline of each verification step. Default 120 000. */
  readonly verifyTimeoutMs?: number;
  /** How long the approval gate waits. Default 1 h. */
  readonly approvalTimeoutMs?: number;
}

const RunOptionsSchema = z.strictObject({
  startedBy: z.string().min(1).optional(),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
    .optional(),
  onEvent: z.custom<(event: MigrationEvent) => void>((v) => typeof v === "function").optional(),
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
  stop: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
  leaseSeconds: z.int().min(2).max(3600).optional(),
  lockWaitMs: z.int().min(0).optional(),
  verifyTimeoutMs: z.int().min(1000).optional(),
  approvalTimeoutMs: z.int().min(1000).optional(),
});

const NamespaceOptionsSchema = z.strictObject({ namespace: RunOptionsSchema.shape.namespace });
const ByOptionsSchema = z.strictObject({
  by: z.string().min(1),
  namespace: RunOptionsSchema.shape.namespace,
});
const WatchOptionsSchema = z.strictObject({
  namespace: RunOptionsSchema.shape.namespace,
  signal: RunOptionsSchema.shape.signal,
  afterSeq: z.int().min(0).optional(),
  pollMs: z.int().min(100).optional(),
});

function checked<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new WorkflowError("InvalidRequest", `${what} are not valid`, {
    reasons: parsed.error.issues.map(describeIssue),
  });
}

function settingsFrom(options: RunOptions | undefined): RunSettings {
  const o = checked(RunOptionsSchema, options, "the run options");
  return {
    ...defaultRunSettings,
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
    startedBy: o.startedBy ?? process.env.USER ?? "unknown",
    onEvent: o.onEvent ?? (() => {}),
    signal: o.signal,
    stop: o.stop,
  } as RunSettings;
}

/**
 * Runs an Effect program of this package over a client, as a Promise that rejects only with
 * `WorkflowError` (the client's errors become `Api`, anything unexpected `Api` with its cause).
 */
async function run<A>(
  client: CalicoClient,
  program: Effect.Effect<A, AnyWorkflowError | AnyCalicoClientError, CalicoApi>,
): Promise<A> {
  const exit = await Effect.runPromiseExit(Effect.provide(program, CalicoApi.layer(client)));
  if (Exit.isSuccess(exit)) return exit.value;
  const error = Cause.squash(exit.cause);
  if (error instanceof WorkflowError) throw error;
  if (error instanceof CalicoClientError) throw WorkflowError.api(error);
  throw new WorkflowError("Api", `unexpected failure: ${String(error)}`, { cause: error });
}

/**
 * Reads the cluster and plans a migration; writes nothing.
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { planMigration } from "@calicokit/workflows"
 * const client = await CalicoClient.connect()
 * const plan = await planMigration(client, { to: "route-reflectors", rrCount: 3 })
 * for (const change of plan.changes) console.log(change.kind, change.name, change.why)
 * ```
 */
export function planMigration(
  client: CalicoClient,
  request: MigrationRequest,
  options: { readonly namespace?: string } = {},
): Promise<MigrationPlan> {
  return run(
    client,
    Effect.suspend(() => {
      checked(NamespaceOptionsSchema, options, "the plan options");
      return planMigrationEffect(request);
    }),
  );
}

/**
 * Applies a plan: refuses it when the cluster changed since (`StalePlan`) or another run holds
 * the cluster (`LockHeld`); journals every step in the cluster; rolls back in reverse on any
 * failure or cancel (`RolledBack`, `Cancelled`; `RollbackFailed` if undoing fails).
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { planMigration, runMigration } from "@calicokit/workflows"
 * const client = await CalicoClient.connect()
 * const plan = await planMigration(client, { to: "route-reflectors", rrNodes: ["node-1", "node-4"] })
 * const done = await runMigration(client, plan, { onEvent: (e) => console.log(e.seq, e.type) })
 * console.log(done.phase) // "Succeeded"
 * ```
 */
export function runMigration(
  client: CalicoClient,
  plan: MigrationPlan,
  options?: RunOptions,
): Promise<MigrationRecord> {
  return run(
    client,
    Effect.suspend(() => applyPlanEffect(parseMigrationPlan(plan), settingsFrom(options))),
  );
}

/**
 * Continues a run after its process died: forward from the journal and the live state, or on
 * with a rollback that was under way.
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { resumeMigration } from "@calicokit/workflows"
 * const client = await CalicoClient.connect()
 * await resumeMigration(client, "mig-202611302105-ab12cd", { lockWaitMs: 60_000 })
 * ```
 */
export function resumeMigration(
  client: CalicoClient,
  id: string,
  options?: RunOptions,
): Promise<MigrationRecord> {
  return run(
    client,
    Effect.suspend(() => resumeRunEffect(id, settingsFrom(options))),
  );
}

/**
 * Undoes a run in reverse (a succeeded one too), verifying the restored state from the nodes.
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { rollbackMigration } from "@calicokit/workflows"
 * const client = await CalicoClient.connect()
 * const record = await rollbackMigration(client, "mig-202611302105-ab12cd")
 * console.log(record.phase) // "RolledBack"
 * ```
 */
export function rollbackMigration(
  client: CalicoClient,
  id: string,
  options?: RunOptions,
): Promise<MigrationRecord> {
  return run(
    client,
    Effect.suspend(() => rollbackRunEffect(id, settingsFrom(options))),
  );
}

/**
 * Approves a run waiting before the mesh disable (from any process).
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { approveMigration } from "@calicokit/workflows"
 * const client = await CalicoClient.connect()
 * await approveMigration(client, "mig-202611302105-ab12cd", { by: "alice" })
 * ```
 */
export function approveMigration(
  client: CalicoClient,
  id: string,
  options: RequestOptions,
): Promise<MigrationRecord> {
  return recordRequest(client, id, options, "approve", approveRunEffect);
}

/**
 * Asks the process running a migration to cancel it; it rolls back.
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { cancelMigration } from "@calicokit/workflows"
 * const client = await CalicoClient.connect()
 * await cancelMigration(client, "mig-202611302105-ab12cd", { by: "alice" })
 * ```
 */
export function cancelMigration(
  client: CalicoClient,
  id: string,
  options: RequestOptions,
): Promise<MigrationRecord> {
  return recordRequest(client, id, options, "cancel", cancelRunEffect);
}

/** Who asks (recorded in the journal), and where the journal lives. */
export interface RequestOptions {
  readonly by: string;
  readonly namespace?: string;
}

/** Records an approve or cancel request in a run's journal, for the process that runs it. */
function recordRequest(
  client: CalicoClient,
  id: string,
  options: RequestOptions,
  what: "approve" | "cancel",
  record: typeof approveRunEffect,
): Promise<MigrationRecord> {
  return run(
    client,
    Effect.suspend(() => {
      const o = checked(ByOptionsSchema, options, `the ${what} options`);
      return record(id, o.by, o.namespace ?? defaultRunSettings.namespace);
    }),
  );
}

/**
 * One run's journal record; `NotFound` when there is none.
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { getMigration } from "@calicokit/workflows"
 * const client = await CalicoClient.connect()
 * const record = await getMigration(client, "mig-202611302105-ab12cd")
 * console.log(record.phase, record.steps.map((s) => `${s.id}:${s.state}`).join(" "))
 * ```
 */
export function getMigration(
  client: CalicoClient,
  id: string,
  options: { readonly namespace?: string } = {},
): Promise<MigrationRecord> {
  return run(
    client,
    Effect.suspend(() => {
      const o = checked(NamespaceOptionsSchema, options, "the options");
      return new MigrationJournal(o.namespace ?? defaultRunSettings.namespace)
        .load(id)
        .pipe(Effect.map((e) => e.record));
    }),
  );
}

/**
 * Every run in the namespace, newest first.
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { listMigrations } from "@calicokit/workflows"
 * const client = await CalicoClient.connect()
 * for (const run of await listMigrations(client)) console.log(run.id, run.phase)
 * ```
 */
export function listMigrations(
  client: CalicoClient,
  options: { readonly namespace?: string } = {},
): Promise<MigrationRecord[]> {
  return run(
    client,
    Effect.suspend(() => {
      const o = checked(NamespaceOptionsSchema, options, "the options");
      return new MigrationJournal(o.namespace ?? defaultRunSettings.namespace).list();
    }),
  );
}

/** Options of `watchMigration`. */
export interface WatchMigrationOptions {
  readonly namespace?: string;
  readonly signal?: AbortSignal;
  /** Only events after this sequence number (SSE's Last-Event-ID). Default 0: all. */
  readonly afterSeq?: number;
  /** How often the journal is read. Default 500 ms. */
  readonly pollMs?: number;
}

/**
 * Follows a run's events from its journal (the run may be in another process), in order, from
 * `afterSeq` on; ends after the run reaches a terminal phase, or when the signal aborts.
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { watchMigration } from "@calicokit/workflows"
 * const client = await CalicoClient.connect()
 * for await (const event of watchMigration(client, "mig-202611302105-ab12cd")) console.log(event.seq, event.type)
 * ```
 */
export async function* watchMigration(
  client: CalicoClient,
  id: string,
  options: WatchMigrationOptions = {},
): AsyncGenerator<MigrationEvent, void, undefined> {
  const o = checked(WatchOptionsSchema, options, "the watch options");
  const journal = new MigrationJournal(o.namespace ?? defaultRunSettings.namespace);
  let after = o.afterSeq ?? 0;
  for (;;) {
    const entry = await run(client, journal.load(id));
    for (const event of entry.events) {
      if (event.seq > after) {
        after = event.seq;
        yield event;
      }
    }
    if (isTerminal(entry.record.phase) || o.signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.pollMs ?? 500);
      o.signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    if (o.signal?.aborted) return;
  }
}
