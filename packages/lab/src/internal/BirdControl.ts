import { createConnection, type Socket } from "node:net";
import { LabError } from "../LabError.js";

/** One reply line: its 4-digit code (a ` text` continuation line inherits the previous code). */
export interface BirdLine {
  readonly code: string;
  readonly text: string;
}

/**
 * A client for BIRD's control socket, speaking the raw protocol as calico-node does (no
 * birdc): after the `0001` greeting, each command's reply is `CODE-text` / ` text` lines ended
 * by a `CODE text` line. Commands on one connection run one after another.
 *
 * @example
 * ```ts
 * const bird = await BirdControl.connect("/tmp/lab/node-1/bird.ctl")
 * const lines = await bird.query("show protocols")
 * bird.close()
 * ```
 */
export class BirdControl {
  private buffer = "";
  private readonly reader = new BirdReplyReader();
  /** The `0001` greeting's text, e.g. `BIRD 1.6.8 ready.` (calico-node reads readiness from it). */
  greeting = "";
  private waiter: { resolve: (lines: BirdLine[]) => void; reject: (e: Error) => void } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly socketPath: string,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.onData(chunk));
    const fail = (error: Error) => {
      this.failure ??= error;
      this.waiter?.reject(this.failure);
      this.waiter = undefined;
    };
    socket.on("error", (error) => fail(unreachable(socketPath, error.message)));
    socket.on("close", () => fail(unreachable(socketPath, "connection closed")));
  }

  /** Connects and reads the greeting; `BirdUnreachable` if BIRD does not answer. */
  static async connect(socketPath: string, timeoutMs = 2000): Promise<BirdControl> {
    const socket = createConnection(socketPath);
    const control = new BirdControl(socket, socketPath, timeoutMs);
    control.greeting = (await control.reply()).map((line) => line.text).join(" ");
    return control;
  }

  /** Sends one command and resolves with its reply lines (greeting excluded). */
  query(command: string): Promise<BirdLine[]> {
    const run = async () => {
      this.socket.write(`${command}\n`);
      return this.reply();
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.socket.destroy();
  }

  private reply(): Promise<BirdLine[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(unreachable(this.socketPath, `no reply within ${this.timeoutMs} ms`));
        this.socket.destroy();
      }, this.timeoutMs);
      this.waiter = {
        resolve: (lines) => {
          clearTimeout(timer);
          resolve(lines);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.drain();
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    this.drain();
  }

  private drain(): void {
    for (;;) {
      if (!this.waiter) return;
      const end = this.buffer.indexOf("\n");
      if (end < 0) return;
      const reply = this.reader.push(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 1);
      if (reply) {
        const waiter = this.waiter;
        this.waiter = undefined;
        waiter.resolve(reply);
      }
    }
  }
}

/**
 * Assembles raw control-socket lines into replies: `CODE-text` continues a reply, ` text`
 * continues the previous code, `CODE text` ends the reply.
 */
export class BirdReplyReader {
  private pending: BirdLine[] = [];
  private lastCode = "";

  /** Takes one line (without newline); returns the reply it completes, if any. */
  push(raw: string): BirdLine[] | undefined {
    const match = /^(\d{4})([ -])(.*)$/.exec(raw);
    if (!match) {
      this.pending.push({ code: this.lastCode, text: raw.slice(1) });
      return undefined;
    }
    this.lastCode = match[1] ?? "";
    this.pending.push({ code: this.lastCode, text: match[3] ?? "" });
    if (match[2] !== " ") return undefined;
    const reply = this.pending;
    this.pending = [];
    return reply;
  }
}

function unreachable(socketPath: string, why: string): LabError {
  return new LabError(
    "BirdUnreachable",
    `BIRD control socket ${socketPath}: ${why}`,
    "check that this node's BIRD runs (lab.status(), or `birdc -s <socket> show status`)",
  );
}

/**
 * Runs a single command on a fresh connection, as calico-node's status populators do.
 *
 * @example
 * ```ts
 * const lines = await birdQuery("/run/lab/node-1/bird.ctl", "show status")
 * ```
 */
export async function birdQuery(socketPath: string, command: string): Promise<BirdLine[]> {
  const control = await BirdControl.connect(socketPath);
  try {
    return await control.query(command);
  } finally {
    control.close();
  }
}
