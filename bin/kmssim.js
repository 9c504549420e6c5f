#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run on `npm ci` via prepare).
// Loaded dynamically so a failed load (not built yet, no file descriptors left) is a plain
// message and exit 3, not a stack trace and an exit code that reads as "threshold failed".
// Signals are heard from the first line: loading the CLI takes a while on a busy machine,
// and a Ctrl-C/SIGTERM then is a plain message and exit 130 (README), not a killed process.
const early = (signal) => {
  process.stderr.write(`kmssim: ${signal}: stopped before anything was measured\n`);
  process.exit(130);
};
process.on("SIGINT", early);
process.on("SIGTERM", early);
let main;
try {
  const { installSignalDesk } = await import("../dist/cli/signal-desk.js");
  installSignalDesk();
  process.off("SIGINT", early);
  process.off("SIGTERM", early);
  ({ main } = await import("../dist/cli/main.js"));
} catch (err) {
  const code = err && err.code;
  const why =
    code === "ERR_MODULE_NOT_FOUND"
      ? "it is not built: run `npm ci` (or `npm run build`) first"
      : code === "EMFILE" || code === "ENFILE"
        ? "out of file descriptors before starting; raise the limit (ulimit -n 65536)"
        : String(err && err.message ? err.message : err);
  console.error(`kmssim: cannot start: ${why}`);
  process.exit(3);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`kmssim: internal error: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 3;
  },
);
