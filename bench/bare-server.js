// The realtime bench's baseline server, in its own process (as kmssim's hosts would be on
// another machine): answer each connection's first chunk with 38 bytes and close. Prints
// its port, then on "stop" its CPU time in µs, and exits.
import net from "node:net";

const response = Buffer.alloc(38, 1);
const server = net.createServer((socket) => {
  socket.once("data", () => socket.end(response));
  socket.on("error", () => {});
});
server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
process.on("message", (message) => {
  if (message !== "stop") return;
  const cpu = process.cpuUsage();
  process.send({ cpuMicros: cpu.user + cpu.system }, () => process.exit(0));
});
// Bounded: never outlives the bench by more than a few minutes.
setTimeout(() => process.exit(0), 300_000).unref();
