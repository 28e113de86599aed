import { cliVersion } from "./CliVersion.js";
import type { CommandHandler } from "./CommandSpec.js";
import { printData } from "./Output.js";

/** `calicokit version`: the version, and Node's, as text or JSON. */
export const versionCommand: CommandHandler = async (invocation) => {
  const info = { calicokit: cliVersion, node: process.version };
  if (invocation.global.output === "table") {
    invocation.io.stdout.write(`calicokit ${cliVersion} (node ${process.version})\n`);
  } else {
    printData(invocation, info);
  }
  return 0;
};
