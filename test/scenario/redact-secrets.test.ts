// An inline TSIG secret never reaches a report that embeds the scenario: blanked wherever
// the YAML writes it, or the whole text withheld when that is not certain.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REDACTED, redactScenarioSecrets } from "../../src/scenario/redact-secrets.js";

const SECRET = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0wMTIzNDU2Nzg5QUI=";

function scenario(...dnsLines: string[]): string {
  return ["name: s", "mode: realtime", "dns:", ...dnsLines, "hosts: [ { name: kms1 } ]", "clients: [ { name: c, count: 1 } ]", ""].join("\n");
}

describe("redactScenarioSecrets", () => {
  it("blanks a plain inline secret and keeps every other line as written", () => {
    const text = scenario("  tsig:", "    name: kmssim-key", `    secret: ${SECRET}`);
    const shown = redactScenarioSecrets(text);
    expect(shown).toBe(text.replace(SECRET, REDACTED));
    expect(parse(shown ?? "").dns.tsig).toEqual({ name: "kmssim-key", secret: "<redacted>" });
  });

  it("blanks the anchor a secret is aliased from, and a secret reached through a merge key", () => {
    const aliased = `x-key: &k ${SECRET}\n` + scenario("  tsig: { name: kmssim-key, secret: *k }");
    expect(redactScenarioSecrets(aliased)).toBe(aliased.replace(SECRET, REDACTED));
    const merged = `x-tsig: &t { name: kmssim-key, secret: '${SECRET}' }\n` + scenario("  tsig: { <<: *t }");
    expect(redactScenarioSecrets(merged)).toBe(merged.replace(`'${SECRET}'`, REDACTED));
  });

  it("blanks a secret written with escapes (the text never spells it out)", () => {
    const escaped = `${SECRET.slice(0, 10)}\\x${SECRET.charCodeAt(10).toString(16)}${SECRET.slice(11)}`;
    const text = scenario(`  tsig: { name: kmssim-key, secret: "${escaped}" }`);
    const shown = redactScenarioSecrets(text);
    expect(shown).not.toBeNull();
    expect(shown).not.toContain(escaped);
    expect(parse(shown ?? "").dns.tsig.secret).toBe("<redacted>");
  });

  it("withholds the whole text when the secret also sits in a comment", () => {
    expect(redactScenarioSecrets(`# old key: ${SECRET}\n` + scenario(`  tsig: { name: k, secret: ${SECRET} }`))).toBeNull();
  });

  it("withholds broken YAML that mentions a secret, and shows text with no secret unchanged", () => {
    expect(redactScenarioSecrets(`dns: { tsig: { secret: ${SECRET}\n`)).toBeNull();
    const plain = scenario("  server: embedded", "  keyFile: key.conf");
    expect(redactScenarioSecrets(plain)).toBe(plain);
    expect(redactScenarioSecrets("a: [unclosed\n")).toBe("a: [unclosed\n");
  });

  it("property: whatever the quoting and layout, the output never holds the secret", () => {
    const base64 = fc
      .uint8Array({ minLength: 8, maxLength: 48 })
      .map((bytes) => Buffer.from(bytes).toString("base64"))
      .filter((s) => !/^[0-9]+$/.test(s.replace(/=+$/, "")));
    const style = fc.constantFrom(
      (s: string) => scenario("  tsig:", "    name: k", `    secret: ${s}`),
      (s: string) => scenario(`  tsig: { name: k, secret: "${s}" }`),
      (s: string) => scenario(`  tsig: { name: k, secret: '${s}' }`),
      (s: string) => `k: &a "${s}"\n` + scenario("  tsig: { name: k, secret: *a }"),
      (s: string) => scenario("  tsig:", "    name: k", "    secret: >-", `      ${s}`),
      (s: string) => `# ${s}\n` + scenario(`  tsig: { name: k, secret: ${s} }`),
    );
    fc.assert(
      fc.property(base64, style, (secret, write) => {
        const text = write(secret);
        const shown = redactScenarioSecrets(text);
        // Only the copy in a comment is a reason to withhold the whole text.
        expect(shown !== null || text.startsWith("# ")).toBe(true);
        if (shown !== null) expect(shown).not.toContain(secret);
      }),
    );
  });
});
