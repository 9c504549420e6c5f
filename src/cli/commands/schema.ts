import { scenarioJsonSchema } from "../../scenario/index.js";
import { EXIT } from "../../core/kmssim-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";

export async function schemaCommand(out: string | undefined): Promise<number> {
  const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (out === undefined) process.stdout.write(text);
  else await writeFileAtomic(out, text);
  return EXIT.pass;
}
