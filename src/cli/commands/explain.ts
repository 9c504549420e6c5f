import { ERROR_CODES, explainCode, parseCode, renderExplanation } from "../../core/errors.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";

export function explainCommand(codeText: string | undefined): number {
  if (codeText === undefined || codeText === "all") {
    process.stdout.write(`${ERROR_CODES.map(renderExplanation).join("\n\n")}\n`);
    return EXIT.pass;
  }
  const code = parseCode(codeText);
  const info = code === null ? undefined : explainCode(code);
  if (info === undefined) {
    const known = ERROR_CODES.map((c) => c.hex).join(", ");
    throw new KmssimError(`unknown code '${codeText}'. kmssim explains: ${known}`, "KMSSIM_UNKNOWN_CODE");
  }
  process.stdout.write(`${renderExplanation(info)}\n`);
  return EXIT.pass;
}
