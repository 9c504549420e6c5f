import { constants } from "node:fs";
import { access, open, rename, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { UserError } from "./user-error.js";

/**
 * Writes via a temp file in the same folder + rename, so a reader (or a later run) sees
 * the old file or the whole new one, never a part: the rename is atomic, and the data is
 * flushed to disk before it. A process killed midway leaves the old file and, at worst,
 * a `<path>.<pid>.tmp` beside it.
 */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const file = await open(temp, "w");
    try {
      await file.writeFile(contents);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new UserError(`cannot write '${path}': ${reasonOf(err as NodeJS.ErrnoException)}; any file already there is unchanged`);
  }
}

/**
 * Before a long run: fails now, with the same words, when `path` could not be written at
 * the end (a folder, a missing or read-only folder), so no measurement is lost to a typo.
 */
export async function checkWritable(path: string): Promise<void> {
  try {
    const existing = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
    if (existing?.isDirectory() === true) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    await access(dirname(path), constants.W_OK);
    if (!(await stat(dirname(path))).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  } catch (err) {
    throw new UserError(`cannot write '${path}': ${reasonOf(err as NodeJS.ErrnoException)}; any file already there is unchanged (checked before the run)`);
  }
}

/** What went wrong, in words a user acts on (the errno code kept for searching). */
function reasonOf(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ENOENT":
      return "its folder does not exist";
    case "ENOTDIR":
      return "part of the path is a file, not a folder (ENOTDIR)";
    case "EISDIR":
      return "it is a folder; give a file name (EISDIR)";
    case "EACCES":
    case "EPERM":
      return `no permission to write in its folder (${err.code})`;
    case "EROFS":
      return "the file system is read-only (EROFS)";
    case "ENOSPC":
    case "EDQUOT":
      return `no space left on the disk (${err.code})`;
    default:
      return err.message;
  }
}
