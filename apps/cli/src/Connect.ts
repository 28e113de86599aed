import { CalicoClient } from "@calicokit/client";
import type { Invocation } from "./Invocation.js";

/**
 * Connects to the cluster the global options name (`--kubeconfig`, `--context`, else
 * $KUBECONFIG and ~/.kube/config, as kubectl does), giving up with the command's signal.
 *
 * @example
 * ```ts
 * const client = await connect(invocation)
 * try { ... } finally { client.close() }
 * ```
 */
export function connect(invocation: Invocation): Promise<CalicoClient> {
  const { kubeconfig, context } = invocation.global;
  return CalicoClient.connect({
    ...(kubeconfig ? { kubeconfigPath: kubeconfig } : {}),
    ...(context ? { context } : {}),
    signal: invocation.signal,
  });
}

/** Runs `body` with a connected client and closes it afterwards. */
export async function withClient<T>(
  invocation: Invocation,
  body: (client: CalicoClient) => Promise<T>,
): Promise<T> {
  const client = await connect(invocation);
  try {
    return await body(client);
  } finally {
    client.close();
  }
}
