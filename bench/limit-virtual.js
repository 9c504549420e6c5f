// The virtual engine's practical limit: one plain-Node file that simulates the workload
// of scenarios/large-fleet.yaml with the same model and the same events as kmssim's
// virtual engine (client timer, DNS reply, host arrival, RPC reply), written the way a
// hand-tuned single-purpose simulator would be. `npm run bench` runs it beside kmssim
// in the same run; its wall time over kmssim's is the virtual ratio. An anchor, not a
// second product: nothing here is used by kmssim.
//
// The same model, event for event:
//   - clients in boot order (each group's boot times: sorted uniform draws over 12 h from
//     the group's own stream), one mulberry32 stream per client drawn in the same order
//     as kmssim's, so the run is close to identical (same event count, mean and p99);
//   - DNS query (2 one-way delays), answer cached for the TTL (1 h); SRV selection win7
//     (lowest priority, then by weight) or vista (uniform); the host that answered is
//     cached; a refused request removes the host, a cached host's failure rediscovers;
//   - RPC: one-way latency 0.5 ms ± 0.1 ms jitter each way, RPC timeout 5 s; M/M/c
//     service (exponential, mean 1 ms, 256 servers) by Kiefer–Wolfowitz's recursion over
//     the busy servers' free-at times only; host count vs threshold (windows-client 25,
//     windows-server 5): below it 0xC004F038, retry at the activation interval (2 h);
//     success: valid 180 d, renew every 7 d; kms2 crashes at 675 h (requests it holds
//     reset, new ones refused) and recovers at 29 d.
//   - events in a calendar of 1 s buckets (a ring of 2^20 s, longer than any delay)
//     feeding a small near-term binary heap; stale replies (rescheduled by the crash)
//     are popped and counted like kmssim counts them.
//   - latencies recorded in µs as HdrHistogram counts (activation, renewal, DNS), read out
//     with hdr-histogram-js.
//
// What it simplifies (none of it changes this workload's events or latencies):
//   - the workload is written in below (WORKLOAD), not read from the YAML; only
//     `--clients N` scales it like kmssim's `--clients` (the bench checks the event counts
//     agree);
//   - the CMID counter is a distinct count that saturates at 2 × threshold; the 30-day
//     expiry is left out (each host sees far more than 50 clients a month here);
//   - no timeline samples, DNS publishing refreshes (the records never change here), host
//     /dlv books, per-group tallies, licensed tally, shards or invariant checks;
//   - license status is "licensed or not" (the grace states only feed host counters).
//
// Usage: node bench/limit-virtual.js [--clients N] [--json]
import { performance } from "node:perf_hooks";
import hdr from "hdr-histogram-js";

const H = 3_600_000;
const D = 24 * H;
const WORKLOAD = {
  seed: 2026,
  durationMs: 180 * D,
  // kms1..kms4 in scenario order: endpoint = index.
  hosts: [
    { priority: 0, weight: 100, concurrency: 256, serviceTimeMs: 1 },
    { priority: 0, weight: 100, concurrency: 256, serviceTimeMs: 1 },
    { priority: 0, weight: 100, concurrency: 256, serviceTimeMs: 1 },
    { priority: 10, weight: 100, concurrency: 256, serviceTimeMs: 1 },
  ],
  // product 0: windows-client (threshold 25), 1: windows-server (threshold 5)
  groups: [
    { count: 850_000, vista: false, product: 0, bootSpreadMs: 12 * H },
    { count: 100_000, vista: true, product: 0, bootSpreadMs: 12 * H },
    { count: 50_000, vista: false, product: 1, bootSpreadMs: 12 * H },
  ],
  thresholds: [25, 5],
  events: [
    { atMs: 675 * H, host: 1, crash: true },
    { atMs: 29 * D, host: 1, crash: false },
  ],
  latencyMs: 0.5,
  jitterMs: 0.1,
  rpcTimeoutMs: 5_000,
  ttlMs: H,
  activationIntervalMs: 2 * H,
  renewalIntervalMs: 7 * D,
  validityMs: 180 * D,
};

const UNREACHABLE = 0x800706ba;
const NOT_ENOUGH = 0xc004f038;
const EV_TIMER = 0;
const EV_DNS = 1;
const EV_ARRIVAL = 2;
const EV_REPLY = 3;

const argv = process.argv.slice(2);
const clientsFlag = argv.indexOf("--clients");
const json = argv.includes("--json");
const W = WORKLOAD;
const counts = scaleCounts(
  W.groups.map((g) => g.count),
  clientsFlag >= 0 ? Number(argv[clientsFlag + 1]) : undefined,
);
const N = counts.reduce((a, b) => a + b, 0);

const started = performance.now();

// ---- randomness: kmssim's mulberry32 and stream seeds ----
function mix32(x) {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
function deriveSeed(seed, streamId) {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return mix32(mix32(lo ^ 0x9e3779b9) ^ mix32(hi + 0x7f4a7c15) ^ mix32(Math.imul(streamId + 1, 0x632be5ab)));
}
function mulberry(state) {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// ---- clients: one 64-byte record each ----
// f64 words: 0 validUntil (0 = never activated), 1 dueAt, 2 answerExpires (0 = none), 3 replyAt (-1 none)
// u32 words: 8 rng state, 9 pending status
// bytes: 40 flags, 41 cached host (255 none), 42 target host, 43 removed mask, 44 at host, 45 group
const REC = 64;
const buf = new ArrayBuffer(N * REC);
const f64 = new Float64Array(buf);
const u32 = new Uint32Array(buf);
const u8 = new Uint8Array(buf);
const F_RENEWAL = 1;
const F_CACHE = 2;
const F_FAILOVER = 4;
const NO_HOST = 255;

let rngWord = 0;
function rand() {
  const s = (u32[rngWord] = (u32[rngWord] + 0x6d2b79f5) >>> 0);
  return mulberry(s);
}
function oneWay() {
  const d = W.latencyMs + W.jitterMs * (2 * rand() - 1);
  return d > 0 ? d : 0;
}

const groupOf = new Uint8Array(N);
const vistaOf = W.groups.map((g) => g.vista);
const productOfGroup = W.groups.map((g) => g.product);

// ---- calendar: 1 s buckets in a ring of 2^20 s, lists of pooled nodes ----
const RING_BITS = 20;
const RING_MASK = (1 << RING_BITS) - 1;
const ringHead = new Int32Array(1 << RING_BITS).fill(-1);
let nodeCap = N + 65_536;
let nodeTime = new Float64Array(nodeCap);
let nodePayload = new Int32Array(nodeCap);
let nodeNext = new Int32Array(nodeCap);
let freeNode = -1;
let nodeTop = 0;
let curBucket = -1;
// Near-term heap: every pending event earlier than the end of the current bucket.
let heapCap = 4096;
let heapTime = new Float64Array(heapCap);
let heapPayload = new Int32Array(heapCap);
let heapSize = 0;

function push(timeMs, payload) {
  const b = Math.floor(timeMs / 1000);
  if (b <= curBucket) {
    heapPush(timeMs, payload);
    return;
  }
  if (b - curBucket > RING_MASK) throw new Error("delay longer than the calendar ring");
  let n = freeNode;
  if (n >= 0) freeNode = nodeNext[n];
  else {
    if (nodeTop === nodeCap) growNodes();
    n = nodeTop++;
  }
  nodeTime[n] = timeMs;
  nodePayload[n] = payload;
  const slot = b & RING_MASK;
  nodeNext[n] = ringHead[slot];
  ringHead[slot] = n;
}
function growNodes() {
  nodeCap *= 2;
  const t = new Float64Array(nodeCap);
  t.set(nodeTime);
  nodeTime = t;
  const p = new Int32Array(nodeCap);
  p.set(nodePayload);
  nodePayload = p;
  const x = new Int32Array(nodeCap);
  x.set(nodeNext);
  nodeNext = x;
}
function heapPush(t, p) {
  if (heapSize === heapCap) {
    heapCap *= 2;
    const a = new Float64Array(heapCap);
    a.set(heapTime);
    heapTime = a;
    const b = new Int32Array(heapCap);
    b.set(heapPayload);
    heapPayload = b;
  }
  let i = heapSize++;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heapTime[parent] <= t) break;
    heapTime[i] = heapTime[parent];
    heapPayload[i] = heapPayload[parent];
    i = parent;
  }
  heapTime[i] = t;
  heapPayload[i] = p;
}
function heapPop() {
  const top = heapPayload[0];
  const n = --heapSize;
  const t = heapTime[n];
  const p = heapPayload[n];
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && heapTime[c + 1] < heapTime[c]) c++;
    if (t <= heapTime[c]) break;
    heapTime[i] = heapTime[c];
    heapPayload[i] = heapPayload[c];
    i = c;
  }
  heapTime[i] = t;
  heapPayload[i] = p;
  return top;
}
/** Time of the next event (Infinity when none is due by `lastBucket`), filling the heap from the calendar. */
function peekTime(lastBucket) {
  while (heapSize === 0) {
    if (curBucket >= lastBucket) return Infinity;
    curBucket++;
    const slot = curBucket & RING_MASK;
    let n = ringHead[slot];
    if (n < 0) continue;
    ringHead[slot] = -1;
    while (n >= 0) {
      const next = nodeNext[n];
      heapPush(nodeTime[n], nodePayload[n]);
      nodeNext[n] = freeNode;
      freeNode = n;
      n = next;
    }
  }
  return heapTime[0];
}

// ---- hosts: M/M/c over busy servers, a saturating CMID count per product, up/down ----
const hostCount = W.hosts.length;
const hostUp = new Uint8Array(hostCount).fill(1);
const busyFree = W.hosts.map((h) => new Float64Array(h.concurrency));
const busyCount = new Int32Array(hostCount);
const productCount = W.thresholds.length;
const cmidCapacity = W.thresholds.map((t) => 2 * t);
const cmidSeen = Array.from({ length: hostCount * productCount }, (_, k) => new Int32Array(cmidCapacity[k % productCount]));
const cmidCount = new Int32Array(hostCount * productCount);
const concurrencyOf = Int32Array.from(W.hosts, (h) => h.concurrency);
const serviceTimeOf = Float64Array.from(W.hosts, (h) => h.serviceTimeMs);
const thresholdOf = Int32Array.from(W.thresholds);

/** Kiefer–Wolfowitz: start at arrival if a server is free, else when the earliest frees. */
function admit(h, arrivalMs, serviceMs) {
  const heap = busyFree[h];
  let n = busyCount[h];
  // Servers done by the arrival are free: drop them from the busy heap.
  while (n > 0 && heap[0] <= arrivalMs) n = busyPopRoot(heap, n);
  let start = arrivalMs;
  if (n === concurrencyOf[h]) {
    start = heap[0];
    n = busyPopRoot(heap, n);
  }
  const done = start + serviceMs;
  let i = n++;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p] <= done) break;
    heap[i] = heap[p];
    i = p;
  }
  heap[i] = done;
  busyCount[h] = n;
  return done;
}
function busyPopRoot(heap, n) {
  const last = heap[--n];
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && heap[c + 1] < heap[c]) c++;
    if (last <= heap[c]) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = last;
  return n;
}
/** The host's count after counting client i's machine id. */
function observe(h, product, i) {
  const slot = h * productCount + product;
  const c = cmidCount[slot];
  if (c === cmidCapacity[product]) return c;
  const seen = cmidSeen[slot];
  for (let k = 0; k < c; k++) if (seen[k] === i) return c;
  seen[c] = i;
  return (cmidCount[slot] = c + 1);
}

// ---- measurement ----
// HdrHistogram (3 significant digits) bucket counts kept in a typed array, the index
// computed with clz32 as HdrHistogram defines it; hdr-histogram-js reads them out at the
// end (its own recordValue uses log2 and pow: 30 % of this program's time).
const HALF_MAGNITUDE = 10;
const SUB_BUCKET_MASK = 2047;
const MAX_US = 3_600_000_000;
const histogram = () => new Float64Array(23 << HALF_MAGNITUDE);
const activationLatency = histogram();
const renewalLatency = histogram();
const dnsLatency = histogram();
let events = 0;
let rpcSent = 0;
let dnsQueries = 0;
let failovers = 0;
function record(counts, ms) {
  let us = Math.round(ms * 1000);
  if (!(us > 0)) us = 0;
  else if (us > MAX_US) us = MAX_US;
  const bucket = 31 - HALF_MAGNITUDE - Math.clz32(us | SUB_BUCKET_MASK);
  counts[(bucket << HALF_MAGNITUDE) + (us >>> bucket)]++;
}
/** The counts as an hdr-histogram-js histogram (each bucket's count at its lowest value). */
function toHdr(counts) {
  const h = hdr.build({ numberOfSignificantValueDigits: 3 });
  for (let index = 0; index < counts.length; index++) {
    if (counts[index] === 0) continue;
    let bucket = (index >> HALF_MAGNITUDE) - 1;
    let sub = (index & ((1 << HALF_MAGNITUDE) - 1)) + (1 << HALF_MAGNITUDE);
    if (bucket < 0) {
      sub -= 1 << HALF_MAGNITUDE;
      bucket = 0;
    }
    h.recordValueWithCount(sub * 2 ** bucket, counts[index]);
  }
  return h;
}

// ---- SRV selection over the one answer (the records never change in this workload) ----
/** win7: lowest live priority, then by weight (RFC 2782); vista: uniform over live records. -1 none. */
function select(vista, removed) {
  const hosts = W.hosts;
  let records = 0;
  let best = Infinity;
  for (let h = 0; h < hostCount; h++) {
    if ((removed >>> h) & 1) continue;
    records++;
    if (hosts[h].priority < best) best = hosts[h].priority;
  }
  if (records === 0) return -1;
  if (vista) {
    if (records === 1) return firstLive(removed, -1);
    let k = Math.floor(rand() * records);
    for (let h = 0; h < hostCount; h++) {
      if ((removed >>> h) & 1) continue;
      if (k-- === 0) return h;
    }
  }
  let sum = 0;
  let inBest = 0;
  for (let h = 0; h < hostCount; h++) {
    if ((removed >>> h) & 1 || hosts[h].priority !== best) continue;
    sum += hosts[h].weight;
    inBest++;
  }
  if (inBest === 1) return firstLive(removed, best);
  const r = rand() * sum;
  let running = 0;
  let last = -1;
  for (let h = 0; h < hostCount; h++) {
    if ((removed >>> h) & 1 || hosts[h].priority !== best) continue;
    running += hosts[h].weight;
    last = h;
    if (running >= r) return h;
  }
  return last;
}
function firstLive(removed, priority) {
  for (let h = 0; h < hostCount; h++) if (!((removed >>> h) & 1) && (priority < 0 || W.hosts[h].priority === priority)) return h;
  return -1;
}

// ---- the client machine, fused with its driver ----
function sendTo(i, h, now) {
  u8[i * REC + 42] = h;
  f64[i * 8 + 1] = now;
  rpcSent++;
  push(now + oneWay(), (i << 2) | EV_ARRIVAL);
}
function retryLater(i, now) {
  const at = now + W.activationIntervalMs;
  if (at <= W.durationMs) push(at, (i << 2) | EV_TIMER);
}
function chooseAndSend(i, now) {
  const b = i * REC;
  const h = select(vistaOf[groupOf[i]], u8[b + 43]);
  if (h < 0) return retryLater(i, now);
  if (u8[b + 40] & F_FAILOVER) failovers++;
  u8[b + 40] &= ~F_FAILOVER;
  sendTo(i, h, now);
}
function discover(i, now) {
  if (now < f64[i * 8 + 2]) return chooseAndSend(i, now);
  dnsQueries++;
  f64[i * 8 + 1] = now;
  push(now + oneWay() + oneWay(), (i << 2) | EV_DNS);
}
function onTimer(i, now) {
  const b = i * REC;
  const v = f64[i * 8];
  u8[b + 40] = v > 0 && now < v ? F_RENEWAL : 0;
  u8[b + 43] = 0;
  const cached = u8[b + 41];
  if (cached !== NO_HOST) {
    u8[b + 40] |= F_CACHE;
    return sendTo(i, cached, now);
  }
  discover(i, now);
}
function onDns(i, now) {
  record(dnsLatency, now - f64[i * 8 + 1]);
  f64[i * 8 + 2] = now + W.ttlMs;
  chooseAndSend(i, now);
}
function reply(i, status, atMs) {
  u32[i * 16 + 9] = status;
  f64[i * 8 + 3] = atMs;
  push(atMs, (i << 2) | EV_REPLY);
}
function onArrival(i, now) {
  const b = i * REC;
  const h = u8[b + 42];
  if (hostUp[h] === 0) return reply(i, UNREACHABLE, now + oneWay());
  const timeoutAt = Math.max(now, f64[i * 8 + 1] + W.rpcTimeoutMs);
  const product = productOfGroup[groupOf[i]];
  const status = observe(h, product, i) >= thresholdOf[product] ? 0 : NOT_ENOUGH;
  const serviceMs = -serviceTimeOf[h] * Math.log(1 - rand());
  const replyAt = admit(h, now, serviceMs) + oneWay();
  if (replyAt > timeoutAt) return reply(i, UNREACHABLE, timeoutAt);
  reply(i, status, replyAt);
  u8[b + 44] = 1;
}
function onReply(i, now) {
  if (f64[i * 8 + 3] !== now) return; // rescheduled by the crash: stale
  f64[i * 8 + 3] = -1;
  const b = i * REC;
  u8[b + 44] = 0;
  const status = u32[i * 16 + 9];
  const flags = u8[b + 40];
  record(flags & F_RENEWAL ? renewalLatency : activationLatency, now - f64[i * 8 + 1]);
  if (status === UNREACHABLE) {
    u8[b + 43] |= 1 << u8[b + 42];
    u8[b + 40] |= F_FAILOVER;
    if (flags & F_CACHE) {
      u8[b + 40] &= ~F_CACHE;
      return discover(i, now);
    }
    return chooseAndSend(i, now);
  }
  if (status !== 0) return retryLater(i, now);
  f64[i * 8] = now + W.validityMs;
  u8[b + 41] = u8[b + 42];
  const at = now + W.renewalIntervalMs;
  if (at <= W.durationMs) push(at, (i << 2) | EV_TIMER);
}
function hostEvent(e, now) {
  if (!e.crash) {
    hostUp[e.host] = 1;
    return;
  }
  hostUp[e.host] = 0;
  busyCount[e.host] = 0;
  // Requests it holds: the client sees the reset one network delay later.
  for (let i = 0; i < N; i++) {
    const b = i * REC;
    if (u8[b + 44] === 0 || u8[b + 42] !== e.host) continue;
    u8[b + 44] = 0;
    rngWord = i * 16 + 8;
    reply(i, UNREACHABLE, now + oneWay());
  }
}

// ---- set-up: boot times in client order, first timers ----
let first = 0;
counts.forEach((count, g) => {
  let boot = deriveSeed(W.seed, 0x7000_0000 + g);
  const offsets = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    boot = (boot + 0x6d2b79f5) >>> 0;
    offsets[k] = mulberry(boot) * W.groups[g].bootSpreadMs;
  }
  offsets.sort();
  for (let k = 0; k < count; k++) {
    const i = first + k;
    groupOf[i] = g;
    u32[i * 16 + 8] = deriveSeed(W.seed, i);
    u8[i * REC + 41] = NO_HOST;
    f64[i * 8 + 3] = -1;
    push(offsets[k], (i << 2) | EV_TIMER);
  }
  first += count;
});

// ---- the run ----
const lastBucket = Math.floor(W.durationMs / 1000);
let fixed = 0;
for (;;) {
  const t = peekTime(lastBucket);
  if (fixed < W.events.length && W.events[fixed].atMs <= t && W.events[fixed].atMs <= W.durationMs) {
    hostEvent(W.events[fixed], W.events[fixed].atMs);
    fixed++;
    continue;
  }
  if (t > W.durationMs) break;
  const payload = heapPop();
  events++;
  const i = payload >>> 2;
  rngWord = i * 16 + 8;
  switch (payload & 3) {
    case EV_TIMER:
      onTimer(i, t);
      break;
    case EV_DNS:
      onDns(i, t);
      break;
    case EV_ARRIVAL:
      onArrival(i, t);
      break;
    default:
      onReply(i, t);
  }
}
const wallSeconds = (performance.now() - started) / 1000;

const ms = (us) => Math.round(us) / 1000;
const summary = (counts) => {
  const h = toHdr(counts);
  return { count: h.totalCount, meanMs: ms(h.mean), p99Ms: ms(h.getValueAtPercentile(99)) };
};
const out = {
  clients: N,
  events,
  wallSeconds,
  eventsPerSecond: events / wallSeconds,
  rpcSent,
  dnsQueries,
  failovers,
  activation: summary(activationLatency),
  renewal: summary(renewalLatency),
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
};
if (json) console.log(JSON.stringify(out));
else {
  console.log(`limit program  ${N} clients, ${events} events in ${wallSeconds.toFixed(2)} s (${(out.eventsPerSecond / 1e6).toFixed(2)} M events/s)`);
  console.log(`activation     ${out.activation.count} RPCs, mean ${out.activation.meanMs} ms, p99 ${out.activation.p99Ms} ms`);
  console.log(`renewal        ${out.renewal.count} RPCs, mean ${out.renewal.meanMs} ms, p99 ${out.renewal.p99Ms} ms`);
  console.log(`dns            ${dnsQueries} queries · failovers ${failovers} · peak RSS ${out.peakRssMiB.toFixed(0)} MiB`);
}

/** kmssim's --clients scaling: proportional, every group non-empty. */
function scaleCounts(countsIn, total) {
  if (total === undefined) return [...countsIn];
  const sum = countsIn.reduce((a, b) => a + b, 0);
  const scaled = countsIn.map((c) => Math.max(1, Math.floor((c * total) / sum)));
  let diff = total - scaled.reduce((a, b) => a + b, 0);
  for (let k = 0; diff !== 0 && k < scaled.length * (Math.abs(diff) + 1); k++) {
    const idx = k % scaled.length;
    if (diff > 0) {
      scaled[idx]++;
      diff--;
    } else if (scaled[idx] > 1) {
      scaled[idx]--;
      diff++;
    }
  }
  return scaled;
}
