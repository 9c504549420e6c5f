import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_FUDGE_SECONDS,
  TsigErrorCode,
  TsigFormatError,
  appendUnsignedTsig,
  signMessage,
  timeAsOtherData,
  verifyMessage,
  type TsigKey,
} from "../../src/dns/tsig.js";
import { encodeUpdate } from "../../src/dns/update-message.js";

// Captured on this machine: `nsupdate -y hmac-sha256:KmsSim-Key.:<secret>` adding an SRV and
// an A record through a UDP proxy to BIND 9.18 `named`, and named's NOERROR reply.
const BIND = {
  secret: "P2mCAY1P//Ngo+6yY1Jks7E2xMh3ilZFV6ifK3w5qTc=",
  timeSignedSec: 0x6b06fc3c,
  request:
    "9d502800000100000002000104636f7270076578616d706c650000060001065f766c6d6373045f74637004636f7270076578616d706c65000021000100000e100019000000640698046b6d733104636f7270076578616d706c6500c0480001000100000e1000047f0000020a6b6d7373696d2d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b06fc3c012c002068b2f92112ef258fbe297844c016c3d28b8724800548f8935f15f2c9ff9f84d19d5000000000",
  reply:
    "9d50a800000100000000000104636f7270076578616d706c6500000600010a6b6d7373696d2d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b06fc3c012c00207db46a639bb102134fb0ea20d0206f3d982afc6c182f3b3131a81df1e43e50439d5000000000",
};

const bindKey: TsigKey = { name: "KmsSim-Key.", algorithm: "hmac-sha256", secret: Buffer.from(BIND.secret, "base64") };
const key: TsigKey = { name: "kmssim-key.", algorithm: "hmac-sha256", secret: Buffer.from("0123456789abcdef0123456789abcdef") };
const NOW = 1_700_000_000;

const update = (id = 0x1234): Buffer =>
  encodeUpdate(id, "corp.example", [
    { op: "add", rr: { type: "SRV", name: "_vlmcs._tcp.corp.example", target: "kms1.corp.example", port: 1688, priority: 0, weight: 100 }, ttlSeconds: 3600 },
  ]);

describe("TSIG against BIND 9.18 (captured vectors)", () => {
  it("verifies nsupdate's signed request, with the key name in another case than on the wire", () => {
    const request = Buffer.from(BIND.request, "hex");
    const verdict = verifyMessage(request, [bindKey], { nowSec: BIND.timeSignedSec + 10 });
    expect(verdict).toMatchObject({ signed: true, keyName: "kmssim-key.", error: TsigErrorCode.NOERROR, algorithm: "hmac-sha256" });
    expect(verdict.key).toBe(bindKey);
    expect(verdict.timeSignedSec).toBe(BIND.timeSignedSec);
    expect(verdict.fudgeSec).toBe(300);
    // The unsigned message: ARCOUNT back to 0, same bytes up to the TSIG record.
    expect(verdict.unsigned.readUInt16BE(10)).toBe(0);
    expect(request.subarray(12, verdict.unsigned.length).equals(verdict.unsigned.subarray(12))).toBe(true);
  });

  it("reproduces nsupdate's MAC and named's reply MAC byte for byte", () => {
    const request = Buffer.from(BIND.request, "hex");
    const reply = Buffer.from(BIND.reply, "hex");
    const req = verifyMessage(request, [bindKey], { nowSec: BIND.timeSignedSec });
    const rep = verifyMessage(reply, [bindKey], { nowSec: BIND.timeSignedSec, requestMac: req.mac! });
    expect(rep.error).toBe(TsigErrorCode.NOERROR);
    const lowerKey = { ...bindKey, name: "kmssim-key" };
    const resigned = signMessage(req.unsigned, lowerKey, { timeSignedSec: BIND.timeSignedSec, fudgeSec: 300 });
    expect(resigned.message.toString("hex")).toBe(BIND.request);
    const resignedReply = signMessage(rep.unsigned, lowerKey, { timeSignedSec: BIND.timeSignedSec, fudgeSec: 300, requestMac: req.mac! });
    expect(resignedReply.message.toString("hex")).toBe(BIND.reply);
    // Without the request MAC prefixed the reply does not verify.
    expect(verifyMessage(reply, [bindKey], { nowSec: BIND.timeSignedSec }).error).toBe(TsigErrorCode.BADSIG);
  });
});

describe("TSIG sign and verify", () => {
  it("matches an HMAC-SHA256 computed independently over the RFC 8945 digest layout", () => {
    const message = update(7);
    const { message: signed, mac } = signMessage(message, { ...key, name: "KMSSIM-Key" }, { timeSignedSec: NOW, fudgeSec: 300 });
    const name = (labels: string[]): Buffer =>
      Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
    const expected = createHmac("sha256", key.secret)
      .update(message)
      .update(name(["kmssim-key"]))
      .update(Buffer.from([0x00, 0xff, 0, 0, 0, 0]))
      .update(name(["hmac-sha256"]))
      .update(Buffer.from("00006553f100012c00000000", "hex")) // time 1700000000, fudge 300, error 0, other len 0
      .digest();
    expect(mac.equals(expected)).toBe(true);
    expect(signed.readUInt16BE(10)).toBe(1);
    const rdata = Buffer.concat([name(["hmac-sha256"]), Buffer.from("00006553f100012c0020", "hex"), expected, Buffer.from("000700000000", "hex")]);
    const rr = Buffer.concat([name(["KMSSIM-Key"]), Buffer.from([0, 250, 0, 255, 0, 0, 0, 0, 0, rdata.length]), rdata]);
    expect(signed.subarray(message.length).equals(rr)).toBe(true);
  });

  it("round trip: a signed request verifies, its signed reply verifies with the request MAC", () => {
    const request = signMessage(update(), key, { timeSignedSec: NOW });
    const verdict = verifyMessage(request.message, [key], { nowSec: NOW });
    expect(verdict).toMatchObject({ signed: true, error: 0, keyName: "kmssim-key.", fudgeSec: DEFAULT_FUDGE_SECONDS });
    expect(verdict.mac!.equals(request.mac)).toBe(true);
    expect(verdict.unsigned.equals(update())).toBe(true);
    const reply = signMessage(Buffer.from("12348000000000000000000000", "hex").subarray(0, 12), key, { timeSignedSec: NOW + 1, requestMac: request.mac });
    expect(verifyMessage(reply.message, [key], { nowSec: NOW, requestMac: request.mac }).error).toBe(TsigErrorCode.NOERROR);
    expect(verifyMessage(reply.message, [key], { nowSec: NOW, requestMac: reply.mac }).error).toBe(TsigErrorCode.BADSIG);
  });

  it("restores the original id of a message whose id was rewritten in transit", () => {
    const signed = Buffer.from(signMessage(update(0x4242), key, { timeSignedSec: NOW }).message);
    signed.writeUInt16BE(0x9999, 0);
    const verdict = verifyMessage(signed, [key], { nowSec: NOW });
    expect(verdict.error).toBe(TsigErrorCode.NOERROR);
    expect(verdict.unsigned.readUInt16BE(0)).toBe(0x4242);
  });

  it("an unsigned message is reported as such", () => {
    const verdict = verifyMessage(update(), [key], { nowSec: NOW });
    expect(verdict).toMatchObject({ signed: false, keyName: null, key: null, mac: null, error: 0 });
    expect(verdict.unsigned.equals(update())).toBe(true);
  });

  it("mixed-case key names verify both ways", () => {
    const signed = signMessage(update(), { ...key, name: "KmsSim-KEY" }, { timeSignedSec: NOW }).message;
    expect(verifyMessage(signed, [{ ...key, name: "kmssim-key." }], { nowSec: NOW }).error).toBe(TsigErrorCode.NOERROR);
    expect(verifyMessage(signed, [{ ...key, name: "KMSSIM-KEY." }], { nowSec: NOW }).keyName).toBe("kmssim-key.");
  });

  it("BADKEY for a key name we do not have or another algorithm; BADSIG for another secret", () => {
    const signed = signMessage(update(), key, { timeSignedSec: NOW }).message;
    const other: TsigKey = { ...key, name: "other-key." };
    expect(verifyMessage(signed, [other], { nowSec: NOW })).toMatchObject({ error: TsigErrorCode.BADKEY, key: null, keyName: "kmssim-key." });
    expect(verifyMessage(signed, [], { nowSec: NOW }).error).toBe(TsigErrorCode.BADKEY);
    const md5 = appendUnsignedTsig(update(), { keyName: key.name, algorithm: "hmac-md5.sig-alg.reg.int", timeSignedSec: NOW, fudgeSec: 300, error: 0 });
    expect(verifyMessage(md5, [key], { nowSec: NOW })).toMatchObject({ error: TsigErrorCode.BADKEY, algorithm: "hmac-md5.sig-alg.reg.int" });
    const wrongSecret = { ...key, secret: Buffer.from("another secret entirely, 32 byte") };
    expect(verifyMessage(signed, [wrongSecret], { nowSec: NOW }).error).toBe(TsigErrorCode.BADSIG);
  });

  it("BADTIME just outside the fudge on either side, fine at its edge; a bad MAC wins over a bad time", () => {
    const signed = signMessage(update(), key, { timeSignedSec: NOW, fudgeSec: 300 }).message;
    for (const [nowSec, error] of [
      [NOW - 300, 0],
      [NOW + 300, 0],
      [NOW + 300.9, 0],
      [NOW - 301, TsigErrorCode.BADTIME],
      [NOW + 301, TsigErrorCode.BADTIME],
      [NOW + 3600, TsigErrorCode.BADTIME],
    ] as const) {
      expect(verifyMessage(signed, [key], { nowSec }).error, `now ${nowSec - NOW}`).toBe(error);
    }
    const wrongSecret = { ...key, secret: Buffer.from("x") };
    expect(verifyMessage(signed, [wrongSecret], { nowSec: NOW + 3600 }).error).toBe(TsigErrorCode.BADSIG);
  });

  it("BADTIME replies carry the server time as other data, and it is covered by the MAC", () => {
    const reply = signMessage(update(), key, { timeSignedSec: NOW, error: TsigErrorCode.BADTIME, otherData: timeAsOtherData(NOW + 3600) });
    const verdict = verifyMessage(reply.message, [key], { nowSec: NOW });
    expect(verdict).toMatchObject({ error: 0, recordError: TsigErrorCode.BADTIME });
    expect(verdict.otherData.readUIntBE(0, 6)).toBe(NOW + 3600);
    const tampered = Buffer.from(reply.message);
    tampered[tampered.length - 1] ^= 1;
    expect(verifyMessage(tampered, [key], { nowSec: NOW }).error).toBe(TsigErrorCode.BADSIG);
  });

  it("an unsigned error TSIG (empty MAC) reads back with its error and never verifies", () => {
    const msg = appendUnsignedTsig(update(), { keyName: key.name, algorithm: "hmac-sha256", timeSignedSec: NOW, fudgeSec: 300, error: TsigErrorCode.BADSIG });
    const verdict = verifyMessage(msg, [key], { nowSec: NOW });
    expect(verdict).toMatchObject({ signed: true, error: TsigErrorCode.BADSIG, recordError: TsigErrorCode.BADSIG });
    expect(verdict.mac!.length).toBe(0);
  });

  it("TsigFormatError for a TSIG that is not last, has the wrong class, or has cut rdata", () => {
    const signed = signMessage(update(), key, { timeSignedSec: NOW }).message;
    const notLast = Buffer.concat([signed, Buffer.from([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])]); // + a root OPT-ish record
    notLast.writeUInt16BE(2, 10);
    expect(() => verifyMessage(notLast, [key], { nowSec: NOW })).toThrow(TsigFormatError);
    const tsigStart = update().length;
    const wrongClass = Buffer.from(signed);
    wrongClass.writeUInt16BE(1, tsigStart + 12 + 2); // owner "kmssim-key" is 12 bytes; class follows type
    expect(() => verifyMessage(wrongClass, [key], { nowSec: NOW })).toThrow(/class ANY/);
    const cut = Buffer.from(signed.subarray(0, signed.length - 3));
    cut.writeUInt16BE(cut.readUInt16BE(tsigStart + 12 + 8) - 3, tsigStart + 12 + 8);
    expect(() => verifyMessage(cut, [key], { nowSec: NOW })).toThrow(TsigFormatError);
    expect(() => verifyMessage(Buffer.alloc(5), [key], { nowSec: NOW })).toThrow(TsigFormatError);
  });

  it("property: any single flipped bit in a signed message (MAC included) is never accepted, and only TsigFormatError is thrown", () => {
    const signed = signMessage(update(), key, { timeSignedSec: NOW }).message;
    const tsigStart = update().length;
    fc.assert(
      fc.property(fc.integer({ min: 16, max: signed.length * 8 - 1 }), (bit) => {
        // Bits 0..15 are the id, which TSIG deliberately does not cover (original id is in the record).
        const flipped = Buffer.from(signed);
        const at = bit >> 3;
        flipped[at] ^= 0x80 >> (bit & 7);
        // Names are case-insensitive: the MAC covers the key and algorithm names in lower
        // case, so flipping the case bit of a letter there must still verify (as in BIND).
        const inTsigNames = (at >= tsigStart && at < tsigStart + 12) || (at >= tsigStart + 22 && at < tsigStart + 35);
        const caseFlip = inTsigNames && 0x80 >> (bit & 7) === 0x20 && /[a-z]/i.test(String.fromCharCode(signed[at]));
        try {
          const verdict = verifyMessage(flipped, [key], { nowSec: NOW });
          expect(verdict.signed && verdict.error === TsigErrorCode.NOERROR).toBe(caseFlip);
        } catch (error) {
          expect(error).toBeInstanceOf(TsigFormatError);
        }
      }),
      { numRuns: 2000, seed: 20250 },
    );
  });

  it("property: random and truncated bytes give a verdict or TsigFormatError, nothing else", () => {
    const signed = signMessage(update(), key, { timeSignedSec: NOW }).message;
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.integer({ min: 0, max: signed.length - 1 }).map((n) => Buffer.from(signed.subarray(0, n))),
      fc.tuple(fc.integer({ min: 0, max: signed.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
        const b = Buffer.from(signed);
        b[at] = byte;
        return b;
      }),
    );
    fc.assert(
      fc.property(inputs, (bytes) => {
        try {
          const verdict = verifyMessage(bytes, [key], { nowSec: NOW });
          // Accepted only when the bytes are the signed message up to the id and the case of letters.
          if (verdict.signed && verdict.error === TsigErrorCode.NOERROR) {
            expect(bytes.subarray(2).toString("latin1").toLowerCase()).toBe(signed.subarray(2).toString("latin1").toLowerCase());
          }
        } catch (error) {
          expect(error).toBeInstanceOf(TsigFormatError);
        }
      }),
      { numRuns: 2000, seed: 99 },
    );
  });
});
