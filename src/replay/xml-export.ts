// `wevtutil qe "Key Management Service" /f:xml` (or RenderedXml): a run of <Event> elements,
// with or without an enclosing root. Each event's System holds EventID, TimeCreated's
// SystemTime and Computer; its EventData holds the Info string in <Data> (several <Data>
// parts are joined with commas). Each <Event> is cut out and parsed on its own, so a message
// names the line it starts on. No DOCTYPE and no entities: an export has neither.

import { XMLParser, XMLValidator } from "fast-xml-parser";
import { HOST_NAME_FORM, parseHostName } from "./event-info.js";
import { parseEventTime } from "./event-time.js";
import { ImportError, MAX_IMPORT_EVENTS, tooManyEvents, type RawEvent } from "./raw-event.js";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  isArray: (name) => name === "Data",
});

const EVENT_START = /<Event[\s>]/g;

/** The export's events; refused past `maxEvents` (what is left of MAX_IMPORT_EVENTS). */
export function readXmlExport(text: string, file: string, maxEvents = MAX_IMPORT_EVENTS): RawEvent[] {
  if (/<!DOCTYPE/i.test(text)) throw new ImportError(file, lineAt(text, text.search(/<!DOCTYPE/i)), "a DOCTYPE: wevtutil exports have none");
  const events: RawEvent[] = [];
  const lineOf = lineCounter(text);
  for (const match of text.matchAll(EVENT_START)) {
    const start = match.index;
    const line = lineOf(start);
    if (events.length === maxEvents) throw tooManyEvents(file, line);
    const end = text.indexOf("</Event>", start);
    if (end < 0) throw new ImportError(file, line, "an <Event> that never ends (</Event> missing): is the export cut short?");
    const chunk = text.slice(start, end + "</Event>".length);
    const valid = XMLValidator.validate(chunk);
    if (valid !== true) throw new ImportError(file, line + valid.err.line - 1, `not well-formed XML: ${valid.err.msg}`);
    events.push(eventOf(parseEvent(chunk, file, line), file, line));
  }
  if (events.length === 0) throw new ImportError(file, 1, "no <Event> elements: is it the output of wevtutil qe … /f:xml?");
  return events;
}

/** The parser throws plain Errors on what the validator lets through (elements nested past its limit): the user's to fix. */
function parseEvent(chunk: string, file: string, line: number): { Event?: unknown } {
  try {
    return parser.parse(chunk) as { Event?: unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/nested/i.test(message)) throw new ImportError(file, line, "elements nested more than 100 deep in this <Event>: a wevtutil export nests a few levels");
    throw new ImportError(file, line, `the XML reader refused this <Event>: ${message}`);
  }
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | null => (typeof v === "string" ? v : isNode(v) && typeof v["#text"] === "string" ? v["#text"] : null);

function eventOf(doc: { Event?: unknown }, file: string, line: number): RawEvent {
  const event = doc.Event;
  const system = isNode(event) ? event.System : undefined;
  if (!isNode(event) || !isNode(system)) throw new ImportError(file, line, "an <Event> without <System>");
  const eventId = Number(textOf(system.EventID));
  if (!Number.isInteger(eventId) || eventId < 0) throw new ImportError(file, line, "<EventID> is not an event id");
  const created = isNode(system.TimeCreated) ? system.TimeCreated["@SystemTime"] : undefined;
  const timeMs = typeof created === "string" ? parseEventTime(created) : null;
  if (timeMs === null) throw new ImportError(file, line, "<TimeCreated SystemTime='…'> is missing or not an ISO 8601 time");
  const computer = (textOf(system.Computer) ?? "").trim();
  if (computer === "") throw new ImportError(file, line, "<Computer> is missing or empty");
  // The name goes into the scenario: a newline in it must not become YAML.
  if (parseHostName(computer) === null) throw new ImportError(file, line, `<Computer> is not a host name (${HOST_NAME_FORM})`);
  const data = isNode(event.EventData) ? event.EventData.Data : undefined;
  const parts = Array.isArray(data) ? data.map((d) => textOf(d) ?? "") : [];
  if (parts.length === 0) throw new ImportError(file, line, "<EventData> has no <Data>: the event's Info string is missing");
  return { file, line, eventId, timeMs, computer, info: parts.map((p) => p.trim()).join(",") };
}

/** 1-based line of each offset, for offsets asked in ascending order. */
function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let at = 0;
  return (offset) => {
    for (; at < offset; at++) if (text.charCodeAt(at) === 10) line++;
    return line;
  };
}

function lineAt(text: string, offset: number): number {
  return lineCounter(text)(offset);
}
