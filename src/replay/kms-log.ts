// The events of one or more exports read as what they say: requests the KMS hosts processed
// (12290), requests clients sent (12288) and answers they processed (12289). Other events
// (a 12293 publishing failure in an Application log export, say) are counted and skipped.

import {
  parseClientAnswerInfo,
  parseClientSentInfo,
  parseHostRequestInfo,
  type ClientAnswerInfo,
  type ClientSentInfo,
  type HostRequestInfo,
  type Parsed,
} from "./event-info.js";
import { ImportError, MAX_IMPORT_EVENTS, type RawEvent } from "./raw-event.js";
import { readCsvExport } from "./csv-export.js";
import { readXmlExport } from "./xml-export.js";

export const EVENT_REQUEST_SENT = 12288;
export const EVENT_ANSWER_PROCESSED = 12289;
export const EVENT_REQUEST_PROCESSED = 12290;

export interface Logged<T> {
  timeMs: number;
  /** The computer that logged it. */
  computer: string;
  info: T;
}

export interface KmsLog {
  /** 12290, in time order. */
  requests: Logged<HostRequestInfo>[];
  /** 12288, in time order. */
  sent: Logged<ClientSentInfo>[];
  /** 12289, in time order. */
  answers: Logged<ClientAnswerInfo>[];
  /** Events of other ids, skipped. */
  skipped: number;
  files: number;
}

/** An export as events: XML when it starts with '<', CSV otherwise; refused past `maxEvents`. */
export function readExport(text: string, file: string, maxEvents = MAX_IMPORT_EVENTS): RawEvent[] {
  return /^\uFEFF?\s*</.test(text) ? readXmlExport(text, file, maxEvents) : readCsvExport(text, file, maxEvents);
}

export function kmsLogOf(exports: readonly RawEvent[][]): KmsLog {
  const log: KmsLog = { requests: [], sent: [], answers: [], skipped: 0, files: exports.length };
  for (const event of exports.flat()) {
    if (event.eventId === EVENT_REQUEST_PROCESSED) log.requests.push(logged(event, parseHostRequestInfo(event.info)));
    else if (event.eventId === EVENT_REQUEST_SENT) log.sent.push(logged(event, parseClientSentInfo(event.info)));
    else if (event.eventId === EVENT_ANSWER_PROCESSED) log.answers.push(logged(event, parseClientAnswerInfo(event.info)));
    else log.skipped++;
  }
  const byTime = (a: { timeMs: number }, b: { timeMs: number }): number => a.timeMs - b.timeMs;
  log.requests.sort(byTime);
  log.sent.sort(byTime);
  log.answers.sort(byTime);
  return log;
}

function logged<T>(event: RawEvent, parsed: Parsed<T>): Logged<T> {
  if (!parsed.ok) throw new ImportError(event.file, event.line, `event ${event.eventId}: ${parsed.reason}`);
  return { timeMs: event.timeMs, computer: event.computer.toLowerCase(), info: parsed.value };
}
