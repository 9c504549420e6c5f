// This process's soft descriptor limit (`ulimit -n`), which Node does not expose: asked of
// the shell once. Null where there is no such shell or it answers "unlimited".

import { spawnSync } from "node:child_process";

export function softFileLimit(): number | null {
  const probe = spawnSync("/bin/sh", ["-c", "ulimit -n"], { encoding: "utf8" });
  const limit = Number.parseInt(probe.stdout ?? "", 10);
  return Number.isFinite(limit) ? limit : null;
}
