// Live metrics, main-thread side: the prom-client registry read from a run view, and the
// HTTP endpoint (200 /metrics, 404 elsewhere, port in use, close; another address when given).

import http from "node:http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLiveRegistry, leLabel, METRICS_CONTENT_TYPE, statusLabel } from "../../src/realtime/live-metrics/exposition.js";
import { LiveRpcCounts } from "../../src/realtime/live-metrics/live-rpc-counts.js";
import type { LiveHostView, LiveRunView, LiveSliceView } from "../../src/realtime/live-metrics/live-view.js";
import { MetricsPortError, startMetricsServer } from "../../src/realtime/live-metrics/metrics-server.js";
import { parseMetricsListen } from "../../src/realtime/live-metrics/metrics-listen.js";
import { expectWellFormedHistogram, parsePromText, select, total } from "./metrics-text.js";
import { connectRefused } from "../helpers/connect-refused.js";

const HOSTS = ["kms1", "kms2", "kms3"];

function host(name: string, up: boolean, requests: number): LiveHostView {
  return { name, up, requests, unanswered: 1, lost: 2, late: 3, badFrames: 4 };
}

type Outcome = [renewal: boolean, host: number, status: number, latencyMs: number];

function slice(outcomes: readonly Outcome[], activated: number, licensed: number): LiveSliceView {
  const live = new LiveRpcCounts(HOSTS.length);
  for (const [renewal, h, status, ms] of outcomes) live.record(renewal, h, status, ms);
  return { activated, licensed, live: live.toWire({ ok: outcomes.length, errors: new Map([[0x8007232b, 1]]) }) };
}

function view(slices: LiveSliceView[], hosts: LiveHostView[] = HOSTS.map((n, k) => host(n, k !== 1, 10 * (k + 1)))): LiveRunView {
  return {
    clientsTotal: 100,
    simulatedSeconds: () => 3600,
    hosts: () => hosts,
    slices: () => slices,
    endpointName: (k) => HOSTS[k] ?? (k < 0 ? "none" : `endpoint-${k}`),
  };
}

const outcomeArb = fc.tuple(
  fc.boolean(),
  fc.integer({ min: -1, max: 3 }),
  fc.constantFrom(0, 0xc004f038, 0x800706ba),
  fc.double({ min: 0, max: 30_000, noNaN: true }),
);

describe("live registry", () => {
  it("exposes RPCs by kind, host and status, hosts, clients and simulated time", async () => {
    const slices = [
      slice(
        [
          [false, 0, 0, 3],
          [false, 0, 0xc004f038, 4],
          [true, 2, 0, 50],
        ],
        5,
        4,
      ),
      slice(
        [
          [false, 1, 0x800706ba, 2000],
          [false, 0, 0, 1],
        ],
        7,
        6,
      ),
    ];
    const text = parsePromText(await createLiveRegistry(() => view(slices)).metrics());
    expect(text.types.get("kmssim_rpc_total")).toBe("counter");
    expect(select(text, "kmssim_rpc_total", { kind: "activation", host: "kms1", status: "ok" })[0].value).toBe(2);
    expect(select(text, "kmssim_rpc_total", { kind: "activation", host: "kms1", status: "0xC004F038" })[0].value).toBe(1);
    expect(select(text, "kmssim_rpc_total", { kind: "activation", host: "kms2", status: "unreachable" })[0].value).toBe(1);
    expect(select(text, "kmssim_rpc_total", { kind: "renewal", host: "kms3", status: "ok" })[0].value).toBe(1);
    expect(total(text, "kmssim_rpc_total")).toBe(5);
    // A partition of the fleet: 12 activated of 100, 10 of them licensed now.
    expect(select(text, "kmssim_clients").map((s) => [s.labels.state, s.value])).toEqual([
      ["licensed", 10],
      ["lapsed", 2],
      ["not_activated", 88],
    ]);
    expect(total(text, "kmssim_clients")).toBe(100);
    expect(select(text, "kmssim_host_up").map((s) => [s.labels.host, s.value])).toEqual([
      ["kms1", 1],
      ["kms2", 0],
      ["kms3", 1],
    ]);
    expect(select(text, "kmssim_host_requests_total").map((s) => s.value)).toEqual([10, 20, 30]);
    expect(select(text, "kmssim_host_faults_total", { host: "kms2" }).map((s) => [s.labels.reason, s.value])).toEqual([
      ["unanswered", 1],
      ["lost", 2],
      ["late", 3],
      ["bad_frame", 4],
    ]);
    expect(select(text, "kmssim_dns_queries_total").map((s) => [s.labels.status, s.value])).toEqual([
      ["ok", 5],
      ["0x8007232B", 2],
    ]);
    expect(select(text, "kmssim_simulated_seconds")[0].value).toBe(3600);
    const counts = expectWellFormedHistogram(text, "kmssim_rpc_latency_seconds");
    const series = (kind: string, host: string): string =>
      JSON.stringify([
        ["host", host],
        ["kind", kind],
      ]);
    expect(counts).toEqual(
      new Map([
        [series("activation", "kms1"), 3],
        [series("renewal", "kms3"), 1],
        [series("activation", "kms2"), 1],
      ]),
    );
    expect(select(text, "kmssim_rpc_latency_seconds_sum", { kind: "activation", host: "kms1" })[0].value).toBeCloseTo(0.008, 9);
    expect(select(text, "kmssim_rpc_latency_seconds_sum", { kind: "activation", host: "kms2" })[0].value).toBeCloseTo(2, 9);
    // 2000 ms lies on a bound: counted in le="2", not only in +Inf.
    expect(select(text, "kmssim_rpc_latency_seconds_bucket", { kind: "activation", host: "kms2", le: "2" })[0].value).toBe(1);
    expect(select(text, "kmssim_rpc_latency_seconds_bucket", { kind: "activation", host: "kms2", le: "1" })[0].value).toBe(0);
    expect(total(text, "kmssim_rpc_latency_seconds_bucket", { kind: "activation", le: "1" })).toBe(3);
  });

  it("for any outcomes: histograms are cumulative, end at +Inf = _count = that kind and host's RPC total", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(outcomeArb, { maxLength: 40 }), { minLength: 1, maxLength: 4 }), async (workers) => {
        const text = parsePromText(await createLiveRegistry(() => view(workers.map((o) => slice(o, 0, 0)))).metrics());
        if (workers.flat().length === 0) {
          expect(select(text, "kmssim_rpc_latency_seconds_count")).toEqual([]);
          return;
        }
        const counts = expectWellFormedHistogram(text, "kmssim_rpc_latency_seconds");
        for (const kind of ["activation", "renewal"]) {
          for (const host of ["none", ...HOSTS, "endpoint-3"]) {
            const key = JSON.stringify([
              ["host", host],
              ["kind", kind],
            ]);
            expect(counts.get(key) ?? 0).toBe(total(text, "kmssim_rpc_total", { kind, host }));
          }
        }
        expect([...counts.values()].reduce((a, n) => a + n, 0)).toBe(total(text, "kmssim_rpc_total"));
      }),
      { numRuns: 40 },
    );
  });

  it("before the run is set up: every metric's HELP and TYPE, no samples but simulated time 0", async () => {
    const raw = await createLiveRegistry(() => null).metrics();
    const text = parsePromText(raw);
    expect(text.samples).toEqual([{ name: "kmssim_simulated_seconds", labels: {}, value: 0 }]);
    expect([...text.types.keys()].sort()).toEqual(
      [
        "kmssim_clients",
        "kmssim_dns_queries_total",
        "kmssim_host_faults_total",
        "kmssim_host_requests_total",
        "kmssim_host_up",
        "kmssim_rpc_latency_seconds",
        "kmssim_rpc_total",
        "kmssim_simulated_seconds",
      ].sort(),
    );
  });

  it("reads the view at every scrape (values follow the run)", async () => {
    let slices = [slice([[false, 0, 0, 1]], 1, 1)];
    const registry = createLiveRegistry(() => view(slices));
    expect(total(parsePromText(await registry.metrics()), "kmssim_rpc_total")).toBe(1);
    slices = [
      slice(
        [
          [false, 0, 0, 1],
          [true, 0, 0, 1],
          [true, 2, 0, 1],
        ],
        1,
        1,
      ),
    ];
    expect(total(parsePromText(await registry.metrics()), "kmssim_rpc_total")).toBe(3);
  });

  it("labels statuses and bounds as documented", () => {
    expect([statusLabel(0), statusLabel(0x800706ba), statusLabel(0xc004f038)]).toEqual(["ok", "unreachable", "0xC004F038"]);
    expect([leLabel(0.5), leLabel(1000), leLabel(10_000)]).toEqual(["0.0005", "1", "10"]);
  });
});

function get(port: number, path: string, agent?: http.Agent): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}

describe("metrics server", () => {
  it("serves /metrics as Prometheus text on 127.0.0.1, 404 elsewhere, and closes with a keep-alive scraper connected", async () => {
    const server = await startMetricsServer(
      createLiveRegistry(() => view([slice([[false, 0, 0, 1]], 1, 1)])),
      0,
    );
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    const agent = new http.Agent({ keepAlive: true });
    try {
      const ok = await get(server.port, "/metrics", agent);
      expect(ok.status).toBe(200);
      expect(ok.type).toBe(METRICS_CONTENT_TYPE);
      expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(total(parsePromText(ok.body), "kmssim_rpc_total")).toBe(1);
      expect((await get(server.port, "/metrics?x=1", agent)).status).toBe(200);
      expect((await get(server.port, "/", agent)).status).toBe(404);
      expect((await get(server.port, "/metrics/extra", agent)).status).toBe(404);
    } finally {
      await server.close();
      agent.destroy();
    }
    expect(await connectRefused(server.port)).toBe(true);
  });

  it("a port in use is a MetricsPortError naming the port", async () => {
    const first = await startMetricsServer(
      createLiveRegistry(() => null),
      0,
    );
    try {
      const err = await startMetricsServer(
        createLiveRegistry(() => null),
        first.port,
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MetricsPortError);
      expect((err as MetricsPortError).errno).toBe("EADDRINUSE");
      expect((err as MetricsPortError).message).toContain(`port ${first.port} on 127.0.0.1 is in use`);
    } finally {
      await first.close();
    }
  });

  it("listens where --metrics-listen says: 0.0.0.0 answers on loopback too, and the URL names what was typed", async () => {
    const server = await startMetricsServer(
      createLiveRegistry(() => null),
      parseMetricsListen("0.0.0.0:0"),
    );
    try {
      expect(server.url).toBe(`http://0.0.0.0:${server.port}/metrics`);
      expect((await get(server.port, "/metrics")).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("an address this machine does not have is exit 2 (KMSSIM_NOT_AN_ADDRESS), naming the flag as given", async () => {
    // 192.0.2.0/24 is TEST-NET-1: documentation only, never a local address.
    const err = await startMetricsServer(
      createLiveRegistry(() => null),
      parseMetricsListen("192.0.2.1:0"),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MetricsPortError);
    expect((err as MetricsPortError).code).toBe("KMSSIM_NOT_AN_ADDRESS");
    expect((err as MetricsPortError).exitCode).toBe(2);
    expect((err as MetricsPortError).message).toContain("--metrics-listen 192.0.2.1:0: 192.0.2.1 is not an address of this machine");
  });
});
