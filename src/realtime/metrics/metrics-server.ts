// The HTTP endpoint of the live metrics: GET /metrics on 127.0.0.1 only (the simulator
// is a loopback tool; nothing of it listens on other interfaces), 404 for other paths.
// close() also ends keep-alive connections a scraper holds, so the process can exit.

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export const METRICS_ADDRESS = "127.0.0.1";

export class MetricsPortError extends Error {
  readonly code = "KMSSIM_METRICS_PORT";
  constructor(
    message: string,
    readonly errno: string | undefined,
  ) {
    super(message);
    this.name = "MetricsPortError";
  }
}

export interface MetricsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(registry: Registry, port: number): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found: the metrics are at /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("method not allowed\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(req.method === "HEAD" ? undefined : text),
      (err: unknown) => res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`metrics failed: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const why = err.code === "EADDRINUSE" ? "is in use" : err.code === "EACCES" ? "is not allowed for this user" : `cannot be used (${err.message})`;
      reject(new MetricsPortError(`--metrics-port ${port}: port ${port} on ${METRICS_ADDRESS} ${why}; pick another port, or 0 for a free one`, err.code));
    });
    server.listen(port, METRICS_ADDRESS, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://${METRICS_ADDRESS}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
