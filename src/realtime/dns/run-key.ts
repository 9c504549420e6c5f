// The TSIG key a realtime run's hosts sign their updates with: the scenario's (inline, or
// a key file as tsig-keygen writes it), or, for the embedded server, one made for the run
// from the seed (the embedded server always requires signed updates, like BIND).

import { readFileSync } from "node:fs";
import { deriveSeed, Mulberry32 } from "../../core/rng.js";
import type { Scenario } from "../../scenario/model.js";
import { KeyFileError, parseTsigKeyFile } from "./tsig-key-file.js";
import type { TsigKey } from "./tsig.js";

const RUN_KEY_STREAM = 0x7d00_0000;
export const RUN_KEY_NAME = "kmssim-run.";

type ReadText = (path: string) => string;
const readUtf8: ReadText = (path) => readFileSync(path, "utf8");

/** Throws KeyFileError for a key file that is missing or malformed. */
export function keyForRun(scenario: Scenario, readText: ReadText = readUtf8): TsigKey | null {
  const spec = scenario.dns.tsig;
  if (spec === null) return scenario.dns.server === "embedded" ? runKeyFromSeed(scenario.seed) : null;
  if (spec.kind === "inline") return { name: spec.name, algorithm: "hmac-sha256", secret: Buffer.from(spec.secret, "base64") };
  return readTsigKeyFile(spec.path, readText)[0];
}

/** The keys of a key file (`dns.keyFile`, `--key-file`); throws KeyFileError when it is missing or malformed. */
export function readTsigKeyFile(path: string, readText: ReadText = readUtf8): TsigKey[] {
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyFileError(path, 0, `cannot read the key file (${code === "ENOENT" ? "no such file" : (code ?? String(error))})`);
  }
  return parseTsigKeyFile(text, path);
}

function runKeyFromSeed(seed: number): TsigKey {
  const rng = new Mulberry32(deriveSeed(seed, RUN_KEY_STREAM));
  const secret = Buffer.alloc(32);
  for (let k = 0; k < secret.length; k++) secret[k] = Math.floor(rng.next() * 256);
  return { name: RUN_KEY_NAME, algorithm: "hmac-sha256", secret };
}

/** `host:port` of dns.server, or null for the embedded server. */
export function externalDnsServer(scenario: Scenario): { host: string; port: number } | null {
  if (scenario.dns.server === "embedded") return null;
  const at = scenario.dns.server.lastIndexOf(":");
  return { host: scenario.dns.server.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(scenario.dns.server.slice(at + 1)) };
}
