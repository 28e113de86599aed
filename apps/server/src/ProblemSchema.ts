import { z } from "@hono/zod-openapi";
import { type HttpProblemTag, httpProblemKinds } from "./HttpProblem.js";

/** The problem document (RFC 9457) as an OpenAPI schema. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:calicokit:problem:forbidden" }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    hint: z.string().optional(),
    reasons: z.array(z.string()).optional(),
    missing: z
      .object({
        verb: z.string(),
        group: z.string(),
        resource: z.string(),
        subresource: z.string().optional(),
        name: z.string().optional(),
        namespace: z.string().optional(),
      })
      .optional(),
    runId: z.string().optional(),
    holder: z.string().optional(),
  })
  .openapi("Problem");

/** Problems every authenticated route can answer with. */
const common: readonly HttpProblemTag[] = [
  "invalid-request",
  "unauthenticated",
  "forbidden",
  "payload-too-large",
  "internal",
  "cluster-error",
  "cluster-unavailable",
  "timeout",
];

/**
 * OpenAPI `responses` entries for the given problems plus the ones every `/v1` route can give,
 * grouped by status.
 *
 * @example
 * ```ts
 * import { problemResponses } from "@calicokit/server"
 * const responses = { ...problemResponses(["not-found"]) }
 * ```
 */
export function problemResponses(tags: readonly HttpProblemTag[] = [], withCommon = true) {
  const byStatus = new Map<number, string[]>();
  for (const tag of withCommon ? [...common, ...tags] : tags) {
    const { status, title } = httpProblemKinds[tag];
    byStatus.set(status, [...(byStatus.get(status) ?? []), title]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, titles]) => [
      status,
      {
        description: [...new Set(titles)].join("; "),
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  );
}
