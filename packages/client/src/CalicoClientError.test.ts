import { ApiException } from "@kubernetes/client-node";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type AnyCalicoClientError,
  abortedBy,
  CalicoClientError,
  type CalicoClientErrorTag,
  fromUnknown,
} from "./CalicoClientError.js";

const target = { verb: "create", resource: "bgppeers.projectcalico.org", name: "p1" };

function status(code: number, reason: string, message: string, details?: object) {
  return JSON.stringify({ kind: "Status", status: "Failure", code, reason, message, details });
}

describe("fromUnknown", () => {
  it("maps apiserver statuses to tags", () => {
    const cases: [number, string, string][] = [
      [404, "NotFound", "NotFound"],
      [409, "AlreadyExists", "AlreadyExists"],
      [409, "Conflict", "Conflict"],
      [410, "Expired", "Conflict"],
      [422, "Invalid", "Invalid"],
      [400, "BadRequest", "Invalid"],
      [401, "Unauthorized", "Unauthorized"],
      [403, "Forbidden", "Forbidden"],
      [429, "TooManyRequests", "Throttled"],
      [500, "InternalError", "Unavailable"],
      [503, "ServiceUnavailable", "Unavailable"],
      [504, "Timeout", "Timeout"],
      [418, "Teapot", "Unknown"],
    ];
    for (const [code, reason, tag] of cases) {
      const e = fromUnknown(new ApiException(code, "x", status(code, reason, "m"), {}), target);
      expect(e._tag, `${code} ${reason}`).toBe(tag);
      expect(e.code).toBe(code);
    }
  });

  it("quotes the Status message, causes, verb and resource", () => {
    const body = status(422, "Invalid", 'BGPPeer.projectcalico.org "p1" is invalid', {
      causes: [{ field: "spec.peerIP", reason: "FieldValueInvalid", message: "bad IP" }],
    });
    const e = fromUnknown(new ApiException(422, "Unknown API Status Code!", body, {}), target);
    expect(e._tag).toBe("Invalid");
    expect(e.causes).toEqual([
      { field: "spec.peerIP", reason: "FieldValueInvalid", message: "bad IP" },
    ]);
    expect(e.message).toContain('create bgppeers.projectcalico.org "p1"');
    expect(e.message).toContain('BGPPeer.projectcalico.org "p1" is invalid');
    expect(e.message).toContain("spec.peerIP: bad IP");
    expect(e.message).toContain("hint:");
  });

  it("reads Retry-After from the header, else from the Status details", () => {
    const fromHeader = fromUnknown(
      new ApiException(429, "x", status(429, "TooManyRequests", "slow down"), {
        "retry-after": "3",
      }),
    );
    expect(fromHeader.retryAfterSeconds).toBe(3);
    const fromBody = fromUnknown(
      new ApiException(429, "x", status(429, "TooManyRequests", "m", { retryAfterSeconds: 2 }), {}),
    );
    expect(fromBody.retryAfterSeconds).toBe(2);
    expect(fromBody.message).toContain("retry after 2s");
  });

  it("classifies Node network errors, timeouts and aborts", () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(fromUnknown(reset)._tag).toBe("Network");
    const wrapped = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    expect(fromUnknown(wrapped)._tag).toBe("Network");
    expect(fromUnknown(Object.assign(new Error("t"), { code: "ETIMEDOUT" }))._tag).toBe("Timeout");
    expect(fromUnknown(new DOMException("too slow", "TimeoutError"))._tag).toBe("Timeout");
    const aborted = fromUnknown(new DOMException("stop", "AbortError"));
    expect(aborted._tag).toBe("Aborted");
    expect(aborted.message).toContain("aborted by the caller");
    expect(fromUnknown("weird")._tag).toBe("Unknown");
  });

  it("keeps an existing CalicoClientError and fills in a missing target", () => {
    const e = new CalicoClientError("Conflict", "changed");
    const withTarget = fromUnknown(e, target);
    expect(withTarget._tag).toBe("Conflict");
    expect(withTarget.target).toEqual(target);
    expect(fromUnknown(withTarget, { verb: "get", resource: "x" }).target).toEqual(target);
  });

  it("handles plain-text and empty bodies", () => {
    expect(fromUnknown(new ApiException(503, "x", "upstream down", {})).detail).toBe(
      "upstream down",
    );
    expect(fromUnknown(new ApiException(401, "Unauthorized", undefined, {})).detail).toBe(
      "HTTP 401",
    );
  });
});

describe("tags as types", () => {
  it("lets a tagged union be narrowed and a handled case removed (what Effect.catchTag does)", () => {
    const e = fromUnknown(new ApiException(404, "x", status(404, "NotFound", "gone"), {}));
    expectTypeOf(e).toEqualTypeOf<AnyCalicoClientError>();
    // effect's catchTag: ExtractTag<E, K> for the handler, Exclude<E, { _tag: K }> for the rest
    type Rest = Exclude<AnyCalicoClientError, { readonly _tag: "NotFound" }>;
    expectTypeOf<Rest["_tag"]>().toEqualTypeOf<Exclude<CalicoClientErrorTag, "NotFound">>();
    expectTypeOf<Extract<AnyCalicoClientError, { readonly _tag: "NotFound" }>>().toEqualTypeOf<
      CalicoClientError<"NotFound">
    >();
    expectTypeOf(new CalicoClientError("Conflict", "x")).toEqualTypeOf<
      CalicoClientError<"Conflict">
    >();
    expect(e._tag).toBe("NotFound");
  });
});

describe("abortedBy", () => {
  it("tags the caller's abort, whatever its reason, and a timeout signal as Timeout", () => {
    const controller = new AbortController();
    controller.abort(new Error("shutting down"));
    const aborted = abortedBy(controller.signal, target);
    expect(aborted._tag).toBe("Aborted");
    expect(aborted.message).toContain("shutting down");
    expect(aborted.message).toContain("read before writing again");
    const timedOut = new AbortController();
    timedOut.abort(new DOMException("signal timed out", "TimeoutError"));
    expect(abortedBy(timedOut.signal)._tag).toBe("Timeout");
  });
});
