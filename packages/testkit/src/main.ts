#!/usr/bin/env node
// `calicokit-testkit [v1|v3|none] [--hold]`: starts a control plane, shows it works with the
// built kubectl, and stops it (or holds it until Ctrl-C so a developer can point tools at it).
import { execFileSync } from "node:child_process";
import { startControlPlane } from "./ControlPlane.js";
import { TestkitError } from "./TestkitError.js";
import { binaryPath } from "./ToolPaths.js";

const args = process.argv.slice(2);
const calicoApi = args.find((a) => !a.startsWith("--")) ?? "v3";
if (calicoApi !== "v1" && calicoApi !== "v3" && calicoApi !== "none") {
  console.error(`unknown Calico API "${calicoApi}": use v1, v3 or none`);
  process.exit(2);
}

try {
  const started = Date.now();
  const cp = await startControlPlane({ calicoApi });
  console.log(
    `control plane up in ${Date.now() - started} ms at ${cp.url} (Calico ${calicoApi} CRDs)`,
  );
  console.log(`admin kubeconfig: ${cp.admin.kubeconfigPath}`);
  const kubectl = (...kargs: string[]) =>
    execFileSync(binaryPath("kubectl"), ["--kubeconfig", cp.admin.kubeconfigPath, ...kargs], {
      encoding: "utf8",
    });
  console.log(`$ kubectl version\n${kubectl("version")}`);
  console.log(`$ kubectl get crd\n${kubectl("get", "crd")}`);
  if (args.includes("--hold")) {
    console.log("holding; Ctrl-C stops it");
    await new Promise<void>((resolve) => process.once("SIGINT", resolve));
  }
  await cp.stop();
  console.log("control plane stopped, nothing left running");
} catch (error) {
  console.error(error instanceof TestkitError ? error.message : error);
  process.exit(1);
}
