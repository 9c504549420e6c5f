// Every string that reaches the HTML comes through here: scenario, host and metric names
// are user input, and the report must stay inert whatever they contain.

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text for element content or a quoted attribute value (HTML and SVG alike). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/** Escaped text in which `backticked` spans become <code> (explanations quote commands and keys that way). */
export function escapeWithCode(value: unknown): string {
  return escapeHtml(value).replace(/`([^`]+)`/g, "<code>$1</code>");
}
