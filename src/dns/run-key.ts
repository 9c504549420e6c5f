// The TSIG key a realtime run's hosts sign their updates with: the scenario's (inline, or
// a key file as tsig-keygen writes it), or, for the embedded server, a random one made for
// the run (the embedded server always requires signed updates, like BIND). Never from the
// seed: the seed is public (scenario, result), so a key from it would let anyone sign.
// Nothing hashes or records the key, so it does not change what a seed replays.

import { randomBytes } from "node:crypto";
import { readFailureReason } from "../files/read-failure.js";
import { READ_LIMITS, readUserFileSync } from "../files/read-user-file.js";
import type { Scenario } from "../scenario/model.js";
import { KeyFileError, parseTsigKeyFile } from "./tsig-key-file.js";
import type { TsigKey } from "./tsig.js";

const RUN_KEY_BYTES = 32;
export const RUN_KEY_NAME = "kmssim-run.";

type ReadText = (path: string) => string;
const readUtf8: ReadText = (path) => readUserFileSync(path, READ_LIMITS.tsigKey);

/** Throws KeyFileError for a key file that is missing or malformed. */
export function keyForRun(scenario: Scenario, readText: ReadText = readUtf8): TsigKey | null {
  const spec = scenario.dns.tsig;
  if (spec === null) return scenario.dns.server === "embedded" ? randomRunKey() : null;
  if (spec.kind === "inline") return { name: spec.name, algorithm: "hmac-sha256", secret: Buffer.from(spec.secret, "base64") };
  return readTsigKeyFile(spec.path, readText)[0];
}

/** The keys of a key file (`dns.keyFile`, `--key-file`); throws KeyFileError when it is missing or malformed. */
export function readTsigKeyFile(path: string, readText: ReadText = readUtf8): TsigKey[] {
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    throw new KeyFileError(path, 0, `cannot read the key file (${readFailureReason(error)})`);
  }
  return parseTsigKeyFile(text, path);
}

function randomRunKey(): TsigKey {
  return { name: RUN_KEY_NAME, algorithm: "hmac-sha256", secret: randomBytes(RUN_KEY_BYTES) };
}

/** `host:port` of dns.server, or null for the embedded server. */
export function externalDnsServer(scenario: Scenario): { host: string; port: number } | null {
  if (scenario.dns.server === "embedded") return null;
  const at = scenario.dns.server.lastIndexOf(":");
  return { host: scenario.dns.server.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(scenario.dns.server.slice(at + 1)) };
}
