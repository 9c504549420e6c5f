// The realtime bench's bare server, in a process of its own: kmssim's wire protocol
// (docs/protocol.md) with nothing else — reads ActivationRequest frames (39 bytes) from
// each connection and answers each with an ActivationResponse (38 bytes, same request
// id, status 0), like a kmssim host with no queue, no books and no host logic. Imports
// nothing from kmssim. Prints {port} as JSON on stdout; on SIGTERM prints {cpuMicros}
// and exits. Usage: node bench/bare-server.js
import net from "node:net";

const REQUEST_BYTES = 39;
const response = Buffer.alloc(38);
response.writeUInt32BE(34, 0);
response.write("KS", 4, "latin1");
response[6] = 1; // version
response[7] = 2; // ActivationResponse
response.writeUInt32BE(0, 12); // status: success
response.writeUInt16BE(0, 16); // host id
response.writeUInt32BE(50, 18); // count
response.writeDoubleBE(7_200_000, 22); // activation interval
response.writeDoubleBE(14_400_000, 30); // renewal interval

const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
  let pending = null;
  socket.on("data", (chunk) => {
    let data = pending === null ? chunk : Buffer.concat([pending, chunk]);
    while (data.length >= REQUEST_BYTES) {
      // A frame that is not a version 1 ActivationRequest ends the connection.
      if (data.readUInt32BE(0) !== 35 || data[4] !== 0x4b || data[5] !== 0x53 || data[6] !== 1 || data[7] !== 1) return void socket.destroy();
      const answer = Buffer.from(response);
      answer.writeUInt32BE(data.readUInt32BE(8), 8);
      socket.write(answer);
      data = data.subarray(REQUEST_BYTES);
    }
    pending = data.length > 0 ? data : null;
  });
  socket.on("end", () => socket.end());
  socket.on("error", () => {});
});
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => console.log(JSON.stringify({ port: server.address().port })));
process.on("SIGTERM", () => {
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ cpuMicros: cpu.user + cpu.system }) + "\n", () => process.exit(0));
});
// Bounded: never outlives the bench by more than a few minutes.
setTimeout(() => process.exit(0), 300_000).unref();
