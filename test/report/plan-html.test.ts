import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderPlanHtmlReport } from "../../src/report/plan/plan-html.js";
import { fixturePlan } from "./plan-fixture.js";

// Every element and attribute the plan report itself writes; anything else came from input.
const OWN_TAGS = new Set(
  "html head meta title style body main header div h1 h2 h3 p span b i section table thead tbody tr th td code pre footer svg g line text path circle rect".split(
    " ",
  ),
);
const OWN_ATTRIBUTES = new Set(
  "lang charset http-equiv content name class id style title viewBox role aria-label xmlns x y x1 x2 y1 y2 d r cx cy width height fill stroke transform text-anchor".split(
    " ",
  ),
);

const tagsIn = (html: string): string[] => [...html.matchAll(/<([a-zA-Z][\w:-]*)/g)].map((m) => m[1].toLowerCase());

function attributesIn(html: string): string[] {
  const names: string[] = [];
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const rest = tag
      .slice(1, -1)
      .replace(/^[\w:-]+/, "")
      .replace(/\s([\w:-]+)="[^"<>]*"/g, (_, name: string) => {
        names.push(name);
        return "";
      });
    if (rest.replace(/\/$/, "").trim() !== "") names.push("!");
  }
  return names;
}

const textOf = (html: string): string => html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
const chartsOf = (html: string): string[] => html.match(/<svg class="chart [^"]*"[^]*?<\/svg>/g) ?? [];

describe("renderPlanHtmlReport", () => {
  it("names the recommended count in the title, the header and the fleet's section", () => {
    const html = renderPlanHtmlReport(fixturePlan({ overloadedBelow: 3 }));
    expect(html).toContain("<title>kmssim plan: capacity (50000 clients: 3)</title>");
    expect(html).toMatch(/<div class="label">50,000 clients<\/div><div class="value">3 hosts<\/div>/);
    expect(html).toContain("<h2>50,000 clients: <b>3 hosts</b> recommended</h2>");
    expect(html).toContain(`<span class="badge pass">PASS</span>`);
  });

  it("says none when no host count passed, with the counts tried", () => {
    const html = renderPlanHtmlReport(fixturePlan({ overloadedBelow: 9 }));
    expect(html).toMatch(/<div class="value">none<\/div><div class="note">none of 1\.\.4 hosts met every threshold in all 3 replications/);
    expect(html).toContain(`<span class="badge fail">FAIL</span>`);
    expect(html).not.toContain('class="recommended"');
  });

  it("draws three charts per fleet size, each with a point per host count (× where never activated), limits where the scenario has them", () => {
    const plan = fixturePlan({ fleetSizes: [10_000, 50_000], hostCounts: [1, 2, 3, 4, 6] });
    const charts = chartsOf(renderPlanHtmlReport(plan));
    expect(charts.map((svg) => /class="chart plan ([^"]*)"/.exec(svg)?.[1])).toEqual([
      "p99ActivationMs",
      "allActivatedHours",
      "maxShareDeviation",
      "p99ActivationMs",
      "allActivatedHours",
      "maxShareDeviation",
    ]);
    for (const [k, svg] of charts.entries()) {
      const circles = (svg.match(/<circle class="point"/g) ?? []).length;
      const crosses = (svg.match(/<path class="never-mark"/g) ?? []).length;
      expect(circles + crosses, `chart ${k}`).toBe(5);
      expect(crosses).toBe(k % 3 === 1 ? 2 : 0);
      expect(svg.includes('<line class="limit"')).toBe(k % 3 !== 1);
      expect(svg).toMatch(/<rect class="recommended"[^>]*><title>recommended: 3 hosts<\/title>/);
    }
    expect(charts[0]).toContain("<title>limit &lt; 1500 ms</title>");
    expect(charts[2]).toContain("<title>limit &lt; 0.05</title>");
  });

  it("lists every point with per-threshold counts, the three intervals and never", () => {
    const plan = fixturePlan();
    const html = renderPlanHtmlReport(plan);
    const table = /<table class="points">[^]*?<\/table>/.exec(html)![0];
    const rows = table.match(/<tr class="[^"]*">[^]*?<\/tr>/g)!;
    expect(rows).toHaveLength(4);
    expect(textOf(rows[0])).toMatch(/^ 1 50,000 ✗ fail 0\/3 0\/3 3\/3 5,001ms ± 0ms never 0 ± 0 $/);
    expect(rows[2]).toContain(`class="ok recommended"`);
    expect(textOf(rows[2])).toContain(`3 recommended 50,000 ✓ PASS 3/3 3/3 3/3 ${plan.points[2].p99ActivationMs.mean}ms ± `);
    // Hours 2, 2.25, 2.5: mean 2.25 ± t(0.975, 2) · 0.25 / √3 ≈ 0.621.
    expect(textOf(rows[2])).toMatch(/ 2\.25h ± 0\.62\d*h /);
    expect(rows[0]).toContain(`<span class="never">never</span>`);
  });

  it("marks an interrupted sweep's unfinished point and leaves the answer open", () => {
    const html = renderPlanHtmlReport(fixturePlan({ overloadedBelow: 5, hostCounts: [1, 2, 3, 4, 5], unfinished: 2 }));
    expect(html).toContain("The sweep was interrupted");
    expect(textOf(html)).toContain("ran 1/3");
    expect(html).toMatch(/<div class="value">not known<\/div><div class="note">the sweep stopped before 5 hosts finished/);
    expect(html).toContain('fill="#8a939f"');
  });

  it("shows the scenario text when given", () => {
    const html = renderPlanHtmlReport(fixturePlan(), { scenarioText: "name: <capacity>\n" });
    expect(html).toContain(`<pre class="scenario">name: &lt;capacity&gt;\n</pre>`);
    expect(renderPlanHtmlReport(fixturePlan())).not.toContain('id="scenario"');
  });

  it("for any scenario, metric and host names, the page has only its own elements and attributes and no script", () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.constantFrom(`<img src=x onerror=alert(1)>`, `"><svg onload=alert(1)>`, `'><script>x</script>`, "</title><script>", "&lt;script&gt;", "<!--", "]]>"),
    );
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (scenario, metric, hostName, scenarioText) => {
        const plan = fixturePlan({
          scenario,
          hostName,
          thresholds: [
            { metric: "rpc.activation.latencyMs.p99", op: "lt", value: 1500 },
            { metric, op: "lt", value: 1 },
          ],
        });
        const html = renderPlanHtmlReport(plan, { scenarioText });
        for (const tag of tagsIn(html)) expect(OWN_TAGS.has(tag), `unexpected element <${tag}>`).toBe(true);
        for (const name of attributesIn(html)) expect(OWN_ATTRIBUTES.has(name), `unexpected attribute ${name}`).toBe(true);
        expect(html).not.toMatch(/<script/i);
      }),
      { numRuns: 40 },
    );
  });

  it("forbids scripts and fetches and loads nothing from outside", () => {
    const html = renderPlanHtmlReport(fixturePlan());
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
  });
});
