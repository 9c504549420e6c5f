// A user may name any file as a key or zone file (/proc/self/environ, a secret, /dev/zero):
// its bytes never appear in an error, and it is read bounded, refusing FIFOs and devices.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseResultText } from "../../src/results/result-file.js";
import { loadScenarioText } from "../../src/scenario/load.js";
import { parseHostReport } from "../../src/merge/host-reports.js";
import { jsonSyntaxProblem } from "../../src/files/json-problem.js";
import { READ_LIMITS, readUserFile, readUserFileSync, UserFileError } from "../../src/files/read-user-file.js";
import { readTsigKeyFile } from "../../src/dns/run-key.js";
import { KeyFileError, parseTsigKeyFile } from "../../src/dns/tsig-key-file.js";
import { parseZoneFile, ZoneFileError } from "../../src/dns/zone-file.js";

const MARK = "Mk7q";
const dir = mkdtempSync(join(tmpdir(), "kmssim-user-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const secretToken = fc.stringMatching(/^[a-z0-9]{2,10}$/).map((tail) => `${MARK}${tail}`);

/** Content of arbitrary shape: kmssim's own words and punctuation mixed with secret tokens. */
function contentOf(words: readonly string[]): fc.Arbitrary<{ text: string; secrets: string[] }> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...words) },
    { weight: 2, arbitrary: secretToken },
    { weight: 1, arbitrary: fc.constantFrom(" ", "\n", "\t", '"', "\0", "=") },
    { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
  );
  return fc.array(piece, { maxLength: 40 }).map((pieces) => {
    const text = pieces.join(" ");
    return { text, secrets: pieces.filter((p) => p.startsWith(MARK)) };
  });
}

const KEY_WORDS = ["key", '"k."', "k.", "{", "}", ";", "algorithm", "hmac-sha256", "hmac-md5", "secret", '"AAAA"', "#", "//", "/*", "*/", '"', "\n"];
const ZONE_WORDS = [
  "$ORIGIN",
  "$TTL",
  "$INCLUDE",
  "@",
  "IN",
  "CH",
  "SOA",
  "NS",
  "SRV",
  "A",
  "AAAA",
  "MX",
  "(",
  ")",
  ";",
  "\n",
  "\n ",
  "0",
  "100",
  "1688",
  "70000",
  "1h",
  "x1",
  "127.0.0.1",
  "corp.example.",
  "_vlmcs._tcp",
  ".",
];

function expectNoContent(message: string, secrets: readonly string[]): void {
  expect(message).not.toContain(MARK);
  for (const secret of secrets) expect(message).not.toContain(secret);
}

describe("errors about a key or zone file never quote it", () => {
  it("key file: for any malformed content, no secret token is in the message", () => {
    fc.assert(
      fc.property(contentOf(KEY_WORDS), ({ text, secrets }) => {
        try {
          parseTsigKeyFile(text, "lab.key");
        } catch (error) {
          expect(error).toBeInstanceOf(KeyFileError);
          expect((error as Error).message).toMatch(/^lab\.key:\d+(:\d+)?: /);
          expectNoContent((error as Error).message, secrets);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("zone file: for any malformed content, no secret token is in any problem", () => {
    fc.assert(
      fc.property(contentOf(ZONE_WORDS), fc.boolean(), ({ text, secrets }, withOrigin) => {
        try {
          parseZoneFile(text, "corp.zone", withOrigin ? { origin: "corp.example" } : {});
        } catch (error) {
          expect(error).toBeInstanceOf(ZoneFileError);
          expectNoContent((error as Error).message, secrets);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("an environment block (like /proc/self/environ) as key or zone file: only place and problem", () => {
    const environ = `PATH=/usr/bin\0CI_TOKEN=${MARK}deadbeef\0HOME=/root\0AWS_SECRET=${MARK}cafe\0`;
    for (const parse of [() => parseTsigKeyFile(environ, "/proc/self/environ"), () => parseZoneFile(environ, "/proc/self/environ")]) {
      let message = "";
      try {
        parse();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^\/proc\/self\/environ:1/);
      expectNoContent(message, []);
      expect(message).not.toMatch(/CI_TOKEN|PATH=|HOME/);
    }
  });

  it("each kind of key-file mistake names line and column, not the token", () => {
    const text = `key "${MARK}name." {\n  algorithm ${MARK}algo;\n  secret "AAAA";\n};\n`;
    expect(() => parseTsigKeyFile(text, "f.key")).toThrow(/^f\.key:2:13: the algorithm is not supported/);
    expect(() => parseTsigKeyFile(`key k. { ${MARK}stmt x; };`, "f.key")).toThrow(/^f\.key:1:10: the key of line 1 has an unknown statement, a word/);
  });
});

describe("errors about a JSON file (result, shard, host report) never quote it", () => {
  const JSON_WORDS = ["{", "}", "[", "]", ":", ",", '"a"', "1", "true", "null", "\n", "'"];
  it("for any text that is not JSON, the message has no secret token", () => {
    fc.assert(
      fc.property(contentOf(JSON_WORDS), ({ text, secrets }) => {
        for (const parse of [() => parseResultText(text, "r.json"), () => parseHostReport(text, "h.json")]) {
          try {
            parse();
          } catch (error) {
            expectNoContent((error as Error).message, secrets);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("names the place of the fault", () => {
    const text = '{\n  "a": 1 x\n}';
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      error = e;
    }
    expect(jsonSyntaxProblem(error, text)).toMatch(/line 2, column \d+/);
  });
});

describe("reads of user-named files are bounded", () => {
  it("a big (sparse) file is refused from its size, before reading it", async () => {
    const big = join(dir, "big.key");
    writeFileSync(big, "");
    truncateSync(big, 1024 ** 3);
    expect(() => readTsigKeyFile(big)).toThrow(/cannot read the key file \(it is larger than 65536 bytes, the most a key file may be\)/);
    await expect(readUserFile(big, READ_LIMITS.zone)).rejects.toThrow(/larger than 16777216 bytes/);
  });

  it("/dev/zero as a key file is refused as a device; as a scenario, the read stops at the cap", async () => {
    expect(() => readTsigKeyFile("/dev/zero")).toThrow(/it is a device, not a regular file/);
    await expect(readUserFile("/dev/zero", READ_LIMITS.scenario)).rejects.toMatchObject({ code: "KMSSIM_FILE_TOO_LARGE" });
    expect(() => readUserFileSync("/dev/zero", { what: "test file", maxBytes: 1000, regularOnly: false })).toThrow(UserFileError);
  });

  it("a FIFO with no writer as a key or zone file is refused at once, not waited on", async () => {
    const fifo = join(dir, "pipe.key");
    execFileSync("mkfifo", [fifo]);
    expect(() => readTsigKeyFile(fifo)).toThrow(/it is a FIFO \(named pipe\), not a regular file/);
    await expect(readUserFile(fifo, READ_LIMITS.zone)).rejects.toMatchObject({ code: "KMSSIM_NOT_A_REGULAR_FILE" });
  });

  it("a small regular file is read whole, sync and async alike", async () => {
    const path = join(dir, "ok.key");
    writeFileSync(path, 'key "k." { algorithm hmac-sha256; secret "AAAA"; };\n');
    expect(readTsigKeyFile(path).map((k) => k.name)).toEqual(["k."]);
    expect(await readUserFile(path, READ_LIMITS.tsigKey)).toBe(readUserFileSync(path, READ_LIMITS.tsigKey));
  });
});

describe("a file that is not a scenario at all", () => {
  it("an environment block as the scenario: the error does not repeat it", () => {
    const environ = `CI_TOKEN=${MARK}deadbeef\0PATH=/usr/bin:/bin\0HOME=/root\0`;
    const loaded = loadScenarioText(environ, "/proc/self/environ");
    expect(loaded.ok).toBe(false);
    const text = loaded.ok ? "" : loaded.errors.map((e) => e.message).join("\n");
    expect(text).toMatch(/expected a mapping, got a text of \d+ characters/);
    expectNoContent(text, []);
  });

  it("a short wrong value in a real scenario is still quoted, as a typo worth showing", () => {
    const loaded = loadScenarioText("seed: abc\nhosts: [ { name: kms1 } ]\nclients: [ { name: c, count: 1 } ]\n", "s.yaml");
    expect(loaded.ok ? "" : loaded.errors.map((e) => e.message).join("\n")).toContain('got "abc"');
  });
});
