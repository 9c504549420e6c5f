import { rename, writeFile, unlink } from "node:fs/promises";
import { UserError } from "./user-error.js";

/** Writes via a temp file + rename, so a reader never sees a half-written result. */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, contents);
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "its folder does not exist" : (err as Error).message;
    throw new UserError(`cannot write '${path}': ${reason}`);
  }
}
