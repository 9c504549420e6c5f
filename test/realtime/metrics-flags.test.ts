// The live metrics' flags, parsed: --metrics-listen ADDR:PORT (IPv4, [v6]), --metrics-port
// as its shorthand and the conflict between them, --metrics-push URL and the Pushgateway
// group a run pushes to. Every refusal is a KmssimError (exit 2) naming the flag.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KmssimError } from "../../src/core/kmssim-error.js";
import { isLoopbackListen, metricsListenOf, metricsUrl, parseMetricsListen } from "../../src/realtime/live-metrics/metrics-listen.js";
import { maskPushPassword, parseMetricsPush, pushGroupings } from "../../src/realtime/live-metrics/metrics-push.js";

function refusal(f: () => unknown): KmssimError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(KmssimError);
    expect((err as KmssimError).exitCode).toBe(2);
    return err as KmssimError;
  }
  return expect.fail("expected a refusal");
}

describe("--metrics-listen", () => {
  it("takes IPv4:PORT and [IPv6]:PORT, the address as typed", () => {
    expect(parseMetricsListen("127.0.0.1:9464")).toEqual({ host: "127.0.0.1", port: 9464, given: "--metrics-listen 127.0.0.1:9464" });
    expect(parseMetricsListen("0.0.0.0:0")).toMatchObject({ host: "0.0.0.0", port: 0 });
    expect(parseMetricsListen("[::1]:9464")).toMatchObject({ host: "::1", port: 9464 });
    expect(parseMetricsListen("[::]:65535")).toMatchObject({ host: "::", port: 65535 });
    expect(parseMetricsListen("10.1.2.3:80")).toMatchObject({ host: "10.1.2.3", port: 80 });
  });

  it("refuses what is not an IP literal and a port, saying which part is wrong", () => {
    expect(refusal(() => parseMetricsListen("9464")).message).toContain("--metrics-listen: '9464' is not ADDR:PORT");
    expect(refusal(() => parseMetricsListen("::1:9464")).message).toContain("write an IPv6 address in brackets");
    expect(refusal(() => parseMetricsListen("localhost:9464")).message).toContain("names 'localhost', which is not an IP address");
    expect(refusal(() => parseMetricsListen(":9464")).message).toContain("has no address");
    expect(refusal(() => parseMetricsListen("127.0.0.1:70000")).message).toContain("has no port from 0 to 65535");
    expect(refusal(() => parseMetricsListen("127.0.0.1:")).message).toContain("has no port");
    expect(refusal(() => parseMetricsListen("127.0.0.1:-1")).message).toContain("has no port");
    expect(refusal(() => parseMetricsListen("[127.0.0.1]:9464")).message).toContain("not an IP address");
    expect(refusal(() => parseMetricsListen("010.0.0.1:9464")).message).toContain("not an IP address");
  });

  it("round-trips any IPv4 address and port", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 65535 }), (address, port) => {
        const listen = parseMetricsListen(`${address}:${port}`);
        expect([listen.host, listen.port]).toEqual([address, port]);
        expect(metricsUrl(listen.host, listen.port)).toBe(`http://${address}:${port}/metrics`);
      }),
    );
  });

  it("--metrics-port P is 127.0.0.1:P; both flags at once are refused, naming both and their variables", () => {
    expect(metricsListenOf({})).toBeNull();
    expect(metricsListenOf({ metricsPort: 9464 })).toEqual({ host: "127.0.0.1", port: 9464, given: "--metrics-port 9464" });
    expect(metricsListenOf({ metricsListen: "[::1]:1" })).toMatchObject({ host: "::1", port: 1 });
    const both = refusal(() => metricsListenOf({ metricsPort: 9464, metricsListen: "0.0.0.0:9464" })).message;
    expect(both).toContain("--metrics-port 9464 and --metrics-listen 0.0.0.0:9464");
    expect(both).toContain("KMSSIM_METRICS_PORT");
    expect(refusal(() => metricsListenOf({ metricsPort: 70000 })).message).toContain("--metrics-port must be a port number from 0 to 65535");
    expect(refusal(() => metricsListenOf({ metricsPort: 1.5 })).message).toContain("--metrics-port must be a port number");
  });

  it("knows which addresses only this machine reaches", () => {
    expect(["127.0.0.1", "127.9.9.9", "::1"].map(isLoopbackListen)).toEqual([true, true, true]);
    expect(["0.0.0.0", "10.0.0.5", "::", "fe80::1"].map(isLoopbackListen)).toEqual([false, false, false, false]);
    expect(metricsUrl("::1", 9464)).toBe("http://[::1]:9464/metrics");
  });
});

describe("--metrics-push", () => {
  it("takes an http(s) URL with an IP address, a trailing slash dropped and a path kept", () => {
    expect(parseMetricsPush("http://127.0.0.1:9091")).toEqual({ url: "http://127.0.0.1:9091", shown: "http://127.0.0.1:9091", host: "127.0.0.1" });
    expect(parseMetricsPush("http://127.0.0.1:9091/")).toEqual({ url: "http://127.0.0.1:9091", shown: "http://127.0.0.1:9091", host: "127.0.0.1" });
    expect(parseMetricsPush("https://10.0.0.7:9091/gw")).toEqual({ url: "https://10.0.0.7:9091/gw", shown: "https://10.0.0.7:9091/gw", host: "10.0.0.7" });
    expect(parseMetricsPush("http://[::1]:9091")).toEqual({ url: "http://[::1]:9091", shown: "http://[::1]:9091", host: "::1" });
  });

  it("keeps a password in the URL for the request but never shows it", () => {
    const push = parseMetricsPush("http://ci:p%40ss@127.0.0.1:9091");
    expect(push.url).toBe("http://ci:p%40ss@127.0.0.1:9091");
    expect(push.shown).toBe("http://ci:***@127.0.0.1:9091");
    expect(maskPushPassword("401 for ci:p%40ss and p@ss", push)).toBe("401 for ci:*** and ***");
    expect(maskPushPassword("ECONNREFUSED", parseMetricsPush("http://127.0.0.1:9091"))).toBe("ECONNREFUSED");
    const refused = refusal(() => parseMetricsPush("http://ci:hunter2@pushgateway:9091")).message;
    expect(refused).toContain("'http://ci:***@pushgateway:9091'");
    expect(refused).not.toContain("hunter2");
    expect(refusal(() => parseMetricsPush("http://ci:hunter2@bad host")).message).not.toContain("hunter2");
  });

  it("refuses names, 'any address', other schemes, queries and non-URLs", () => {
    expect(refusal(() => parseMetricsPush("http://pushgateway:9091")).message).toContain("names 'pushgateway', not an IP address");
    expect(refusal(() => parseMetricsPush("http://0.0.0.0:9091")).message).toContain('"any address"');
    expect(refusal(() => parseMetricsPush("http://[::]:9091")).message).toContain('"any address"');
    expect(refusal(() => parseMetricsPush("ftp://127.0.0.1/")).message).toContain("not an http:// or https:// URL");
    expect(refusal(() => parseMetricsPush("http://127.0.0.1:9091/?a=1")).message).toContain("query or fragment");
    expect(refusal(() => parseMetricsPush("127.0.0.1:9091")).message).toContain("--metrics-push: '127.0.0.1:9091'");
    expect(refusal(() => parseMetricsPush("not a url")).message).toContain("is not a URL");
  });

  it("groups by scenario, and by shard when the fleet is split (shards of one run do not replace each other)", () => {
    expect(pushGroupings("multi-host", { index: 1, count: 1 })).toEqual({ scenario: "multi-host" });
    expect(pushGroupings("fleet", { index: 2, count: 4 })).toEqual({ scenario: "fleet", shard: "2-of-4" });
    // A Pushgateway path takes no "/" nor an empty value.
    expect(pushGroupings("a/b", { index: 1, count: 1 })).toEqual({ scenario: "a_b" });
    expect(pushGroupings("", { index: 1, count: 2 })).toEqual({ shard: "1-of-2" });
  });
});
