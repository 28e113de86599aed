import type { KubeHttp } from "@calicokit/testkit";

/** An admin request that must succeed (test set-up): fails with the status and body otherwise. */
export async function ok(
  http: KubeHttp,
  method: string,
  path: string,
  body?: unknown,
  patch = false,
) {
  const response = await http.request({
    method,
    path,
    ...(body === undefined ? {} : { body }),
    ...(patch ? { contentType: "application/merge-patch+json" } : {}),
  });
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  return response;
}
