// The realtime bench's bare client, in a process of its own: `loops` concurrent
// connect-send-receive-close loops speaking kmssim's wire protocol (docs/protocol.md)
// to one server on loopback, shaped like a kmssim realtime client's request
// (src/realtime/client/rpc-call.ts): a fresh connection from one of 32 loopback source
// addresses, no-delay, one 39-byte ActivationRequest, the 38-byte answer with the same
// request id, an RPC timeout timer, destroy. Imports nothing from kmssim. Prints
// {rpcs, seconds, rate, cpuMicros, failed} as JSON.
// Usage: node bench/bare-client.js PORT [--seconds S] [--loops N]
import net from "node:net";
import { performance } from "node:perf_hooks";

const args = process.argv.slice(2);
const port = Number(args[0]);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const seconds = flag("--seconds", 5);
const loops = flag("--loops", 64);
const RPC_TIMEOUT_MS = 5_000;

const request = Buffer.alloc(39);
request.writeUInt32BE(35, 0);
request.write("KS", 4, "latin1");
request[6] = 1; // version
request[7] = 1; // ActivationRequest
request[36] = 1; // windows-client
request[37] = 1; // renewal
request[38] = 1; // licensed

let nextId = 1;
let clientIndex = 0;
let done = 0;
let failed = 0;

function call() {
  return new Promise((resolve) => {
    const id = nextId++;
    const frame = Buffer.from(request);
    frame.writeUInt32BE(id, 8);
    frame.writeUInt32BE(clientIndex, 24); // CMID: any 16 bytes, distinct per client
    frame.writeDoubleBE(Date.now(), 28);
    const localAddress = `127.0.0.${2 + (clientIndex++ % 32)}`;
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    let settled = false;
    const finish = (ok) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (ok) done++;
      else failed++;
      resolve();
    };
    const timer = setTimeout(() => finish(false), RPC_TIMEOUT_MS);
    socket.setNoDelay(true);
    socket.on("connect", () => socket.write(frame));
    let buffered = null;
    socket.on("data", (chunk) => {
      buffered = buffered === null ? chunk : Buffer.concat([buffered, chunk]);
      if (buffered.length < 38) return;
      finish(buffered[7] === 2 && buffered.readUInt32BE(8) === id);
    });
    socket.on("error", () => finish(false));
    socket.on("close", () => finish(false));
  });
}

const cpuBefore = process.cpuUsage();
const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(
  Array.from({ length: loops }, async () => {
    while (performance.now() < deadline) await call();
  }),
);
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ rpcs: done, failed, seconds: elapsed, rate: done / elapsed, cpuMicros: cpu.user + cpu.system }));
