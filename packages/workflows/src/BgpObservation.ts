import { type AnyCalicoClientError, bgpStatusLabels } from "@calicokit/client";
import type { CalicoNodeStatus } from "@calicokit/types";
import * as Effect from "effect/Effect";
import * as Stream from "effect/Stream";
import { CalicoApi } from "./CalicoApi.js";
import {
  type BgpObservation,
  type ReportedSession,
  reportedSessions,
  type Verdict,
} from "./SessionCheck.js";
import { WorkflowError } from "./WorkflowError.js";

/** The label that ties temporary CalicoNodeStatus objects to their run (swept on resume, R11). */
export const runLabel = "calicokit.io/run";

export interface ObserveOptions {
  readonly runId: string;
  /** Nodes whose calico-node reports (reflectors plus a sample of clients). */
  readonly nodes: readonly string[];
  readonly timeoutMs: number;
  /**
   * Called whenever the verdict's figures or detail change, and with the current verdict once a
   * second (a caller that journals at most once a second drops a change within the second; this
   * brings it the latest even when nothing changes after); a failure ends the observation at
   * once with it (a step that cannot wait for a verdict, e.g. a client that lost every reflector
   * with the mesh off).
   */
  readonly onProgress: (
    verdict: Verdict,
  ) => Effect.Effect<void, WorkflowError<"VerificationFailed">, CalicoApi>;
}

/** Ties them to one observation: each check reads reports made for it, never earlier ones. */
const observationLabel = "calicokit.io/observation";

function statusName(runId: string, observation: string, node: string): string {
  return `calicokit-${runId}-${observation}-${node}`.slice(0, 253).replace(/[-.]+$/, "");
}

/**
 * Asks calico-node on `nodes` for its BGP sessions (temporary CalicoNodeStatus objects of this
 * observation, updated every second; calico-node reports at once on create, so no earlier
 * step's report can pass this check), follows them with one watch, and ends when `evaluate` says
 * done. On the deadline it fails with `VerificationFailed` quoting what was still missing. The
 * objects are deleted in the background (at thousands of sessions each, deleting them would
 * hold the run up); the run sweeps whatever is left when it ends.
 */
export function observeUntil(
  options: ObserveOptions,
  evaluate: (observation: BgpObservation) => Verdict,
): Effect.Effect<Verdict, WorkflowError<"VerificationFailed"> | AnyCalicoClientError, CalicoApi> {
  return Effect.gen(function* () {
    const api = yield* CalicoApi;
    const statuses = api.client.calicoNodeStatuses;
    const observation = (observationCounter++).toString(36) + Date.now().toString(36).slice(-4);
    const labels = {
      ...bgpStatusLabels,
      [runLabel]: options.runId,
      [observationLabel]: observation,
    };
    let last: Verdict = evaluate(new Map());
    const watched = api
      .watch(statuses, { labelSelector: `${observationLabel}=${observation}` })
      .pipe(
        Stream.scan(
          () => new Map<string, readonly ReportedSession[]>() as BgpObservation,
          (reports, event) => {
            if (event.type === "BOOKMARK") return reports;
            const next = new Map(reports);
            const node = event.object.spec.node;
            if (node === undefined) return next;
            if (event.type === "DELETED") next.delete(node);
            else if (event.object.status?.bgp !== undefined) {
              next.set(node, reportedSessions(event.object.status));
            }
            return next;
          },
        ),
        Stream.map((reports) => ({ verdict: evaluate(reports), again: false })),
        Stream.merge(
          Stream.tick("1 second").pipe(
            Stream.drop(1),
            Stream.map(() => ({ verdict: last, again: true })),
          ),
          { haltStrategy: "left" },
        ),
        Stream.tap(({ verdict, again }) => {
          const changed =
            verdict.established !== last.established || verdict.detail !== last.detail;
          last = verdict;
          return changed || again ? options.onProgress(verdict) : Effect.void;
        }),
        Stream.takeUntil(({ verdict }) => verdict.done),
        Stream.runDrain,
      );
    const create = Effect.forEach(
      options.nodes,
      (node) =>
        api
          .call((signal) =>
            statuses.create(
              {
                apiVersion: "projectcalico.org/v3",
                kind: "CalicoNodeStatus",
                metadata: { name: statusName(options.runId, observation, node), labels },
                spec: { node, classes: ["BGP"], updatePeriodSeconds: 1 },
              } as CalicoNodeStatus,
              { signal },
            ),
          )
          .pipe(Effect.catchTag("AlreadyExists", () => Effect.void)),
      { concurrency: 5, discard: true },
    );
    yield* Effect.andThen(create, watched).pipe(
      Effect.timeoutOrElse({
        duration: options.timeoutMs,
        orElse: () =>
          Effect.fail(
            new WorkflowError(
              "VerificationFailed",
              `BGP did not reach the wanted state within ${Math.round(options.timeoutMs / 1000)} s: ${last.detail}`,
              { runId: options.runId },
            ),
          ),
      }),
      Effect.ensuring(
        Effect.forkDetach(sweepStatuses(options.runId, observation).pipe(Effect.ignore)),
      ),
    );
    return last;
  });
}

let observationCounter = 0;

/**
 * Deletes the temporary CalicoNodeStatus objects of a run (also what a killed run left), or of
 * one of its observations.
 */
export function sweepStatuses(
  runId: string,
  observation?: string,
): Effect.Effect<number, AnyCalicoClientError, CalicoApi> {
  return Effect.gen(function* () {
    const api = yield* CalicoApi;
    const statuses = api.client.calicoNodeStatuses;
    const found = yield* api.call((signal) =>
      statuses.listAll({
        signal,
        labelSelector: `${runLabel}=${runId}${observation === undefined ? "" : `,${observationLabel}=${observation}`}`,
      }),
    );
    yield* Effect.forEach(
      found.items,
      (item) =>
        api
          .call((signal) =>
            statuses.delete(item.metadata.name as string, {
              signal,
              ...(item.metadata.uid ? { uid: item.metadata.uid } : {}),
            }),
          )
          .pipe(Effect.catchTag("NotFound", () => Effect.void)),
      { concurrency: 5, discard: true },
    );
    return found.items.length;
  });
}
