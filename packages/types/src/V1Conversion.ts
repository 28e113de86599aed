import * as z from "zod";
import {
  compareGoStrings,
  goJsonList,
  goJsonObject,
  goJsonOmitEmptyString,
  goJsonString,
  goJsonStringMap,
  goJsonValue,
  omitEmpty,
  parseGoJson,
} from "./internal/node/GoJson.js";

const v3ApiVersion = "projectcalico.org/v3";
const v1ApiVersion = "crd.projectcalico.org/v1";

/** The annotation on a `crd.projectcalico.org/v1` object that carries the v3 metadata as JSON. */
const metadataAnnotation = "projectcalico.org/metadata";

// Kinds whose v3 name is stored in the metadata annotation (tiered policy names differ in v1).
const policyKinds = new Set([
  "GlobalNetworkPolicy",
  "NetworkPolicy",
  "StagedGlobalNetworkPolicy",
  "StagedNetworkPolicy",
]);

// The one kind renamed between the groups (design/ipam/ipam-datastore.md).
const v1KindOf: Readonly<Record<string, string>> = { IPAMConfiguration: "IPAMConfig" };
const v3KindOf: Readonly<Record<string, string>> = { IPAMConfig: "IPAMConfiguration" };

/**
 * A Kubernetes owner reference (JSON names as in `metav1.OwnerReference`).
 *
 * @example
 * ```ts
 * const owner: OwnerReference = { apiVersion: "v1", kind: "ConfigMap", name: "c", uid: "..." };
 * ```
 */
export type OwnerReference = {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
};

/**
 * Kubernetes object metadata as `metav1.ObjectMeta` has it (any resource type's metadata fits);
 * other fields are allowed but are not carried through the v1 conversion (Go drops them).
 *
 * @example
 * ```ts
 * const meta: KubernetesObjectMeta = { name: "rr-peers", labels: { team: "net" } };
 * ```
 */
export interface KubernetesObjectMeta {
  name?: string | undefined;
  generateName?: string | undefined;
  namespace?: string | undefined;
  selfLink?: string | undefined;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
  generation?: number | undefined;
  creationTimestamp?: string | null | undefined;
  deletionTimestamp?: string | null | undefined;
  deletionGracePeriodSeconds?: number | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  ownerReferences?: ReadonlyArray<Readonly<Record<string, unknown>>> | undefined;
  finalizers?: readonly string[] | undefined;
  managedFields?: ReadonlyArray<Readonly<Record<string, unknown>>> | undefined;
  [field: string]: unknown;
}

/**
 * Any Kubernetes-shaped object: apiVersion, kind, metadata, and other top-level fields
 * (`spec`, `status`, ...). Every resource type of this package fits.
 *
 * @example
 * ```ts
 * const object: KubernetesObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } };
 * ```
 */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: KubernetesObjectMeta;
  [field: string]: unknown;
}

/**
 * Raised when Calico's backend would fail the conversion too: wrong apiVersion, a UID that is
 * not a UUID, a timestamp that is not RFC 3339, or a metadata annotation that is not the JSON
 * of an ObjectMeta.
 *
 * @example
 * ```ts
 * const url = "https://kubernetes.default.svc/apis/crd.projectcalico.org/v1/bgppeers/peer-a";
 * const object = (await (await fetch(url)).json()) as KubernetesObject;
 * try {
 *   fromV1(object);
 * } catch (error) {
 *   if (error instanceof V1ConversionError) console.error(`${error.path}: ${error.message}`);
 * }
 * ```
 */
export class V1ConversionError extends Error {
  readonly _tag = "V1ConversionError";
  override readonly name = "V1ConversionError";
  constructor(
    /** The offending field, e.g. `metadata.uid`. */
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const hexPairs = /^[0-9a-f]{32}$/i;

// google/uuid Parse forms: canonical, {braced}, urn:uuid:canonical, or 32 bare hex digits.
function uuidBytes(uid: string): Uint8Array | undefined {
  let text = uid;
  if (text.length === 45 && text.slice(0, 9).toLowerCase() === "urn:uuid:") text = text.slice(9);
  else if (text.length === 38 && text.startsWith("{") && text.endsWith("}"))
    text = text.slice(1, -1);
  if (text.length === 36) {
    if ([8, 13, 18, 23].some((at) => text[at] !== "-")) return undefined;
    text = text.replaceAll("-", "");
    if (text.length !== 32) return undefined;
  }
  if (!hexPairs.test(text)) return undefined;
  return Uint8Array.from({ length: 16 }, (_, i) =>
    Number.parseInt(text.slice(2 * i, 2 * i + 2), 16),
  );
}

function reverseBits(byte: number): number {
  let reversed = 0;
  for (let bit = 0; bit < 8; bit++) reversed |= ((byte >> bit) & 1) << (7 - bit);
  return reversed;
}

// conversion.ConvertUID: bit-reverse every byte except 6 and 8 (UUID version and variant), so
// v3 and v1 UIDs differ yet map onto each other (the transform is its own inverse).
function convertUidAt(uid: string, path: string): string {
  const bytes = uuidBytes(uid);
  if (bytes === undefined) {
    throw new V1ConversionError(
      path,
      `${JSON.stringify(uid)} is not a UUID, which Calico requires to convert it. Use the UID the API server assigned.`,
    );
  }
  const hex = Array.from(bytes, (byte, i) =>
    (i === 6 || i === 8 ? byte : reverseBits(byte)).toString(16).padStart(2, "0"),
  ).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The UID Calico's Kubernetes backend gives an object in the other API group (libcalico-go
 * `conversion.ConvertUID`): each byte bit-reversed except bytes 6 and 8. The transform is its own
 * inverse, so the same call maps a v3 UID to the stored `crd.projectcalico.org/v1` UID and back;
 * {@link toV1} and {@link fromV1} apply it to `metadata.uid`.
 *
 * @throws {V1ConversionError} (path `metadata.uid`) when `uid` is not a UUID.
 * @example
 * ```ts
 * const peer = { metadata: { uid: "f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f" } };
 * const storedUid = convertCalicoUid(peer.metadata.uid); // the UID of the v1 object
 * convertCalicoUid(storedUid) === peer.metadata.uid; // true
 * ```
 */
export function convertCalicoUid(uid: string): string {
  return convertUidAt(uid, "metadata.uid");
}

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const zeroTime = "0001-01-01T00:00:00Z";

// metav1.Time as Go round-trips it: parsed as RFC 3339, written in UTC with whole seconds.
function goTime(text: string, path: string): string {
  const match = rfc3339.exec(text);
  const [year, month, day, hour, minute, second, sign, offH, offM] = (match?.slice(1) ?? []).map(
    (part) => (part === "+" ? 1 : part === "-" ? -1 : part === undefined ? 0 : Number(part)),
  ) as number[];
  const date = new Date(0);
  date.setUTCFullYear(year ?? 0, (month ?? 0) - 1, day);
  date.setUTCHours(hour ?? 0, minute, second, 0);
  if (
    match === null ||
    date.getUTCDate() !== day ||
    (hour ?? 0) > 23 ||
    (minute ?? 0) > 59 ||
    (second ?? 0) > 59 ||
    (offH ?? 0) > 23 ||
    (offM ?? 0) > 59
  ) {
    throw new V1ConversionError(
      path,
      `${JSON.stringify(text)} is not an RFC 3339 time such as 2024-05-01T10:00:00Z.`,
    );
  }
  date.setTime(date.getTime() - (sign ?? 0) * ((offH ?? 0) * 60 + (offM ?? 0)) * 60_000);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`;
}

function isOurs(key: string): boolean {
  return key.includes("projectcalico.org/") || key.includes("operator.tigera.io/");
}

function pickOurs(map: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).filter(([key]) => isOurs(key)));
}

// Go's OwnerReference fields: strings default to "", the two flags only when booleans.
function ownerReference(owner: Readonly<Record<string, unknown>>): OwnerReference {
  const text = (key: string) => (typeof owner[key] === "string" ? owner[key] : "");
  const reference: OwnerReference = {
    apiVersion: text("apiVersion"),
    kind: text("kind"),
    name: text("name"),
    uid: text("uid"),
  };
  if (typeof owner.controller === "boolean") reference.controller = owner.controller;
  if (typeof owner.blockOwnerDeletion === "boolean") {
    reference.blockOwnerDeletion = owner.blockOwnerDeletion;
  }
  return reference;
}

function translateOwners(
  owners: ReadonlyArray<Readonly<Record<string, unknown>>> | undefined,
  from: readonly string[],
  to: string,
  path: string,
): OwnerReference[] | undefined {
  return owners
    ?.map(ownerReference)
    .map((owner, i) =>
      from.includes(owner.apiVersion)
        ? { ...owner, apiVersion: to, uid: convertUidAt(owner.uid, `${path}[${i}].uid`) }
        : owner,
    );
}

function ownerJson(owner: OwnerReference): string {
  return goJsonObject([
    ["apiVersion", goJsonString(owner.apiVersion)],
    ["kind", goJsonString(owner.kind)],
    ["name", goJsonString(owner.name)],
    ["uid", goJsonString(owner.uid)],
    ["controller", owner.controller === undefined ? undefined : String(owner.controller)],
    [
      "blockOwnerDeletion",
      owner.blockOwnerDeletion === undefined ? undefined : String(owner.blockOwnerDeletion),
    ],
  ]);
}

function managedFieldsJson(entry: Readonly<Record<string, unknown>>, path: string): string {
  const text = (key: string) =>
    typeof entry[key] === "string" ? goJsonOmitEmptyString(entry[key]) : undefined;
  const time =
    typeof entry.time === "string" ? goJsonString(goTime(entry.time, `${path}.time`)) : undefined;
  return goJsonObject([
    ["manager", text("manager")],
    ["operation", text("operation")],
    ["apiVersion", text("apiVersion")],
    ["time", time],
    ["fieldsType", text("fieldsType")],
    ["fieldsV1", entry.fieldsV1 === undefined ? undefined : goJsonValue(entry.fieldsV1)],
    ["subresource", text("subresource")],
  ]);
}

// json.Marshal of the ObjectMeta copy in ConvertCalicoResourceToK8sResource: struct field
// order, omitempty, timestamps in Go's format; namespace, uid and resourceVersion cleared,
// and the name too except for policy kinds.
function metadataAnnotationJson(kind: string, meta: KubernetesObjectMeta): string {
  const time = (value: string | null | undefined, path: string) => {
    if (value === undefined || value === null) return undefined;
    const normalised = goTime(value, path);
    return path === "metadata.creationTimestamp" && normalised === zeroTime
      ? undefined
      : goJsonString(normalised);
  };
  const owners = translateOwners(
    meta.ownerReferences,
    [v3ApiVersion],
    v1ApiVersion,
    "metadata.ownerReferences",
  );
  return goJsonObject([
    ["name", policyKinds.has(kind) ? goJsonOmitEmptyString(meta.name) : undefined],
    ["generateName", goJsonOmitEmptyString(meta.generateName)],
    ["selfLink", goJsonOmitEmptyString(meta.selfLink)],
    ["generation", meta.generation ? String(meta.generation) : undefined],
    ["creationTimestamp", time(meta.creationTimestamp, "metadata.creationTimestamp")],
    ["deletionTimestamp", time(meta.deletionTimestamp, "metadata.deletionTimestamp")],
    [
      "deletionGracePeriodSeconds",
      meta.deletionGracePeriodSeconds === undefined
        ? undefined
        : String(meta.deletionGracePeriodSeconds),
    ],
    ["labels", omitEmpty(meta.labels) && goJsonStringMap(meta.labels)],
    ["annotations", omitEmpty(meta.annotations) && goJsonStringMap(meta.annotations)],
    ["ownerReferences", goJsonList(owners, ownerJson)],
    ["finalizers", goJsonList(meta.finalizers, goJsonString)],
    [
      "managedFields",
      goJsonList(meta.managedFields, (entry) =>
        managedFieldsJson(entry, "metadata.managedFields[]"),
      ),
    ],
  ]);
}

function sortedMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => compareGoStrings(a, b)));
}

/**
 * The `crd.projectcalico.org/v1` object Calico's Kubernetes backend stores for a
 * `projectcalico.org/v3` resource (libcalico-go `ConvertCalicoResourceToK8sResource`):
 * - `apiVersion` becomes `crd.projectcalico.org/v1`; the kind is kept (`IPAMConfiguration` is
 *   stored as `IPAMConfig`); every other top-level field (`spec`, `status`, ...) is copied.
 * - The annotation `projectcalico.org/metadata` holds the v3 metadata as JSON, exactly as Go
 *   writes it: every ObjectMeta field except namespace, uid and resourceVersion (and the name,
 *   except for the four policy kinds), in Go field order, maps sorted, timestamps in UTC with
 *   whole seconds; `projectcalico.org/v3` owner references point at `crd.projectcalico.org/v1`
 *   with converted UIDs. Unknown metadata fields are dropped, as Go drops them.
 * - The v1 metadata keeps name, namespace and resourceVersion; its uid is the v3 uid with each
 *   byte bit-reversed except bytes 6 and 8; its labels and annotations are only those whose key
 *   contains `projectcalico.org/` or `operator.tigera.io/` (so a v3 annotation named
 *   `projectcalico.org/metadata` replaces the metadata annotation, as in Calico).
 *
 * @throws {V1ConversionError} for a non-v3 apiVersion, a non-UUID uid or a bad timestamp.
 * @example
 * ```ts
 * const cr = toV1({
 *   apiVersion: "projectcalico.org/v3",
 *   kind: "BGPPeer",
 *   metadata: { name: "rr-peers", labels: { team: "net" } },
 *   spec: { nodeSelector: "all()", peerSelector: "has(route-reflector)" },
 * });
 * cr.metadata.annotations; // { "projectcalico.org/metadata": '{"labels":{"team":"net"}}' }
 * ```
 */
export function toV1(resource: KubernetesObject): KubernetesObject {
  if (resource.apiVersion !== v3ApiVersion) {
    throw new V1ConversionError(
      "apiVersion",
      `is ${JSON.stringify(resource.apiVersion)}; only ${v3ApiVersion} resources convert to ${v1ApiVersion}.`,
    );
  }
  const { apiVersion: _v3, kind, metadata, ...body } = resource;
  const stored = metadataAnnotationJson(kind, metadata);
  const v1Meta: KubernetesObjectMeta = {};
  if (metadata.name) v1Meta.name = metadata.name;
  if (metadata.namespace) v1Meta.namespace = metadata.namespace;
  if (metadata.uid) v1Meta.uid = convertCalicoUid(metadata.uid);
  if (metadata.resourceVersion) v1Meta.resourceVersion = metadata.resourceVersion;
  const labels = omitEmpty(pickOurs(metadata.labels));
  if (labels !== undefined) v1Meta.labels = sortedMap(labels);
  v1Meta.annotations = {
    [metadataAnnotation]: stored,
    ...sortedMap(pickOurs(metadata.annotations)),
  };
  return {
    apiVersion: v1ApiVersion,
    kind: v1KindOf[kind] ?? kind,
    metadata: v1Meta,
    ...structuredClone(body),
  };
}

const nullable = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((v) => v ?? undefined);
const stringMap = nullable(
  z.record(
    z.string(),
    nullable(z.string()).transform((v) => v ?? ""),
  ),
);

// ObjectMeta as Go's json.Unmarshal reads it: known fields only, null leaves the zero value.
const StoredMetadataSchema = z.object({
  name: nullable(z.string()),
  generateName: nullable(z.string()),
  selfLink: nullable(z.string()),
  generation: nullable(z.number().int()),
  creationTimestamp: nullable(z.string()),
  deletionTimestamp: nullable(z.string()),
  deletionGracePeriodSeconds: nullable(z.number().int()),
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: nullable(
    z.array(
      z.object({
        apiVersion: z.string().default(""),
        kind: z.string().default(""),
        name: z.string().default(""),
        uid: z.string().default(""),
        controller: nullable(z.boolean()),
        blockOwnerDeletion: nullable(z.boolean()),
      }),
    ),
  ),
  finalizers: nullable(z.array(z.string())),
  managedFields: nullable(z.array(z.record(z.string(), z.unknown()))),
});

// Optional where the value may be undefined, as exactOptionalPropertyTypes wants it.
type WithoutUndefined<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> };

function withoutUndefined<T extends object>(value: T): WithoutUndefined<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as WithoutUndefined<T>;
}

function decodeStoredMetadata(raw: string): z.output<typeof StoredMetadataSchema> {
  const path = `metadata.annotations["${metadataAnnotation}"]`;
  const parsed = parseGoJson(raw);
  if (!parsed.ok) {
    throw new V1ConversionError(
      path,
      `is ${parsed.reason}; Calico cannot read this object. Restore the annotation or remove it.`,
    );
  }
  const result = StoredMetadataSchema.safeParse(parsed.value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new V1ConversionError(
      path,
      `is not the JSON of an ObjectMeta (${issue?.path.join(".")}: ${issue?.message}); Calico cannot read this object.`,
    );
  }
  return result.data;
}

// determinePolicyName: a policy in the default tier drops the v1 "default." prefix.
function policyName(kind: string, name: string, body: Record<string, unknown>): string {
  if (!policyKinds.has(kind)) return name;
  const spec = body.spec as { tier?: unknown } | undefined;
  const tier = typeof spec?.tier === "string" ? spec.tier : "";
  return tier === "" || tier === "default" ? name.replace(/^default\./, "") : name;
}

/**
 * The `projectcalico.org/v3` resource Calico's Kubernetes backend reads from a
 * `crd.projectcalico.org/v1` object (libcalico-go `ConvertK8sResourceToCalicoResource`):
 * - `apiVersion` becomes `projectcalico.org/v3` (`IPAMConfig` becomes `IPAMConfiguration`); other
 *   top-level fields are copied; the uid is always converted back (bit reversal, see {@link toV1}).
 * - Without a `projectcalico.org/metadata` annotation the v1 metadata is used as it is.
 * - With it, the metadata is the annotation's ObjectMeta (timestamps in Go's format,
 *   `crd.projectcalico.org/v1` and `projectcalico.org/v3` owner references pointed at v3 with
 *   converted UIDs), with namespace, resourceVersion and uid of the v1 object; labels and
 *   annotations are the v1 object's (minus the metadata annotation) overlaid with the stored
 *   ones; the name is the stored one for policies, else the v1 name; a missing
 *   creationTimestamp falls back to the v1 object's. Other v1 metadata (generation,
 *   managedFields, ...) is dropped, as Calico drops it.
 *
 * @throws {V1ConversionError} for a non-v1 apiVersion, a non-UUID uid, or an unreadable
 * metadata annotation.
 * @example
 * ```ts
 * const peer = fromV1({
 *   apiVersion: "crd.projectcalico.org/v1",
 *   kind: "BGPPeer",
 *   metadata: {
 *     name: "rr-peers",
 *     resourceVersion: "812",
 *     annotations: { "projectcalico.org/metadata": '{"labels":{"team":"net"}}' },
 *   },
 *   spec: { peerSelector: "has(route-reflector)" },
 * });
 * peer.metadata; // { name: "rr-peers", resourceVersion: "812", labels: { team: "net" } }
 * ```
 */
export function fromV1(object: KubernetesObject): KubernetesObject {
  if (object.apiVersion !== v1ApiVersion) {
    throw new V1ConversionError(
      "apiVersion",
      `is ${JSON.stringify(object.apiVersion)}; only ${v1ApiVersion} objects convert to ${v3ApiVersion}.`,
    );
  }
  const { apiVersion: _v1, kind: v1Kind, metadata, ...rest } = object;
  const kind = v3KindOf[v1Kind] ?? v1Kind;
  const body = structuredClone(rest);
  const uid = metadata.uid ? convertCalicoUid(metadata.uid) : undefined;
  const raw = metadata.annotations?.[metadataAnnotation];
  if (raw === undefined) {
    const meta = structuredClone(metadata);
    if (uid !== undefined) meta.uid = uid;
    return { apiVersion: v3ApiVersion, kind, metadata: meta, ...body };
  }
  const stored = decodeStoredMetadata(raw);
  const { [metadataAnnotation]: _stored, ...ownAnnotations } = metadata.annotations ?? {};
  const creationTimestamp = stored.creationTimestamp
    ? goTime(stored.creationTimestamp, "metadata.creationTimestamp")
    : undefined;
  const meta: KubernetesObjectMeta = withoutUndefined({
    name: stored.name || policyName(kind, metadata.name ?? "", body) || undefined,
    generateName: stored.generateName || undefined,
    namespace: metadata.namespace || undefined,
    selfLink: stored.selfLink || undefined,
    uid,
    resourceVersion: metadata.resourceVersion || undefined,
    generation: stored.generation || undefined,
    creationTimestamp:
      creationTimestamp !== undefined && creationTimestamp !== zeroTime
        ? creationTimestamp
        : (metadata.creationTimestamp ?? undefined),
    deletionTimestamp:
      stored.deletionTimestamp === undefined
        ? undefined
        : goTime(stored.deletionTimestamp, "metadata.deletionTimestamp"),
    deletionGracePeriodSeconds: stored.deletionGracePeriodSeconds,
    labels: omitEmpty({ ...metadata.labels, ...stored.labels }),
    annotations: omitEmpty({ ...ownAnnotations, ...stored.annotations }),
    ownerReferences: omitEmpty(
      translateOwners(
        stored.ownerReferences,
        [v1ApiVersion, v3ApiVersion],
        v3ApiVersion,
        "metadata.ownerReferences",
      ),
    ),
    finalizers: omitEmpty(stored.finalizers),
    managedFields: omitEmpty(stored.managedFields),
  });
  return { apiVersion: v3ApiVersion, kind, metadata: meta, ...body };
}
