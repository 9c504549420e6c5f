// A trace a scenario names is read only from inside the scenario's folder, as the kernel
// resolves the path: a linked folder leading out is refused, and a link swapped in between
// the check and the open is caught by the file's identity, before a byte is read.

import * as fs from "node:fs";
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { readInsideFolderSync } from "../../src/files/read-inside-folder.js";
import { READ_LIMITS, UserFileError } from "../../src/files/read-user-file.js";

// A hook run right after the check's stat: the moment an attacker would swap a link in.
const race = vi.hoisted(() => ({ afterStat: undefined as (() => void) | undefined }));
vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  const statSync = ((...args: Parameters<typeof real.statSync>) => {
    const stats = real.statSync(...args);
    const hook = race.afterStat;
    race.afterStat = undefined;
    hook?.();
    return stats;
  }) as typeof real.statSync;
  return { ...real, statSync, default: { ...real, statSync } };
});

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
afterEach(() => (race.afterStat = undefined));

const SECRET = "client,group,firstRequestS\nSECRET-HOST-42,g,1\n";
const TRACE = "client,group,firstRequestS\npc1,g,1\n";

/** dir/pr (the scenario's folder) and dir/secret/t.csv beside it. */
function layout(): { pr: string; secret: string } {
  const dir = mkdtempSync(join(tmpdir(), "kmssim-inside-"));
  made.push(dir);
  const pr = join(dir, "pr");
  const secret = join(dir, "secret");
  mkdirSync(pr);
  mkdirSync(secret);
  writeFileSync(join(secret, "t.csv"), SECRET);
  return { pr, secret };
}

function failure(run: () => unknown): UserFileError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UserFileError);
    return err as UserFileError;
  }
  throw new Error("expected the read to be refused");
}

describe("readInsideFolderSync", () => {
  it("refuses d/t.csv when d links out of the folder, quoting nothing of the file", () => {
    const { pr } = layout();
    symlinkSync("../secret", join(pr, "d"));
    const err = failure(() => readInsideFolderSync(pr, "d/t.csv", READ_LIMITS.trace));
    expect(err.code).toBe("KMSSIM_OUTSIDE_FOLDER");
    expect(err.message).not.toContain("SECRET");
  });

  it("catches a linked folder swapped in between the check and the open, and reads nothing", () => {
    const { pr } = layout();
    mkdirSync(join(pr, "d"));
    writeFileSync(join(pr, "d", "t.csv"), TRACE);
    race.afterStat = () => {
      renameSync(join(pr, "d"), join(pr, "was-d"));
      symlinkSync("../secret", join(pr, "d"));
    };
    const err = failure(() => readInsideFolderSync(pr, "d/t.csv", READ_LIMITS.trace));
    expect(err.code).toBe("KMSSIM_FILE_SWAPPED");
    expect(err.message).not.toContain("SECRET");
  });

  it("reads through a linked folder that stays inside, and from a scenario folder that is itself a link", () => {
    const { pr } = layout();
    mkdirSync(join(pr, "data"));
    writeFileSync(join(pr, "data", "t.csv"), TRACE);
    symlinkSync("data", join(pr, "here"));
    expect(readInsideFolderSync(pr, "here/t.csv", READ_LIMITS.trace)).toBe(TRACE);
    symlinkSync("pr", join(pr, "..", "pr-link"));
    expect(readInsideFolderSync(join(pr, "..", "pr-link"), "data/t.csv", READ_LIMITS.trace)).toBe(TRACE);
  });

  it("still refuses a trace that is itself a symlink, even to a file inside (ELOOP)", () => {
    const { pr } = layout();
    writeFileSync(join(pr, "real.csv"), TRACE);
    symlinkSync("real.csv", join(pr, "t.csv"));
    expect(() => readInsideFolderSync(pr, "t.csv", READ_LIMITS.trace)).toThrow(expect.objectContaining({ code: "ELOOP" }));
  });
});
