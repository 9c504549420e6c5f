// The direction of src/'s folders, as a lint rule: a folder imports only folders on a lower
// layer (or itself), so no folder cycle can form and the pure core depends on nothing.
// A new folder must be given a layer here; an import that points up or sideways fails lint.

import path from "node:path";

/** Layer of each top-level folder of src/ (lower = closer to the core). */
export const LAYERS = {
  core: 0,
  files: 1,
  format: 1,
  net: 1,
  queue: 1,
  "self-test": 1,
  stats: 1,
  scenario: 2,
  dns: 3,
  "fleet-plan": 3,
  results: 4,
  sim: 5,
  realtime: 5,
  discover: 5,
  capacity: 6,
  compare: 6,
  merge: 6,
  replay: 6,
  report: 7,
  cli: 8,
};

/** The top-level folder of src/ that `file` is in, or null outside src/. */
function folderOf(file, srcRoot) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return null;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : null;
}

const direction = {
  meta: {
    type: "problem",
    docs: { description: "src/ folders import only folders on a lower layer (eslint-rules/layers.js)" },
    messages: {
      upward:
        "src/{{from}} (layer {{fromLayer}}) may not import src/{{to}} (layer {{toLayer}}): imports point down to lower layers only (eslint-rules/layers.js)",
      unknown: "src/{{folder}} has no layer: give it one in eslint-rules/layers.js",
    },
    schema: [],
  },
  create(context) {
    const srcRoot = path.resolve(context.cwd, "src");
    const file = context.filename;
    const from = folderOf(file, srcRoot);
    if (from === null) return {};
    const check = (node, spec) => {
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const to = folderOf(path.resolve(path.dirname(file), spec), srcRoot);
      if (to === null || to === from) return;
      for (const folder of [from, to]) {
        if (!(folder in LAYERS)) {
          context.report({ node, messageId: "unknown", data: { folder } });
          return;
        }
      }
      if (LAYERS[to] >= LAYERS[from]) {
        context.report({ node, messageId: "upward", data: { from, to, fromLayer: LAYERS[from], toLayer: LAYERS[to] } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
    };
  },
};

export default { rules: { direction } };
