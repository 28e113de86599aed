import { join } from "node:path";

/** A node's BIRD files, per family (4 = `bird`, 6 = `bird6`). */
export interface NodeFiles {
  readonly dir: string;
  readonly config: { readonly 4: string; readonly 6: string };
  readonly socket: { readonly 4: string; readonly 6: string };
  readonly log: { readonly 4: string; readonly 6: string };
}

/** Where a lab node's BIRD config, control socket and log live (`<labDir>/nodes/<node>/`). */
export function nodeFiles(labDir: string, nodeName: string): NodeFiles {
  const dir = join(labDir, "nodes", nodeName);
  return {
    dir,
    config: { 4: join(dir, "bird.cfg"), 6: join(dir, "bird6.cfg") },
    socket: { 4: join(dir, "bird.ctl"), 6: join(dir, "bird6.ctl") },
    log: { 4: join(dir, "bird.log"), 6: join(dir, "bird6.log") },
  };
}
