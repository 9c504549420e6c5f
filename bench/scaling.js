// npm run bench:scaling — large-fleet.yaml at 10k, 100k, 1M and 2M clients (`--clients`),
// each a kmssim virtual run in a process of its own (bench/virtual-kmssim.js), printed as
// a markdown table: wall time, events/s, peak RSS. With --write-readme it replaces the
// table between the README's scaling markers (in "Performance"). The 2M run takes a
// minute and a half on a 2-core machine; --sizes picks others.
//
// Usage: node bench/scaling.js [--sizes 10000,100000,1000000,2000000] [--write-readme]
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, URL } from "node:url";

const args = process.argv.slice(2);
const sizesFlag = args.indexOf("--sizes");
const sizes = (sizesFlag >= 0 ? args[sizesFlag + 1] : "10000,100000,1000000,2000000").split(",").map(Number);
const README = fileURLToPath(new URL("../README.md", import.meta.url));
const START = "<!-- scaling:start (npm run bench:scaling -- --write-readme) -->";
const END = "<!-- scaling:end -->";

const rows = [];
for (const clients of sizes) {
  const out = execFileSync(
    process.execPath,
    [fileURLToPath(new URL("./virtual-kmssim.js", import.meta.url)), "scenarios/large-fleet.yaml", "--clients", String(clients)],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const r = JSON.parse(out.trim().split("\n").pop());
  rows.push(r);
  process.stderr.write(`  ${clients} clients: ${r.wallSeconds.toFixed(1)} s\n`);
}

const n = (x) => x.toLocaleString("en-US");
const table = [
  "| clients | events | wall s | events/s | peak RSS MiB |",
  "| ------: | -----: | -----: | -------: | -----------: |",
  ...rows.map(
    (r) =>
      `| ${n(r.clients)} | ${(r.events / 1e6).toFixed(1)} M | ${r.wallSeconds.toFixed(1)} | ${(r.eventsPerSecond / 1e6).toFixed(2)} M | ${r.peakRssMiB.toFixed(0)} |`,
  ),
].join("\n");
console.log(table);

if (args.includes("--write-readme")) {
  const readme = readFileSync(README, "utf8");
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) {
    console.error(`README.md: no scaling markers (${START} … ${END}) to write between`);
    process.exit(2);
  }
  writeFileSync(README, `${readme.slice(0, from + START.length)}\n${table}\n${readme.slice(to)}`);
  console.error("README.md: scaling table rewritten");
}
