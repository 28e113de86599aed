import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The PEM bundle kube-apiserver wrote to `--cert-dir` (its serving certificate, then the
 * self-signed CA that issued it), or `undefined` while the file is absent or incomplete.
 *
 * The apiserver writes that file with a plain create-then-write, so it exists, empty or cut
 * short, before it holds the CA: taking it then gave a client that trusts nothing and fails
 * every TLS handshake until the start deadline. Only a bundle whose every block parses and that
 * contains a CA certificate is returned; the caller still proves it with a handshake.
 */
export function readServingCa(certFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(certFile, "utf8");
  } catch {
    return undefined;
  }
  const blocks = text.match(pemBlock) ?? [];
  const begun = text.split("-----BEGIN CERTIFICATE-----").length - 1;
  if (blocks.length === 0 || blocks.length !== begun) return undefined;
  try {
    return blocks.some((block) => new X509Certificate(block).ca) ? text : undefined;
  } catch {
    return undefined;
  }
}
