// The files a user names for output (design.md, "Files the user names"): a regular file is
// replaced atomically keeping its mode and owner, a symlink is written through, a device or
// FIFO is written in place, `-` is stdout, and the temp file can be neither guessed nor planted.

import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import type * as fsPromises from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { checkWritable, writeFileAtomic } from "../../src/cli/write-file-atomic.js";
import { KmssimError } from "../../src/core/kmssim-error.js";

// A switch to make rename fail, as a full disk or a vanished folder would at the last step.
const failing = vi.hoisted(() => ({ rename: false, opens: [] as unknown[][] }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof fsPromises>();
  return {
    ...real,
    open: (...args: Parameters<typeof real.open>) => {
      failing.opens.push(args);
      return real.open(...args);
    },
    rename: (from: string, to: string) =>
      failing.rename ? Promise.reject(Object.assign(new Error("no space"), { code: "ENOSPC", syscall: "rename" })) : real.rename(from, to),
  };
});

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
afterEach(() => {
  failing.rename = false;
  failing.opens = [];
  vi.restoreAllMocks();
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kmssim-write-"));
  made.push(dir);
  return dir;
}

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** Reads a FIFO to its end (the writer's close), bounded by `limitMs`. */
function readFifo(path: string, limitMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const stream = createReadStream(path, { encoding: "utf8" });
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`nothing closed the FIFO within ${limitMs} ms`));
    }, limitMs);
    stream.on("data", (chunk) => (text += chunk));
    stream.on("error", reject);
    stream.on("end", () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

describe("a regular file", () => {
  it("is replaced whole and keeps its mode", async () => {
    const dir = tempDir();
    const out = join(dir, "result.json");
    writeFileSync(out, "old");
    chmodSync(out, 0o640);
    await writeFileAtomic(out, "new\n");
    expect(readFileSync(out, "utf8")).toBe("new\n");
    expect(statSync(out).mode & 0o7777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(["result.json"]);
  });

  it("a new path gets the usual mode of a new file (0666 less the umask)", async () => {
    const out = join(tempDir(), "new.json");
    await writeFileAtomic(out, "x");
    expect(statSync(out).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it.skipIf(!isRoot)("as root, someone else's 0600 file stays theirs and 0600", async () => {
    const out = join(tempDir(), "theirs.json");
    writeFileSync(out, "old");
    chownSync(out, NOBODY, NOBODY);
    chmodSync(out, 0o600);
    await writeFileAtomic(out, "new");
    const info = statSync(out);
    expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([NOBODY, NOBODY, 0o600]);
  });
});

describe("a symlink", () => {
  it("is written through to its target and stays a symlink", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "data"));
    const target = join(dir, "data", "real.json");
    writeFileSync(target, "old");
    chmodSync(target, 0o604);
    const link = join(dir, "latest.json");
    symlinkSync("data/real.json", link);
    await writeFileAtomic(link, "new");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("data/real.json");
    expect(readFileSync(target, "utf8")).toBe("new");
    expect(statSync(target).mode & 0o777).toBe(0o604);
  });

  it("whose target does not exist yet: the target is created, through a chain of links", async () => {
    const dir = tempDir();
    symlinkSync("middle", join(dir, "first"));
    symlinkSync(join(dir, "final.json"), join(dir, "middle"));
    await writeFileAtomic(join(dir, "first"), "made");
    expect(readFileSync(join(dir, "final.json"), "utf8")).toBe("made");
    expect(lstatSync(join(dir, "first")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, "middle")).isSymbolicLink()).toBe(true);
  });

  it("that loops: a plain error, nothing written", async () => {
    const dir = tempDir();
    symlinkSync("b", join(dir, "a"));
    symlinkSync("a", join(dir, "b"));
    const err = await writeFileAtomic(join(dir, "a"), "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KmssimError);
    expect((err as Error).message).toMatch(/too many levels of symbolic links \(ELOOP\)/);
    expect(readdirSync(dir).sort()).toEqual(["a", "b"]);
  });
});

// The kernel resolves `..` from the folder a symlink really points to, not from the text of
// the name; kmssim must reach the same file it would, or it replaces one the user never named.
describe("a path through a symlinked folder", () => {
  /** ws/out -> ../real/sub, and in there x.json -> ../y.json: the kernel's x.json is real/y.json. */
  function linkedFolder(): { ws: string; real: string } {
    const dir = tempDir();
    const ws = join(dir, "ws");
    const real = join(dir, "real");
    mkdirSync(join(real, "sub"), { recursive: true });
    mkdirSync(ws);
    writeFileSync(join(ws, "y.json"), "OLD");
    symlinkSync("../real/sub", join(ws, "out"));
    symlinkSync("../y.json", join(real, "sub", "x.json"));
    return { ws, real };
  }

  it("a link inside it is followed from the folder it really is (real/y.json), never ws/y.json", async () => {
    const { ws, real } = linkedFolder();
    await checkWritable(join(ws, "out/x.json"));
    await writeFileAtomic(join(ws, "out/x.json"), "new");
    expect(readFileSync(join(ws, "y.json"), "utf8")).toBe("OLD");
    expect(readFileSync(join(real, "y.json"), "utf8")).toBe("new");
    expect(lstatSync(join(real, "sub", "x.json")).isSymbolicLink()).toBe(true);
  });

  it("link/../x.json is x.json beside the folder the link points to, as the kernel has it", async () => {
    const { ws, real } = linkedFolder();
    writeFileSync(join(ws, "x.json"), "OLD");
    // No `path.resolve` in the test either: the string goes to the code as a user types it.
    await checkWritable(`${ws}/out/../x.json`);
    await writeFileAtomic(`${ws}/out/../x.json`, "new");
    expect(readFileSync(join(ws, "x.json"), "utf8")).toBe("OLD");
    expect(readFileSync(join(real, "x.json"), "utf8")).toBe("new");
  });

  it("checkWritable looks at the folder the kernel would write in", async () => {
    const { ws } = linkedFolder();
    // Read as text, gone/.. is ws (it exists); the kernel follows gone into a folder that does not.
    symlinkSync("../missing/sub", join(ws, "gone"));
    await expect(checkWritable(`${ws}/gone/../x.json`)).rejects.toThrow(/its folder does not exist/);
    await expect(writeFileAtomic(`${ws}/gone/../x.json`, "x")).rejects.toThrow(/its folder does not exist/);
    expect(existsSync(join(ws, "x.json"))).toBe(false);
  });
});

describe("the temp file", () => {
  it("a symlink planted at the old predictable name <out>.<pid>.tmp is not followed", async () => {
    const dir = tempDir();
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    const out = join(dir, "result.json");
    symlinkSync(victim, `${out}.${process.pid}.tmp`);
    await writeFileAtomic(out, "result");
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(readFileSync(out, "utf8")).toBe("result");
    expect(lstatSync(`${out}.${process.pid}.tmp`).isSymbolicLink()).toBe(true);
  });

  it("is made exclusively, 0600, with a fresh random name each time", async () => {
    const dir = tempDir();
    const out = join(dir, "result.json");
    failing.opens = [];
    await writeFileAtomic(out, "a");
    await writeFileAtomic(out, "b");
    const temps = failing.opens;
    expect(temps).toHaveLength(2);
    for (const [path, flags, mode] of temps) {
      expect(path).toMatch(/result\.json\.[0-9a-f]{16}\.tmp$/);
      expect([flags, mode]).toEqual(["wx", 0o600]);
    }
    expect(temps[0][0]).not.toBe(temps[1][0]);
  });

  it("is removed when the write fails at the last step, and the old file is kept", async () => {
    const dir = tempDir();
    const out = join(dir, "result.json");
    writeFileSync(out, "old");
    failing.rename = true;
    const err = await writeFileAtomic(out, "new").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KmssimError);
    expect((err as Error).message).toBe(`cannot write '${out}': no space left on the disk (ENOSPC); any file already there is unchanged`);
    expect(readdirSync(dir)).toEqual(["result.json"]);
    expect(readFileSync(out, "utf8")).toBe("old");
  });
});

describe("a FIFO, a device, stdout", () => {
  it("a FIFO is written directly and stays a FIFO", async () => {
    const fifo = join(tempDir(), "pipe");
    execFileSync("mkfifo", [fifo]);
    const read = readFifo(fifo);
    await writeFileAtomic(fifo, '{"ok":true}\n');
    expect(await read).toBe('{"ok":true}\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  // Private device nodes in a temp folder (root only): the machine's /dev is never at risk.
  it.skipIf(!isRoot)("a null device is written and stays a character device", async () => {
    const node = join(tempDir(), "null");
    execFileSync("mknod", [node, "c", "1", "3"]);
    await writeFileAtomic(node, "gone");
    expect(lstatSync(node).isCharacterDevice()).toBe(true);
  });

  it.skipIf(!isRoot)("a full device: no space (ENOSPC), a plain error, still a device", async () => {
    const node = join(tempDir(), "full");
    execFileSync("mknod", [node, "c", "1", "7"]);
    const err = await writeFileAtomic(node, "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KmssimError);
    expect((err as KmssimError).exitCode).toBe(2);
    expect((err as Error).message).toBe(`cannot write '${node}': no space left on the disk (ENOSPC)`);
    expect(lstatSync(node).isCharacterDevice()).toBe(true);
  });

  it("- is stdout", async () => {
    const write = vi.spyOn(process.stdout, "write").mockImplementation(((_text: string, done: () => void) => {
      done();
      return true;
    }) as typeof process.stdout.write);
    await writeFileAtomic("-", "to stdout\n");
    expect(write.mock.calls.map((call) => call[0])).toEqual(["to stdout\n"]);
    expect(existsSync("-")).toBe(false);
  });
});

describe("checkWritable agrees and touches nothing", () => {
  it("accepts -, a FIFO (without opening it: no reader here, it would block), a new path, an existing file", async () => {
    const dir = tempDir();
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    const file = join(dir, "old.json");
    writeFileSync(file, "old");
    const before = statSync(file);
    await checkWritable("-");
    await checkWritable(fifo);
    await checkWritable(join(dir, "new.json"));
    await checkWritable(file);
    expect(readdirSync(dir).sort()).toEqual(["old.json", "pipe"]);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(readFileSync(file, "utf8")).toBe("old");
  });

  it("accepts a dangling symlink whose folder exists, refuses one into a missing folder", async () => {
    const dir = tempDir();
    symlinkSync("later.json", join(dir, "ok"));
    symlinkSync("missing/later.json", join(dir, "bad"));
    await checkWritable(join(dir, "ok"));
    await expect(checkWritable(join(dir, "bad"))).rejects.toThrow(/its folder does not exist/);
    expect(existsSync(join(dir, "later.json"))).toBe(false);
  });

  it("refuses a folder, even through a symlink", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "results"));
    symlinkSync("results", join(dir, "link"));
    await expect(checkWritable(join(dir, "link"))).rejects.toThrow(/it is a folder/);
  });
});
