// pnpm hooks: only at pack time, never at install.
//
// Workspace packages export their TypeScript sources under the "@calicokit/source" condition so
// that tests and tools run without a build. The tarballs ship only dist/, so packing drops that
// condition: a consumer never resolves to a file that is not there.
const sourceCondition = "@calicokit/source";

/** The export map without the source condition, at any depth. */
function withoutSourceCondition(target) {
  if (target === null || typeof target !== "object" || Array.isArray(target)) return target;
  return Object.fromEntries(
    Object.entries(target)
      .filter(([key]) => key !== sourceCondition)
      .map(([key, value]) => [key, withoutSourceCondition(value)]),
  );
}

export const hooks = {
  beforePacking(manifest) {
    return manifest.exports === undefined
      ? manifest
      : { ...manifest, exports: withoutSourceCondition(manifest.exports) };
  },
};
