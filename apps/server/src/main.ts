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
  const server = await startServer(parseServerArgs(argv), { modules: [migrationModule()] });
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const problem = error instanceof HttpProblem ? error : toHttpProblem(error);
    const shown =
      problem._tag === "internal" ? String((error as Error)?.message ?? error) : problem.detail;
    const hint = problem.extras.hint ?? (error as { hint?: string })?.hint;
    process.stderr.write(`calicokit-server: ${shown}\n${hint ? `${hint}\n` : ""}`);
    process.exit(problem._tag === "invalid-request" ? 2 : 1);
  },
);
