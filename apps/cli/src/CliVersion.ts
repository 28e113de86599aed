/** calicokit's version (kept equal to apps/cli/package.json by a unit test). */
export const cliVersion = "0.1.0";
