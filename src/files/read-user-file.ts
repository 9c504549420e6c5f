// Reads a file the user named, bounded: at most `maxBytes` are read, so /dev/zero, a huge
// file or a pipe that never ends fails fast with "larger than N bytes" instead of filling
// memory. Kinds that are only ever small regular files (keys, zones) also refuse FIFOs and
// devices, opened without blocking so a FIFO with no writer cannot hang the process. Errors
// carry a code and a message that never quotes the file's bytes.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

export interface ReadLimit {
  /** What the file is, for messages: "key file". */
  what: string;
  maxBytes: number;
  /** Refuse anything but a regular file (FIFO, device, socket). */
  regularOnly: boolean;
  /** Refuse a symlink (ELOOP): for files a scenario names, which may come from someone else. */
  noFollow?: boolean;
}

const KiB = 1024;
const MiB = 1024 * KiB;

// Each cap is far above any real file of its kind and far below what would hurt.
export const READ_LIMITS = {
  /** tsig-keygen prints ~120 bytes per key. */
  tsigKey: { what: "key file", maxBytes: 64 * KiB, regularOnly: true },
  /** ~50 bytes a record: 16 MiB is ~300,000 records, more than any KMS zone. */
  zone: { what: "zone file", maxBytes: 16 * MiB, regularOnly: true },
  /** Hand-written YAML; the largest shipped scenario is a few KiB. Pipes (`<(…)`) allowed. */
  scenario: { what: "scenario file", maxBytes: 4 * MiB, regularOnly: false },
  /** Results, shards, plans and host reports: timelines make them large; 256 MiB stays below V8's ~512 MiB string limit. */
  result: { what: "result file", maxBytes: 256 * MiB, regularOnly: false },
  /** A client trace a scenario names: ~50 bytes a client, so 256 MiB is about MAX_TRACE_ROWS (5,000,000), the cap parseTrace counts to. */
  trace: { what: "trace file", maxBytes: 256 * MiB, regularOnly: true, noFollow: true },
  /** KMS event-log exports (CSV or XML) for `kmssim import`: 180–500 bytes an event; the readers also stop at MAX_IMPORT_EVENTS. */
  eventLog: { what: "event-log export", maxBytes: 256 * MiB, regularOnly: false },
} as const satisfies Record<string, ReadLimit>;

export type UserFileErrorCode = "KMSSIM_FILE_TOO_LARGE" | "KMSSIM_NOT_A_REGULAR_FILE" | "KMSSIM_OUTSIDE_FOLDER" | "KMSSIM_FILE_SWAPPED" | "EISDIR";

/** Which file, whatever its name: a file system (`dev`) and a file in it (`ino`). */
export interface FileIdentity {
  dev: number;
  ino: number;
}

export class UserFileError extends Error {
  constructor(
    message: string,
    readonly code: UserFileErrorCode,
  ) {
    super(message);
    this.name = "UserFileError";
  }
}

const CHUNK_BYTES = 64 * KiB;

export async function readUserFile(path: string, limit: ReadLimit): Promise<string> {
  const handle = await open(path, openFlags(limit));
  try {
    checkKind(await handle.stat(), limit);
    return await readBoundedAsync(handle, limit);
  } finally {
    await handle.close();
  }
}

/** `checked`: the file looked at before opening; another one opened under the same name is refused, unread. */
export function readUserFileSync(path: string, limit: ReadLimit, checked?: FileIdentity): string {
  const fd = openSync(path, openFlags(limit));
  try {
    const opened = fstatSync(fd);
    if (checked !== undefined && (opened.dev !== checked.dev || opened.ino !== checked.ino)) {
      throw new UserFileError("it changed while being opened (a link swapped in?); nothing was read", "KMSSIM_FILE_SWAPPED");
    }
    checkKind(opened, limit);
    const parts: Buffer[] = [];
    let total = 0;
    // Each turn reads at least one byte or stops; total is capped at maxBytes + 1.
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limit.maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      parts.push(chunk.subarray(0, n));
      total += n;
      if (total > limit.maxBytes) throw tooLarge(limit);
    }
    return Buffer.concat(parts, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

async function readBoundedAsync(handle: FileHandle, limit: ReadLimit): Promise<string> {
  const parts: Buffer[] = [];
  let total = 0;
  // Each turn reads at least one byte or stops; total is capped at maxBytes + 1.
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES * 16, limit.maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    parts.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > limit.maxBytes) throw tooLarge(limit);
  }
  return Buffer.concat(parts, total).toString("utf8");
}

// O_NONBLOCK: opening a FIFO that has no writer would otherwise wait forever.
function openFlags(limit: ReadLimit): number {
  const base = limit.regularOnly ? constants.O_RDONLY | constants.O_NONBLOCK : constants.O_RDONLY;
  return limit.noFollow === true ? base | constants.O_NOFOLLOW : base;
}

function checkKind(stats: Stats, limit: ReadLimit): void {
  if (stats.isDirectory()) throw new UserFileError("it is a folder", "EISDIR");
  if (limit.regularOnly && !stats.isFile()) {
    throw new UserFileError(`it is ${kindOf(stats)}, not a regular file (a ${limit.what} must be a regular file)`, "KMSSIM_NOT_A_REGULAR_FILE");
  }
  if (stats.isFile() && stats.size > limit.maxBytes) throw tooLarge(limit);
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "a special file";
}

function tooLarge(limit: ReadLimit): UserFileError {
  return new UserFileError(`it is larger than ${limit.maxBytes} bytes, the most a ${limit.what} may be`, "KMSSIM_FILE_TOO_LARGE");
}
