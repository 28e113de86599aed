import { parseArgs } from "node:util";
import { HttpProblem } from "./HttpProblem.js";

/** How a server is started. */
export interface ServerOptions {
  /** A kubeconfig file; without it the default chain ($KUBECONFIG, ~/.kube/config, in-cluster). */
  readonly kubeconfigPath?: string;
  readonly context?: string;
  /** Where to listen. Default 127.0.0.1, port 8080 (0 picks a free port). */
  readonly host: string;
  readonly port: number;
  /** Where migration journals, Leases and idempotency keys live. Default `kube-system`. */
  readonly namespace: string;
  /** PEM files: serve HTTPS when given (both or neither). */
  readonly tls?: { readonly certPath: string; readonly keyPath: string };
  /** Largest request body, in bytes. Default 64 KiB. */
  readonly bodyLimitBytes: number;
  /** Budget of one non-streaming request, in ms. Default 60 000. */
  readonly requestTimeoutMs: number;
}

export const serverUsage = `usage: calicokit-server [--kubeconfig FILE] [--context NAME] [--listen HOST:PORT]
                        [--namespace NS] [--tls-cert FILE --tls-key FILE]
                        [--body-limit BYTES] [--request-timeout MS]

  --kubeconfig FILE     the service's own credentials (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --context NAME        a context of that kubeconfig instead of the current one
  --listen HOST:PORT    where to listen (default 127.0.0.1:8080; [::1]:8080 for IPv6)
  --namespace NS        where journals, Leases and idempotency keys live (default kube-system)
  --tls-cert FILE       serve HTTPS with this certificate (PEM); needs --tls-key
  --tls-key FILE        the certificate's private key (PEM); needs --tls-cert
  --body-limit BYTES    largest request body (default 65536)
  --request-timeout MS  budget of one request, event streams excepted (default 60000)
`;

/**
 * Reads the command line. Unknown flags, missing values and bad values are `invalid-request`
 * problems naming the flag and the fix.
 *
 * @example
 * ```ts
 * import { parseServerArgs } from "@calicokit/server"
 * const options = parseServerArgs(["--kubeconfig", "k.yaml", "--listen", "127.0.0.1:9000"])
 * console.log(options.port) // 9000
 * ```
 */
export function parseServerArgs(argv: readonly string[]): ServerOptions {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new HttpProblem("invalid-request", (error as Error).message, { hint: serverUsage });
  }
  const listen = values.listen ?? "127.0.0.1:8080";
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[2]);
  if (match === null || port > 65_535) {
    throw bad("--listen", `"${listen}" is not HOST:PORT`, "e.g. --listen 127.0.0.1:8080");
  }
  const host = (match[1] as string).replace(/^\[|\]$/g, "");
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined)) {
    throw bad("--tls-cert/--tls-key", "only one was given", "give both, or neither for plain HTTP");
  }
  const bodyLimitBytes = positiveInt("--body-limit", values["body-limit"], 65_536);
  const requestTimeoutMs = positiveInt("--request-timeout", values["request-timeout"], 60_000);
  const namespace = values.namespace ?? "kube-system";
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw bad(
      "--namespace",
      `"${namespace}" is not a namespace name`,
      "use lower-case letters, digits and '-'",
    );
  }
  return {
    host,
    port,
    namespace,
    bodyLimitBytes,
    requestTimeoutMs,
    ...(values.kubeconfig === undefined ? {} : { kubeconfigPath: values.kubeconfig }),
    ...(values.context === undefined ? {} : { context: values.context }),
    ...(values["tls-cert"] === undefined || values["tls-key"] === undefined
      ? {}
      : { tls: { certPath: values["tls-cert"], keyPath: values["tls-key"] } }),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      kubeconfig: { type: "string" },
      context: { type: "string" },
      listen: { type: "string" },
      namespace: { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "body-limit": { type: "string" },
      "request-timeout": { type: "string" },
    },
  });
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9]\d{0,9}$/.test(value))
    throw bad(flag, `"${value}" is not a positive integer`, `e.g. ${flag} ${fallback}`);
  return Number(value);
}

function bad(flag: string, what: string, fix: string): HttpProblem<"invalid-request"> {
  return new HttpProblem("invalid-request", `${flag}: ${what}`, { hint: fix });
}
