// `kmsHost: name[:port]` on a client group, like `slmgr /skms host:port`.

export interface KmsHostRef {
  name: string;
  /** null when the text gives no port (the host's own port is meant). */
  port: number | null;
}

const KMS_HOST = /^([^\s:]+)(?::(\d{1,5}))?$/;

/** Splits `kms1` / `kms1:1688`; null when the text is not of that form or the port is out of range. */
export function parseKmsHost(text: string): KmsHostRef | null {
  const match = KMS_HOST.exec(text.trim());
  if (match === null) return null;
  if (match[2] === undefined) return { name: match[1], port: null };
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { name: match[1], port } : null;
}
