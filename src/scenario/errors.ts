// A problem in a scenario file, located by key path and line/column, and how it prints:
// `multi-host.yaml:12:5  hosts[1].weight: expected an integer 0..65535, got "heavy"`.

export interface ScenarioError {
  /** Key path like `hosts[1].weight`; "" for the file as a whole. */
  path: string;
  /** 1-based; 0 when the error concerns the file itself (it could not be read). */
  line: number;
  /** 1-based; 0 together with line 0. */
  column: number;
  message: string;
}

export function formatScenarioError(fileName: string, error: ScenarioError): string {
  const where = error.line > 0 ? `${fileName}:${error.line}:${error.column}` : fileName;
  const what = error.path === "" ? error.message : `${error.path}: ${error.message}`;
  return `${where}  ${what}`;
}

/** One line per error, in the order given (the loader sorts them by position). */
export function formatScenarioErrors(fileName: string, errors: readonly ScenarioError[]): string {
  return errors.map((error) => formatScenarioError(fileName, error)).join("\n");
}

/** Orders errors by line, then column; stable for errors at the same place. */
export function sortScenarioErrors(errors: readonly ScenarioError[]): ScenarioError[] {
  return [...errors].sort((a, b) => a.line - b.line || a.column - b.column);
}
