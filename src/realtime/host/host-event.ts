// One scenario host event (crash, hang, slow, recover, decommission) carried out on a
// real host listener and told to its publisher: shared by `run` (realtime) and
// `kmssim host --start-at`, so a host behaves the same in either process.

import { lifeEventOf } from "../../core/host/host-lifecycle.js";
import type { HostEvent } from "../../scenario/model.js";
import type { HostPublisher } from "./host-publisher.js";
import type { KmsHostServer } from "./host-server.js";

/**
 * The host's state changes at once; the listener work (close, re-listen) is the promise.
 * `host` is the host's endpoint index as the publisher knows it.
 */
export async function applyHostEvent(event: HostEvent, server: KmsHostServer, host: number, publisher: HostPublisher | null): Promise<void> {
  publisher?.hostEvent(host, event.action);
  return server.feed(lifeEventOf(event));
}
