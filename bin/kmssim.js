#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run on `npm ci` via prepare).
import { main } from "../dist/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    console.error(`kmssim: internal error: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 3;
  },
);
