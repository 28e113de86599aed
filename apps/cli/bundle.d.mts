/** Writes the CLI bundle to `outdir` (default dist/bundle) and resolves to the entry's path. */
export function bundleCli(outdir?: string): Promise<string>;
