// Where a file the user named for output really is (design.md, "Files the user names"):
// stdout (`-`), a special file written in place, or a regular file (or new path) that is
// replaced atomically — after following any symlinks to their final target.

import { fstatSync, statSync, type Stats } from "node:fs";
import { lstat, readlink, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { KmssimError } from "../core/kmssim-error.js";

/** `--out -`, `--html -`: the standard output. */
export const STDOUT_NAME = "-";

/** Linux gives up after 40 links (MAXSYMLINKS); so do we. */
const MAX_SYMLINK_HOPS = 40;

export type OutputTarget =
  /** `-`, or the very file our stdout is (/dev/stdout, a link to it). */
  | { kind: "stdout" }
  /** A device, FIFO or socket (or anything under /dev or /proc): opened and written as it is. */
  | { kind: "direct"; path: string }
  /** A regular file (`existing`) or a new path (null), replaced by rename; `path` is the final target. */
  | { kind: "replace"; path: string; existing: Stats | null };

/** Resolves what writing `name` means; throws the fs error (ELOOP, EISDIR, …) when it cannot mean anything. */
export async function outputTarget(name: string): Promise<OutputTarget> {
  if (name === STDOUT_NAME) return { kind: "stdout" };
  const { path, viaKernel } = await finalTarget(name);
  const existing = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  if (existing?.isDirectory() === true) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  // Our own stdout under another name (/dev/stdout): a socket there cannot be opened again (ENXIO).
  if (existing !== null && sameFile(existing, stdoutStats())) return { kind: "stdout" };
  // Reached through /dev or /proc (/dev/stdout → /proc/self/fd/1 → a file): the kernel's to open, never ours to replace.
  // Opened by the name as typed, so the kernel resolves it (a /proc magic link stays a link).
  if ((existing !== null && !existing.isFile()) || viaKernel) return { kind: "direct", path: isAbsolute(name) ? name : `${process.cwd()}/${name}` };
  return { kind: "replace", path, existing };
}

/**
 * Follows the symlink chain of `name`'s last component; the final target may not exist yet.
 * Each step stands in the real folder (realpath) before a link's text is joined to it: the
 * kernel takes `..` from where a symlinked folder really is, so `path.resolve` on the text
 * (which cancels `out/..` as if `out` were no link) would reach a different file.
 */
async function finalTarget(name: string): Promise<{ path: string; viaKernel: boolean }> {
  let path = await inRealFolder(process.cwd(), name);
  let viaKernel = false;
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
    const info = await lstat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
    viaKernel ||= isKernelPath(path);
    if (info === null || !info.isSymbolicLink()) return { path, viaKernel };
    const link = await readlink(path);
    // A /proc magic link (pipe:[123], socket:[…]) names no path: the kernel opens it, we do not resolve it.
    if (/^[a-z]+:\[\d+\]$/.test(link) || link.startsWith("anon_inode:")) return { path, viaKernel };
    path = await inRealFolder(dirname(path), link);
  }
  throw Object.assign(new Error("too many levels of symbolic links"), { code: "ELOOP" });
}

/**
 * `text` as the kernel reads it from the real folder `base`: its folder part resolved by
 * realpath (symlinks followed, then `..`, component by component), its last name kept as
 * it is, to be followed by the caller. A missing folder is ENOENT, as it would be to open().
 */
async function inRealFolder(base: string, text: string): Promise<string> {
  const cut = text.lastIndexOf("/");
  const folder = cut < 0 ? "." : text.slice(0, cut) || "/";
  const leaf = text.slice(cut + 1);
  const realFolder = await realpath(isAbsolute(folder) ? folder : `${base}/${folder}`);
  // `dir/`, `.`, `..`: a folder itself, never a file name to follow (stat later says EISDIR).
  if (leaf === "" || leaf === "." || leaf === "..") return realpath(`${realFolder}/${leaf}`);
  return join(realFolder, leaf);
}

function isKernelPath(path: string): boolean {
  return path === "/dev" || path.startsWith("/dev/") || path === "/proc" || path.startsWith("/proc/");
}

/**
 * True when output to `name` lands on this process's stdout (`-`, /dev/stdout, a FIFO or
 * file that stdout also is): then the human summary goes to stderr, not into the data.
 */
export function isStdout(name: string | undefined): boolean {
  if (name === undefined) return false;
  if (name === STDOUT_NAME) return true;
  try {
    return sameFile(statSync(name), stdoutStats());
  } catch {
    return false;
  }
}

function stdoutStats(): Stats | null {
  try {
    return fstatSync(1);
  } catch {
    return null;
  }
}

function sameFile(a: Stats, b: Stats | null): boolean {
  return b !== null && a.dev === b.dev && a.ino === b.ino;
}

/**
 * Where the human summary goes: stderr when any output named lands on stdout (so
 * `--out - | jq` reads only JSON), else stdout. Two outputs on stdout would interleave.
 */
export function summaryStream(outputs: Readonly<Record<string, string | undefined>>): NodeJS.WriteStream {
  const onStdout = Object.entries(outputs).filter(([, name]) => isStdout(name));
  if (onStdout.length > 1) {
    throw new KmssimError(`${onStdout.map(([flag]) => flag).join(" and ")} both write to standard output; send one of them to a file`);
  }
  return onStdout.length === 1 ? process.stderr : process.stdout;
}
