import { hostname } from "node:os";
import {
  isTerminal,
  listMigrations,
  type MigrationEvent,
  type MigrationPlan,
  type MigrationRecord,
  resumeMigration,
  rollbackMigration,
  runMigration,
  WorkflowError,
} from "./internal/Workflows.js";
import type { ServerContext } from "./ServerContext.js";

export interface RunSupervisorOptions {
  /** How often the journal is scanned for runs nobody holds (a killed replica's). Default 5 000 ms. */
  readonly resumeEveryMs?: number;
  /** The run Lease's duration: how soon a killed replica's run is taken over. Default 15 s. */
  readonly leaseSeconds?: number;
  /** How long shutdown waits for this server's runs to finish before leaving them to the Lease. Default 10 000 ms. */
  readonly stopGraceMs?: number;
}

type Work = (options: {
  readonly namespace: string;
  readonly leaseSeconds: number;
  readonly onEvent: (event: MigrationEvent) => void;
  readonly stop: AbortSignal;
}) => Promise<MigrationRecord>;

/**
 * Runs migrations in the background of this server and keeps them going across replicas: a run
 * starts here and is answered as soon as its journal exists; every few seconds the journal is
 * scanned and any unfinished run whose Lease nobody holds (its server was killed) is resumed
 * here. The workflow's Lease makes sure two replicas never run one migration at once.
 *
 * @example
 * ```ts
 * import { RunSupervisor } from "@calicokit/server"
 * declare const context: import("@calicokit/server").ServerContext
 * declare const plan: import("@calicokit/workflows").MigrationPlan
 * const runs = new RunSupervisor(context)
 * const id = await runs.start(plan, "alice")
 * ```
 */
export class RunSupervisor {
  private readonly active = new Map<string, Promise<void>>();
  private readonly resumeEveryMs: number;
  private readonly leaseSeconds: number;
  private readonly stopGraceMs: number;
  /** Names this server in Lease holders and logs. */
  readonly owner = `calicokit-server@${hostname()}/${process.pid}`;

  constructor(
    private readonly context: ServerContext,
    options: RunSupervisorOptions = {},
  ) {
    this.resumeEveryMs = options.resumeEveryMs ?? 5_000;
    this.leaseSeconds = options.leaseSeconds ?? 15;
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
  }

  /** Starts `plan`; resolves with its id once journalled, rejects if it could not start. */
  start(plan: MigrationPlan, startedBy: string): Promise<string> {
    return this.launch(plan.id, "run", (o) =>
      runMigration(this.context.client, plan, { ...o, startedBy }),
    );
  }

  /** Rolls run `id` back here; resolves once the rollback is under way (or done). */
  rollback(id: string, by: string): Promise<string> {
    return this.launch(id, "rollback", (o) =>
      rollbackMigration(this.context.client, id, { ...o, startedBy: by }),
    );
  }

  /** Whether this server is running `id` right now. */
  isRunning(id: string): boolean {
    return this.active.has(id);
  }

  /**
   * One scan: resumes each unfinished run that no live process holds. A run another replica
   * holds answers LockHeld at once and is left alone. Returns the runs by phase (for metrics).
   */
  async resumeOrphans(): Promise<Map<string, number>> {
    const records = await listMigrations(this.context.client, {
      namespace: this.context.namespace,
    });
    const byPhase = new Map<string, number>();
    for (const record of records) {
      byPhase.set(record.phase, (byPhase.get(record.phase) ?? 0) + 1);
      if (isTerminal(record.phase) || this.active.has(record.id)) continue;
      await this.launch(record.id, "resume", (o) =>
        resumeMigration(this.context.client, record.id, { ...o, startedBy: record.startedBy }),
      ).catch((error: unknown) => {
        if (!(error instanceof WorkflowError && error._tag === "LockHeld")) {
          this.context.logger.warn("resume failed", { runId: record.id, error });
        }
      });
    }
    return byPhase;
  }

  /** Scans periodically until the returned stop function is called; stop waits for local runs. */
  startResuming(): () => Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let scanning: Promise<void> = Promise.resolve();
    const scan = () => {
      scanning = this.resumeOrphans()
        .then((byPhase) => this.context.metrics.setRunsByPhase(byPhase))
        .catch((error: unknown) => this.context.logger.warn("journal scan failed", { error }))
        .finally(() => {
          if (!this.context.shutdown.aborted) timer = setTimeout(scan, this.resumeEveryMs);
        });
    };
    scan();
    return async () => {
      clearTimeout(timer);
      await scanning;
      clearTimeout(timer);
      await this.drain();
    };
  }

  /**
   * Waits up to the grace period for this server's runs. The shutdown signal has told them to
   * stop (not cancel: cancelling rolls back): each finishes the write under way, journals it and
   * releases its Lease, and another replica resumes it from the journal.
   */
  private async drain(): Promise<void> {
    if (this.active.size === 0) return;
    this.context.logger.info("waiting for runs before stopping", { runs: [...this.active.keys()] });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(this.active.values()),
      new Promise((resolve) => {
        timer = setTimeout(resolve, this.stopGraceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private launch(id: string, what: string, work: Work): Promise<string> {
    const { logger, metrics, namespace } = this.context;
    return new Promise<string>((resolve, reject) => {
      let started = false;
      const onEvent = (event: MigrationEvent) => {
        if (event.type === "step-succeeded") metrics.observeStep(event.step, event.ms / 1000);
        if (!started) {
          started = true;
          logger.info(`${what} started`, { runId: id, owner: this.owner });
          resolve(id);
        }
      };
      // on shutdown a run stops between steps without undoing anything and frees its Lease,
      // so another replica resumes it at once instead of after the Lease expires
      const running = work({
        namespace,
        leaseSeconds: this.leaseSeconds,
        onEvent,
        stop: this.context.shutdown,
      }).then(
        (record) => {
          logger.info(`${what} finished`, { runId: id, phase: record.phase });
          resolve(id);
        },
        (error: unknown) => {
          if (started) {
            logger.warn(`${what} ended`, {
              runId: id,
              error: error instanceof WorkflowError ? error.toJSON() : error,
            });
          }
          reject(error);
        },
      );
      const tracked = running.finally(() => this.active.delete(id));
      this.active.set(id, tracked);
    });
  }
}
