import { describe, expect, it } from "vitest";
import { HttpProblem } from "./HttpProblem.js";
import { parseServerArgs } from "./ServerOptions.js";

function refusal(argv: string[]): string {
  try {
    parseServerArgs(argv);
  } catch (error) {
    if (error instanceof HttpProblem && error._tag === "invalid-request") return error.detail;
    throw error;
  }
  throw new Error("accepted");
}

describe("parseServerArgs", () => {
  it("reads every flag and applies the defaults", () => {
    expect(parseServerArgs([])).toEqual({
      host: "127.0.0.1",
      port: 8080,
      namespace: "kube-system",
      bodyLimitBytes: 65_536,
      requestTimeoutMs: 60_000,
    });
    expect(
      parseServerArgs([
        "--kubeconfig",
        "k.yaml",
        "--listen",
        "[::1]:0",
        "--namespace",
        "calicokit",
        "--tls-cert",
        "c.pem",
        "--tls-key",
        "k.pem",
      ]),
    ).toMatchObject({
      kubeconfigPath: "k.yaml",
      host: "::1",
      port: 0,
      namespace: "calicokit",
      tls: { certPath: "c.pem", keyPath: "k.pem" },
    });
  });

  it("refuses unknown flags, bad values and half a TLS pair, naming the flag", () => {
    expect(refusal(["--port", "80"])).toContain("--port");
    expect(refusal(["--listen", "8080"])).toMatch(/^--listen: /);
    expect(refusal(["--listen", "127.0.0.1:70000"])).toMatch(/^--listen: /);
    expect(refusal(["--tls-cert", "c.pem"])).toMatch(/^--tls-cert\/--tls-key: /);
    expect(refusal(["--namespace", "Kube_System"])).toMatch(/^--namespace: /);
    expect(refusal(["--body-limit", "1.5"])).toMatch(/^--body-limit: /);
    expect(refusal(["extra"])).toContain("extra");
  });
});
