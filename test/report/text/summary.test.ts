import { describe, expect, it } from "vitest";
import { renderSummary } from "../../../src/report/text/summary.js";
import { visibleWidth } from "../../../src/format/format-table.js";
import type { Result } from "../../../src/results/result.js";
import { sampleResult } from "../../results/sample-result.js";

/** Wide enough that no table folds: the content tests read whole rows. */
const plain = (r: Result): string => renderSummary(r, { color: false, width: 300 });
/** The line of `text` that contains `needle`, alert rows (which name hosts too) left out. */
const lineWith = (text: string, needle: string): string => text.split("\n").find((l) => l.includes(needle) && !/^\s+(warning|critical)\s/.test(l)) ?? "";
/** A fleet-wide figure's line ("  clients.........: ..."). */
const labelled = (text: string, label: string): string => text.split("\n").find((l) => new RegExp(`^\\s+${label}\\.{2,}:`).test(l)) ?? "";
/** The verdict line (PASS, FAIL or DONE). */
const verdictLine = (text: string): string => text.split("\n").find((l) => /^\s+(PASS|FAIL|DONE)\s/.test(l)) ?? "";

function failing(): Result {
  const r = sampleResult();
  r.clients.notActivated = 3;
  r.thresholds[2] = { metric: "clients.notActivated", op: "eq", value: 0, actual: 3, pass: false };
  r.thresholds.push({ metric: "hosts.kms9.share", op: "lte", value: 0.5, actual: null, pass: false });
  r.pass = false;
  return r;
}

describe("renderSummary", () => {
  it("has a header with scenario, mode, seed, simulated and wall time", () => {
    const text = plain(sampleResult());
    expect(text).toContain("multi-host");
    expect(text).toMatch(/mode virtual · seed 42 · simulated 200d · wall 3\.2s/);
  });

  it("shows the clients and an RPC row per kind with counts and latencies", () => {
    const text = plain(sampleResult());
    expect(labelled(text, "clients")).toMatch(/5,000 total\s+5,000 activated\s+0 not activated\s+4,990 licensed\s+0 unlicensed\s+10 in grace/);
    expect(lineWith(text, "activation  ")).toMatch(/^\s+activation\s+5,100\s+0\.0003\s+5,000\s+100\s+1\.100\s+1\.000\s+1\.600\s+3\.100\s+6\.000\s+9\.200$/);
    expect(lineWith(text, "renewal  ")).toMatch(/^\s+renewal\s+2,000\s+0\.00012\s+2,000\s+0\s/);
    expect(labelled(text, "rpc rate")).toMatch(/0\.00041\/s\s+peak 0\.25\/s/);
    expect(labelled(text, "dns")).toMatch(/5,200 queries\s+0 failed/);
  });

  it("lists error codes with their names and counts per source", () => {
    const text = plain(sampleResult());
    expect(lineWith(text, "0xC004F038")).toMatch(/0xC004F038\s+SL_E_VL_NOT_ENOUGH_COUNT\s+100\s+0$/);
    expect(lineWith(text, "0xC004F074")).toMatch(/SL_E_VL_BINDING_SERVICE_UNAVAILABLE\s+0\s+7$/);
  });

  it("shows every host with requests, share, expected share, deviation and counts per product", () => {
    const text = plain(sampleResult());
    expect(lineWith(text, "kms1 ")).toMatch(
      /kms1\s+up\s+2,550\s+2,550\s+0\.00015\s+0\.12\s+0\.2%\s+4\s+51\.0%\s+50\.0%\s+\+1\.0pp\s+2,500\s+50\s+0\s+0\s+0\s+0\s+50\s+-$/,
    );
    expect(lineWith(text, "kms2.branch")).toMatch(
      /kms2\.branch\s+down\s+2,462\s+2,450\s+0\.00014\s+0\.13\s+0\.2%\s+0\s+49\.0%\s+50\.0%\s+-1\.0pp\s+2,400\s+50\s+12\s+3\s+2\s+1\s+50\s+3 LOW$/,
    );
  });

  it("aligns the hosts table: every row as wide as its header", () => {
    const lines = plain(sampleResult()).split("\n");
    const head = lines.findIndex((l) => l.trimStart().startsWith("host "));
    const widths = lines.slice(head, head + 3).map(visibleWidth);
    expect(new Set(widths).size).toBe(1);
  });

  it("shows spread, failovers, rediscoveries and fleet events", () => {
    const text = plain(sampleResult());
    expect(labelled(text, "spread")).toContain("jain=0.9996");
    expect(labelled(text, "spread")).toContain("maxShareDeviation=0.01");
    expect(labelled(text, "failovers")).toMatch(/3\s+rediscoveries: 1/);
    expect(text).toMatch(/2h\s+host\s+kms1\s+crash/);
    expect(lineWith(text, "corp.example")).toMatch(/3h\s+dns\s+corp\.example\s+down/);
  });

  it("puts the thresholds and the verdict first, before any table", () => {
    const lines = plain(sampleResult()).split("\n");
    const verdictAt = lines.findIndex((l) => /^\s+PASS\s/.test(l));
    const firstTable = lines.findIndex((l) => /^\s+rpc\s+sent/.test(l));
    const firstFigure = lines.findIndex((l) => /^\s+clients\.{2,}:/.test(l));
    expect(verdictAt).toBeGreaterThan(0);
    expect(verdictAt).toBeLessThan(firstFigure);
    expect(verdictAt).toBeLessThan(firstTable);
  });

  it("lists thresholds with ✓, limit and actual, then PASS", () => {
    const text = plain(sampleResult());
    expect(lineWith(text, "latencyMs.p99 ")).toMatch(/✓\s+rpc\.activation\.latencyMs\.p99\s+< 50\s+actual 3\.1$/);
    expect(lineWith(text, "spread.maxShareDeviation ")).toMatch(/✓\s+spread\.maxShareDeviation\s+< 0\.05\s+actual 0\.01$/);
    expect(verdictLine(text)).toMatch(/^\s+PASS\s+3 of 3 thresholds passed$/);
    expect(text).not.toContain("FAIL");
  });

  it("marks failed thresholds with ✗, a missing metric as missing, then FAIL", () => {
    const text = plain(failing());
    expect(lineWith(text, "clients.notActivated ")).toMatch(/✗\s+clients\.notActivated\s+= 0\s+actual 3$/);
    expect(lineWith(text, "hosts.kms9.share")).toMatch(/✗\s+hosts\.kms9\.share\s+≤ 0\.5\s+actual missing$/);
    expect(verdictLine(text)).toMatch(/^\s+FAIL\s+2 of 4 thresholds passed$/);
  });

  it("says none for empty sections", () => {
    const r = sampleResult();
    Object.assign(r, { hosts: [], events: [], thresholds: [] });
    r.rpc.activation.errors = {};
    r.clients.errors = {};
    const text = plain(r);
    for (const label of ["errors", "hosts", "events", "thresholds"]) expect(lineWith(text, label + ".")).toMatch(/: none$/);
    expect(text).toContain("PASS");
  });

  it("uses ANSI colours only when asked", () => {
    // eslint-disable-next-line no-control-regex
    const ansi = /\x1b\[/;
    expect(plain(sampleResult())).not.toMatch(ansi);
    expect(plain(failing())).not.toMatch(ansi);
    const coloured = renderSummary(failing(), { color: true });
    expect(coloured).toMatch(ansi);
    expect(coloured).toContain("\x1b[31m✗\x1b[0m");
    expect(coloured).toContain("\x1b[33mLOW\x1b[0m");
  });

  it("marks an interrupted run, which fails even when every threshold passed", () => {
    const r = sampleResult();
    Object.assign(r, { interrupted: true, pass: false });
    const text = plain(r);
    expect(text.split("\n")[1]).toContain("(interrupted)");
    expect(text).toMatch(/FAIL\s+3 of 3 thresholds passed, run interrupted$/m);
  });
});

describe("a latency at the RPC timeout", () => {
  it("is marked as timed out, with a legend; below the timeout nothing is marked", () => {
    const r = sampleResult();
    r.rpcTimeoutMs = 5000;
    r.rpc.activation.latencyMs = { mean: 900, p50: 2, p90: 4, p99: 5001, p999: 5001, max: 5001 };
    const text = renderSummary(r, { color: false, width: 300 });
    expect(text.split("\n").find((l) => l.includes("activation  "))).toMatch(/900\.0\s+2\.000\s+4\.000\s+5001\*\s+5001\*\s+5001\*$/);
    expect(text).toContain("(* at or past the RPC timeout, 5s: the requests behind that percentile timed out)");
    // A saturated realtime run: latency from the due time includes send lag, so "timed out" is not the only reading.
    r.generator!.saturated = true;
    expect(renderSummary(r, { color: false, width: 300 })).toContain("timed out, or waited in this machine before it was sent");
    r.rpc.activation.latencyMs = { mean: 1, p50: 1, p90: 1, p99: 4999, p999: 4999, max: 4999 };
    expect(renderSummary(r, { color: false, width: 300 })).not.toContain("*");
  });
});

describe("a saturated realtime run", () => {
  it("says how many requests left late, and that some never left when steps were left unsent at the end", () => {
    const r = sampleResult();
    Object.assign(r.generator!, { clock: "strict", saturated: true, lateFraction: 0.062, unsentAtEnd: 0 });
    expect(plain(r)).toMatch(/the load generator fell behind: 6\.2 ?% of requests left more than 100 ms late; /);
    r.generator!.unsentAtEnd = 40;
    expect(plain(r)).toMatch(/the load generator fell behind: 6\.2 ?% of requests left more than 100 ms late or never left; /);
  });
});
