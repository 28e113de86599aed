import { describe, expect, it } from "vitest";
import { goDurationSeconds } from "./GoDuration.js";

describe("goDurationSeconds", () => {
  it("parses Go duration strings into whole seconds, rounding half away from zero", () => {
    expect(goDurationSeconds("120s")).toBe(120);
    expect(goDurationSeconds("1m30s")).toBe(90);
    expect(goDurationSeconds("1.5h")).toBe(5400);
    expect(goDurationSeconds("1500ms")).toBe(2);
    expect(goDurationSeconds("400ms")).toBe(0);
    expect(goDurationSeconds("0")).toBe(0);
  });

  it("rejects text that is not a Go duration", () => {
    expect(goDurationSeconds("120")).toBeUndefined();
    expect(goDurationSeconds("2 minutes")).toBeUndefined();
    expect(goDurationSeconds("")).toBeUndefined();
  });
});
