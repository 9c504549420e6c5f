import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { KeyFileError, parseTsigKeyFile, parseTsigKeySpec } from "../../src/dns/tsig-key-file.js";
import { bindToolPath } from "../bind/named-harness.js";
import { describeNeeding } from "../helpers/describe-needing.js";

const SECRET = "P2mCAY1P//Ngo+6yY1Jks7E2xMh3ilZFV6ifK3w5qTc=";
// Exactly what `tsig-keygen -a hmac-sha256 KmsSim-Key.` printed on this machine.
const KEYGEN_OUTPUT = `key "KmsSim-Key." {\n\talgorithm hmac-sha256;\n\tsecret "${SECRET}";\n};\n`;

function keyFileError(run: () => unknown): KeyFileError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyFileError);
    return error as KeyFileError;
  }
  throw new Error("expected a KeyFileError");
}

// Skipped without tsig-keygen, except under CI (.ci/run installs BIND 9).
const TSIG_KEYGEN = bindToolPath("tsig-keygen");

describe("parseTsigKeyFile", () => {
  it("reads tsig-keygen output", () => {
    const [key, ...rest] = parseTsigKeyFile(KEYGEN_OUTPUT, "kmssim.key");
    expect(rest).toEqual([]);
    expect(key.name).toBe("KmsSim-Key.");
    expect(key.algorithm).toBe("hmac-sha256");
    expect(key.secret.equals(Buffer.from(SECRET, "base64"))).toBe(true);
    expect(key.secret).toHaveLength(32);
  });

  it("reads several keys, comments of every kind, unquoted names and any layout", () => {
    const text = [
      "# keys for the lab",
      'key "one." { algorithm hmac-sha256; secret "AAAA"; };',
      "// second key",
      "/* a block",
      "   comment */ key two {",
      '  secret "AAECAw==";  # trailing comment',
      "  algorithm HMAC-SHA256;",
      "};",
    ].join("\n");
    const keys = parseTsigKeyFile(text, "lab.key");
    expect(keys.map((k) => [k.name, k.secret.toString("hex")])).toEqual([
      ["one.", "000000"],
      ["two", "00010203"],
    ]);
  });

  it.each([
    ["empty file", "", 1, /no key found/],
    ["comments only", "# nothing\n// here\n", 1, /no key found/],
    ["hmac-md5", `key "k." {\n algorithm hmac-md5;\n secret "${SECRET}";\n};`, 2, /the algorithm is not supported: kmssim signs with hmac-sha256 only/],
    ["bad base64", 'key "k." {\n algorithm hmac-sha256;\n secret "not base64!";\n};', 3, /secret of the key of line 1 is not valid base64/],
    ["missing secret", 'key "k." {\n algorithm hmac-sha256;\n};', 1, /the key of line 1 has no secret/],
    ["missing algorithm", `key "k." {\n secret "${SECRET}";\n};`, 1, /has no algorithm/],
    ["missing semicolon", `key "k." {\n algorithm hmac-sha256\n secret "${SECRET}";\n};`, 3, /expected ";" after the algorithm/],
    ["unknown statement", 'key "k." {\n algorithm hmac-sha256;\n owner "x";\n};', 3, /the key of line 1 has an unknown statement, a word/],
    ["not a key block", "options {\n};", 1, /expected a "key" block, found a word/],
    ["cut short", 'key "k." {\n algorithm hmac-sha256;\n', 2, /the file ends where/],
    [
      "duplicate",
      'key "k." { algorithm hmac-sha256; secret "AAAA"; };\nkey "K" { algorithm hmac-sha256; secret "AAAA"; };',
      2,
      /defined twice \(first at line 1\)/,
    ],
    ["open comment", "/* never closed\nkey", 1, /never closed/],
    ["empty secret", 'key "k." {\n algorithm hmac-sha256;\n\n secret "";\n};', 4, /secret of the key of line 1 is empty/],
  ])("%s: the error names file:line, the problem and a good example", (_label, text, line, problem) => {
    const error = keyFileError(() => parseTsigKeyFile(text, "dns/kmssim.key"));
    expect(error.code).toBe("KMSSIM_BAD_KEY_FILE");
    expect(error.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`^dns/kmssim\\.key:${line}(:\\d+)?: `));
    expect(error.message).toMatch(problem);
    expect(error.message).toContain("tsig-keygen -a hmac-sha256");
    expect(error.message).toContain("algorithm hmac-sha256;");
  });

  it("never puts the secret into an error message", () => {
    const error = keyFileError(() => parseTsigKeyFile(`key "k." { algorithm hmac-md5; secret "${SECRET}"; };`, "f"));
    expect(error.message).not.toContain(SECRET);
  });
});

describeNeeding(
  {
    tag: "tsig-keygen",
    name: "tsig-keygen",
    purpose: "to read the output of",
    missing: TSIG_KEYGEN === null ? "tsig-keygen is not installed (apt-get install bind9 bind9-utils)" : null,
  },
  "parseTsigKeyFile and the installed tsig-keygen",
  () => {
    it("reads what the installed tsig-keygen prints now", () => {
      const printed = execFileSync(TSIG_KEYGEN!, ["-a", "hmac-sha256", "fresh-key."], { encoding: "utf8" });
      const [key] = parseTsigKeyFile(printed, "tsig-keygen");
      expect(key.name).toBe("fresh-key.");
      expect(key.secret.toString("base64")).toBe(/secret "([^"]+)"/.exec(printed)![1]);
    });
  },
);

describe("parseTsigKeySpec", () => {
  it("reads hmac-sha256:name:secret and name:secret", () => {
    expect(parseTsigKeySpec(`hmac-sha256:KmsSim-Key.:${SECRET}`)).toMatchObject({ name: "KmsSim-Key.", algorithm: "hmac-sha256" });
    const short = parseTsigKeySpec(`kmssim-key:${SECRET}`);
    expect(short.name).toBe("kmssim-key");
    expect(short.secret.toString("base64")).toBe(SECRET);
  });

  it("refuses other algorithms, bad base64 and a wrong shape, without echoing the secret", () => {
    expect(keyFileError(() => parseTsigKeySpec(`hmac-md5:k:${SECRET}`)).message).toMatch(/hmac-sha256 only/);
    expect(keyFileError(() => parseTsigKeySpec("k:@@@")).message).toMatch(/not valid base64/);
    expect(keyFileError(() => parseTsigKeySpec("just-a-name")).message).toMatch(/\[hmac-sha256:\]NAME:SECRET/);
    expect(keyFileError(() => parseTsigKeySpec(`a:b:c:${SECRET}`)).message).not.toContain(SECRET);
    expect(keyFileError(() => parseTsigKeySpec(`bad..name:${SECRET}`)).message).toMatch(/empty label/);
  });
});
