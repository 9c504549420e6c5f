// A scenario and a trace from the fixtures' logs: hosts, products, groups and boots as the
// log has them, and a trace the scenario loader reads back to the same first requests.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fleetFromLog } from "../../src/replay/fleet-from-log.js";
import { kmsLogOf, readExport } from "../../src/replay/kms-log.js";
import { parseTrace } from "../../src/scenario/trace.js";
import { loadScenarioText } from "../../src/scenario/load.js";

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/kms-logs/${name}`, import.meta.url)), "utf8");
const log = kmsLogOf([readExport(fixture("kms1.csv"), "kms1.csv"), readExport(fixture("kms2.xml"), "kms2.xml")]);
const fleet = fleetFromLog(log, { name: "monday", traceRef: "monday.trace.csv", speedup: 1, seed: 3 });

describe("fleetFromLog", () => {
  it("one host per computer that logged requests, weighted by its share of them", () => {
    const scenario = parse(fleet.scenarioYaml) as { hosts: { name: string; weight: number }[] };
    const kms1 = log.requests.filter((r) => r.computer === "kms1.corp.example").length;
    expect(fleet.hosts.map((h) => [h.name, h.requests, h.failed])).toEqual([
      ["kms1", kms1, 0],
      ["kms2", log.requests.length - kms1, 4],
    ]);
    expect(scenario.hosts.map((h) => h.weight)).toEqual([
      Math.round((100 * kms1) / log.requests.length),
      Math.round((100 * (log.requests.length - kms1)) / log.requests.length),
    ]);
  });

  it("products from the Activation ID where the model knows it, else from the N-policy", () => {
    expect(Object.fromEntries(fleet.products.map((p) => [p.activationId, [p.product, p.why]]))).toEqual({
      "bfe7a195-4f8f-4f0b-a622-cf13c7d16864": ["office-2010", "its Activation ID"],
      "0f0e0d0c-0b0a-4909-8807-060504030201": ["windows-client", "N-policy 25"],
      "1a1b1c1d-1e1f-4a2b-8c2d-2e2f30313233": ["windows-server", "N-policy 5"],
    });
  });

  it("one group per client domain and product; its count the distinct machine ids; licence states counted", () => {
    const cmids = new Set(log.requests.map((r) => r.info.cmid));
    expect(fleet.groups.reduce((a, g) => a + g.clients, 0)).toBe(cmids.size);
    expect(fleet.groups.map((g) => [g.name, g.domain, g.product])).toEqual([
      ["corp-office-2010", "corp.example", "office-2010"],
      ["corp-windows-client", "corp.example", "windows-client"],
      ["srv-windows-server", "srv.corp.example", "windows-server"],
    ]);
    const office = fleet.groups.find((g) => g.product === "office-2010")!;
    expect(office.states).toEqual({ licensed: 20, oobGrace: 4 });
  });

  it("the trace has each machine's first request, seconds from the log's first; the scenario loads with it", () => {
    const trace = parseTrace(fleet.traceCsv);
    if (!trace.ok) throw new Error(trace.reason);
    const t0 = log.requests[0].timeMs;
    const firstOffice = log.requests.find((r) => r.info.activationId.startsWith("bfe7a195"))!;
    expect(trace.offsetsMsByGroup.get("corp-office-2010")![0]).toBe(firstOffice.timeMs - t0);
    for (const g of fleet.groups) expect(trace.offsetsMsByGroup.get(g.name)).toHaveLength(g.clients);
    const loaded = loadScenarioText(fleet.scenarioYaml, "monday.yaml", { readTrace: () => fleet.traceCsv });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const srv = loaded.scenario.clients.find((c) => c.name === "srv-windows-server")!;
    expect(srv.domain).toBe("srv.corp.example");
    expect(srv.trace?.offsetsMs).toEqual(trace.offsetsMsByGroup.get("srv-windows-server"));
    // The hosts publish where the clients look: both domains.
    expect(loaded.scenario.hosts.every((h) => h.publishDomains.includes("srv.corp.example"))).toBe(true);
  });

  it("a realtime replay runs an hour of the log per wall second (timeScale 3600), so the log's hours stay hours under real latency", () => {
    const loaded = loadScenarioText(fleet.scenarioYaml, "monday.yaml", { readTrace: () => fleet.traceCsv });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    expect(loaded.scenario.timeScale).toBe(3600);
    expect(loaded.scenario.durationMs / loaded.scenario.timeScale).toBe(5000);
  });

  it("--speedup shortens the scenario and says so in traceSpeedup", () => {
    const fast = fleetFromLog(log, { name: "monday", traceRef: "t.csv", speedup: 10, seed: 3 });
    const scenario = parse(fast.scenarioYaml) as { duration: string; clients: { traceSpeedup?: number }[] };
    expect(scenario.duration).toBe("1h");
    expect(scenario.clients.every((c) => c.traceSpeedup === 10)).toBe(true);
  });

  it("the scenario's comments stay comments, whatever a computer name holds (the readers refuse such names; this is the second guard)", () => {
    const bent: typeof log = {
      ...log,
      requests: log.requests.map((r) => ({ ...r, computer: r.computer.replace("kms1.", "kms1\nmode: realtime\u2028x\r#.") })),
    };
    const yaml = fleetFromLog(bent, { name: "monday", traceRef: "t.csv", speedup: 1, seed: 3 }).scenarioYaml;
    const comments = yaml.slice(0, yaml.indexOf("\nname:") + 1);
    expect(comments.split("\n").filter((l) => l !== "" && !l.startsWith("#"))).toEqual([]);
    expect(comments).not.toMatch(/[\r\u2028]/);
    expect((parse(yaml) as { mode?: unknown }).mode).toBeUndefined();
  });
});
