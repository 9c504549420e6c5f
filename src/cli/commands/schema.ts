// `kmssim schema [--result]`: the JSON Schema of scenario files, or of result files.

import { resultJsonSchema } from "../../output/result-schema.js";
import { scenarioJsonSchema } from "../../scenario/index.js";
import { EXIT } from "../user-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";

export async function schemaCommand(out: string | undefined, result = false): Promise<number> {
  const text = `${JSON.stringify(result ? resultJsonSchema() : scenarioJsonSchema(), null, 2)}\n`;
  if (out === undefined) process.stdout.write(text);
  else await writeFileAtomic(out, text);
  return EXIT.pass;
}
