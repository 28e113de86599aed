/**
 * A value built on its first use and kept. Each kind's input schema is built this way so a
 * process that validates one kind builds only that kind's schema (zod schemas cost to build;
 * building every kind's made the CLI's `validate` start slow); the public schema exports call
 * the same builders, so they are the very objects validateResource uses.
 */
export function builtOnce<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
