// --metrics-push URL: the live metrics' final values PUT to a Prometheus Pushgateway when
// the run ends (completed, interrupted or failed), since a short run is over before a
// scraper comes by. prom-client's Pushgateway client does the request.
//
// The loopback rule and this flag: kmssim sends load only to loopback and to what
// --allow-address names, and a scenario file is never consent. A push URL is not load and
// comes from the user's own command line (or KMSSIM_METRICS_PUSH): typing it is the
// explicit choice, as `kmssim host --dns` is. It must be an IP literal, so the address
// typed is the address sent to (a name could resolve anywhere), and never "any address".

import { isIPv4, isIPv6 } from "node:net";
import type { Registry } from "prom-client";
import { KmssimError } from "../../core/kmssim-error.js";

export const PUSH_JOB = "kmssim";
/** Wall ms a push may take before it is given up (the run's own exit waits for it). */
export const PUSH_TIMEOUT_MS = 10_000;

export interface MetricsPush {
  /** The Pushgateway's base URL, as typed (its path, if any, is kept as a prefix). */
  url: string;
  /** The URL for messages: a password in it (sent as basic auth) shown as `***`. */
  shown: string;
  /** The address sent to, IPv6 without brackets. */
  host: string;
}

const EXAMPLE = "e.g. http://127.0.0.1:9091, or http://10.0.0.7:9091 for a Pushgateway on another machine";

/** A Pushgateway base URL: http(s), an IP literal host, no query or fragment; exit 2 otherwise. */
export function parseMetricsPush(text: string): MetricsPush {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Echoed only without an '@': a URL that does not parse may still hold a password.
    throw new KmssimError(`--metrics-push: ${text.includes("@") ? "the value given" : `'${text}'`} is not a URL (${EXAMPLE})`);
  }
  const shown = withoutPassword(url).replace(/\/+$/, "");
  const bad = (why: string): KmssimError => new KmssimError(`--metrics-push: '${shown}' ${why} (${EXAMPLE})`);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw bad("is not an http:// or https:// URL");
  if (url.search !== "" || url.hash !== "") throw bad("has a query or fragment; give the Pushgateway's base URL");
  const bracketed = /^\[(.*)\]$/.exec(url.hostname);
  const host = bracketed?.[1] ?? url.hostname;
  if (bracketed !== null ? !isIPv6(host) : !isIPv4(host)) {
    throw bad(`names '${url.hostname}', not an IP address: kmssim sends only where you name the address (resolve the name first, e.g. with getent hosts)`);
  }
  if (/^0\./.test(host) || /^[0:]+$/.test(host)) throw bad(`names ${host}, which means "any address", not a machine to send to`);
  return { url: text.replace(/\/+$/, ""), shown, host };
}

function withoutPassword(url: URL): string {
  if (url.password === "") return url.href;
  const copy = new URL(url.href);
  copy.password = "***";
  return copy.href;
}

/** `message` with the push URL's password (raw or percent-encoded) masked, for errors from the HTTP client. */
export function maskPushPassword(message: string, push: MetricsPush): string {
  const password = new URL(push.url).password;
  if (password === "") return message;
  let masked = message;
  for (const form of new Set([password, decodeURIComponent(password)])) masked = masked.split(form).join("***");
  return masked;
}

/**
 * The labels that keep pushes apart on the Pushgateway: one group per scenario, and per
 * shard when the fleet is split (so the shards of one run do not replace each other).
 * Pushgateway paths take no empty value or "/" in a label value.
 */
export function pushGroupings(scenario: string, shard: { index: number; count: number }): Record<string, string> {
  const groupings: Record<string, string> = {};
  const name = scenario.replace(/\//g, "_");
  if (name !== "") groupings.scenario = name;
  if (shard.count > 1) groupings.shard = `${shard.index}-of-${shard.count}`;
  return groupings;
}

/** PUTs the registry's current text (replacing that group's metrics); rejects with what went wrong. */
export async function pushMetrics(registry: Registry, push: MetricsPush, groupings: Record<string, string>, timeoutMs = PUSH_TIMEOUT_MS): Promise<void> {
  // Loaded only when pushing: `run` checks the flag without loading prom-client.
  const { Pushgateway } = await import("prom-client");
  const gateway = new Pushgateway(push.url, { timeout: timeoutMs, headers: { "Content-Type": registry.contentType } }, registry);
  await gateway.push({ jobName: PUSH_JOB, groupings });
}
