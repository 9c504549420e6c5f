// The system's DNS server, as /etc/resolv.conf names it (the first `nameserver` line), for
// commands that ask DNS without being told a server.

/** The first IPv4 `nameserver` of resolv.conf text, or null when it names none. */
export function firstNameserver(resolvConf: string): string | null {
  for (const line of resolvConf.split("\n")) {
    const m = /^\s*nameserver\s+(\d{1,3}(?:\.\d{1,3}){3})\s*(?:[#;].*)?$/.exec(line);
    if (m !== null && m[1].split(".").every((octet) => Number(octet) <= 255)) return m[1];
  }
  return null;
}
