import { describe, expect, test } from "vitest";
import { GapLedger } from "./GapLedger.js";

const block = "192.168.0.64/26";

describe("GapLedger", () => {
  test("a route missing at the first look has been missing since tracking began", () => {
    const ledger = new GapLedger();
    ledger.track("n1", block, "n2", 0);
    ledger.observe("n1", new Set(), 100);
    ledger.observe("n1", new Set([block]), 250);
    expect(ledger.gaps(0, 300)).toEqual([
      {
        node: "n1",
        destination: block,
        owner: "n2",
        start: new Date(0),
        end: new Date(250),
        durationMs: 250,
      },
    ]);
  });

  test("a route lost later opens a gap at the observation; an open gap lasts until now", () => {
    const ledger = new GapLedger();
    ledger.track("n1", block, "n2", 0);
    ledger.observe("n1", new Set([block]), 10);
    ledger.observe("n1", new Set(), 1000);
    expect(ledger.gaps(0, 1500)).toEqual([
      {
        node: "n1",
        destination: block,
        owner: "n2",
        start: new Date(1000),
        end: undefined,
        durationMs: 500,
      },
    ]);
  });

  test("gaps are clipped to `since`, and earlier gaps are left out", () => {
    const ledger = new GapLedger();
    ledger.track("n1", block, "n2", 0);
    ledger.observe("n1", new Set(), 0);
    ledger.observe("n1", new Set([block]), 100);
    ledger.observe("n1", new Set(), 200);
    ledger.observe("n1", new Set([block]), 400);
    expect(ledger.gaps(300, 500).map((g) => [g.start.getTime(), g.durationMs])).toEqual([
      [300, 100],
    ]);
    expect(ledger.gaps(500, 600)).toEqual([]);
  });

  test("observations of other nodes do not touch a node's tracks", () => {
    const ledger = new GapLedger();
    ledger.track("n1", block, "n2", 0);
    ledger.observe("n1", new Set([block]), 0);
    ledger.observe("n3", new Set(), 50);
    expect(ledger.gaps(0, 100)).toEqual([]);
  });

  test("untracking a pair with an open gap closes it", () => {
    const ledger = new GapLedger();
    ledger.track("n1", block, "n2", 0);
    ledger.observe("n1", new Set([block]), 0);
    ledger.observe("n1", new Set(), 100);
    ledger.untrackWhere((_node, destination) => destination === block, 180);
    expect(ledger.gaps(0, 1000).map((g) => [g.end?.getTime(), g.durationMs])).toEqual([[180, 80]]);
    ledger.observe("n1", new Set(), 200);
    expect(ledger.gaps(0, 1000)).toHaveLength(1);
  });
});
