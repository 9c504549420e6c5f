// TSIG keys as administrators already have them: the BIND key file `tsig-keygen -a
// hmac-sha256 NAME.` prints (one or more `key "NAME." { algorithm …; secret "…"; };`
// blocks, comments `#`, `//`, `/* */`), or a one-line spec `[hmac-sha256:]NAME:SECRET` as
// `nsupdate -y` takes it. Errors name the place (line, column), what is wrong and what
// good looks like; they never quote the file: a user may point it at any file (a secret,
// /proc/self/environ), so only punctuation and kmssim's own words appear in them.

import { KmssimError } from "../core/kmssim-error.js";
import { nameFault, normaliseName } from "./names.js";
import { TSIG_ALGORITHM_NAME, type TsigKey } from "./tsig.js";

export class KeyFileError extends KmssimError {
  constructor(
    readonly source: string,
    readonly line: number,
    problem: string,
    readonly column?: number,
  ) {
    // Line 0: the file could not be read at all; its format is not the problem.
    super(line > 0 ? `${source}:${line}${column === undefined ? "" : `:${column}`}: ${problem}\n${GOOD_FILE}` : `${source}: ${problem}`, "KMSSIM_BAD_KEY_FILE");
    this.name = "KeyFileError";
  }
}

const GOOD_FILE = [
  "A key file looks like what `tsig-keygen -a hmac-sha256 kmssim-key.` prints:",
  '  key "kmssim-key." {',
  "  \talgorithm hmac-sha256;",
  '  \tsecret "<base64, e.g. 44 characters ending in =>";',
  "  };",
  "or, on one line, hmac-sha256:kmssim-key.:<base64 secret>.",
].join("\n");

const UNSUPPORTED_ALGORITHM = "the algorithm is not supported: kmssim signs with hmac-sha256 only (make a key with `tsig-keygen -a hmac-sha256 NAME.`)";

interface Token {
  text: string;
  quoted: boolean;
  line: number;
  column: number;
}

const PUNCTUATION = "{};";

/** What a token is, in words that never repeat its text (punctuation is ours to show). */
function described(token: Token): string {
  if (token.quoted) return "a quoted string";
  return PUNCTUATION.includes(token.text) ? `"${token.text}"` : "a word";
}

const fail = (source: string, token: Token, problem: string): KeyFileError => new KeyFileError(source, token.line, problem, token.column);

export function parseTsigKeyFile(text: string, source: string): TsigKey[] {
  const tokens = tokenize(text, source);
  const keys: TsigKey[] = [];
  const seen = new Map<string, number>();
  let at = 0;
  const lastLine = (): number => tokens[tokens.length - 1]?.line ?? 1;
  const next = (expected: string): Token => {
    const token = tokens[at++];
    if (token === undefined) throw new KeyFileError(source, lastLine(), `the file ends where ${expected} was expected`);
    return token;
  };
  const punct = (symbol: string, context: string): void => {
    const token = next(`"${symbol}" ${context}`);
    if (token.quoted || token.text !== symbol) throw fail(source, token, `expected "${symbol}" ${context}, found ${described(token)}`);
  };
  // Every turn consumes at least one token or throws: bounded by tokens.length.
  while (at < tokens.length) {
    const keyword = next('"key"');
    if (keyword.quoted || keyword.text.toLowerCase() !== "key") {
      throw fail(source, keyword, `expected a "key" block, found ${described(keyword)}`);
    }
    const nameToken = next("the key name");
    if (!nameToken.quoted && PUNCTUATION.includes(nameToken.text)) throw fail(source, nameToken, "the key has no name");
    const fault = nameFault(nameToken.text);
    if (fault !== null) throw fail(source, nameToken, `the key name ${fault}`);
    const name = normaliseName(nameToken.text);
    const the = `the key of line ${nameToken.line}`;
    const earlier = seen.get(name);
    if (earlier !== undefined) throw fail(source, nameToken, `the key name is defined twice (first at line ${earlier})`);
    seen.set(name, nameToken.line);
    punct("{", "after the key name");
    let algorithm: Token | null = null;
    let secret: Token | null = null;
    for (;;) {
      const statement = next(`"algorithm", "secret" or "}" in ${the}`);
      if (!statement.quoted && statement.text === "}") break;
      const word = statement.text.toLowerCase();
      if (statement.quoted || (word !== "algorithm" && word !== "secret")) {
        throw fail(source, statement, `${the} has an unknown statement, ${described(statement)} (only algorithm and secret belong in a key)`);
      }
      const value = next(`the value of ${word}`);
      if (!value.quoted && PUNCTUATION.includes(value.text)) throw fail(source, value, `the ${word} of ${the} has no value`);
      punct(";", `after the ${word} of ${the}`);
      if (word === "algorithm") algorithm = value;
      else secret = value;
    }
    punct(";", `after the closing "}" of ${the}`);
    if (algorithm === null) throw fail(source, nameToken, `${the} has no algorithm (write: algorithm hmac-sha256;)`);
    if (secret === null) throw fail(source, nameToken, `${the} has no secret`);
    const algorithmName = algorithm.text.toLowerCase().replace(/\.$/, "");
    if (algorithmName !== TSIG_ALGORITHM_NAME) throw fail(source, algorithm, UNSUPPORTED_ALGORITHM);
    keys.push({ name: nameToken.text, algorithm: TSIG_ALGORITHM_NAME, secret: decodeSecret(secret.text, source, secret.line, the, secret.column) });
  }
  if (keys.length === 0) throw new KeyFileError(source, 1, "no key found: the file is empty or only has comments");
  return keys;
}

/** `hmac-sha256:NAME:SECRET` or `NAME:SECRET` (algorithm hmac-sha256). */
export function parseTsigKeySpec(spec: string): TsigKey {
  const source = "key spec";
  const parts = spec.trim().split(":");
  if (parts.length < 2 || parts.length > 3) {
    throw new KeyFileError(source, 1, "a key spec has the form [hmac-sha256:]NAME:SECRET (as `nsupdate -y` takes it)");
  }
  const [algorithm, name, secret] = parts.length === 3 ? parts : [TSIG_ALGORITHM_NAME, parts[0], parts[1]];
  if (algorithm.toLowerCase().replace(/\.$/, "") !== TSIG_ALGORITHM_NAME) throw new KeyFileError(source, 1, UNSUPPORTED_ALGORITHM);
  const fault = nameFault(name);
  if (fault !== null) throw new KeyFileError(source, 1, `the key name ${fault}`);
  return { name, algorithm: TSIG_ALGORITHM_NAME, secret: decodeSecret(secret, source, 1, "the key") };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeSecret(text: string, source: string, line: number, theKey: string, column?: number): Buffer {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0) throw new KeyFileError(source, line, `the secret of ${theKey} is empty`, column);
  if (!BASE64.test(compact)) throw new KeyFileError(source, line, `the secret of ${theKey} is not valid base64`, column);
  return Buffer.from(compact, "base64");
}

/** Words, quoted strings and the punctuation `{ } ;`, with their line and column; comments dropped. */
function tokenize(text: string, source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const column = (at: number): number => at - lineStart + 1;
  // Every turn advances i by at least one character.
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
      lineStart = i;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end === -1) throw new KeyFileError(source, line, "a /* comment is never closed", column(i));
      for (let j = i; j < end; j++) {
        if (text[j] === "\n") {
          line++;
          lineStart = j + 1;
        }
      }
      i = end + 2;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const newline = text.indexOf("\n", i + 1);
      if (end === -1 || (newline !== -1 && newline < end)) throw new KeyFileError(source, line, "a quoted string is not closed on its line", column(i));
      tokens.push({ text: text.slice(i + 1, end), quoted: true, line, column: column(i) });
      i = end + 1;
    } else if (c === "{" || c === "}" || c === ";") {
      tokens.push({ text: c, quoted: false, line, column: column(i) });
      i++;
    } else {
      const start = i;
      while (i < text.length && !/[\s{};"#]/.test(text[i]) && !(text[i] === "/" && (text[i + 1] === "/" || text[i + 1] === "*"))) i++;
      tokens.push({ text: text.slice(start, i), quoted: false, line, column: column(start) });
    }
  }
  return tokens;
}
