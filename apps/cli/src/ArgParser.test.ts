import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { parseArgs } from "./ArgParser.js";
import { CliError } from "./CliError.js";
import { cliVersion } from "./CliVersion.js";
import { globalFlags, rootCommand } from "./Commands.js";
import { completeWords } from "./Completion.js";
import { helpText } from "./Help.js";

const parse = (...argv: string[]) => parseArgs(rootCommand, globalFlags, argv);
const usageError = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
};

describe("parseArgs", () => {
  it("walks the command tree and reads options anywhere after it", () => {
    const parsed = parse("--kubeconfig", "/k", "get", "bgppeers", "-ojson", "p1", "-l", "a=b");
    expect(parsed.path).toEqual(["get"]);
    expect(parsed.args).toEqual(["bgppeers", "p1"]);
    expect(parsed.flags).toEqual({ kubeconfig: "/k", output: "json", selector: "a=b" });
  });

  it("collects repeatable options and takes - as stdin", () => {
    const parsed = parse("apply", "-f", "a.yaml", "--filename=-", "--dry-run=server");
    expect(parsed.flags).toEqual({ filename: ["a.yaml", "-"], "dry-run": "server" });
  });

  it("refuses unknown options and commands, missing values and values outside the set", () => {
    expect(usageError("get", "bgppeers", "--colour").message).toBe(
      'unknown option --colour for "calicokit get"',
    );
    expect(usageError("migrat").message).toBe('unknown command "migrat"');
    expect(usageError("apply", "-f").message).toBe("-f needs a value (FILE)");
    expect(usageError("apply", "-f", "x", "--dry-run", "maybe").message).toBe(
      '--dry-run does not accept "maybe"',
    );
    expect(usageError("get", "--kubeconfig", "a", "--kubeconfig", "b").message).toBe(
      "--kubeconfig is given twice",
    );
    expect(usageError("bgp", "status", "--all=yes").exitCode).toBe(2);
  });

  it("keeps words after -- as arguments", () => {
    expect(parse("selector", "test", "--", "-x").args).toEqual(["-x"]);
  });
});

describe("help and completion", () => {
  it("every command has help naming its options", () => {
    const visit = (path: string[]) => {
      const text = helpText(rootCommand, globalFlags, path);
      expect(text).toContain(`calicokit${path.map((p) => ` ${p}`).join("")} - `);
      expect(text).toContain("--kubeconfig");
      let command = rootCommand;
      for (const p of path) command = command.commands?.find((c) => c.name === p) ?? command;
      for (const flag of command.flags ?? []) expect(text).toContain(`--${flag.name}`);
      for (const child of command.commands ?? []) visit([...path, child.name]);
    };
    visit([]);
  });

  it("completes commands, kinds, options and option values", () => {
    const complete = (...words: string[]) => completeWords(rootCommand, globalFlags, words);
    expect(complete("mig")).toEqual(["migrate"]);
    expect(complete("migrate", "")).toEqual([
      "plan",
      "apply",
      "status",
      "list",
      "resume",
      "approve",
      "rollback",
    ]);
    expect(complete("get", "bgpp")).toEqual(["bgppeers", "bgppeer", "bgpp"]);
    expect(complete("get", "bgppeers", "-o", "")).toEqual(["table", "wide", "json", "yaml"]);
    expect(complete("bgp", "topology", "-o", "")).toEqual(["dot", "svg", "json"]);
    expect(complete("apply", "--dry")).toEqual(["--dry-run"]);
    expect(complete("apply", "-f", "")).toEqual([]);
  });

  it("the version is the package's", () => {
    expect(cliVersion).toBe(packageJson.version);
  });
});
