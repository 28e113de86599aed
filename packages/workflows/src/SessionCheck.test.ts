import { describe, expect, test } from "vitest";
import {
  type BgpObservation,
  bothVerdicts,
  lackingReflectors,
  meshComplete,
  meshGone,
  type ReportedSession,
  reflectorCoverage,
  type Shortfall,
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
    reflectorsPeer: true,
  };

  test("done when every client is Established to two reflectors, from the reflectors' and the sample's view", () => {
    const o: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), up("10.0.0.4"), up("10.0.0.2")]],
      ["rr-2", [up("10.0.0.3"), up("10.0.0.4"), up("10.0.0.1")]],
      ["c-3", [up("10.0.0.1"), up("10.0.0.2")]],
    ]);
    // four client sessions and the reflectors with each other, both ways
    expect(reflectorCoverage(o, input)).toMatchObject({
      done: true,
      standing: "met",
      established: 6,
      wanted: 6,
      short: [],
    });
  });

  test("a session down on one reflector, or a sampled client that disagrees, keeps it not done and named", () => {
    const oneDown: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), down("10.0.0.4"), up("10.0.0.2")]],
      ["rr-2", [up("10.0.0.3"), up("10.0.0.4"), up("10.0.0.1")]],
      ["c-3", [up("10.0.0.1"), up("10.0.0.2")]],
    ]);
    const verdict = reflectorCoverage(oneDown, input);
    expect(verdict).toMatchObject({ done: false, established: 5, wanted: 6 });
    expect(verdict.detail).toContain("c-4 (v4: 1/2)");
    const clientSaysNo: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), up("10.0.0.4"), up("10.0.0.2")]],
      ["rr-2", [up("10.0.0.3"), up("10.0.0.4"), up("10.0.0.1")]],
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
      reflectorsPeer: true,
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

describe("reflectorCoverage: the reflectors with each other", () => {
  const rr3 = n("rr-3", "10.0.0.5");
  const input = {
    reflectors: [rr1, rr2, rr3],
    clients: [c3],
    sampledClients: [],
    families: ["v4" as const],
    min: 2,
    reflectorsPeer: true,
  };
  const client = up("10.0.0.3");

  test("clients on two of three reflectors are enough; a reflector pair that is down is not", () => {
    const pairDown: BgpObservation = new Map([
      ["rr-1", [client, up("10.0.0.2"), up("10.0.0.5")]],
      ["rr-2", [client, up("10.0.0.1"), down("10.0.0.5")]],
      ["rr-3", [up("10.0.0.1"), down("10.0.0.2")]],
    ]);
    const verdict = reflectorCoverage(pairDown, input);
    expect(verdict).toMatchObject({ done: false, standing: "degraded", established: 6, wanted: 8 });
    expect(verdict.short.map((s) => `${s.role} ${s.node} lacks ${s.missing.join(",")}`)).toEqual([
      "reflector rr-2 lacks rr-3",
      "reflector rr-3 lacks rr-2",
    ]);
    expect(verdict.detail).toContain("rr-2 (v4: lacks rr-3)");
    expect(verdict.detail).not.toContain("client(s)");
    const healed: BgpObservation = new Map([
      ["rr-1", [client, up("10.0.0.2"), up("10.0.0.5")]],
      ["rr-2", [client, up("10.0.0.1"), up("10.0.0.5")]],
      ["rr-3", [up("10.0.0.1"), up("10.0.0.2")]],
    ]);
    expect(reflectorCoverage(healed, input)).toMatchObject({ done: true, standing: "met" });
  });

  test("reflectors no BGPPeer peers with each other (clients-to-reflectors only) need no such sessions", () => {
    const noReflectorMesh: BgpObservation = new Map([
      ["rr-1", [client]],
      ["rr-2", [client]],
      ["rr-3", []],
    ]);
    expect(reflectorCoverage(noReflectorMesh, { ...input, reflectorsPeer: false })).toMatchObject({
      done: true,
      standing: "met",
      detail: "every client Established to >= 2 route reflectors",
    });
    expect(reflectorCoverage(noReflectorMesh, input)).toMatchObject({ done: false });
  });

  test("one side's report is not enough: a session Established on one reflector only is down", () => {
    const oneSided: BgpObservation = new Map([
      ["rr-1", [client, up("10.0.0.2"), up("10.0.0.5")]],
      ["rr-2", [client, up("10.0.0.1"), up("10.0.0.5")]],
      ["rr-3", [up("10.0.0.1")]],
    ]);
    const verdict = reflectorCoverage(oneSided, input);
    expect(verdict.done).toBe(false);
    expect(verdict.short.map((s) => s.node)).toEqual(["rr-2", "rr-3"]);
  });

  test("each family on its own: the IPv6 sessions between reflectors count for IPv6 only", () => {
    const dual = {
      reflectors: [n("rr-1", "10.0.0.1", "fd00::1"), n("rr-2", "10.0.0.2", "fd00::2")],
      clients: [],
      sampledClients: [],
      families: ["v4" as const, "v6" as const],
      min: 2,
      reflectorsPeer: true,
    };
    const v4Only: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.2")]],
      ["rr-2", [up("10.0.0.1")]],
    ]);
    const verdict = reflectorCoverage(v4Only, dual);
    expect(verdict.done).toBe(false);
    expect(verdict.short.map((s) => `${s.node} ${s.family}`)).toEqual(["rr-1 v6", "rr-2 v6"]);
  });
});

describe("reflectorCoverage standing: how bad it is once every report is in", () => {
  const input = {
    reflectors: [rr1, rr2],
    clients: [c3, c4],
    sampledClients: [c3],
    families: ["v4" as const],
    min: 2,
    reflectorsPeer: true,
  };

  test("waiting while a node that should report has not, however short the rest looks", () => {
    const noSample: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.4")]],
      ["rr-2", [up("10.0.0.4")]],
    ]);
    const verdict = reflectorCoverage(noSample, input);
    expect(verdict).toMatchObject({ done: false, standing: "waiting" });
    expect(verdict.detail).toContain("no report yet from c-3");
    expect(reflectorCoverage(new Map(), input).standing).toBe("waiting");
  });

  test("degraded when a reflector's BIRD is down: every client on the other one, named with what it lacks", () => {
    const rr2Down: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), up("10.0.0.4"), down("10.0.0.2")]],
      ["rr-2", []],
      ["c-3", [up("10.0.0.1"), down("10.0.0.2")]],
    ]);
    const verdict = reflectorCoverage(rr2Down, input);
    expect(verdict).toMatchObject({ done: false, standing: "degraded" });
    expect(lackingReflectors(verdict.short)).toEqual([
      { role: "client", family: "v4", missing: ["rr-2"], nodes: ["c-3", "c-4"], count: 2 },
      { role: "reflector", family: "v4", missing: ["rr-2"], nodes: ["rr-1"], count: 1 },
      { role: "reflector", family: "v4", missing: ["rr-1"], nodes: ["rr-2"], count: 1 },
    ]);
  });

  test("lost when a client has no Established reflector in a family in use", () => {
    const c4Alone: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), down("10.0.0.4"), up("10.0.0.2")]],
      ["rr-2", [up("10.0.0.3"), down("10.0.0.4"), up("10.0.0.1")]],
      ["c-3", [up("10.0.0.1"), up("10.0.0.2")]],
    ]);
    expect(reflectorCoverage(c4Alone, input)).toMatchObject({ done: false, standing: "lost" });
    // a sampled client that sees none of the reflectors' sessions from its side is lost too
    const sampleSaysNo: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), up("10.0.0.4"), up("10.0.0.2")]],
      ["rr-2", [up("10.0.0.3"), up("10.0.0.4"), up("10.0.0.1")]],
      ["c-3", [down("10.0.0.1"), down("10.0.0.2")]],
    ]);
    expect(reflectorCoverage(sampleSaysNo, input).standing).toBe("lost");
  });

  test("a reflector without sessions to its fellows alone is degraded, never lost", () => {
    const apart: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), up("10.0.0.4")]],
      ["rr-2", [up("10.0.0.3"), up("10.0.0.4")]],
      ["c-3", [up("10.0.0.1"), up("10.0.0.2")]],
    ]);
    expect(reflectorCoverage(apart, input)).toMatchObject({ done: false, standing: "degraded" });
  });

  test("a settling node (a reflector that just left the set) short of reflectors is waited for, not degraded or lost", () => {
    const c4Restarting: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), down("10.0.0.4"), up("10.0.0.2")]],
      ["rr-2", [up("10.0.0.3"), down("10.0.0.4"), up("10.0.0.1")]],
      ["c-3", [up("10.0.0.1"), up("10.0.0.2")]],
    ]);
    expect(reflectorCoverage(c4Restarting, { ...input, settling: ["c-4"] })).toMatchObject({
      done: false,
      standing: "waiting",
    });
    // anyone else short still decides the standing
    const rr2AlsoDown: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), down("10.0.0.4"), down("10.0.0.2")]],
      ["rr-2", []],
      ["c-3", [up("10.0.0.1"), down("10.0.0.2")]],
    ]);
    expect(reflectorCoverage(rr2AlsoDown, { ...input, settling: ["c-4"] }).standing).toBe(
      "degraded",
    );
  });

  test("a deleted reflector reports nothing and is not waited for; the bar stays at the planned two", () => {
    const rr2Gone: BgpObservation = new Map([
      ["rr-1", [up("10.0.0.3"), up("10.0.0.4")]],
      ["c-3", [up("10.0.0.1")]],
    ]);
    const verdict = reflectorCoverage(rr2Gone, { ...input, gone: ["rr-2"] });
    expect(verdict).toMatchObject({ done: false, standing: "degraded" });
    expect(verdict.short.map((s) => `${s.node}:${s.missing.join(",")}`)).toEqual([
      "c-3:rr-2",
      "c-4:rr-2",
      "rr-1:rr-2",
    ]);
  });
});

describe("combining and reporting verdicts", () => {
  const verdict = (standing: "met" | "waiting" | "degraded" | "lost") => ({
    done: standing === "met",
    established: 1,
    wanted: 2,
    detail: standing,
    standing,
    short: [],
  });

  test("bothVerdicts takes the worse standing: lost over degraded over waiting over met", () => {
    expect(bothVerdicts(verdict("met"), verdict("met"))).toMatchObject({
      done: true,
      standing: "met",
    });
    expect(bothVerdicts(verdict("waiting"), verdict("met")).standing).toBe("waiting");
    expect(bothVerdicts(verdict("waiting"), verdict("degraded")).standing).toBe("degraded");
    expect(bothVerdicts(verdict("lost"), verdict("degraded")).standing).toBe("lost");
    expect(bothVerdicts(verdict("waiting"), verdict("degraded")).detail).toBe("waiting; degraded");
  });

  test("lackingReflectors names at most `limit` nodes a group and counts them all", () => {
    const short: Shortfall[] = Array.from({ length: 30 }, (_, i) => ({
      node: `c-${i}`,
      role: "client",
      family: "v4",
      established: 1,
      wanted: 2,
      missing: ["rr-2"],
    }));
    const [group, ...rest] = lackingReflectors(short, 5);
    expect(rest).toEqual([]);
    expect(group).toMatchObject({ count: 30, missing: ["rr-2"] });
    expect(group?.nodes).toEqual(["c-0", "c-1", "c-2", "c-3", "c-4"]);
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
