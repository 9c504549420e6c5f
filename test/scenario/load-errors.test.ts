import { describe, expect, it } from "vitest";
import { formatScenarioErrors } from "../../src/scenario/errors.js";
import { errorAt, loadErrors, minimal, yaml } from "./helpers.js";

describe("a file with several errors", () => {
  const text = yaml(
    "name: broken", //                                       1
    "duration: 5", //                                        2
    "hosts:", //                                             3
    "  - name: kms1", //                                     4
    "    wieght: 3", //                                      5
    "  - name: kms1", //                                     6
    "    weight: heavy", //                                  7
    "    products: [windows-clent]", //                      8
    "clients:", //                                           9
    "  - name: desktops", //                                 10
    "    count: -5", //                                      11
    "    kmsHost: kms9", //                                  12
    "events:", //                                            13
    "  - {at: 2h, host: kms2, action: crash}", //            14
  );

  it("reports them all at once, in file order, with line and column", () => {
    const errors = loadErrors(text, "multi-host.yaml");
    expect(errors.map((e) => [e.line, e.column, e.path])).toEqual([
      [2, 11, "duration"],
      [5, 5, "hosts[0].wieght"],
      [6, 11, "hosts[1].name"],
      [7, 13, "hosts[1].weight"],
      [8, 16, "hosts[1].products[0]"],
      [11, 12, "clients[0].count"],
      [12, 14, "clients[0].kmsHost"],
      [14, 20, "events[0].host"],
    ]);
  });

  it("prints them as file:line:column  path: message", () => {
    const printed = formatScenarioErrors("multi-host.yaml", loadErrors(text, "multi-host.yaml"));
    expect(printed.split("\n")).toEqual([
      "multi-host.yaml:2:11  duration: duration '5' needs a unit: ms, s, m, h or d",
      "multi-host.yaml:5:5  hosts[0].wieght: unknown key 'wieght' (did you mean 'weight'?)",
      "multi-host.yaml:6:11  hosts[1].name: duplicate host name 'kms1' (also hosts[0])",
      'multi-host.yaml:7:13  hosts[1].weight: expected an integer 0..65535, got "heavy"',
      "multi-host.yaml:8:16  hosts[1].products[0]: expected one of windows-client, windows-server, office-2010, " +
        "got \"windows-clent\" (did you mean 'windows-client'?)",
      "multi-host.yaml:11:12  clients[0].count: expected an integer 1..1000000000, got -5",
      "multi-host.yaml:12:14  clients[0].kmsHost: unknown host 'kms9' (did you mean 'kms1'?)",
      "multi-host.yaml:14:20  events[0].host: unknown host 'kms2' (did you mean 'kms1'?)",
    ]);
  });
});

describe("unknown keys", () => {
  it("point at the key and suggest the closest known one", () => {
    const errors = loadErrors(yaml("hosts:", "  - name: a", "    serviceTme: 2ms", "clients: [{name: c, count: 1, hostCahing: false}]", "netwrk: {}"));
    expect(errorAt(errors, "hosts[0].serviceTme")).toEqual({
      path: "hosts[0].serviceTme",
      line: 3,
      column: 5,
      message: "unknown key 'serviceTme' (did you mean 'serviceTime'?)",
    });
    expect(errorAt(errors, "clients[0].hostCahing")).toMatchObject({
      line: 4,
      column: 31,
      message: "unknown key 'hostCahing' (did you mean 'hostCaching'?)",
    });
    expect(errorAt(errors, "netwrk")).toMatchObject({ line: 5, column: 1, message: "unknown key 'netwrk' (did you mean 'network'?)" });
  });

  it("report each of several unknown keys in one mapping", () => {
    const errors = loadErrors(minimal("network: {latncy: 1ms, colour: red}"));
    expect(errorAt(errors, "network.latncy").message).toBe("unknown key 'latncy' (did you mean 'latency'?)");
    expect(errorAt(errors, "network.colour").message).toBe("unknown key 'colour'");
  });

  it("suggest keys of the event shape that was meant", () => {
    const errors = loadErrors(minimal("events:", "  - {at: 1h, dns: down, acton: x}", "  - {at: 1h, host: a, acton: crash}"));
    expect(errorAt(errors, "events[0].acton").message).toBe("unknown key 'acton'");
    expect(errorAt(errors, "events[1].acton").message).toBe("unknown key 'acton' (did you mean 'action'?)");
    expect(errorAt(errors, "events[1].action")).toMatchObject({ line: 5, column: 5, message: "required key is missing" });
  });
});

describe("YAML syntax errors", () => {
  it("are reported with line and column", () => {
    const errors = loadErrors(yaml("hosts:", "  - {name: a", "clients: [{name: c, count: 1}]"));
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatchObject({ path: "", line: 3, column: 1 });
    expect(errors[0].message).toMatch(/^YAML syntax: /);
  });

  it("reports every syntax error, not only the first", () => {
    const errors = loadErrors(yaml("a: {b: 1", "c: [1, 2", "d: e: f"));
    expect(errors.map((e) => e.line)).toEqual([2, 3, 3]);
  });

  it("reports a duplicate key where it repeats", () => {
    const errors = loadErrors(minimal("seed: 1", "seed: 2"));
    expect(errors).toEqual([{ path: "", line: 4, column: 1, message: "YAML syntax: Map keys must be unique" }]);
  });

  it("reports an alias without an anchor", () => {
    const errors = loadErrors(yaml("hosts: *nothing", "clients: [{name: c, count: 1}]"));
    expect(errors).toEqual([{ path: "", line: 1, column: 8, message: "YAML: alias '*nothing' has no anchor '&nothing' before it" }]);
  });
});

describe("wrong types and impossible values", () => {
  const cases: [string, string[], string, string][] = [
    ["seed negative", ["seed: -1"], "seed", "expected a non-negative integer ≤ 2^53-1, got -1"],
    ["seed fraction", ["seed: 1.5"], "seed", "expected a non-negative integer ≤ 2^53-1, got 1.5"],
    ["seed beyond 2^53-1", ["seed: 9007199254740993"], "seed", "expected a non-negative integer ≤ 2^53-1, got 9007199254740992"],
    ["mode", ["mode: fast"], "mode", 'expected one of virtual, realtime, got "fast"'],
    ["timeScale zero", ["timeScale: 0"], "timeScale", "expected a number > 0, got 0"],
    ["timeScale text", ["timeScale: fast"], "timeScale", 'expected a number > 0, got "fast"'],
    ["duration zero", ["duration: 0s"], "duration", 'expected a duration > 0, got "0s"'],
    ["duration garbage", ["duration: soon"], "duration", "duration 'soon' is not valid: use a number with a unit, e.g. 500ms, 30s, 2h, 7d or 1h30m"],
    ["duration boolean", ["duration: true"], "duration", "expected a duration like 30s or 2h, got true"],
    ["rpcTimeout zero", ["network: {rpcTimeout: 0}"], "network.rpcTimeout", "expected a duration > 0, got 0"],
    ["negative latency", ["network: {latency: -1ms}"], "network.latency", 'expected a duration ≥ 0, got "-1ms"'],
    ["dns publish", ["dns: {publish: sometimes}"], "dns.publish", 'expected one of auto, manual, got "sometimes"'],
    ["dns server", ["dns: {server: 'localhost'}"], "dns.server", "expected 'embedded' or host:port of a DNS server (e.g. 127.0.0.1:53), got \"localhost\""],
    ["dns domain", ["dns: {domain: 'corp example'}"], "dns.domain", 'expected a DNS domain name like corp.example, got "corp example"'],
    ["empty section", ["network:"], "network", "expected a mapping, got an empty value"],
    ["events not a list", ["events: {at: 1h}"], "events", "expected a list, got a mapping"],
  ];
  it.each(cases)("%s", (_, extra, path, message) => {
    expect(errorAt(loadErrors(minimal(...extra)), path).message).toBe(message);
  });

  it.each([
    ["count: -3", "clients[0].count", "expected an integer 1..1000000000, got -3"],
    ["count: 2.5", "clients[0].count", "expected an integer 1..1000000000, got 2.5"],
    ["count: '10'", "clients[0].count", 'expected an integer 1..1000000000, got "10"'],
    ["count: 1e12", "clients[0].count", "expected an integer 1..1000000000, got 1000000000000"],
    ["os: win8", "clients[0].os", "expected one of win7, vista, got \"win8\" (did you mean 'win7'?)"],
    [
      "product: office2010",
      "clients[0].product",
      "expected one of windows-client, windows-server, office-2010, got \"office2010\" (did you mean 'office-2010'?)",
    ],
    ["hostCaching: 'no'", "clients[0].hostCaching", 'expected true or false, got "no"'],
    ["clockSkew: 5", "clients[0].clockSkew", "duration '5' needs a unit: ms, s, m, h or d"],
    ["kmsHost: 'kms1:99999'", "clients[0].kmsHost", 'expected name[:port] of a scenario host (e.g. kms1 or kms1:1688), got "kms1:99999"'],
    ["kmsHost: nope", "clients[0].kmsHost", "unknown host 'nope'"],
    ["kmsHost: 'kms1:1689'", "clients[0].kmsHost", "host 'kms1' listens on port 1688, not 1689"],
    ["startAt: 40d", "clients[0].startAt", "the group starts at 40d, after the run ends (duration 30d)"],
    [
      "renewalInterval: 14m",
      "clients[0].renewalInterval",
      'expected a duration from 15m to 30d (a KMS client takes 15 minutes to 30 days, as slmgr /sai and /sri do), got "14m"',
    ],
  ])("client key %s", (line, path, message) => {
    const filler = line.startsWith("count") ? "    os: win7" : "    count: 1";
    const errors = loadErrors(yaml("hosts: [{name: kms1}]", "clients:", "  - name: c", filler, `    ${line}`));
    expect(errorAt(errors, path)).toMatchObject({ line: 5, message });
  });

  it.each([
    ["port: 0", "hosts[0].port", "expected an integer 1..65535, got 0"],
    ["port: 70000", "hosts[0].port", "expected an integer 1..65535, got 70000"],
    ["priority: -1", "hosts[0].priority", "expected an integer 0..65535, got -1"],
    ["weight: 65536", "hosts[0].weight", "expected an integer 0..65535, got 65536"],
    ["concurrency: 0", "hosts[0].concurrency", "expected an integer 1..100000, got 0"],
    ["concurrency: 1.5", "hosts[0].concurrency", "expected an integer 1..100000, got 1.5"],
    ["concurrency: 1e15", "hosts[0].concurrency", "expected an integer 1..100000, got 1000000000000000"],
    ["serviceTime: 2", "hosts[0].serviceTime", "duration '2' needs a unit: ms, s, m, h or d"],
    ["renewalInterval: 0s", "hosts[0].renewalInterval", 'expected a duration > 0, got "0s"'],
    [
      "renewalInterval: 1ms",
      "hosts[0].renewalInterval",
      'expected a duration from 15m to 30d (a KMS client takes 15 minutes to 30 days, as slmgr /sai and /sri do), got "1ms"',
    ],
    [
      "activationInterval: 31d",
      "hosts[0].activationInterval",
      'expected a duration from 15m to 30d (a KMS client takes 15 minutes to 30 days, as slmgr /sai and /sri do), got "31d"',
    ],
    ["activated: yes", "hosts[0].activated", 'expected true or false, got "yes"'],
    ["products: windows-client", "hosts[0].products", 'expected a list, got "windows-client"'],
    ["publishDomains: ['']", "hosts[0].publishDomains[0]", 'expected a DNS domain name like corp.example, got ""'],
  ])("host key %s", (line, path, message) => {
    const errors = loadErrors(yaml("hosts:", "  - name: kms1", `    ${line}`, "clients: [{name: c, count: 1}]"));
    expect(errorAt(errors, path)).toMatchObject({ line: 3, message });
  });

  it("rejects a host name that could not be a DNS label", () => {
    const errors = loadErrors(yaml("hosts: [{name: 'kms 1'}]", "clients: [{name: c, count: 1}]"));
    expect(errorAt(errors, "hosts[0].name").message).toMatch(/^expected a host name of letters, digits/);
  });
});

describe("sections and counts", () => {
  it("needs hosts and clients", () => {
    const errors = loadErrors(yaml("seed: 3"));
    expect(errorAt(errors, "hosts")).toMatchObject({ line: 1, column: 1, message: "required key is missing" });
    expect(errorAt(errors, "clients")).toMatchObject({ line: 1, column: 1, message: "required key is missing" });
  });

  it("needs at least one host and one client group", () => {
    const errors = loadErrors(yaml("hosts: []", "clients: []"));
    expect(errorAt(errors, "hosts")).toMatchObject({ line: 1, column: 8, message: "needs at least one host" });
    expect(errorAt(errors, "clients")).toMatchObject({ line: 2, column: 10, message: "needs at least one client group" });
  });

  it("allows at most 32 hosts and says why", () => {
    const hosts = Array.from({ length: 33 }, (_, i) => `{name: kms${i}}`).join(", ");
    const errors = loadErrors(yaml(`hosts: [${hosts}]`, "clients: [{name: c, count: 1}]"));
    expect(errorAt(errors, "hosts").message).toBe("allows at most 32 hosts (the engine tracks hosts in a 32-bit mask), got 33");
  });

  it("rejects duplicate client group names", () => {
    const errors = loadErrors(yaml("hosts: [{name: a}]", "clients:", "  - {name: c, count: 1}", "  - {name: c, count: 2}"));
    expect(errorAt(errors, "clients[1].name")).toMatchObject({ line: 4, column: 12, message: "duplicate client group name 'c' (also clients[0])" });
  });

  it("says an empty file is empty", () => {
    expect(loadErrors("# nothing yet\n")).toEqual([
      { path: "", line: 1, column: 1, message: "the scenario is empty: it needs at least 'hosts' and 'clients'" },
    ]);
  });

  it("says a file that is not a mapping is not one", () => {
    expect(loadErrors("- a\n- b\n")).toEqual([{ path: "", line: 1, column: 1, message: "expected a mapping, got a list" }]);
  });
});

describe("events", () => {
  const withEvents = (...lines: string[]) => yaml("duration: 1d", "hosts: [{name: kms1}, {name: kms2}]", "clients: [{name: c, count: 1}]", "events:", ...lines);

  it("must name an existing host", () => {
    const errors = loadErrors(withEvents("  - {at: 1h, host: kms3, action: crash}"));
    expect(errors).toEqual([{ path: "events[0].host", line: 5, column: 20, message: "unknown host 'kms3' (did you mean 'kms1'?)" }]);
  });

  it("must happen within the run", () => {
    const errors = loadErrors(withEvents("  - {at: 25h, dns: down}"));
    expect(errors).toEqual([{ path: "events[0].at", line: 5, column: 10, message: "event at 1d1h is after the end of the run (duration 1d)" }]);
  });

  it("carry serviceTime only when slow", () => {
    const errors = loadErrors(withEvents("  - {at: 1h, host: kms1, action: hang, serviceTime: 5ms}"));
    expect(errors).toEqual([
      {
        path: "events[0].serviceTime",
        line: 5,
        column: 53,
        message: "serviceTime belongs only to action: slow (this event is 'hang')",
      },
    ]);
  });

  it("are a host event or a DNS event, not both", () => {
    const errors = loadErrors(withEvents("  - {at: 1h, host: kms1, action: crash, dns: down}"));
    expect(errors).toEqual([{ path: "events[0]", line: 5, column: 5, message: "give 'host' or 'dns', not both" }]);
  });

  it("report the problems of the shape that was meant", () => {
    const errors = loadErrors(withEvents("  - {at: 1h, host: kms1, action: explode}", "  - {at: 1h, dns: sideways}", "  - {host: kms1, action: crash}"));
    expect(errors).toEqual([
      {
        path: "events[0].action",
        line: 5,
        column: 34,
        message: 'expected one of crash, hang, slow, recover, decommission, got "explode"',
      },
      { path: "events[1].dns", line: 6, column: 19, message: 'expected one of down, up, got "sideways"' },
      { path: "events[2].at", line: 7, column: 5, message: "required key is missing" },
    ]);
  });
});

describe("thresholds", () => {
  it("need exactly one operator", () => {
    const errors = loadErrors(minimal("thresholds:", "  - {metric: a}", "  - {metric: b, lt: 1, gte: 0}"));
    expect(errors).toEqual([
      { path: "thresholds[0]", line: 4, column: 5, message: "needs one of lt, lte, gt, gte, eq (e.g. lt: 50)" },
      { path: "thresholds[1]", line: 5, column: 5, message: "has lt and gte; give exactly one operator per threshold" },
    ]);
  });

  it("need a numeric value and a metric", () => {
    const errors = loadErrors(minimal("thresholds: [{metric: '', lt: low}]"));
    expect(errorAt(errors, "thresholds[0].metric").message).toBe("must not be empty");
    expect(errorAt(errors, "thresholds[0].lt").message).toBe('expected a number, got "low"');
  });

  it("report the validateMetric hook's message at the metric", () => {
    const errors = loadErrors(minimal("thresholds:", "  - {metric: rpc.activaton.latencyMs.p99, lt: 50}"), "t.yaml", {
      validateMetric: (metric) => (metric.startsWith("rpc.activation.") ? null : `unknown metric '${metric}'`),
    });
    expect(errors).toEqual([{ path: "thresholds[0].metric", line: 4, column: 14, message: "unknown metric 'rpc.activaton.latencyMs.p99'" }]);
  });

  it("turn a throwing validateMetric hook into an error", () => {
    const errors = loadErrors(minimal("thresholds: [{metric: x, lt: 1}]"), "t.yaml", {
      validateMetric: () => {
        throw new Error("boom");
      },
    });
    expect(errors[0].message).toBe("cannot check metric 'x': boom");
  });
});

describe("timeline samples", () => {
  it("refuses a sampleInterval that would make an enormous timeline", () => {
    const errors = loadErrors(minimal("duration: 200d", "sampleInterval: 1s"));
    expect(errorAt(errors, "sampleInterval").message).toBe("1s gives 17280000 timeline samples over 200d; at most 100000 are allowed");
  });
});

describe("hostile YAML", () => {
  it("stops alias expansion bombs", () => {
    let text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]\n`;
    }
    expect(loadErrors(text)).toEqual([{ path: "", line: 1, column: 1, message: "YAML: Excessive alias count indicates a resource exhaustion attack" }]);
  });

  it("reports absurd nesting as an error instead of overflowing the stack", () => {
    const errors = loadErrors(`hosts: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`);
    expect(errors[0].line).toBe(1);
  });

  it("treats __proto__ and other Object.prototype names as unknown keys", () => {
    const errors = loadErrors(minimal("__proto__: {seed: 3}", "constructor: 1"));
    expect(errors.map((e) => [e.path, e.line, e.message])).toEqual([
      ["__proto__", 3, "unknown key '__proto__'"],
      ["constructor", 4, "unknown key 'constructor'"],
    ]);
    expect(({} as Record<string, unknown>).seed).toBeUndefined();
  });
});

describe("network timeouts", () => {
  it("an RPC or DNS timeout not longer than the worst round trip is an error at its key", () => {
    const text = "hosts: [{name: a}]\nclients: [{name: c, count: 5}]\nnetwork:\n  latency: 2s\n  rpcTimeout: 3s\n  dnsTimeout: 10s\n";
    const errors = loadErrors(text);
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe("network.rpcTimeout");
    expect(errors[0].line).toBe(5);
    expect(errors[0].message).toContain("round trip");
  });
});
