import { CliError } from "../CliError.js";
import type { CommandHandler } from "../CommandSpec.js";
export const up: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const status: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const down: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const fault: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const serve: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
