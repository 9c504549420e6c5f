// Reads a file a scenario names, only from inside the scenario's folder (a scenario may come
// from someone else). The text of the name cannot tell: `d/t.csv` with `d -> ../secret` has
// no '..', and O_NOFOLLOW guards only the last name. So the kernel's answer is asked instead
// (realpath of the file and of the folder), and the file opened is checked to be the one
// looked at, so a link swapped in between the check and the open is caught too.

import { lstatSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import { UserFileError, readUserFileSync, type ReadLimit } from "./read-user-file.js";

/** Reads `name` (relative, without '..') from `folder`; throws an fs error or a UserFileError. */
export function readInsideFolderSync(folder: string, name: string, limit: ReadLimit): string {
  const realFolder = realpathSync(folder);
  const path = `${realFolder}/${name}`;
  // The last name itself a link: refused by its own rule (ELOOP, "name the file itself"), wherever it leads.
  if (limit.noFollow === true && lstatSync(path).isSymbolicLink()) throw Object.assign(new Error("it is a symlink"), { code: "ELOOP" });
  const realPath = realpathSync(path);
  if (!isInside(realPath, realFolder)) {
    throw new UserFileError(`it leads out of the scenario's folder through a linked folder; keep the ${limit.what} inside it`, "KMSSIM_OUTSIDE_FOLDER");
  }
  return readUserFileSync(path, limit, statSync(realPath));
}

function isInside(path: string, folder: string): boolean {
  const rest = relative(folder, path);
  return rest !== "" && rest !== ".." && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
}
