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
  private pending: BirdLine[] = [];
  private lastCode = "";
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
    await control.reply();
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
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 1);
      const match = /^(\d{4})([ -])(.*)$/.exec(raw);
      if (match) {
        this.lastCode = match[1] ?? "";
        this.pending.push({ code: this.lastCode, text: match[3] ?? "" });
        if (match[2] === " ") {
          const lines = this.pending;
          this.pending = [];
          const waiter = this.waiter;
          this.waiter = undefined;
          waiter.resolve(lines);
        }
      } else {
        // ` text`: continuation of the previous code.
        this.pending.push({ code: this.lastCode, text: raw.slice(1) });
      }
    }
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
 * const lines = await birdQuery(socket, "show status")
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
