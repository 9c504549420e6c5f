// Every `kmssim run` flag can also come from the environment, as k6's K6_* do:
// KMSSIM_SEED=7, KMSSIM_OUT=result.json, KMSSIM_QUIET=1, KMSSIM_ALLOW_ADDRESS=10.0.0.5,10.0.0.6.
// A flag on the command line wins. Only run flags are read (KMSSIM_INJECT_FAULT is not one).

import { KmssimError } from "../core/kmssim-error.js";
import { RUN_FLAGS } from "./run-flags.js";

type Env = Readonly<Record<string, string | undefined>>;

/** KMSSIM_ and the flag in upper snake case: `metrics-port` → KMSSIM_METRICS_PORT. */
export function envNameOf(flag: string): string {
  return `KMSSIM_${flag.toUpperCase().replace(/-/g, "_")}`;
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/** Whether `argv` (before any `--`) gives `flag`, as --flag, --flag=…, --no-flag. */
function given(argv: readonly string[], flag: string): boolean {
  return argv.some((word) => word === `--${flag}` || word.startsWith(`--${flag}=`) || word === `--no-${flag}`);
}

/**
 * `run`'s argv with the flags the environment sets and the command line does not, added
 * before any `--`. A boolean takes 1/true/yes/on or 0/false/no/off; a repeatable flag a
 * comma-separated list. A value that fits nothing is refused (exit 2), naming the variable.
 */
export function withEnvFlags(argv: readonly string[], env: Env): string[] {
  const end = argv.indexOf("--") < 0 ? argv.length : argv.indexOf("--");
  const head = argv.slice(0, end);
  const added: string[] = [];
  for (const [flag, { option }] of Object.entries(RUN_FLAGS)) {
    const value = env[envNameOf(flag)];
    if (value === undefined || value === "" || given(head, flag)) continue;
    const kind = (option as { type?: string; array?: boolean }).type;
    if (kind === "boolean") {
      const word = value.toLowerCase();
      if (!TRUE.has(word) && !FALSE.has(word)) {
        throw new KmssimError(`${envNameOf(flag)}=${value}: expected 1 or 0 (true/false, yes/no, on/off) for --${flag}`, "KMSSIM_BAD_INPUT");
      }
      added.push(TRUE.has(word) ? `--${flag}` : `--no-${flag}`);
    } else if ((option as { array?: boolean }).array === true) {
      for (const one of value
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== ""))
        added.push(`--${flag}=${one}`);
    } else {
      added.push(`--${flag}=${value}`);
    }
  }
  return [...head, ...added, ...argv.slice(end)];
}
