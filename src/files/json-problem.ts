// Why JSON.parse refused a file the user named, without its bytes: V8's message quotes
// up to ten characters of the text ("Unexpected token 'P', "PATH=/usr/"..."), which for
// /proc/self/environ or a secret is a leak. Keeps the kind of fault and the place.

export function jsonSyntaxProblem(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/end of JSON input/i.test(message)) return "the JSON ends early";
  const position = /at position (\d+)/.exec(message);
  const what = /^Unexpected token|is not valid JSON/.test(message) ? "an unexpected character" : faultOf(message);
  if (position === null) return `${what} (not JSON)`;
  const offset = Math.min(Number(position[1]), text.length);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `${what} at line ${line}, column ${column}`;
}

/** V8's words up to " in JSON" / " after JSON": they name the fault, never the text. */
function faultOf(message: string): string {
  const head = message.replace(/\s+(in|after) JSON.*$/s, "");
  // Quoted pieces could come from the text; the fixed phrases V8 uses quote only one character.
  return (
    head
      .replace(/"[^"]*"/g, "")
      .replace(/'[^']{2,}'/g, "")
      .trim()
      .replace(/^./, (c) => c.toLowerCase()) || "invalid JSON"
  );
}
