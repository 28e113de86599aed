import { describe, expect, it } from "vitest";
import { jsonLogger, redact } from "./Logger.js";

describe("redact", () => {
  it("hides values under secret-looking keys at any depth, and tokens inside text", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    expect(
      redact({
        authorization: "Bearer abc",
        nested: [{ token: "t", password: "p", name: "n" }],
        message: `request with Bearer s3cr3t failed; jwt ${jwt}`,
      }),
    ).toEqual({
      authorization: "[redacted]",
      nested: [{ token: "[redacted]", password: "[redacted]", name: "n" }],
      message: "request with Bearer [redacted] failed; jwt [redacted]",
    });
  });

  it("writes one JSON object per line with time, level and message", () => {
    const lines: string[] = [];
    jsonLogger((line) => lines.push(line)).warn("hello", { token: "x", n: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: "warn",
      msg: "hello",
      token: "[redacted]",
      n: 1,
    });
  });
});
