// Regression: `kmssim host` runs its hosts until Ctrl-C, however long the scenario's
// `duration` is; like a real KMS host it must keep re-registering every publishInterval
// for as long as it runs. Before the fix the publisher stopped arming its timer past the
// scenario's duration (a bound meant for `run`), so the records went stale on a server that
// scavenges.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { hostCommand } from "../../src/cli/commands/host.js";
import { EmbeddedDnsServer } from "../../src/dns/dns-server.js";
import { DnsZone } from "../../src/dns/zone.js";

const SECRET = Buffer.alloc(32, 7);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("kmssim host past the scenario's duration", () => {
  it("keeps publishing every publishInterval while it runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kmssim-review-host-"));
    dirs.push(dir);
    const file = join(dir, "s.yaml");
    // 20 simulated seconds of scenario, a publish every 10 s; at --time-scale 20 that is a
    // publish every 0.5 wall seconds and a scenario over after 1 wall second.
    writeFileSync(
      file,
      [
        "name: review-host",
        "duration: 20s",
        "dns:",
        "  domain: corp.example",
        "  publishInterval: 10s",
        "  publishRetry: 10s",
        `  tsig: { name: review-key., secret: "${SECRET.toString("base64")}" }`,
        "hosts: [ { name: kms1 } ]",
        "clients: [ { name: c, count: 1 } ]",
        "",
      ].join("\n"),
    );
    const zone = new DnsZone(["corp.example"]);
    const dns = new EmbeddedDnsServer({ zone, keys: [{ name: "review-key.", algorithm: "hmac-sha256", secret: SECRET }] });
    const { port } = await dns.start();
    const out = new PassThrough();
    let text = "";
    out.on("data", (chunk: Buffer) => (text += chunk.toString()));
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    try {
      const run = hostCommand({ scenario: file, dns: `127.0.0.1:${port}`, portBase: 0, timeScale: 20 }, { out, err: new PassThrough(), stopped });
      await new Promise((resolve) => setTimeout(resolve, 2600));
      stop();
      expect(await run).toBe(0);
    } finally {
      stop();
      await dns.stop();
    }
    const published = text.split("\n").filter((line) => / published in corp\.example/.test(line));
    // 0, 0.5, 1.0 (the scenario's end), then 1.5, 2.0, 2.5 wall seconds: at least 5 with slack.
    expect(published.length).toBeGreaterThanOrEqual(5);
  }, 20_000);
});
