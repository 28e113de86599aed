import { createHash } from "node:crypto";
import { type CalicoClient, CalicoClientError, type StoredConfigMap } from "@calicokit/client";
import { HttpProblem } from "./HttpProblem.js";

/** Labels of idempotency-key ConfigMaps (`kubectl get cm -l calicokit.io/purpose=idempotency-key`). */
export const idempotencyLabels = {
  "app.kubernetes.io/managed-by": "calicokit",
  "calicokit.io/purpose": "idempotency-key",
} as const;

/** A key claimed by this request: finish it with `complete` or give it back with `release`. */
export interface ClaimedKey {
  readonly name: string;
  readonly resourceVersion: string;
  readonly content: Readonly<Record<string, string>>;
}

/** What `claim` found. */
export type KeyClaim =
  | { readonly state: "claimed"; readonly key: ClaimedKey }
  | { readonly state: "done"; readonly runId: string };

export interface IdempotencyKeyOptions {
  /** A claim older than this whose request never finished (its server died) is taken over. Default 120 s. */
  readonly abandonedAfterMs?: number;
}

/**
 * Idempotency keys (R5, IETF draft-ietf-httpapi-idempotency-key-header), stored in the cluster
 * as one ConfigMap per caller and key so every replica sees them. The first request claims the
 * key (a create: exactly one wins), records a hash of its body, and stores the run id it started.
 * The same key and body later give the same run id; another body gives 422; a claim still in
 * progress gives 409.
 *
 * @example
 * ```ts
 * import { IdempotencyKeys } from "@calicokit/server"
 * declare const client: import("@calicokit/client").CalicoClient
 * const keys = new IdempotencyKeys(client, "calicokit")
 * const claim = await keys.claim("alice", "key-1", { to: "mesh" })
 * if (claim.state === "claimed") await keys.complete(claim.key, "mig-202611302105-ab12cd")
 * ```
 */
export class IdempotencyKeys {
  private readonly abandonedAfterMs: number;

  constructor(
    private readonly client: CalicoClient,
    private readonly namespace: string,
    options: IdempotencyKeyOptions = {},
  ) {
    this.abandonedAfterMs = options.abandonedAfterMs ?? 120_000;
  }

  private get maps() {
    return this.client.configMaps(this.namespace);
  }

  /** Claims `key` for `user` and this body, or says what an earlier request with it did. */
  async claim(user: string, key: string, body: unknown): Promise<KeyClaim> {
    const name = keyName(user, key);
    const content = {
      user,
      bodyHash: bodyHash(body),
      state: "creating",
      claimedAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.maps.find(name);
      if (existing === undefined) {
        try {
          const created = await this.maps.create(name, {
            labels: idempotencyLabels,
            data: content,
          });
          return {
            state: "claimed",
            key: { name, resourceVersion: created.resourceVersion, content },
          };
        } catch (error) {
          if (error instanceof CalicoClientError && error._tag === "AlreadyExists") continue;
          throw error;
        }
      }
      const seen = this.judge(existing, content.bodyHash);
      if (seen !== "abandoned") return seen;
      try {
        const taken = await this.maps.replace(name, existing.resourceVersion, {
          labels: idempotencyLabels,
          data: content,
        });
        return { state: "claimed", key: { name, resourceVersion: taken.resourceVersion, content } };
      } catch (error) {
        if (error instanceof CalicoClientError && error._tag === "Conflict") continue;
        throw error;
      }
    }
    throw inFlight();
  }

  /** Records the run the claimed request started: later requests with the key get its id. */
  async complete(key: ClaimedKey, runId: string): Promise<void> {
    await this.maps.replace(key.name, key.resourceVersion, {
      labels: idempotencyLabels,
      data: { ...key.content, state: "done", runId },
    });
  }

  /** Gives the key back after the request failed before starting a run (it may be retried). */
  async release(key: ClaimedKey): Promise<void> {
    await this.maps.delete(key.name);
  }

  private judge(map: StoredConfigMap, hash: string): KeyClaim | "abandoned" {
    if (map.data.bodyHash !== hash) {
      throw new HttpProblem(
        "idempotency-key-reused",
        "this Idempotency-Key was first used with another request body",
        { hint: "use a new Idempotency-Key for a different request", ...runIdOf(map) },
      );
    }
    if (map.data.state === "done" && map.data.runId) {
      return { state: "done", runId: map.data.runId };
    }
    const claimedAt = Date.parse(map.data.claimedAt ?? "");
    if (Number.isFinite(claimedAt) && Date.now() - claimedAt > this.abandonedAfterMs) {
      return "abandoned";
    }
    throw inFlight();
  }
}

function runIdOf(map: StoredConfigMap): { runId?: string } {
  return map.data.runId ? { runId: map.data.runId } : {};
}

function inFlight(): HttpProblem<"idempotency-key-in-flight"> {
  return new HttpProblem(
    "idempotency-key-in-flight",
    "the first request with this Idempotency-Key is still being processed",
    { hint: "retry in a few seconds: you will get its run id" },
    { headers: { "retry-after": "2" } },
  );
}

/** The ConfigMap of one caller's key: a hash, so any key text makes a valid name. */
function keyName(user: string, key: string): string {
  return `calicokit-idem-${createHash("sha256").update(`${user}\n${key}`).digest("hex").slice(0, 40)}`;
}

/** A hash of the body's JSON with keys sorted: the same request in any key order matches. */
function bodyHash(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
