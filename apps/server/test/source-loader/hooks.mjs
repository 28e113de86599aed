// Resolves `./module.js` imports to `./module.ts` when only the TypeScript source exists, so a
// test can start `src/main.ts` as a real process (Node strips the types) without a build.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith(".") || specifier.startsWith("/");
    if (relative && specifier.endsWith(".js")) return next(`${specifier.slice(0, -3)}.ts`, context);
    throw error;
  }
}
