import { type V1Lease, V1MicroTime } from "@kubernetes/client-node";
import * as z from "zod";
import { CalicoClientError, fromUnknown, type RequestTarget } from "./CalicoClientError.js";
import {
  checkOptions,
  countSchema,
  type OptionsSchema,
  optionsSchema,
  signalSchema,
} from "./internal/InputCheck.js";
import { Transport } from "./internal/Transport.js";
import { type CallOptions, callOptionsSchema } from "./ResourceClient.js";
import { type RetryOptions, withRetries } from "./RetryPolicy.js";

/** Which Lease, and who we are. */
export interface LeaseRef {
  readonly name: string;
  readonly namespace: string;
  /** Identity written as `holderIdentity`, e.g. `calicokit-cli@host/1234`. */
  readonly holder: string;
}

export interface AcquireOptions extends CallOptions {
  /** How long the lease stays ours without a renewal. Default 60 s. */
  readonly durationSeconds?: number;
}

/** A lease we hold: pass it to `renew` and `release`. */
export interface HeldLease extends LeaseRef {
  readonly durationSeconds: number;
  readonly acquiredAt: Date;
  readonly renewedAt: Date;
  /** The Lease's resourceVersion after our last write (the precondition of the next). */
  readonly resourceVersion: string;
}

const leaseKeyFields = { name: z.string().min(1), namespace: z.string().min(1) };
const leaseKeySchema = optionsSchema<Omit<LeaseRef, "holder">>(leaseKeyFields, "allowed");
const leaseRefSchema = optionsSchema<LeaseRef>({ ...leaseKeyFields, holder: z.string().min(1) });
// a HeldLease comes from acquire/renew; only what renew and release read is checked
const heldLeaseSchema = optionsSchema<Pick<HeldLease, "name" | "namespace" | "holder">>(
  { ...leaseKeyFields, holder: z.string().min(1) },
  "allowed",
);
const acquireOptionsSchema = optionsSchema<AcquireOptions>({
  signal: signalSchema,
  durationSeconds: countSchema(1),
});

/**
 * One-run-per-cluster locking on a `coordination.k8s.io/v1` Lease, like client-go's leader
 * election: acquire when free, expired or already ours; renew before `durationSeconds` runs
 * out; release by clearing the holder. Every write carries the resourceVersion read, so two
 * contenders can never both win. Expiry is judged from the holder's `renewTime`.
 *
 * @example
 * ```ts
 * const lease = await client.leases.acquire({ name: "calicokit-migration", namespace: "kube-system",
 *   holder: "cli@host" })
 * let held = lease
 * try {
 *   held = await client.leases.renew(held) // between the steps of the run, within its duration
 * } finally {
 *   await client.leases.release(held)
 * }
 * ```
 */
export class LeaseClient {
  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions = {},
  ) {}

  private target(verb: string, ref: LeaseRef): RequestTarget {
    return {
      verb,
      resource: "leases.coordination.k8s.io",
      name: ref.name,
      namespace: ref.namespace,
    };
  }

  private call<T>(
    verb: string,
    ref: LeaseRef,
    signal: AbortSignal | undefined,
    op: () => Promise<T>,
  ) {
    return withRetries(op, this.target(verb, ref), this.retry, signal);
  }

  /** Checks a public call's lease argument and options before anything is sent. */
  private checked<R>(
    verb: string,
    schema: OptionsSchema<R>,
    ref: unknown,
    options: unknown,
    optionsSchemaOfCall: OptionsSchema<unknown> = callOptionsSchema,
  ): void {
    const given = (typeof ref === "object" && ref !== null ? ref : {}) as Partial<LeaseRef>;
    const target = {
      verb,
      resource: "leases.coordination.k8s.io",
      ...(typeof given.name === "string" ? { name: given.name } : {}),
      ...(typeof given.namespace === "string" ? { namespace: given.namespace } : {}),
    };
    checkOptions(schema, ref, target, "lease reference");
    checkOptions(optionsSchemaOfCall, options, target);
  }

  /** The Lease as stored, or undefined when there is none (a `HeldLease` works as `ref`). */
  async read(
    ref: Omit<LeaseRef, "holder">,
    options: CallOptions = {},
  ): Promise<V1Lease | undefined> {
    this.checked("get", leaseKeySchema, ref, options);
    return this.stored(ref, options);
  }

  private async stored(
    ref: Omit<LeaseRef, "holder">,
    options: CallOptions,
  ): Promise<V1Lease | undefined> {
    try {
      return await this.call("get", { ...ref, holder: "" }, options.signal, () =>
        this.transport.coordination.readNamespacedLease(
          { name: ref.name, namespace: ref.namespace },
          Transport.callOptions(options),
        ),
      );
    } catch (error) {
      if (error instanceof CalicoClientError && error._tag === "NotFound") return undefined;
      throw error;
    }
  }

  /**
   * Takes the lease, or fails with `Conflict` naming the current holder and when its claim
   * expires. Taking over an expired lease counts a transition.
   */
  async acquire(ref: LeaseRef, options: AcquireOptions = {}): Promise<HeldLease> {
    this.checked("update", leaseRefSchema, ref, options, acquireOptionsSchema);
    const durationSeconds = options.durationSeconds ?? 60;
    const now = new V1MicroTime(Date.now());
    const existing = await this.stored(ref, options.signal ? { signal: options.signal } : {});
    if (existing === undefined) {
      const created = await this.write("create", ref, options.signal, wrote(ref.holder, now), () =>
        this.transport.coordination.createNamespacedLease(
          {
            namespace: ref.namespace,
            body: {
              metadata: { name: ref.name, namespace: ref.namespace },
              spec: {
                holderIdentity: ref.holder,
                leaseDurationSeconds: durationSeconds,
                acquireTime: now,
                renewTime: now,
                leaseTransitions: 0,
              },
            },
          },
          Transport.callOptions(options),
        ),
      );
      return held(ref, created, durationSeconds);
    }
    const spec = existing.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    if (holder !== "" && holder !== ref.holder) {
      const expires = expiry(existing);
      if (expires > Date.now()) {
        throw new CalicoClientError(
          "Conflict",
          `lease ${ref.namespace}/${ref.name} is held by "${holder}" until ${new Date(expires).toISOString()} unless renewed`,
          { code: 409, target: this.target("update", ref) },
        );
      }
    }
    const ours = holder === ref.holder;
    const updated = await this.write("update", ref, options.signal, wrote(ref.holder, now), () =>
      this.transport.coordination.replaceNamespacedLease(
        {
          name: ref.name,
          namespace: ref.namespace,
          body: {
            ...existing,
            spec: {
              ...spec,
              holderIdentity: ref.holder,
              leaseDurationSeconds: durationSeconds,
              acquireTime: ours && spec.acquireTime ? spec.acquireTime : now,
              renewTime: now,
              leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
            },
          },
        },
        Transport.callOptions(options),
      ),
    );
    return held(ref, updated, durationSeconds);
  }

  /** Extends the claim; `Conflict` if someone else took the lease meanwhile. */
  async renew(lease: HeldLease, options: CallOptions = {}): Promise<HeldLease> {
    this.checked("update", heldLeaseSchema, lease, options);
    const current = await this.stored(lease, options);
    if (current?.spec?.holderIdentity !== lease.holder) {
      throw new CalicoClientError(
        "Conflict",
        `lease ${lease.namespace}/${lease.name} is no longer ours (holder: "${current?.spec?.holderIdentity ?? "none"}")`,
        { code: 409, target: this.target("update", lease) },
      );
    }
    const renewTime = new V1MicroTime(Date.now());
    const updated = await this.write(
      "update",
      lease,
      options.signal,
      wrote(lease.holder, renewTime),
      () =>
        this.transport.coordination.replaceNamespacedLease(
          {
            name: lease.name,
            namespace: lease.namespace,
            body: { ...current, spec: { ...current.spec, renewTime } },
          },
          Transport.callOptions(options),
        ),
    );
    return held(lease, updated, lease.durationSeconds);
  }

  /** Gives the lease up (clears the holder) if it is still ours; otherwise does nothing. */
  async release(lease: HeldLease, options: CallOptions = {}): Promise<void> {
    this.checked("update", heldLeaseSchema, lease, options);
    const current = await this.stored(lease, options);
    if (current?.spec?.holderIdentity !== lease.holder) return;
    const { holderIdentity: _holder, ...rest } = current.spec;
    await this.write("update", lease, options.signal, wrote(undefined, rest.renewTime), () =>
      this.transport.coordination.replaceNamespacedLease(
        {
          name: lease.name,
          namespace: lease.namespace,
          body: { ...current, spec: { ...rest, leaseDurationSeconds: 1 } },
        },
        Transport.callOptions(options),
      ),
    );
  }

  /**
   * One write with retries. A 409 is either a lost race (someone else wrote in between:
   * reported, never retried) or our own earlier attempt that landed before its answer was
   * lost: the Lease then already holds what we wrote (`landed`), which is the success.
   */
  private async write(
    verb: string,
    ref: LeaseRef,
    signal: AbortSignal | undefined,
    landed: (lease: V1Lease) => boolean,
    op: () => Promise<V1Lease>,
  ): Promise<V1Lease> {
    try {
      return await this.call(verb, ref, signal, op);
    } catch (error) {
      const failure = fromUnknown(error, this.target(verb, ref));
      if (failure._tag !== "AlreadyExists" && failure._tag !== "Conflict") throw failure;
      const now = await this.stored(ref, signal ? { signal } : {});
      if (now !== undefined && landed(now)) return now;
      throw new CalicoClientError(
        "Conflict",
        `another holder wrote lease ${ref.namespace}/${ref.name} at the same time: ${failure.detail}`,
        { code: 409, target: this.target(verb, ref), cause: error },
      );
    }
  }
}

/** The Lease carries this holder and this renewTime: a write of ours is in it. */
function wrote(holder: string | undefined, renewTime: Date | undefined) {
  return (lease: V1Lease) =>
    lease.spec?.holderIdentity === holder &&
    new Date(lease.spec?.renewTime ?? 0).getTime() === new Date(renewTime ?? 0).getTime();
}

function expiry(lease: V1Lease): number {
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  if (renewed === undefined) return 0;
  return new Date(renewed).getTime() + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
}

function held(ref: LeaseRef, lease: V1Lease, durationSeconds: number): HeldLease {
  const spec = lease.spec ?? {};
  return {
    name: ref.name,
    namespace: ref.namespace,
    holder: ref.holder,
    durationSeconds,
    acquiredAt: new Date(spec.acquireTime ?? Date.now()),
    renewedAt: new Date(spec.renewTime ?? Date.now()),
    resourceVersion: lease.metadata?.resourceVersion ?? "",
  };
}
