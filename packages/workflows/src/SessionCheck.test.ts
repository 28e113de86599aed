import { describe, expect, test } from "vitest";
import {
  type BgpObservation,
  meshComplete,
  meshGone,
  type ReportedSession,
  reflectorCoverage,
} from "./SessionCheck.js";

const n = (name: string, ipv4: string, ipv6: string | null = null) => ({ name, ipv4, ipv6 });
const up = (peerIP: string, type = "NodePeer", family: "v4" | "v6" = "v4"): ReportedSession => ({
  family,
  peerIP,
  type,
  state: "Established",
});
const down = (peerIP: string, type = "NodePeer"): ReportedSession => ({
  ...up(peerIP, type),
  state: "Active",
});

const rr1 = n("rr-1", "10.0.0.1");
const rr2 = n("rr-2", "10.0.0.2");
const c3 = n("c-3", "10.0.0.3");
const c4 = n("c-4", "10.0.0.4");

describe("reflectorCoverage", () => {
  const input = {
    reflectors: [rr1, rr2],
    clients: [c3, c4],
    sampledClients: [c3],
    families: ["v4" as const],
    min: 2,
  };

  test("done when every client is Established to two reflectors, from the reflectors' and the sample's view", () => {
    const o: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), up("10.0.0.4"), up("10.0.0.2")]],
      ["rr-2", [up("10.0.0.3"), up("10.0.0.4"), up("10.0.0.1")]],
      ["c-3", [up("10.0.0.1"), up("10.0.0.2")]],
    ]);
    expect(reflectorCoverage(o, input)).toMatchObject({ done: true, established: 4, wanted: 4 });
  });

  test("a session down on one reflector, or a sampled client that disagrees, keeps it not done and named", () => {
    const oneDown: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), down("10.0.0.4")]],
      ["rr-2", [up("10.0.0.3"), up("10.0.0.4")]],
      ["c-3", [up("10.0.0.1"), up("10.0.0.2")]],
    ]);
    const verdict = reflectorCoverage(oneDown, input);
    expect(verdict).toMatchObject({ done: false, established: 3, wanted: 4 });
    expect(verdict.detail).toContain("c-4 (v4: 1/2)");
    const clientSaysNo: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), up("10.0.0.4")]],
      ["rr-2", [up("10.0.0.3"), up("10.0.0.4")]],
      ["c-3", [up("10.0.0.1")]],
    ]);
    expect(reflectorCoverage(clientSaysNo, input).detail).toContain("c-3 (v4: 1/2)");
  });

  test("each family is verified on its own: IPv4 up and IPv6 down is not done", () => {
    const dual = {
      reflectors: [n("rr-1", "10.0.0.1", "fd00::1"), n("rr-2", "10.0.0.2", "fd00::2")],
      clients: [n("c-3", "10.0.0.3", "fd00::3")],
      sampledClients: [],
      families: ["v4" as const, "v6" as const],
      min: 2,
    };
    const o: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), up("fd00::3", "NodePeer", "v6")]],
      ["rr-2", [up("10.0.0.3")]],
    ]);
    const verdict = reflectorCoverage(o, dual);
    expect(verdict.done).toBe(false);
    expect(verdict.detail).toContain("c-3 (v6: 1/2)");
  });
});

describe("mesh checks", () => {
  test("meshGone waits for every observed node to report, and for every mesh session to go", () => {
    expect(meshGone(new Map(), ["rr-1"]).done).toBe(false);
    expect(meshGone(new Map([["rr-1", [down("10.0.0.3", "NodeMesh")]]]), ["rr-1"]).done).toBe(
      false,
    );
    expect(meshGone(new Map([["rr-1", [up("10.0.0.3")]]]), ["rr-1"]).done).toBe(true);
  });

  test("meshComplete wants an Established mesh session to every other member", () => {
    const members = [c3, c4, rr1];
    const partial: BgpObservation = new Map([["c-3", [up("10.0.0.4", "NodeMesh")]]]);
    expect(meshComplete(partial, { observed: [c3], members, families: ["v4"] })).toMatchObject({
      done: false,
      established: 1,
      wanted: 2,
    });
    const full: BgpObservation = new Map([
      ["c-3", [up("10.0.0.4", "NodeMesh"), up("10.0.0.1", "NodeMesh")]],
    ]);
    expect(meshComplete(full, { observed: [c3], members, families: ["v4"] }).done).toBe(true);
  });
});
