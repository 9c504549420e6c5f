import { describe, expect, it } from "vitest";
import { KmssimError } from "../../src/core/kmssim-error.js";
import { faultArmed, FAULT_SITES, injectedFault, injectedFaultIn, type FaultSiteName } from "../../src/self-test/fault-sites.js";
import { FAULT_SITES as VIRTUAL_SITES } from "../../src/sim/fault-sites.js";

const env = (site: string | undefined): NodeJS.ProcessEnv => (site === undefined ? {} : { KMSSIM_INJECT_FAULT: site });
const sites = Object.keys(FAULT_SITES) as FaultSiteName[];

describe("fault sites", () => {
  it("no fault armed without the variable (or with it empty)", () => {
    expect(injectedFault(env(undefined))).toBeUndefined();
    expect(injectedFault(env(""))).toBeUndefined();
  });

  it("a known site is armed in its own area only", () => {
    for (const site of sites) {
      expect(injectedFault(env(site))).toBe(site);
      expect(faultArmed(site, env(site))).toBe(true);
      for (const area of ["virtual", "fleet-worker", "realtime-events", "plan-worker"] as const) {
        expect(injectedFaultIn(area, env(site))).toBe(FAULT_SITES[site].area === area ? site : undefined);
      }
    }
  });

  it("an unknown name is refused, exit 2, listing the sites", () => {
    let caught: unknown;
    try {
      injectedFault(env("invariant-cout"));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KmssimError);
    expect((caught as KmssimError).code).toBe("KMSSIM_UNKNOWN_FAULT");
    expect((caught as KmssimError).exitCode).toBe(2);
    for (const site of sites) expect((caught as KmssimError).message).toContain(site);
  });

  it("the virtual engine implements exactly the registry's virtual sites, each breaking the invariant the registry names", () => {
    const virtual = sites.filter((s) => FAULT_SITES[s].area === "virtual");
    expect(Object.keys(VIRTUAL_SITES).sort()).toEqual([...virtual].sort());
    for (const site of virtual) expect(VIRTUAL_SITES[site as keyof typeof VIRTUAL_SITES]).toBe((FAULT_SITES[site] as { breaks: string }).breaks);
  });
});
