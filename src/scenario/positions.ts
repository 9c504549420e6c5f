// Where a key path (`hosts[1].weight`) sits in the YAML text. Walks the document's
// nodes (following aliases and `<<` merges) and falls back to the nearest parent that
// exists, so an error always has a line and column.

import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

/** `hosts[1].weight`; odd keys are quoted: `a["my key"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export class PositionFinder {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Position of the value at `path`, or of its nearest existing parent. */
  value(path: readonly PathSegment[]): Position {
    return this.at(this.walk(path).node);
  }

  /** Position of the key naming `path`'s last segment (for unknown keys). */
  key(path: readonly PathSegment[]): Position {
    const parentPath = path.slice(0, -1);
    const parent = this.walk(parentPath);
    const last = path[path.length - 1];
    if (parent.complete && typeof last === "string") {
      const pair = this.findPair(parent.node, last);
      if (pair !== undefined) return this.at(pair.key as Node);
    }
    return this.at(parent.node);
  }

  /** Position of a byte offset in the source. */
  offset(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(Math.max(0, offset));
    return { line, column: col };
  }

  private at(node: Node | null | undefined): Position {
    const start = node?.range?.[0];
    return this.offset(start ?? 0);
  }

  private walk(path: readonly PathSegment[]): { node: Node | null; complete: boolean } {
    let node = this.resolve(this.doc.contents as Node | null);
    for (const segment of path) {
      const next = this.child(node, segment);
      if (next === undefined) return { node, complete: false };
      node = next;
    }
    return { node, complete: true };
  }

  private child(node: Node | null, segment: PathSegment): Node | null | undefined {
    if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | null | undefined;
      return item === undefined ? undefined : this.resolve(item);
    }
    if (isMap(node)) {
      const pair = this.findPair(node, String(segment));
      if (pair === undefined) return undefined;
      // `key:` with no value has a null value node in some cases; point at the key then.
      return this.resolve((pair.value as Node | null) ?? (pair.key as Node));
    }
    return undefined;
  }

  private findPair(node: Node | null, key: string, depth = 0): Pair | undefined {
    if (!isMap(node) || depth > 20) return undefined;
    let merged: Pair | undefined;
    for (const pair of node.items) {
      const k = pair.key;
      if (isScalar(k) && typeof k.value === "symbol") {
        // A `<<` merge key: look in the merged mapping(s) if the key is not here.
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources) {
          merged ??= this.findPair(this.resolve(source as Node | null), key, depth + 1);
        }
      } else if (isScalar(k) ? String(k.value) === key : false) {
        return pair as Pair;
      }
    }
    return merged;
  }

  private resolve(node: Node | null | undefined): Node | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? node;
    return node;
  }
}
