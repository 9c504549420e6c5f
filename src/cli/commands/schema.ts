// `kmssim schema [--result]`: the JSON Schema of scenario files, or of result files.

import { resultJsonSchema } from "../../results/result-schema.js";
import { scenarioJsonSchema } from "../../scenario/index.js";
import { EXIT } from "../../core/kmssim-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";
import { defineCommand } from "../command-module.js";

export const schemaCli = defineCommand({
  command: "schema",
  describe: "Print the JSON Schema of scenario files (for editor completion and validation)",
  builder: (y) =>
    y
      .option("out", { type: "string", describe: "Write to this file instead of stdout" })
      .option("result", { type: "boolean", describe: "The JSON Schema of result files (kmssim run --out) instead" }),
  run: (args) => schemaCommand(args.out, args.result === true),
});

export async function schemaCommand(out: string | undefined, result = false): Promise<number> {
  const text = `${JSON.stringify(result ? resultJsonSchema() : scenarioJsonSchema(), null, 2)}\n`;
  if (out === undefined) process.stdout.write(text);
  else await writeFileAtomic(out, text);
  return EXIT.pass;
}
