// Why a file the user named could not be read, in words (result files, host reports).

export function readFailureReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a folder";
  if (code === "EACCES") return "no permission to read it";
  return err instanceof Error ? err.message : String(err);
}
