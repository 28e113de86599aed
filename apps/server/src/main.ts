#!/usr/bin/env node
import { HttpProblem } from "./HttpProblem.js";
import { toHttpProblem } from "./ProblemMapping.js";
import { migrationModule } from "./routes/MigrationRoutes.js";
import { startServer } from "./Server.js";
import { parseServerArgs, serverUsage } from "./ServerOptions.js";

// calicokit-server: parse flags, serve, stop gracefully on SIGTERM/SIGINT.
async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(serverUsage);
    return 0;
  }
  // listen for the signals first: a SIGTERM right after start-up still stops gracefully
  const stopRequested = new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  const server = await startServer(parseServerArgs(argv), { modules: [migrationModule()] });
  await stopRequested;
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // our own problems (bad flags) carry a separate hint; the packages' errors include theirs
    const problem = error instanceof HttpProblem ? error : toHttpProblem(error);
    const text =
      error instanceof HttpProblem
        ? `${error.detail}${error.extras.hint ? `\n${error.extras.hint}` : ""}`
        : String((error as Error)?.message ?? error);
    process.stderr.write(`calicokit-server: ${text}\n`);
    process.exit(problem._tag === "invalid-request" ? 2 : 1);
  },
);
