// The scenario the run came from: its full text when the caller has it (inline secrets
// blanked), else what the result itself records.

import type { Result } from "../../results/result.js";
import { redactScenarioSecrets } from "../../scenario/redact-secrets.js";
import { escapeHtml } from "../escape.js";

/** The scenario file as written, its inline TSIG secret blanked; withheld if that is not certain. */
export function scenarioTextHtml(scenarioText: string): string {
  const shown = redactScenarioSecrets(scenarioText);
  if (shown === null) return `<p class="muted">The scenario file holds a TSIG secret that could not be blanked for certain, so its text is not shown here.</p>`;
  return `<pre class="scenario">${escapeHtml(shown)}</pre>`;
}

export function scenarioHtml(result: Result, scenarioText: string | undefined): string {
  if (scenarioText !== undefined) return scenarioTextHtml(scenarioText);
  return (
    `<p>Scenario <b>${escapeHtml(result.scenario)}</b>, seed ${escapeHtml(result.seed)}, ${escapeHtml(result.mode)} mode, ` +
    `hosts ${result.hosts.map((h) => `<code>${escapeHtml(h.name)}</code>`).join(", ")}.</p>` +
    `<p class="muted">The scenario file itself is not part of the result: <code>kmssim report RESULT.json --html FILE --scenario SCENARIO.yaml</code> includes it here.</p>`
  );
}
