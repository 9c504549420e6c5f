// One `kmssim <command>`: its usage line, flags and handler, kept together in
// commands/<name>.ts (as k6 keeps one file per executor); main.ts only lists them.

import type { ArgumentsCamelCase, Argv } from "yargs";

/** Said when run, validate, host or plan is given no scenario file. */
export const SCENARIO_REQUIRED = "a scenario file is required, e.g. `kmssim run scenarios/multi-host.yaml`";

export interface CommandSpec<A> {
  /** yargs usage: `run <scenario>`, `compare [baseline] [candidate]`. */
  command: string;
  describe: string;
  /** The command's positionals, flags, examples and epilogue. */
  builder: (y: Argv) => Argv<A>;
  /** Runs the command; resolves to its exit code. */
  run: (args: ArgumentsCamelCase<A>) => Promise<number> | number;
  /** What to say when a required positional is missing. */
  missingPositional?: string;
}

export interface KmssimCommand {
  name: string;
  missingPositional?: string;
  /** Adds the command to `y`; its handler reports the exit code through `setExit`. */
  register(y: Argv, setExit: (code: number) => void): Argv;
}

export function defineCommand<A>(spec: CommandSpec<A>): KmssimCommand {
  return {
    name: spec.command.split(" ")[0],
    missingPositional: spec.missingPositional,
    register: (y, setExit) =>
      y.command(spec.command, spec.describe, spec.builder, async (args) => {
        setExit(await spec.run(args));
      }),
  };
}
