// BGP community values as libcalico-go checks them (validator.go): `aa:nn` with 16-bit parts or
// `aa:nn:mm` with 32-bit parts. The CRD pattern only checks the shape.

const standardCommunity = /^(\d+):(\d+)$/;
const largeCommunity = /^(\d+):(\d+):(\d+)$/;

/** True if `text` has the shape of a community value (`aa:nn` or `aa:nn:mm`), any widths. */
export function looksLikeCommunity(text: string): boolean {
  return standardCommunity.test(text) || largeCommunity.test(text);
}

/** Why a community value is invalid, or undefined if it is a valid standard or large community. */
export function communityProblem(text: string): string | undefined {
  const standard = standardCommunity.exec(text);
  if (standard !== null) {
    return standard.slice(1).every((part) => Number(part) <= 0xffff)
      ? undefined
      : "a standard community (aa:nn) needs both parts between 0 and 65535";
  }
  const large = largeCommunity.exec(text);
  if (large !== null) {
    return large.slice(1).every((part) => Number(part) <= 0xffffffff)
      ? undefined
      : "a large community (aa:nn:mm) needs every part between 0 and 4294967295";
  }
  return "it must be aa:nn (standard) or aa:nn:mm (large community)";
}
