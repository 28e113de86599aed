import * as z from "zod";

// Building blocks shared by the resource schemas. Each spec is built twice from one definition:
// "loose" for reading (unknown fields survive read-modify-write) and "strict" for user input
// (unknown fields, usually typos, are rejected).

/** Which flavour of object schema to build. */
export type ObjectMode = "loose" | "strict";

/** The object schema type for a mode. */
export type ModeObject<S extends z.core.$ZodLooseShape, M extends ObjectMode> = M extends "loose"
  ? z.ZodObject<S, z.core.$loose>
  : z.ZodObject<S, z.core.$strict>;

/** An object schema of the given mode. */
export function modeObject<M extends ObjectMode, const S extends z.core.$ZodLooseShape>(
  mode: M,
  shape: S,
): ModeObject<S, M> {
  return (mode === "loose" ? z.looseObject(shape) : z.strictObject(shape)) as ModeObject<S, M>;
}

/** AS number field: the CRD stores an integer; user input may also be a decimal or asdot string. */
export type AsNumberField<M extends ObjectMode> = M extends "loose"
  ? z.ZodInt
  : z.ZodUnion<[z.ZodInt, z.ZodString]>;

const asNumberRead = z.int();
const asNumberInput = z.union([z.int(), z.string()], {
  error: 'must be an AS number: an integer such as 64512, or a string such as "64512" or "1.10"',
});

/** Schema of an AS number field for a mode (range and asdot checks happen in validateResource). */
export function asNumberField<M extends ObjectMode>(mode: M): AsNumberField<M> {
  return (mode === "loose" ? asNumberRead : asNumberInput) as AsNumberField<M>;
}

/**
 * A list with `x-kubernetes-list-type: set`: the API server rejects duplicate items.
 */
export function setList<T extends z.ZodType<string>>(item: T) {
  return z.array(item).superRefine((items, ctx) => {
    for (let i = 1; i < items.length; i++) {
      if (items.indexOf(items[i] as z.output<T>) < i) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `duplicate value ${JSON.stringify(items[i])}: this list is a set (x-kubernetes-list-type: set); remove the repeated entry`,
          params: { rule: "crd.list-set.unique", source: "crd-schema" },
        });
      }
    }
  });
}

/** `{ secretKeyRef: { name, key, optional } }` (BGP passwords). */
export function secretPassword<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    secretKeyRef: modeObject(mode, {
      name: z.string().optional(),
      key: z.string(),
      optional: z.boolean().optional(),
    }).optional(),
  });
}

/** The two Calico apiVersions every resource schema accepts. */
export const calicoApiVersionSchema = z.enum(["projectcalico.org/v3", "crd.projectcalico.org/v1"], {
  error:
    'must be "projectcalico.org/v3" (or "crd.projectcalico.org/v1" for Calico\'s internal CRDs)',
});

/** An integer in Kubernetes' `format: int32` range. */
export const int32 = z.int32();

/** Kubernetes condition (metav1.Condition), as in IPPool status. */
export const conditionSchema = z.looseObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  observedGeneration: z.int().min(0).optional(),
  lastTransitionTime: z.string(),
  reason: z.string(),
  message: z.string(),
});
