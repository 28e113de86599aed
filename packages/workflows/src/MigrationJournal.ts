import type { AnyCalicoClientError, StoredConfigMap } from "@calicokit/client";
import * as Effect from "effect/Effect";
import { CalicoApi } from "./CalicoApi.js";
import type { MigrationEvent, MigrationEventBody, MigrationRecord } from "./MigrationRecord.js";
import { ownershipLabels } from "./MigrationRequest.js";
import { type AnyWorkflowError, WorkflowError } from "./WorkflowError.js";

/** Label keys of journal ConfigMaps: `kubectl get cm -l calicokit.io/migration` lists runs. */
export const journalLabels = {
  ...ownershipLabels,
  "calicokit.io/journal": "migration",
} as const;

/** Events kept per run (older ones are dropped; the record keeps every step's state). */
const maxEvents = 2000;
/** Re-reads and re-applies on a conflict with another writer (approve/cancel) this often. */
const conflictAttempts = 8;

/** One run's journal as stored: the record, its events, and the version it was read at. */
export interface JournalEntry {
  readonly record: MigrationRecord;
  readonly events: readonly MigrationEvent[];
  readonly resourceVersion: string;
}

/** The ConfigMap that holds run `id`. */
export function journalName(id: string): string {
  return `calicokit-${id}`;
}

function decode(map: StoredConfigMap): JournalEntry | WorkflowError<"InvalidRequest"> {
  try {
    return {
      record: JSON.parse(map.data.record ?? "") as MigrationRecord,
      events: JSON.parse(map.data.events ?? "[]") as MigrationEvent[],
      resourceVersion: map.resourceVersion,
    };
  } catch (error) {
    return new WorkflowError(
      "InvalidRequest",
      `ConfigMap ${map.namespace}/${map.name} is not a readable calicokit journal`,
      { cause: error },
    );
  }
}

function encode(record: MigrationRecord, events: readonly MigrationEvent[]) {
  return {
    labels: { ...journalLabels, "calicokit.io/migration": record.id },
    annotations: {
      "calicokit.io/phase": record.phase,
      "calicokit.io/started-by": record.startedBy,
    },
    data: {
      record: JSON.stringify(record, null, 1),
      events: JSON.stringify(events.slice(-maxEvents)),
    },
  };
}

/**
 * Run journals as ConfigMaps in one namespace (R1, R12): the plan with every original value a
 * rollback needs, step states, who started it, approval and cancel requests, and the event
 * history. Every write is a read-modify-write guarded by resourceVersion, so the runner and a
 * process approving or cancelling never overwrite each other.
 */
export class MigrationJournal {
  constructor(readonly namespace: string) {}

  /** Creates the journal of a new run; `LockHeld`-free by construction (the caller holds the Lease). */
  create(
    record: MigrationRecord,
    events: readonly MigrationEvent[],
  ): Effect.Effect<
    JournalEntry,
    AnyCalicoClientError | WorkflowError<"InvalidRequest">,
    CalicoApi
  > {
    const namespace = this.namespace;
    return Effect.gen(function* () {
      const api = yield* CalicoApi;
      const stored = yield* api
        .call((signal) =>
          api.client
            .configMaps(namespace)
            .create(journalName(record.id), encode(record, events), { signal }),
        )
        .pipe(
          Effect.catchTag("AlreadyExists", () =>
            Effect.fail(
              new WorkflowError(
                "InvalidRequest",
                `run ${record.id} exists already (a plan is applied once): resume it, or make a new plan`,
                { runId: record.id },
              ),
            ),
          ),
        );
      return { record, events, resourceVersion: stored.resourceVersion };
    });
  }

  /** Reads run `id`; `NotFound` when there is none. */
  load(
    id: string,
  ): Effect.Effect<JournalEntry, AnyCalicoClientError | AnyWorkflowError, CalicoApi> {
    const namespace = this.namespace;
    return Effect.gen(function* () {
      const api = yield* CalicoApi;
      const map = yield* api.call((signal) =>
        api.client.configMaps(namespace).find(journalName(id), { signal }),
      );
      if (map === undefined) {
        return yield* Effect.fail(
          new WorkflowError("NotFound", `no migration ${id} in namespace ${namespace}`, {
            runId: id,
          }),
        );
      }
      const entry = decode(map);
      return entry instanceof WorkflowError ? yield* Effect.fail(entry) : entry;
    });
  }

  /** Every run in the namespace, newest first. */
  list(): Effect.Effect<MigrationRecord[], AnyCalicoClientError, CalicoApi> {
    const namespace = this.namespace;
    return Effect.gen(function* () {
      const api = yield* CalicoApi;
      const maps = yield* api.call((signal) =>
        api.client.configMaps(namespace).list("calicokit.io/journal=migration", { signal }),
      );
      return maps
        .map(decode)
        .filter((e): e is JournalEntry => !(e instanceof WorkflowError))
        .map((e) => e.record)
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    });
  }

  /**
   * Applies `change` to the stored record and appends `events` (numbered on from the last one),
   * re-reading and re-applying when someone else wrote in between.
   */
  update(
    id: string,
    change: (record: MigrationRecord) => MigrationRecord,
    events: readonly MigrationEventBody[] = [],
  ): Effect.Effect<JournalEntry, AnyCalicoClientError | AnyWorkflowError, CalicoApi> {
    const self = this;
    return Effect.gen(function* () {
      const api = yield* CalicoApi;
      const maps = api.client.configMaps(self.namespace);
      for (let attempt = 1; ; attempt++) {
        const current = yield* self.load(id);
        const now = new Date().toISOString();
        const record = { ...change(current.record), updatedAt: now };
        const last = current.events.at(-1)?.seq ?? 0;
        const appended = events.map(
          (body, i) => ({ ...body, seq: last + i + 1, at: now, runId: id }) as MigrationEvent,
        );
        const all = [...current.events, ...appended];
        const written = yield* api
          .call((signal) =>
            maps.replace(journalName(id), current.resourceVersion, encode(record, all), { signal }),
          )
          .pipe(
            Effect.map((stored) => ({ stored })),
            Effect.catchTag("Conflict", (conflict) =>
              attempt < conflictAttempts
                ? Effect.succeed({ stored: undefined })
                : Effect.fail(conflict),
            ),
          );
        if (written.stored !== undefined) {
          return { record, events: all, resourceVersion: written.stored.resourceVersion };
        }
      }
    });
  }
}
