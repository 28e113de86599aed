// Name rules shared by Calico (libcalico-go `name` validator) and Kubernetes metadata.

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Longest DNS-1123 subdomain (and so the longest Calico resource name). */
export const maxNameLength = 253;

/** True if `text` is a DNS-1123 subdomain of at most 253 characters (Calico's `name` rule). */
export function isDns1123Subdomain(text: string): boolean {
  return text.length <= maxNameLength && dns1123Subdomain.test(text);
}

/** The fix hint for a bad DNS-1123 subdomain. */
export const dns1123Hint =
  "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters (e.g. \"rack-1.peer\")";

/** Why `key` is not a Kubernetes qualified name (`[prefix/]name`), or undefined if it is one. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0) return "the prefix before '/' is empty";
    if (!isDns1123Subdomain(prefix)) return "the prefix before '/' must be a DNS-1123 subdomain";
    if (name.includes("/")) return "it may contain at most one '/'";
  }
  if (name.length === 0) return "the name part is empty";
  if (name.length > 63) return "the name part is longer than 63 characters";
  if (!qualifiedNamePart.test(name)) {
    return "the name part must use letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  }
  return undefined;
}

/** True if `value` is a valid Kubernetes label value (empty, or a 63-character qualified name part). */
export function isLabelValue(value: string): boolean {
  return value.length === 0 || (value.length <= 63 && qualifiedNamePart.test(value));
}
