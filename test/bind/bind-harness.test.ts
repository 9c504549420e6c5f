// The named harness itself: named answers for its zone, takes signed updates from nsupdate,
// refuses bad ones the way BIND does, and stop() leaves nothing behind.

import { existsSync } from "node:fs";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { digShort, digStatus, nsupdate } from "./bind-tools.js";
import { describeNeedingBind, describeWithNamed, randomKey, startNamed, zoneFileText } from "./named-harness.js";

const ZONE = "bind.test";
const OWNER = `_vlmcs._tcp.${ZONE}.`;

/** Resolves with the TCP connect outcome on 127.0.0.1:port. */
function tcpConnect(port: number): Promise<"connected" | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("timeout");
    }, 2000);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? error.message);
    });
  });
}

describe("zone file", () => {
  it("has $TTL, SOA, NS and an address for the NS name, then the extra lines", () => {
    const text = zoneFileText({ origin: "Example.Test.", records: ["www IN A 127.0.0.9"] });
    expect(text).toMatch(/^\$ORIGIN example\.test\.$/m);
    expect(text).toMatch(/^\$TTL \d+$/m);
    expect(text).toMatch(/^@ IN SOA ns1\.example\.test\. /m);
    expect(text).toMatch(/^@ IN NS ns1\.example\.test\.$/m);
    expect(text).toMatch(/^ns1 IN A 127\.0\.0\.1$/m);
    expect(text.trimEnd().split("\n").at(-1)).toBe("www IN A 127.0.0.9");
  });
});

describeWithNamed("named harness", (ctx) => {
  it("answers SOA for its zone, authoritatively, over UDP (dig) and is on a high port", async () => {
    expect(ctx.named.port).toBeGreaterThan(1024);
    expect(await digStatus(ctx.named, "SOA", ZONE)).toBe("NOERROR");
    const soa = await digShort(ctx.named, "SOA", ZONE);
    expect(soa).toHaveLength(1);
    expect(soa[0]).toMatch(/^ns1\.bind\.test\. hostmaster\.bind\.test\. 1 /);
    expect(await digShort(ctx.named, "A", `ns1.${ZONE}`)).toEqual(["127.0.0.1"]);
  });

  it("refuses questions outside its zones (no recursion)", async () => {
    expect(await digStatus(ctx.named, "A", "example.com")).toBe("REFUSED");
  });

  it("takes a signed nsupdate add of the KMS SRV record, which dig then shows", async () => {
    expect(await digShort(ctx.named, "SRV", OWNER)).toEqual([]);
    const result = await nsupdate(ctx.named, ZONE, [`update add ${OWNER} 300 SRV 0 10 1688 kms1.${ZONE}.`], ctx.named.key);
    expect(result.rcodeName, result.stderr).toBe("NOERROR");
    expect(result.exitCode).toBe(0);
    expect(await digShort(ctx.named, "SRV", OWNER)).toEqual([`0 10 1688 kms1.${ZONE}.`]);
  });

  it("answers NOTAUTH(BADSIG) to an update signed with the wrong secret and changes nothing", async () => {
    const wrong = { name: ctx.named.key.name, secret: randomKey().secret };
    const result = await nsupdate(ctx.named, ZONE, [`update add ${OWNER} 300 SRV 0 10 1688 evil.${ZONE}.`], wrong);
    expect(result.exitCode).not.toBe(0);
    expect(result.rcodeName).toBe("NOTAUTH");
    expect(result.tsigErrorName).toBe("BADSIG");
    expect(await digShort(ctx.named, "SRV", OWNER)).not.toContain(`0 10 1688 evil.${ZONE}.`);
  });

  it("answers REFUSED to an unsigned update and changes nothing", async () => {
    const result = await nsupdate(ctx.named, ZONE, [`update add ${OWNER} 300 SRV 0 10 1688 unsigned.${ZONE}.`]);
    expect(result.exitCode).not.toBe(0);
    expect(result.rcodeName).toBe("REFUSED");
    expect(result.tsigErrorName).toBeNull();
    expect(await digShort(ctx.named, "SRV", OWNER)).not.toContain(`0 10 1688 unsigned.${ZONE}.`);
  });

  it("writes its files into its own folder", () => {
    expect(existsSync(`${ctx.named.dir}/named.conf`)).toBe(true);
    expect(existsSync(`${ctx.named.dir}/named.pid`)).toBe(true);
    expect(ctx.named.log()).toMatch(/running/);
  });
});

describeNeedingBind("named harness lifecycle", () => {
  it("stop() kills named, removes its folder, closes its port, and can be called again", async () => {
    const named = await startNamed({ zones: [{ origin: "stop.test" }, { origin: "second.test", records: ["x IN A 127.0.0.5"] }] });
    try {
      expect(existsSync(named.dir)).toBe(true);
      expect(await tcpConnect(named.port)).toBe("connected");
      expect(await digShort(named, "A", "x.second.test")).toEqual(["127.0.0.5"]);
      expect(named.key.name).toBe("kmssim-test.");
      expect(Buffer.from(named.key.secret, "base64")).toHaveLength(32);
    } finally {
      await named.stop();
    }
    expect(existsSync(named.dir)).toBe(false);
    expect(await tcpConnect(named.port)).toBe("ECONNREFUSED");
    await named.stop();
  });

  it("gives each instance its own fresh key unless one is given", async () => {
    const key = randomKey("given.key.");
    const [a, b] = await Promise.all([startNamed({ zones: [{ origin: "a.test" }] }), startNamed({ zones: [{ origin: "b.test" }], key })]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(b.key).toEqual(key);
      expect(a.key.secret).not.toBe(b.key.secret);
      const signed = await nsupdate(b, "b.test", ["update add h.b.test. 60 A 127.0.0.7"], key);
      expect(signed.rcodeName, signed.stderr).toBe("NOERROR");
      const otherKey = await nsupdate(a, "a.test", ["update add h.a.test. 60 A 127.0.0.7"], key);
      expect(otherKey.rcodeName).toBe("NOTAUTH");
      expect(otherKey.tsigErrorName).toBe("BADKEY");
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
