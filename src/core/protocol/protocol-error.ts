// The one error the decoder throws for bad bytes. `code` is stable for callers to match
// on (and is what a Reject frame carries back to the peer); the message is for people.

export const PROTOCOL_ERROR_CODES = ["SHORT_FRAME", "OVERSIZED_FRAME", "BAD_MAGIC", "UNSUPPORTED_VERSION", "UNKNOWN_TYPE", "BAD_LENGTH", "BAD_FIELD"] as const;

export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  /** The frame's request id when its header could be read (so a host can address a Reject), else null. */
  readonly requestId: number | null;

  constructor(code: ProtocolErrorCode, message: string, requestId: number | null = null) {
    super(`${code}: ${message}`);
    this.name = "ProtocolError";
    this.code = code;
    this.requestId = requestId;
  }
}

/** Wire value of a Reject frame's reason: 1-based position in PROTOCOL_ERROR_CODES. */
export function rejectReasonOf(code: ProtocolErrorCode): number {
  return PROTOCOL_ERROR_CODES.indexOf(code) + 1;
}

/** The code a Reject reason byte stands for, or null for an unknown byte. */
export function codeOfRejectReason(reason: number): ProtocolErrorCode | null {
  return reason >= 1 && reason <= PROTOCOL_ERROR_CODES.length ? PROTOCOL_ERROR_CODES[reason - 1] : null;
}
