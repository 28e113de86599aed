/** One structured log line's fields. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Structured JSON logs, one object per line, with secrets redacted. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

// Field names whose values are never logged, at any depth.
const secretKey = /token|authorization|password|secret|cookie|^key$|private/i;
// Bearer tokens and JWTs inside free text (error messages quote headers or URLs at times).
const secretText =
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/**
 * Returns `value` with secrets replaced by `[redacted]`: values under secret-looking keys, bearer
 * tokens and JWTs in strings.
 *
 * @example
 * ```ts
 * import { redact } from "@calicokit/server"
 * console.log(redact({ authorization: "Bearer abc", path: "/v1" })) // { authorization: "[redacted]", path: "/v1" }
 * ```
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    return value.replace(secretText, (_m, bearer: string | undefined) =>
      bearer ? `${bearer}[redacted]` : "[redacted]",
    );
  }
  if (value instanceof Error) {
    return redact({ name: value.name, message: value.message }, depth);
  }
  if (typeof value !== "object" || value === null || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      secretKey.test(k) ? "[redacted]" : redact(v, depth + 1),
    ]),
  );
}

/**
 * A logger writing JSON lines (`{"time", "level", "msg", ...fields}`) to `write`, redacted.
 *
 * @example
 * ```ts
 * import { jsonLogger } from "@calicokit/server"
 * const log = jsonLogger((line) => process.stdout.write(line))
 * log.info("listening", { url: "http://127.0.0.1:8080" })
 * ```
 */
export function jsonLogger(write: (line: string) => void): Logger {
  const emit = (level: string, message: string, fields: LogFields = {}) => {
    const record = { time: new Date().toISOString(), level, msg: message, ...fields };
    write(`${JSON.stringify(redact(record))}\n`);
  };
  return {
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
  };
}
