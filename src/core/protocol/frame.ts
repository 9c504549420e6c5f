// kmssim activation protocol v1: constants and message shapes (docs/protocol.md).
// kmssim's own protocol; it has nothing to do with Microsoft's KMS RPC.
//
// frame = u32 length (of what follows) | "KS" | version u8 | type u8 | request id u32 | body
// Every body has one fixed size per type, so a frame's length is known from its type.

import type { ProductId } from "../product.js";
import type { LicenseStatus } from "../license.js";
import type { ProtocolErrorCode } from "./protocol-error.js";

/** "KS". */
export const MAGIC = 0x4b53;
export const PROTOCOL_VERSION = 1;

export const MessageType = {
  ActivationRequest: 1,
  ActivationResponse: 2,
  Reject: 3,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const LENGTH_PREFIX_BYTES = 4;
/** Magic, version, type, request id: the part of every frame after the length prefix. */
export const HEADER_BYTES = 8;
export const CMID_BYTES = 16;

/** cmid 16 | client time f64 | product u8 | renewal u8 | license status u8 */
export const REQUEST_BODY_BYTES = 27;
/** status u32 | host id u16 | count u32 | activation interval f64 | renewal interval f64 */
export const RESPONSE_BODY_BYTES = 26;
/** reason u8 */
export const REJECT_BODY_BYTES = 1;

export const REQUEST_FRAME_BYTES = LENGTH_PREFIX_BYTES + HEADER_BYTES + REQUEST_BODY_BYTES; // 39
export const RESPONSE_FRAME_BYTES = LENGTH_PREFIX_BYTES + HEADER_BYTES + RESPONSE_BODY_BYTES; // 38
export const REJECT_FRAME_BYTES = LENGTH_PREFIX_BYTES + HEADER_BYTES + REJECT_BODY_BYTES; // 13

/**
 * Largest frame a decoder accepts, length prefix included. v1 frames are far smaller;
 * the cap bounds what a receiver buffers for one frame whatever the prefix claims.
 */
export const MAX_FRAME_BYTES = 256;

/** Body size per message type (index = type); undefined for unknown types. */
export const BODY_BYTES: readonly (number | undefined)[] = [undefined, REQUEST_BODY_BYTES, RESPONSE_BODY_BYTES, REJECT_BODY_BYTES];

/**
 * A product's wire code is its catalog id + 1 (core/product.ts): 1 windows-client,
 * 2 windows-server, 3 office-2010, 4–255 products a scenario adds. 0 is never a product,
 * so a zeroed body is rejected; a host that does not serve a code answers 0xC004F042.
 */
export function productCode(id: ProductId): number {
  return id + 1;
}
export function productOfCode(code: number): ProductId {
  return code - 1;
}
/** Largest product code (the byte's range). */
export const MAX_PRODUCT_CODE = 255;

/** Largest LicenseStatus value (the wire byte is the enum value itself). */
export const MAX_LICENSE_STATUS = 3;

/** A client's request: the host-logic ActivationRequest with the CMID as its 16 bytes. */
export interface RequestMessage {
  requestId: number;
  cmid: Uint8Array;
  /** The product's catalog id (0..254). */
  product: ProductId;
  /** The client's clock, ms since the Unix epoch (simulated time); finite. */
  clientTimeMs: number;
  renewal: boolean;
  status: LicenseStatus;
}

/** A host's answer: the host-logic ActivationAnswer plus who answered which request. */
export interface ResponseMessage {
  requestId: number;
  /** 0 = success, else an error code such as 0xC004F038 (decoded unsigned). */
  status: number;
  /** Endpoint index of the answering host (u16). */
  hostId: number;
  count: number;
  /** Finite and > 0, in ms. */
  activationIntervalMs: number;
  renewalIntervalMs: number;
}

/** A receiver's refusal of a frame it could not decode. */
export interface RejectMessage {
  /** The refused frame's request id, 0 when its header could not be read. */
  requestId: number;
  reason: ProtocolErrorCode;
}

export interface RequestFrame extends RequestMessage {
  type: typeof MessageType.ActivationRequest;
}
export interface ResponseFrame extends ResponseMessage {
  type: typeof MessageType.ActivationResponse;
}
export interface RejectFrame extends RejectMessage {
  type: typeof MessageType.Reject;
}
export type DecodedFrame = RequestFrame | ResponseFrame | RejectFrame;
