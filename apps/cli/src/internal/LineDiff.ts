/**
 * A unified-style line diff (`-` removed, `+` added, two lines of context), for `diff -f`.
 * Inputs are small (one object's YAML), so the quadratic LCS table is fine.
 *
 * @example
 * ```ts
 * lineDiff("a\nb\n", "a\nc\n") // ["  a", "- b", "+ c"]
 * ```
 */
export function lineDiff(before: string, after: string, context = 2): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const ops: { sign: " " | "-" | "+"; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ sign: " ", line: a[i++] as string });
      j++;
    } else if (
      i < a.length &&
      (j >= b.length ||
        ((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number))
    ) {
      ops.push({ sign: "-", line: a[i++] as string });
    } else {
      ops.push({ sign: "+", line: b[j++] as string });
    }
  }
  const keep = ops.map(
    (op, k) =>
      op.sign !== " " ||
      ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.sign !== " "),
  );
  const out: string[] = [];
  ops.forEach((op, n) => {
    if (keep[n]) out.push(`${op.sign} ${op.line}`.trimEnd());
    else if (n === 0 || keep[n - 1]) out.push("  ...");
  });
  return out;
}
