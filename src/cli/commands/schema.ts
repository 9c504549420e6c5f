import { scenarioJsonSchema } from "../../scenario/index.js";
import { EXIT } from "../../core/kmssim-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";
import { defineCommand } from "../command-module.js";

export const schemaCli = defineCommand({
  command: "schema",
  describe: "Print the JSON Schema of scenario files (for editor completion and validation)",
  builder: (y) => y.option("out", { type: "string", describe: "Write to this file instead of stdout" }),
  run: (args) => schemaCommand(args.out),
});

export async function schemaCommand(out: string | undefined): Promise<number> {
  const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (out === undefined) process.stdout.write(text);
  else await writeFileAtomic(out, text);
  return EXIT.pass;
}
