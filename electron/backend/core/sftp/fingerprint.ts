// Host key fingerprints as OpenSSH prints them (`ssh-keygen -lf`): `SHA256:` and the unpadded base64 of
// the SHA-256 of the key blob. The key type is read from the blob itself (its first SSH string).
import { createHash } from 'node:crypto'

export interface HostKey {
  fingerprint: string
  /** e.g. ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa; null when the blob is not readable. */
  type: string | null
}

export function hostKeyOf(blob: Buffer): HostKey {
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
  let type: string | null = null
  if (blob.length >= 4) {
    const length = blob.readUInt32BE(0)
    if (length > 0 && length < 64 && blob.length >= 4 + length)
      type = blob.subarray(4, 4 + length).toString('latin1')
  }
  return { fingerprint, type }
}

/** Fingerprints compare exactly (base64 is case-sensitive); a trailing `=` is not significant. */
export function sameFingerprint(a: string, b: string): boolean {
  return a.replace(/=+$/, '') === b.replace(/=+$/, '')
}
