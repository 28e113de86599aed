import { CliError } from "../CliError.js";
import type { CommandHandler } from "../CommandSpec.js";
export const plan: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const apply: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const status: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const list: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const resume: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
export const rollback: CommandHandler = async () => {
  throw new CliError("Failed", "not yet");
};
