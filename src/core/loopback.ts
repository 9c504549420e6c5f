// The loopback rule's first test: kmssim's traffic stays on 127.0.0.0/8 unless the user
// names more (--allow-address).

/** An IPv4 address in dotted form inside 127.0.0.0/8. */
export function isLoopbackV4(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
