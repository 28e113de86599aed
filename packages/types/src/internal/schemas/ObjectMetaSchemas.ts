import * as z from "zod";
import { modeObject, type ObjectMode } from "../validation/SchemaParts.js";
import { builtOnce } from "./BuiltOnce.js";

function objectMeta<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    generation: z.int().optional(),
    creationTimestamp: z.string().nullable().optional(),
    deletionTimestamp: z.string().nullable().optional(),
    deletionGracePeriodSeconds: z.int().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    ownerReferences: z.array(z.looseObject({})).optional(),
    finalizers: z.array(z.string()).optional(),
    managedFields: z.array(z.looseObject({})).optional(),
    selfLink: z.string().optional(),
  });
}

/** Object metadata as read (the public ObjectMetaSchema). */
export const objectMetaSchema = builtOnce(() => objectMeta("loose"));

/** Object metadata as a user writes it (the public ObjectMetaInputSchema). */
export const objectMetaInputSchema = builtOnce(() => objectMeta("strict"));
