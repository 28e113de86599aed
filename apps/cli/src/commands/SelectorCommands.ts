import { parseSelector, type Selector, SelectorSyntaxError } from "@calicokit/types";
import { CliError } from "../CliError.js";
import type { CommandHandler } from "../CommandSpec.js";
import { withClient } from "../Connect.js";
import { booleanFlag } from "../Invocation.js";
import { printData, printObjects } from "../Output.js";
import { resourceColumns } from "../ResourceTables.js";

function parsed(text: string): Selector {
  try {
    return parseSelector(text);
  } catch (error) {
    if (!(error instanceof SelectorSyntaxError)) throw error;
    // the selector with a caret under the failing position
    const caret = `${" ".repeat(error.position)}^`;
    throw new CliError(
      "InvalidInput",
      `invalid selector at position ${error.position}: expected ${error.expected}, found ${error.found}\n  ${text}\n  ${caret}`,
      error.hint ??
        'see Calico\'s selector syntax: label == "value", has(label), !has(label), &&, ||',
    );
  }
}

/** `selector test EXPR`: checks the selector, then lists the nodes it selects in the cluster. */
export const test: CommandHandler = async (invocation) => {
  const text = invocation.args[0] as string;
  const selector = parsed(text);
  const canonical = selector.toString();
  if (booleanFlag(invocation, "offline")) {
    if (invocation.global.output === "table")
      invocation.io.stdout.write(`valid selector: ${canonical}\n`);
    else printData(invocation, { selector: text, canonical, valid: true });
    return 0;
  }
  return withClient(invocation, async (client) => {
    // the client matches each Node's Calico labels, as calico-node's selectors see them
    const matched = [];
    for await (const view of client.nodes.list({ selector: text, signal: invocation.signal })) {
      matched.push(view.node);
    }
    if (invocation.global.output === "table") {
      invocation.io.stdout.write(`selector ${canonical} selects ${matched.length} nodes\n`);
      if (matched.length > 0) {
        printObjects(invocation, matched as never[], resourceColumns.nodes, { single: false });
      }
    } else {
      printData(invocation, {
        selector: text,
        canonical,
        valid: true,
        nodes: matched.map((n) => n.metadata.name),
      });
    }
    return 0;
  });
};
