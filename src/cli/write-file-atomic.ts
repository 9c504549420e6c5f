import { constants } from "node:fs";
import { access, open, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { outputTarget, STDOUT_NAME } from "./output-target.js";
import { KmssimError } from "../core/kmssim-error.js";
import { settleTemp, trackTemp } from "./temp-files.js";

/** Until the final chmod the data is the owner's only. */
const TEMP_MODE = 0o600;

/**
 * Writes `contents` where the user asked (design.md, "Files the user names"): `-` to stdout;
 * a device, FIFO or socket directly; a regular file or a new path atomically — a temp file
 * beside the (symlink-resolved) target, flushed, given the old file's mode and owner, then
 * renamed over it, so a reader sees the old file or the whole new one, never a part.
 */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  let target;
  try {
    target = await outputTarget(path);
  } catch (err) {
    throw cannotWrite(path, err, true);
  }
  if (target.kind === "stdout") return writeStdout(contents);
  if (target.kind === "direct") return writeDirect(target.path, path, contents);
  const { existing } = target;
  // Unpredictable and created exclusively: a planted file or symlink at the name is never followed.
  const temp = join(dirname(target.path), `${basename(target.path)}.${randomBytes(8).toString("hex")}.tmp`);
  let file: FileHandle | undefined;
  let created = false;
  // Tracked before the open: the file exists on disk before open() returns here. The name
  // is random, so a file there that is not ours is only one planted by guessing it.
  trackTemp(temp);
  try {
    file = await open(temp, "wx", TEMP_MODE);
    created = true;
    await file.writeFile(contents);
    // Owner before mode: chown clears set-id bits, the chmod after puts the old mode back.
    if (existing !== null && process.geteuid?.() === 0) await file.chown(existing.uid, existing.gid);
    await file.chmod(existing === null ? 0o666 & ~process.umask() : existing.mode & 0o7777);
    await file.sync();
    await file.close();
    file = undefined;
    await rename(temp, target.path);
  } catch (err) {
    await file?.close().catch(() => undefined);
    // Only a temp we created: "wx" failing means the name was someone else's.
    if (created) await unlink(temp).catch(() => undefined);
    throw cannotWrite(path, err, true);
  } finally {
    settleTemp(temp);
  }
}

/** A device, FIFO or socket: opened for writing as it is, never created, truncated or replaced. */
async function writeDirect(path: string, name: string, contents: string): Promise<void> {
  let file: FileHandle | undefined;
  try {
    // O_TRUNC only does something to a regular file reached through /proc (stdout redirected to a file).
    file = await open(path, constants.O_WRONLY | constants.O_TRUNC);
    await file.writeFile(contents);
  } catch (err) {
    throw cannotWrite(name, err, false);
  } finally {
    await file?.close().catch(() => undefined);
  }
}

function writeStdout(contents: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // The callback reports the error (EPIPE: `| head`); without a listener the stream would throw it too.
    const ignore = (): void => undefined;
    process.stdout.on("error", ignore);
    process.stdout.write(contents, (err) => {
      process.stdout.off("error", ignore);
      if (err) reject(cannotWrite(STDOUT_NAME, err, false));
      else resolve();
    });
  });
}

/**
 * Before a long run: fails now, with the same words, when `path` could not be written at
 * the end (a folder, a missing or read-only folder), so no measurement is lost to a typo.
 * Creates, opens and truncates nothing.
 */
export async function checkWritable(path: string): Promise<void> {
  try {
    const target = await outputTarget(path);
    if (target.kind === "stdout") return;
    if (target.kind === "direct") {
      await access(target.path, constants.W_OK).catch((err: NodeJS.ErrnoException) => {
        throw new KmssimError(`cannot write '${path}': ${reasonOf(err, false)} (checked before the run)`);
      });
      return;
    }
    const folder = dirname(target.path);
    await access(folder, constants.W_OK);
    if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  } catch (err) {
    if (err instanceof KmssimError) throw err;
    throw new KmssimError(`cannot write '${path}': ${reasonOf(err as NodeJS.ErrnoException)}; any file already there is unchanged (checked before the run)`);
  }
}

function cannotWrite(name: string, err: unknown, replaced: boolean): KmssimError {
  const shown = name === STDOUT_NAME ? "standard output" : `'${name}'`;
  const unchanged = replaced ? "; any file already there is unchanged" : "";
  return new KmssimError(`cannot write ${shown}: ${reasonOf(err as NodeJS.ErrnoException, replaced)}${unchanged}`);
}

/** What went wrong, in words a user acts on (the errno code kept for searching). */
function reasonOf(err: NodeJS.ErrnoException, inFolder = true): string {
  switch (err.code) {
    case "ENOENT":
      return "its folder does not exist";
    case "ENOTDIR":
      return "part of the path is a file, not a folder (ENOTDIR)";
    case "EISDIR":
      return "it is a folder; give a file name (EISDIR)";
    case "EACCES":
    case "EPERM":
      return !inFolder ? `no permission to write it (${err.code})` : `no permission to write in its folder (${err.code})`;
    case "EROFS":
      return "the file system is read-only (EROFS)";
    case "ENOSPC":
    case "EDQUOT":
      return `no space left on the disk (${err.code})`;
    case "ELOOP":
      return "too many levels of symbolic links (ELOOP)";
    case "EPIPE":
      return "the reader closed the pipe (EPIPE)";
    default:
      return err.message;
  }
}
