import { ERROR_CODES, explainCode, formatCode, parseCode, renderExplanation } from "../../core/errors.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { defineCommand } from "../command-module.js";

export const explainCli = defineCommand({
  command: "explain [code]",
  describe: "Explain an activation error code and what an administrator does about it",
  builder: (y) =>
    y
      .positional("code", { type: "string", describe: "e.g. 0xC004F074; omit to list every code" })
      .example("$0 explain 0xC004F038", "Why clients get 'count insufficient'"),
  // A negative decimal (`explain -- -1073418124`, as event logs print HRESULTs) arrives after `--`, not as the positional.
  run: (args) => explainCommand(args.code ?? afterDashes(args)),
});

function afterDashes(args: { _: readonly (string | number)[]; "--"?: readonly (string | number)[] }): string | undefined {
  const rest = [...(args["--"] ?? []), ...args._.slice(1)];
  return rest.length > 0 ? String(rest[0]) : undefined;
}

export function explainCommand(codeText: string | undefined): number {
  if (codeText === undefined || codeText === "all") {
    process.stdout.write(`${ERROR_CODES.map(renderExplanation).join("\n\n")}\n`);
    return EXIT.pass;
  }
  const code = parseCode(codeText);
  const info = code === null ? undefined : explainCode(code);
  if (info === undefined) {
    const known = ERROR_CODES.map((c) => c.hex).join(", ");
    // Not ours to explain: say where an administrator looks it up instead.
    const where =
      code === null
        ? "write it as 0x and 8 hex digits (0xC004F074) or as the decimal an event log prints"
        : `on Windows, \`slui.exe 0x2a ${formatCode(code)}\` shows its text and \`certutil -error ${formatCode(code)}\` its name; ` +
          "Microsoft's article 'Troubleshoot Windows activation error codes' lists the activation codes";
    throw new KmssimError(`unknown code '${codeText}': ${where}. kmssim explains: ${known}`, "KMSSIM_UNKNOWN_CODE");
  }
  process.stdout.write(`${renderExplanation(info)}\n`);
  return EXIT.pass;
}
