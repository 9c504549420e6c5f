// ANSI colours for the texts printed on a terminal (run summary, plan); plain text when off.

export type Paint = (text: string) => string;

export interface Palette {
  bold: Paint;
  dim: Paint;
  green: Paint;
  red: Paint;
  yellow: Paint;
}

export function palette(color: boolean): Palette {
  const sgr = (code: string): Paint => (color ? (text) => `\x1b[${code}m${text}\x1b[0m` : (text) => text);
  return { bold: sgr("1"), dim: sgr("2"), green: sgr("32"), red: sgr("31"), yellow: sgr("33") };
}

/** How a threshold's comparison reads: `lt` is "<". */
export const OP_SYMBOL: Readonly<Record<string, string>> = { lt: "<", lte: "≤", gt: ">", gte: "≥", eq: "=" };
