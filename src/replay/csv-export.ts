// `Get-WinEvent -LogName 'Key Management Service' | Export-Csv`: one row per event with the
// event's Id, TimeCreated, MachineName and either its Message (whose text after "Info:" is
// the Info string) or a Properties column holding the Info string itself (as
// `@{n='Properties';e={$_.Properties.Value -join ','}}` writes it). PowerShell 5's "#TYPE"
// first line is skipped.

import { CsvError, parse } from "csv-parse/sync";
import { HOST_NAME_FORM, parseHostName } from "./event-info.js";
import { parseEventTime } from "./event-time.js";
import { ImportError, MAX_IMPORT_EVENTS, tooManyEvents, type RawEvent } from "./raw-event.js";

const COLUMN_NAMES = {
  id: ["Id", "EventID", "EventId"],
  time: ["TimeCreated", "TimeGenerated", "Date and Time"],
  computer: ["MachineName", "Computer", "ComputerName"],
  message: ["Message"],
  properties: ["Properties"],
} as const;

/** What Export-Csv writes for a Properties column nobody flattened. */
const DOTNET_LIST = /^System\.Collections\.Generic\.List/;

/**
 * The export's events; refused past `maxEvents` (what is left of MAX_IMPORT_EVENTS). Each
 * record becomes an event as it is parsed, so the export's other columns and a file of
 * millions of tiny rows are never held at once.
 */
export function readCsvExport(original: string, file: string, maxEvents = MAX_IMPORT_EVENTS): RawEvent[] {
  // csv-parse counts a CRLF inside a quoted Message as two lines: one line end, one count.
  const text = original.replace(/\r\n/g, "\n");
  const typeLine = /^\uFEFF?#TYPE[^\n]*\n/.exec(text);
  const firstLine = typeLine === null ? 1 : 2;
  let columns: Columns | undefined;
  let previousEnd = firstLine;
  let events: RawEvent[];
  try {
    events = parse(text, {
      columns: (header: string[]) => {
        columns = columnsOf(header, file, firstLine);
        return header;
      },
      from_line: firstLine,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      on_record: (record: Record<string, string>, context) => {
        const line = previousEnd + 1;
        previousEnd = context.lines;
        if (context.records > maxEvents) throw tooManyEvents(file, line);
        return eventOf(record, columns!, file, line);
      },
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? firstLine;
      throw new ImportError(file, line, `not a CSV file kmssim can read (${error.code}): is it an Export-Csv of Get-WinEvent?`);
    }
    throw error;
  }
  if (events.length === 0) throw new ImportError(file, firstLine, "the CSV has a header but no events");
  return events;
}

interface Columns {
  id: string;
  time: string;
  computer: string;
  message: string | undefined;
  properties: string | undefined;
}

function columnsOf(header: readonly string[], file: string, firstLine: number): Columns {
  const column = (names: readonly string[]): string | undefined => header.find((h) => names.some((n) => n.toLowerCase() === h.toLowerCase()));
  const id = column(COLUMN_NAMES.id);
  const time = column(COLUMN_NAMES.time);
  const computer = column(COLUMN_NAMES.computer);
  const message = column(COLUMN_NAMES.message);
  const properties = column(COLUMN_NAMES.properties);
  const missing = [
    id === undefined ? "Id" : null,
    time === undefined ? "TimeCreated" : null,
    computer === undefined ? "MachineName" : null,
    message === undefined && properties === undefined ? "Message or Properties" : null,
  ].filter((m) => m !== null);
  if (missing.length > 0 || id === undefined || time === undefined || computer === undefined) {
    throw new ImportError(file, firstLine, `the header has no ${missing.join(", ")} column (Export-Csv of Get-WinEvent writes them)`);
  }
  return { id, time, computer, message, properties };
}

function eventOf(record: Record<string, string>, columns: Columns, file: string, line: number): RawEvent {
  const eventId = Number(record[columns.id]);
  if (!Number.isInteger(eventId) || eventId < 0) throw new ImportError(file, line, `the Id column is not an event id`);
  const timeMs = parseEventTime(record[columns.time] ?? "");
  if (timeMs === null) {
    throw new ImportError(file, line, "TimeCreated is in no form kmssim reads (ISO 8601 like 2026-11-30T10:00:00Z, or 11/30/2026 10:00:00 AM)");
  }
  const host = (record[columns.computer] ?? "").trim();
  if (host === "") throw new ImportError(file, line, "the MachineName column is empty");
  // The name goes into the scenario: a newline in it must not become YAML.
  if (parseHostName(host) === null) throw new ImportError(file, line, `MachineName is not a host name (${HOST_NAME_FORM})`);
  return { file, line, eventId, timeMs, computer: host, info: infoOf(record, columns.message, columns.properties, file, line) };
}

function infoOf(record: Record<string, string>, message: string | undefined, properties: string | undefined, file: string, line: number): string {
  const props = properties === undefined ? "" : (record[properties] ?? "").trim();
  if (props !== "" && !DOTNET_LIST.test(props)) return props;
  const text = message === undefined ? "" : (record[message] ?? "");
  const at = text.search(/Info:/i);
  if (at >= 0) return text.slice(at + "Info:".length).trim();
  if (DOTNET_LIST.test(props)) {
    throw new ImportError(
      file,
      line,
      "the Properties column holds only a .NET type name and there is no Message: export with " +
        "Select-Object Id,TimeCreated,MachineName,Message, or flatten Properties (see kmssim import --help)",
    );
  }
  throw new ImportError(file, line, 'the event has no Info string: its Message has no "Info:" line and there is no Properties column');
}
