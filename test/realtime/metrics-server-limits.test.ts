// The metrics endpoint under many scrapers: the text is built at most once per cacheMs
// (counted through an injected builder and clock), at most maxConnections are open at
// once, and a request that stalls before its headers end is dropped. Waits are bounded.

import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CachedText } from "../../src/realtime/live-metrics/cached-text.js";
import { startMetricsServer } from "../../src/realtime/live-metrics/metrics-server.js";

describe("CachedText", () => {
  it("builds once for any number of concurrent reads, again once maxAgeMs has passed", async () => {
    let nowMs = 0;
    let builds = 0;
    const cache = new CachedText({ build: async () => `text ${++builds}`, maxAgeMs: 1000, wallNowMs: () => nowMs });
    const texts = await Promise.all(Array.from({ length: 64 }, () => cache.get()));
    expect(new Set(texts)).toEqual(new Set(["text 1"]));
    nowMs = 999;
    expect(await cache.get()).toBe("text 1");
    nowMs = 1000;
    expect(await cache.get()).toBe("text 2");
    expect(builds).toBe(2);
  });

  it("keeps no failed build: the next read tries again", async () => {
    let fail = true;
    const cache = new CachedText({ build: async () => (fail ? Promise.reject(new Error("boom")) : "ok"), maxAgeMs: 1000, wallNowMs: () => 0 });
    await expect(cache.get()).rejects.toThrow("boom");
    fail = false;
    expect(await cache.get()).toBe("ok");
  });

  it("for any read times: at most one build per maxAgeMs, and no text served older than that", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 500 }),
        async (gapsMs, maxAgeMs) => {
          let nowMs = 0;
          const builtAt: number[] = [];
          const cache = new CachedText({ build: async () => String(builtAt.push(nowMs) - 1), maxAgeMs, wallNowMs: () => nowMs });
          for (const gap of gapsMs) {
            nowMs += gap;
            const built = builtAt[Number(await cache.get())];
            expect(nowMs - built).toBeLessThan(maxAgeMs);
          }
          for (let k = 1; k < builtAt.length; k++) expect(builtAt[k] - builtAt[k - 1]).toBeGreaterThanOrEqual(maxAgeMs);
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** One scrape on its own connection: the status, or the error code when the server closed it. */
function scrape(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/metrics", agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve("response error"));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Blocks this thread's event loop for `ms`. */
function busyFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

/** Resolves once `ok()` holds, looking every 10 ms; fails after 10 s. */
async function until(ok: () => boolean): Promise<void> {
  for (let waitedMs = 0; !ok(); waitedMs += 10) {
    if (waitedMs > 10_000) throw new Error("gave up waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("metrics server limits", () => {
  it("64 parallel scrapes within cacheMs: the text is built once and at most 8 connections are open at once", async () => {
    let builds = 0;
    const registry = {
      contentType: "text/plain; version=0.0.4; charset=utf-8" as const,
      // Slow enough that the scrapes overlap.
      metrics: () => new Promise<string>((resolve) => setTimeout(() => resolve(`# build ${++builds}\n`), 50)),
    };
    // The cache's clock stands still: the scrapes all fall within one cacheMs however long a
    // busy machine takes over them (a real second saw 3 builds next to two busy loops).
    const server = await startMetricsServer(registry, 0, { maxConnections: 8, wallNowMs: () => 0 });
    try {
      const outcomes = await Promise.all(Array.from({ length: 64 }, () => scrape(server.port)));
      const served = outcomes.filter((o) => o === 200).length;
      expect(served, outcomes.join(",")).toBeGreaterThanOrEqual(1);
      // The rest were closed on accept, not answered with an error status.
      for (const o of outcomes) if (o !== 200) expect(typeof o).toBe("string");
      expect(builds).toBe(1);
      expect(server.peakConnections).toBeLessThanOrEqual(8);
    } finally {
      await server.close();
    }
  });

  // Node frees a connection's place in maxConnections when the socket is destroyed (its
  // descriptor closes then); 'close' follows a loop turn later. A scrape accepted in between
  // is the only one open, and peakConnections must say 1, not 2. Made certain here: the loop
  // is blocked while a second process connects, then the headers timeout drops the first
  // scrape and the second is accepted in the same turn.
  it("a scrape accepted in the place of one just dropped: peakConnections counts the sockets really open", async () => {
    const registry = { contentType: "text/plain; version=0.0.4; charset=utf-8" as const, metrics: async () => "ok\n" };
    const server = await startMetricsServer(registry, 0, { maxConnections: 1, headersTimeoutMs: 300 });
    const stalled = net.connect({ host: "127.0.0.1", port: server.port }, () => stalled.write("GET /metrics HTTP/1.1\r\n"));
    stalled.on("error", () => {});
    try {
      await until(() => server.peakConnections === 1);
      const child = spawn(
        process.execPath,
        [
          "-e",
          `const http = require("node:http"); console.log("ready"); setTimeout(() => http.get({ host: "127.0.0.1", port: ${server.port}, path: "/metrics", agent: false }, (res) => { console.log(res.statusCode); res.resume(); }).on("error", (e) => console.log(e.code)), 300);`,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      const lines: string[] = [];
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        if (lines.push(...chunk.trim().split("\n")) === 1 && lines[0] === "ready") setImmediate(() => busyFor(1_500));
      });
      await new Promise((resolve) => child.on("close", resolve));
      expect(lines).toEqual(["ready", "200"]);
      expect(server.peakConnections).toBe(1);
    } finally {
      stalled.destroy();
      await server.close();
    }
  });

  it("drops a request whose headers do not arrive within headersTimeoutMs, without an answer", async () => {
    const registry = { contentType: "text/plain; version=0.0.4; charset=utf-8" as const, metrics: async () => "" };
    const server = await startMetricsServer(registry, 0, { headersTimeoutMs: 300 });
    try {
      const received = await new Promise<string>((resolve, reject) => {
        const socket = net.connect({ host: "127.0.0.1", port: server.port }, () => socket.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
        let text = "";
        socket.setEncoding("utf8").on("data", (c: string) => (text += c));
        socket.on("error", () => {});
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error("the stalled request was still open after 8 s"));
        }, 8_000);
        socket.on("close", () => {
          clearTimeout(timer);
          resolve(text);
        });
      });
      expect(received).toBe("");
    } finally {
      await server.close();
    }
  });
});
