#!/usr/bin/env node
// The calicokit binary. Node's compile cache is turned on before anything else loads, so the
// second and later starts skip parsing and compiling the bundle.
import * as nodeModule from "node:module";

nodeModule.enableCompileCache?.();
const { main } = await import("./Main.js");
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
