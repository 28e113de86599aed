import { CliError } from "../CliError.js";
import type { CommandHandler } from "../CommandSpec.js";
export const test: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
