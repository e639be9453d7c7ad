// Private keys as people paste them: refused early when they are a public key or not a key at all, or
// need a passphrase that was not given; the words for each problem are shared with connecting.

export function keyProblem(detail: string): string {
  if (/no passphrase given|Encrypted/i.test(detail)) {
    return 'The private key is protected by a passphrase: give the passphrase too.'
  }
  if (/bad passphrase|decrypt/i.test(detail)) return 'The passphrase does not open the private key.'
  return (
    `The private key could not be read (${detail}). Paste the whole key file, from its -----BEGIN line to its ` +
    '-----END line.'
  )
}

/** Whether an OpenSSH-format key (openssh-key-v1) is encrypted: its cipher name is not "none". */
function opensshKeyEncrypted(text: string): boolean | null {
  const body = text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
  const blob = Buffer.from(body, 'base64')
  const magic = 'openssh-key-v1\0'
  if (blob.subarray(0, magic.length).toString('latin1') !== magic || blob.length < magic.length + 4)
    return null
  const length = blob.readUInt32BE(magic.length)
  return blob.subarray(magic.length + 4, magic.length + 4 + length).toString('latin1') !== 'none'
}

/**
 * Checks the shape of a private key (and whether it needs a passphrase) before it is stored; the SSH
 * library reads it fully when connecting, and a key it cannot read is reported then (key_invalid).
 */
export function checkPrivateKey(privateKey: string, passphrase: string | null): string | null {
  const text = privateKey.trim()
  if (/^(ssh-|ecdsa-)\S+ AAAA/.test(text) || /BEGIN SSH2 PUBLIC KEY|BEGIN PUBLIC KEY/.test(text)) {
    return 'This is a public key. Give the private key (the file without .pub); its public half goes on the server.'
  }
  if (text.startsWith('PuTTY-User-Key-File-')) {
    return !passphrase && /^Encryption:\s*(?!none)\S+/m.test(text) ? keyProblem('no passphrase given') : null
  }
  if (
    !/^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text) ||
    !/-----END [A-Z0-9 ]*PRIVATE KEY-----$/.test(text)
  ) {
    return keyProblem('it is not a private key file')
  }
  const encrypted = /ENCRYPTED/.test(text) || opensshKeyEncrypted(text) === true
  if (encrypted && !passphrase) return keyProblem('no passphrase given')
  return null
}
