// The scenario the run came from: its full text when the caller has it, else what the
// result itself records.

import type { Result } from "../../results/result.js";
import { escapeHtml } from "../escape.js";

export function scenarioHtml(result: Result, scenarioText: string | undefined): string {
  if (scenarioText !== undefined) return `<pre class="scenario">${escapeHtml(scenarioText)}</pre>`;
  return (
    `<p>Scenario <b>${escapeHtml(result.scenario)}</b>, seed ${escapeHtml(result.seed)}, ${escapeHtml(result.mode)} mode, ` +
    `hosts ${result.hosts.map((h) => `<code>${escapeHtml(h.name)}</code>`).join(", ")}.</p>` +
    `<p class="muted">The scenario file itself is not part of the result: <code>kmssim report RESULT.json --html FILE --scenario SCENARIO.yaml</code> includes it here.</p>`
  );
}
