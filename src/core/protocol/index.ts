// kmssim activation protocol v1 (docs/protocol.md): kmssim's own frames, not Microsoft's KMS RPC.

export * from "./frame.js";
export * from "./protocol-error.js";
export { encodeReject, encodeRequest, encodeResponse } from "./encode.js";
export { decodeFrame, FrameDecoder, type DecoderState } from "./decode.js";
export { cmidFromIndex, cmidIndex, cmidKey, cmidPrefix, cmidToHex, CMID_PREFIX_BYTES, formatCmid, parseCmid } from "./cmid.js";
