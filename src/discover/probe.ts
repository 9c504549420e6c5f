// One TCP connect to a host's port with a bounded wait: open (then closed at once, no
// byte sent), refused, timed out, or another socket error. Never throws.

import net from "node:net";
import type { ProbeResult } from "./audit.js";

export interface ProbeOptions {
  timeoutMs: number;
  /** Clock for connectMs. Default performance.now. */
  now?: () => number;
}

export function probeTcp(address: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    let settled = false;
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ status: "timeout", message: `no connection within ${options.timeoutMs} ms` }), options.timeoutMs);
    socket.once("connect", () => finish({ status: "open", connectMs: Math.max(0, now() - started) }));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED") finish({ status: "refused", message: "connection refused" });
      else finish({ status: "error", message: error.code ?? error.message });
    });
  });
}

/** Runs `probe` over `items` with at most `limit` at once; results in input order. */
export async function boundedAll<T, R>(items: readonly T[], limit: number, probe: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    // Each turn takes one item, so each worker ends within items.length turns.
    while (next < items.length) {
      const i = next++;
      results[i] = await probe(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
