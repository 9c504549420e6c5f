// A scenario's text made safe to show: an inline TSIG secret (dns.tsig.secret) is blanked
// where it is written, so a report that embeds the scenario never carries the key.

import { parseDocument, visit } from "yaml";
import { MAX_ALIAS_COUNT } from "./load.js";

export const REDACTED = '"<redacted>"';

/**
 * `text` with every occurrence of the inline TSIG secret replaced by {@link REDACTED}, or
 * null when the secret cannot be blanked for certain (the text is then not to be shown at
 * all). Text without an inline secret comes back unchanged.
 */
export function redactScenarioSecrets(text: string): string | null {
  // YAML the loader would refuse is shown as written only when it cannot hold a secret.
  const unreadable = (): string | null => (/secret|\\x|\\u/i.test(text) ? null : text);
  const doc = parseDocument(text, { merge: true, logLevel: "silent" });
  if (doc.errors.length > 0) return unreadable();
  let secret: unknown;
  try {
    // Read the way the loader reads: anchors, aliases and merge keys resolved.
    secret = (doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as { dns?: { tsig?: { secret?: unknown } } } | null)?.dns?.tsig?.secret;
  } catch {
    return unreadable();
  }
  if (secret === undefined || secret === null || String(secret) === "") return text;
  const value = String(secret);
  // Every scalar holding the secret, wherever written (an anchor elsewhere, a merged map).
  const ranges: [number, number][] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (node.range !== undefined && node.range !== null && String(node.value) === value) ranges.push([node.range[0], node.range[1]]);
    },
  });
  let out = text;
  for (const [start, end] of ranges.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + REDACTED + out.slice(end);
  // A copy outside any value (a comment, a differently quoted duplicate) hides from the
  // walk above: then nothing of the file is shown.
  return out.includes(value) ? null : out;
}
