// Measures how the embedded DNS server serves a good TCP client while "drippers" hold
// connections open, each sending one byte every few seconds (a slowloris on DNS over TCP).
// Loopback only; bounded in count and time. `npm run build && node bench/dns-tcp-drip.js`.
// DRIPPERS (default 1100), DRIP_ADDRESSES (source addresses 127.0.1.x, default 100),
// DRIP_EVERY_MS (default 5000), SECONDS (default 30), RECONNECT (default 1: a dripper the
// server closes connects again, until the end). Prints the good client's latency.
import net from "node:net";
import { performance } from "node:perf_hooks";
import { EmbeddedDnsServer } from "../dist/dns/dns-server.js";
import { DnsZone } from "../dist/dns/zone.js";
import { tcpExchange } from "../dist/dns/tcp-exchange.js";
import dnsPacket from "dns-packet";

const drippers = Number(process.env.DRIPPERS ?? 1100);
const addresses = Math.min(250, Number(process.env.DRIP_ADDRESSES ?? 100));
const dripEveryMs = Number(process.env.DRIP_EVERY_MS ?? 5000);
const seconds = Math.min(300, Number(process.env.SECONDS ?? 30));
const reconnect = (process.env.RECONNECT ?? "1") === "1";
let running = true;

const zone = new DnsZone(["corp.example"]);
zone.addSrv("corp.example", { target: "kms1.corp.example", port: 1688, priority: 0, weight: 100, ttlSeconds: 600 });
zone.addA("kms1.corp.example", "127.0.0.2", 600);
const server = new EmbeddedDnsServer({ zone });
const { port } = await server.start();

const sockets = new Set();
let opened = 0;
let closedByServer = 0;
function drip(k) {
  const socket = net.connect({ host: "127.0.0.1", port, localAddress: `127.0.1.${(k % addresses) + 1}` });
  sockets.add(socket);
  socket.on("error", () => undefined);
  socket.on("connect", () => {
    opened++;
    socket.write(Buffer.from([0x00])); // half a length prefix
  });
  const timer = setInterval(() => socket.writable && socket.write(Buffer.from([0x40])), dripEveryMs);
  socket.on("close", () => {
    clearInterval(timer);
    if (sockets.delete(socket)) {
      closedByServer++;
      if (running && reconnect) setTimeout(() => running && drip(k), 100);
    }
  });
}
for (let k = 0; k < drippers; k++) drip(k);

const query = dnsPacket.encode({ type: "query", id: 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "SRV", name: "_vlmcs._tcp.corp.example" }] });
const latenciesMs = [];
let failed = 0;
const endAt = Date.now() + seconds * 1000;
await new Promise((r) => setTimeout(r, 1000)); // let the drippers connect first
while (Date.now() < endAt) {
  const started = performance.now();
  try {
    await tcpExchange("127.0.0.1", port, query, 5000, globalThis.AbortSignal.timeout(10_000));
    latenciesMs.push(performance.now() - started);
  } catch {
    failed++;
  }
  await new Promise((r) => setTimeout(r, 250));
}
running = false;
const held = sockets.size;
for (const socket of sockets) socket.destroy();
sockets.clear();
await server.stop();

latenciesMs.sort((a, b) => a - b);
const at = (q) => (latenciesMs.length === 0 ? NaN : latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(q * latenciesMs.length))]);
const ms = (x) => (Number.isNaN(x) ? "-" : x.toFixed(1));
console.log(
  `drippers ${drippers} from ${addresses} addresses (connections made ${opened}, closed by the server ${closedByServer}, still open at the end ${held})\n` +
    `good client: ${latenciesMs.length} answered, ${failed} failed over ${seconds} s; latency ms p50 ${ms(at(0.5))} p99 ${ms(at(0.99))} max ${ms(latenciesMs.at(-1) ?? NaN)}`,
);
