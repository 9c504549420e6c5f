// The HTTP endpoint of the live metrics: GET /metrics, 404 for other paths; on 127.0.0.1
// unless the user typed another address (--metrics-listen, see metrics-listen.ts).
// close() also ends keep-alive connections a scraper holds, so the process can exit.
//
// It shares the event loop with the run's hosts, so scrapers get little of it: at most
// maxConnections at once (more are closed on accept), headers and idle keep-alive are
// timed out (a stalled request is dropped without an answer), and the text is built at
// most once per cacheMs however many scrape.

import { KmssimError } from "../../core/kmssim-error.js";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Registry } from "prom-client";
import { CachedText } from "./cached-text.js";
import { DEFAULT_METRICS_ADDRESS, metricsUrl, type MetricsListen } from "./metrics-listen.js";

export class MetricsPortError extends KmssimError {
  constructor(
    message: string,
    readonly errno: string | undefined,
  ) {
    super(message, errno === "EACCES" ? "KMSSIM_LISTEN_DENIED" : errno === "EADDRNOTAVAIL" ? "KMSSIM_NOT_AN_ADDRESS" : "KMSSIM_PORT_IN_USE");
    this.name = "MetricsPortError";
  }
}

export interface MetricsServer {
  host: string;
  port: number;
  url: string;
  /** Most connections open at once so far; for tests and diagnostics. */
  readonly peakConnections: number;
  close(): Promise<void>;
}

export interface MetricsServerLimits {
  /** Scraper connections open at once; more are closed as they are accepted. */
  maxConnections: number;
  /** Wall ms to receive a request's headers. */
  headersTimeoutMs: number;
  /** Wall ms a keep-alive connection may wait for its next request. */
  keepAliveTimeoutMs: number;
  /** Wall ms the built text is reused. */
  cacheMs: number;
  wallNowMs: () => number;
}

export const DEFAULT_METRICS_LIMITS: MetricsServerLimits = {
  maxConnections: 8,
  headersTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  cacheMs: 1_000,
  wallNowMs: () => performance.now(),
};

/** How often node looks for requests past their headers timeout (its default is 30 s). */
const TIMEOUT_CHECK_MS = 1_000;

export async function startMetricsServer(
  registry: Pick<Registry, "metrics" | "contentType">,
  /** Where to listen; a bare port is 127.0.0.1:port (--metrics-port). */
  listen: number | MetricsListen,
  limits: Partial<MetricsServerLimits> = {},
): Promise<MetricsServer> {
  const { host, port, given } = typeof listen === "number" ? { host: DEFAULT_METRICS_ADDRESS, port: listen, given: `--metrics-port ${listen}` } : listen;
  const { maxConnections, headersTimeoutMs, keepAliveTimeoutMs, cacheMs, wallNowMs } = { ...DEFAULT_METRICS_LIMITS, ...limits };
  const text = new CachedText({ build: () => registry.metrics(), maxAgeMs: cacheMs, wallNowMs });
  const server = http.createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: 2 * headersTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path !== "/metrics") {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found: the metrics are at /metrics\n");
        return;
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("method not allowed\n");
        return;
      }
      text.get().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(req.method === "HEAD" ? undefined : text),
        (err: unknown) => res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`metrics failed: ${String(err)}\n`),
      );
    },
  );
  server.maxConnections = maxConnections;
  // Connections past maxConnections are dropped before 'connection': these are the served ones.
  // A socket is open until it is destroyed, as node counts it for maxConnections: its
  // descriptor closes then, while 'close' comes a loop turn later, after node may already
  // have accepted the next one in its place (counting to 'close' saw 9 of 8 on a busy machine).
  const open = new Set<Socket>();
  let peakConnections = 0;
  server.on("connection", (socket: Socket) => {
    for (const s of open) if (s.destroyed) open.delete(s);
    open.add(socket);
    peakConnections = Math.max(peakConnections, open.size);
    socket.once("close", () => open.delete(socket));
  });
  // A request that stalls (headers timeout) or is garbled is dropped without a word; nothing
  // else of the server's would answer it any better.
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRNOTAVAIL") {
        reject(
          new MetricsPortError(`${given}: ${host} is not an address of this machine; give one of its own addresses, or 0.0.0.0 for every interface`, err.code),
        );
        return;
      }
      const why = err.code === "EADDRINUSE" ? "is in use" : err.code === "EACCES" ? "is not allowed for this user" : `cannot be used (${err.message})`;
      reject(new MetricsPortError(`${given}: port ${port} on ${host} ${why}; pick another port, or 0 for a free one`, err.code));
    });
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    host,
    port: bound,
    url: metricsUrl(host, bound),
    get peakConnections() {
      return peakConnections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
