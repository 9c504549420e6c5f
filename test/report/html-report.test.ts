import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explainCode } from "../../src/core/errors.js";
import { escapeHtml, escapeWithCode } from "../../src/report/escape.js";
import { renderHtmlReport } from "../../src/report/index.js";
import { fixtureResult } from "./fixtures.js";

// Every element the report itself writes; anything else in the output came from input.
const OWN_TAGS = new Set(
  "html head meta title style body main header div h1 h2 h3 p span b section table thead tbody tr th td code pre br footer svg g line text path circle rect".split(
    " ",
  ),
);

const OWN_ATTRIBUTES = new Set(
  (
    "lang charset http-equiv content name class id style title viewBox role aria-label xmlns x y x1 x2 y1 y2 d r cx cy width height " +
    "fill stroke transform text-anchor"
  ).split(" "),
);

function tagsIn(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][\w:-]*)/g)].map((m) => m[1].toLowerCase());
}

/** Attribute names of every start tag; "!" when a tag holds anything but name="value" pairs. */
function attributesIn(html: string): string[] {
  const names: string[] = [];
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const inner = tag.slice(1, -1).replace(/^[\w:-]+/, "");
    const rest = inner.replace(/\s([\w:-]+)="[^"<>]*"/g, (_, name: string) => {
      names.push(name);
      return "";
    });
    if (rest.replace(/\/$/, "").trim() !== "") names.push("!");
  }
  return names;
}

/** Text of attribute-free markup, roughly: what a reader sees. */
const textOf = (html: string): string => html.replace(/<[^>]*>/g, " ");

describe("escapeHtml", () => {
  it("leaves no markup characters and is undone by the browser's entity decoding", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'q'`)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const escaped = escapeHtml(s);
        expect(escaped).not.toMatch(/[<>"']/);
        const decoded = escaped.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e] as string);
        expect(decoded).toBe(s);
      }),
    );
  });
});

describe("renderHtmlReport", () => {
  it("a host named <script> appears escaped, never as a tag", () => {
    const html = renderHtmlReport(fixtureResult({ hosts: ["<script>alert(1)</script>", "kms2"] }));
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("for any names in scenario, hosts, metrics, events and products, the page has only the report's own elements and no script", () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.constantFrom(
        `<img src=x onerror=alert(1)>`,
        `"><svg onload=alert(1)>`,
        `'><script>x</script>`,
        "</title><script>",
        "&lt;script&gt;",
        "javascript:alert(1)",
        "<!--",
        "]]>",
      ),
    );
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, hostile, hostile, hostile, (scenario, h1, h2, metric, target, reason, scenarioText) => {
        fc.pre(h1 !== h2);
        const html = renderHtmlReport(fixtureResult({ scenario, hosts: [h1, h2], metric, eventTarget: target, reason, product: h1 }), { scenarioText });
        for (const tag of tagsIn(html)) expect(OWN_TAGS.has(tag), `unexpected element <${tag}>`).toBe(true);
        expect(html).not.toMatch(/<script/i);
        for (const name of attributesIn(html)) expect(OWN_ATTRIBUTES.has(name), `unexpected attribute ${name}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("forbids scripts and network fetches in its Content-Security-Policy and loads nothing from outside", () => {
    const html = renderHtmlReport(fixtureResult());
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
  });

  it("has the header, every chart with drawn geometry, hosts, error explanations, thresholds and events", () => {
    const result = fixtureResult();
    const html = renderHtmlReport(result);
    expect(html).toContain("<title>kmssim report: fixture (fail)</title>");
    expect(html).toContain(`<span class="badge fail">FAIL</span>`);
    // Three latency panels plus five time charts, each with a drawn series.
    const charts: string[] = html.match(/<svg class="chart [^"]*"[^]*?<\/svg>/g) ?? [];
    expect(charts.map((svg) => /class="chart ([^"]*)"/.exec(svg)?.[1])).toEqual([
      "latency",
      "latency",
      "latency",
      "activations",
      "latency-time",
      "host-requests",
      "host-errors",
      "host-share",
    ]);
    for (const svg of charts) {
      const drawn = [...svg.matchAll(/<path class="series" d="([^"]*)"/g)].map((m) => m[1].split("L").length);
      const bars = (svg.match(/<rect /g) ?? []).length;
      expect(Math.max(0, ...drawn) > 1 || bars > 0, `a chart without drawing: ${svg.slice(0, 80)}`).toBe(true);
    }
    // The renewal tail (5 timeouts of 5 s among 50, median 2 ms) reaches past 5000 ms on a log axis;
    // activation (1..12 ms) stays linear from 0.
    const ticksOf = (svg: string): number[] =>
      [...svg.matchAll(/<text class="tick"[^>]*>([\d.]+)(k?)<\/text>/g)].map((m) => Number(m[1]) * (m[2] === "k" ? 1000 : 1));
    expect(Math.max(...ticksOf(charts[1]))).toBeGreaterThanOrEqual(5000);
    expect(charts[1]).toContain("latency (ms, log)");
    expect(charts[0]).toContain("latency (ms)<");
    expect(Math.min(...ticksOf(charts[0]))).toBe(0);
    const text = textOf(html);
    for (const name of ["kms1", "kms2"]) expect(text).toContain(name);
    for (const code of [0xc004f038, 0x800706ba, 0xc004f074]) {
      const info = explainCode(code)!;
      expect(html).toContain(info.hex);
      expect(html).toContain(escapeWithCode(info.meaning));
      expect(html).toContain(escapeWithCode(info.remedy));
    }
    expect(text).toMatch(/10 activation RPCs/);
    expect(text).toMatch(/5 renewal RPCs/);
    expect(text).toMatch(/3 client attempts/);
    expect(html).toMatch(/<tr class="bad"><td class="verdict">✗ fail<\/td><td><code>clients\.notActivated<\/code>/);
    expect(html).toMatch(/<tr class="ok"><td class="verdict">✓ pass<\/td><td><code>rpc\.activation\.latencyMs\.p99<\/code>/);
    // Faults are drawn as lines, the routine refresh is only counted.
    for (const label of ["kms2 crash", "DNS down", "kms2 publish-failed corp.example"]) expect(html).toContain(`<title>${label}</title>`);
    expect(html).not.toContain("<title>kms1 published");
    expect(text).toContain("1 routine record refreshes");
  });

  it("shows the scenario text when given, else what the result records", () => {
    const withText = renderHtmlReport(fixtureResult(), { scenarioText: "name: fixture\nhosts:\n  - name: <kms1>\n" });
    expect(withText).toContain(`<pre class="scenario">name: fixture\nhosts:\n  - name: &lt;kms1&gt;\n</pre>`);
    const without = renderHtmlReport(fixtureResult());
    expect(without).toContain("--scenario SCENARIO.yaml");
  });

  it("draws an interval without requests as no point, not as a share of 0", () => {
    const result = fixtureResult();
    const html = renderHtmlReport(result);
    const shareChart = /<svg class="chart host-share"[^]*?<\/svg>/.exec(html)![0];
    const dots = shareChart.match(/<circle [^>]*><title>kms1: [^<]*<\/title>/g) ?? [];
    expect(dots.length).toBe(result.timeline.length - 1);
  });

  it("survives a result cut short: no timeline, empty or unreadable histograms", () => {
    const result = fixtureResult();
    result.timeline = [];
    result.interrupted = true;
    result.rpc.renewal.histogram = "";
    result.dns.histogram = "###";
    const html = renderHtmlReport(result);
    expect(html).toContain("The run was interrupted");
    expect(html).toContain("The timeline is empty");
    expect(html).toContain("histogram unreadable");
  });
});

describe("the report of a shard and of a merge", () => {
  it("says which shard a result is, that its thresholds wait for the merge, and how many shards a merge joined", () => {
    const base = fixtureResult();
    const shard = renderHtmlReport({
      ...base,
      thresholds: [],
      pass: true,
      shard: { index: 2, count: 4, fleetClients: 4000, runDigest: "sha256:x", thresholds: [{ metric: "clients.notActivated", op: "eq", value: 0 }] },
    });
    expect(textOf(shard)).toMatch(/shard\s+2\/4\s+of 4,000 clients \(thresholds are judged on the merged result\)/);
    expect(textOf(shard)).toContain("DONE");
    expect(textOf(shard)).not.toMatch(/\bPASS\b/);
    const merged = renderHtmlReport({ ...base, merged: { shards: 4, runDigest: "sha256:x" } });
    expect(textOf(merged)).toMatch(/merged from\s+4\s+shards/);
    expect(textOf(renderHtmlReport(base))).not.toMatch(/merged from|shard \d/);
  });
});
