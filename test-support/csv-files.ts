// CSV files the SFTP tests and the e2e spec put on the server (no backend import, so Playwright can use it).

/** A profiles CSV with `rows` rows whose identities start with `prefix`; `bad` rows get an invalid email. */
export function profilesCsv(prefix: string, rows: number, bad = 0): string {
  const lines = ['identity,Name,Email']
  for (let i = 1; i <= rows; i++) {
    const email = i <= bad ? `not-an-email-${i}` : `${prefix}-${i}@example.com`
    lines.push(`${prefix}-${i},Person ${prefix} ${i},${email}`)
  }
  return `${lines.join('\n')}\n`
}
