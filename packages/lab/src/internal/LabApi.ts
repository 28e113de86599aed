import type { KubeHttp, KubeResponse } from "@calicokit/testkit";
import { LabError } from "../LabError.js";

/**
 * One request to the lab's API server that must succeed (a DELETE of something already gone
 * counts as success); anything else is an `ApiRequestFailed` quoting the server.
 */
export async function requestOk(
  http: KubeHttp,
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
): Promise<KubeResponse> {
  const res = await http.request({
    method,
    path,
    ...(body === undefined ? {} : { body }),
    ...(contentType === undefined ? {} : { contentType }),
  });
  if (res.status >= 300 && !(method === "DELETE" && res.status === 404)) {
    throw new LabError(
      "ApiRequestFailed",
      `${method} ${path} answered HTTP ${res.status}: ${res.text.slice(0, 400)}`,
    );
  }
  return res;
}
