import { CliError } from "../CliError.js";
import type { CommandHandler } from "../CommandSpec.js";
export const status: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const topology: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
