// `kmssim dns` logs one line per update, at most 20 a second; a flood of updates gives one
// line counting the rest, so the log cannot be flooded.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { dnsCommand } from "../../src/cli/commands/dns.js";
import type { TsigKey } from "../../src/dns/tsig.js";
import { publishChanges, sendDnsUpdate } from "../../src/dns/update-client.js";

const dir = mkdtempSync(join(tmpdir(), "kmssim-dns-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = "P2mCAY1P//Ngo+6yY1Jks7E2xMh3ilZFV6ifK3w5qTc=";
const KEY: TsigKey = { name: "kmssim-key.", algorithm: "hmac-sha256", secret: Buffer.from(SECRET, "base64") };
const UPDATES = 200; // sent all at once

describe("kmssim dns update log", () => {
  it("a flood of signed updates: at most 20 lines a second, the rest counted in summary lines", async () => {
    const keyFile = join(dir, "k.key");
    writeFileSync(keyFile, `key "kmssim-key." { algorithm hmac-sha256; secret "${SECRET}"; };\n`);
    const out = new PassThrough();
    let text = "";
    out.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const done = dnsCommand({ listen: "127.0.0.1:0", domain: ["corp.example"], keyFile: [keyFile] }, { out, stopped });
    for (let i = 0; i < 250 && !/listening on 127\.0\.0\.1:\d+/.test(text); i++) await new Promise((r) => setTimeout(r, 20));
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(text)![1]);
    const startedMs = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: UPDATES }, (_, k) =>
        sendDnsUpdate(
          { host: "127.0.0.1", port },
          "corp.example",
          publishChanges("corp.example", { target: `kms${k}.corp.example`, address: "127.0.0.2", port: 1688, priority: 0, weight: 1, ttlSeconds: 60 }),
          { key: KEY, timeoutMs: 5000 },
        ),
      ),
    );
    const elapsedS = (Date.now() - startedMs) / 1000;
    stop();
    expect(await done).toBe(0);
    expect(outcomes.every((o) => o.rcodeName === "NOERROR")).toBe(true);
    const updateLines = text.split("\n").filter((l) => l.startsWith("kmssim dns: update "));
    const leftOut = [...text.matchAll(/kmssim dns: (\d+) more update line\(s\) left out/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(updateLines.length + leftOut).toBe(UPDATES);
    expect(updateLines.length).toBeLessThanOrEqual(20 * (Math.ceil(elapsedS) + 1));
    expect(updateLines.length).toBeLessThan(UPDATES);
  }, 30_000);
});
