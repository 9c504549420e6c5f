import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import yargs from "yargs";
import { camelCase, declareRunFlags, reproduceCommand, RUN_FLAGS, runOptionsFrom, type RunOptions } from "../../src/cli/run-flags.js";

type Flag = (typeof RUN_FLAGS)[keyof typeof RUN_FLAGS];

// Words a shell and yargs both take as values: no NUL, no leading dash (yargs reads it as a flag).
const word = fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" }).filter((s) => !s.includes("\0") && !s.startsWith("-"));

/** Any value the flag's declaration allows, or the flag left out. */
function valueOf(flag: Flag): fc.Arbitrary<unknown> {
  const option = flag.option as { type?: string; choices?: readonly string[]; array?: boolean };
  const given: fc.Arbitrary<unknown> =
    option.choices !== undefined
      ? fc.constantFrom(...option.choices)
      : option.array === true
        ? fc.array(word, { maxLength: 3 })
        : option.type === "number"
          ? fc.nat()
          : option.type === "boolean"
            ? fc.boolean()
            : word;
  return fc.option(given, { nil: undefined });
}

const runOptions: fc.Arbitrary<RunOptions> = fc.record({
  scenario: word,
  ...Object.fromEntries(Object.entries(RUN_FLAGS).map(([name, flag]) => [camelCase(name), valueOf(flag)])),
}) as fc.Arbitrary<RunOptions>;

/** The words a POSIX shell makes of the command line. */
function shellWords(command: string): string[] {
  const out = execFileSync("sh", ["-c", `printf '%s\\0' ${command}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

async function parseRun(words: readonly string[]): Promise<RunOptions> {
  let parsed: RunOptions | undefined;
  await yargs(words)
    .command(
      "run <scenario>",
      "",
      (y) => declareRunFlags(y.positional("scenario", { type: "string", demandOption: true })),
      (args) => {
        parsed = runOptionsFrom(args);
      },
    )
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .parseAsync();
  return parsed!;
}

/** Not given, false and [] all mean "left out". */
const normal = (value: unknown): unknown => (value === false || (Array.isArray(value) && value.length === 0) ? undefined : value);

describe("reproduceCommand", () => {
  it("replays every flag RUN_FLAGS marks as replayed, with the run's seed, and none of the others, through a shell and yargs", async () => {
    await fc.assert(
      fc.asyncProperty(runOptions, fc.nat(), async (options, seed) => {
        const command = reproduceCommand(options, seed);
        const words = shellWords(command);
        expect(words.slice(0, 2)).toEqual(["kmssim", "run"]);
        const replayed = (await parseRun(words.slice(1))) as Record<string, unknown>;
        const given = options as Record<string, unknown>;
        expect(replayed.scenario).toBe(options.scenario);
        for (const [name, flag] of Object.entries(RUN_FLAGS)) {
          const key = camelCase(name);
          const expected = name === "seed" ? seed : flag.replay === true ? normal(given[key]) : undefined;
          expect(normal(replayed[key]), `--${name} in: ${command}`).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("says why each flag it does not replay is left out", () => {
    const left = Object.entries(RUN_FLAGS).filter(([, flag]) => flag.replay !== true);
    expect(left.length).toBeGreaterThan(0);
    for (const [name, flag] of left) expect(typeof flag.replay === "string" && flag.replay.length > 10, `--${name}`).toBe(true);
  });

  it("prints plain paths and values as they are", () => {
    const command = reproduceCommand({ scenario: "scenarios/failover.yaml", clients: 400, check: true, allowAddress: ["10.0.0.0/8"] }, 31);
    expect(command).toBe("kmssim run scenarios/failover.yaml --seed 31 --clients 400 --check --allow-address 10.0.0.0/8");
  });
});
