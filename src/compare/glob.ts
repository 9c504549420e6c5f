// Metric name globs for `--metric` and `--max-regression` keys: `*` is any run of
// characters (dots included), `?` one character; case-insensitive, so error codes match
// however they are typed (0xc004f038 = 0xC004F038).

export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "i");
}

export function matchesGlob(glob: string, metric: string): boolean {
  return globToRegExp(glob).test(metric);
}

/**
 * A `--max-regression` key matches a metric by its whole name or by a dotted tail of it:
 * `p99` matches `rpc.activation.latencyMs.p99` and `dns.latencyMs.p99`.
 */
export function matchesNameOrTail(glob: string, metric: string): boolean {
  const re = globToRegExp(glob);
  const parts = metric.split(".");
  for (let i = 0; i < parts.length; i++) {
    if (re.test(parts.slice(i).join("."))) return true;
  }
  return false;
}

/**
 * `--metric` selection: a metric is kept when it matches at least one plain glob (or no
 * plain glob was given) and no `!glob`.
 */
export function selectMetric(globs: readonly string[], metric: string): boolean {
  const include = globs.filter((g) => !g.startsWith("!"));
  const exclude = globs.filter((g) => g.startsWith("!")).map((g) => g.slice(1));
  if (exclude.some((g) => matchesGlob(g, metric))) return false;
  return include.length === 0 || include.some((g) => matchesGlob(g, metric));
}
