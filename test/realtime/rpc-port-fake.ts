// An in-memory RpcPort for driver tests, written as an async function (easier to read than
// the callback the driver takes): its answer or its RpcCallError reaches `done` a turn later.
import { RpcCallError, type RpcTarget } from "../../src/realtime/client/rpc-call.js";
import type { RpcPort } from "../../src/realtime/fleet/fleet-driver.js";
import type { RequestMessage, ResponseMessage } from "../../src/core/protocol/frame.js";

export function fakeRpcPort(answer: (target: RpcTarget, request: RequestMessage, localAddress?: string) => Promise<ResponseMessage>): RpcPort {
  return {
    call(target, request, _timeoutMs, localAddress, done) {
      answer(target, request, localAddress).then(
        (response) => done(null, response),
        (err: unknown) => done(err instanceof RpcCallError ? err : new RpcCallError("CLOSED", String(err)), null),
      );
    },
  };
}
