// The web host's guard. Any web page the user visits can reach 127.0.0.1, so every call needs the
// per-launch token (compared in constant time), and Host and Origin must name this server: a DNS
// rebinding page has another Host, a cross-site request another Origin.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Constant-time comparison; hashing first gives equal lengths, so the length leaks nothing either. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? null
}

/** Why a request is refused before anything else looks at it, or null when Host and Origin are this server. */
export function refusedOrigin(req: IncomingMessage, port: number): string | null {
  const host = (req.headers.host ?? '').toLowerCase()
  if (![`127.0.0.1:${port}`, `localhost:${port}`].includes(host)) return 'Forbidden: unexpected Host header.'
  const origin = req.headers.origin
  if (
    origin !== undefined &&
    ![`http://127.0.0.1:${port}`, `http://localhost:${port}`].includes(origin.toLowerCase())
  )
    return 'Forbidden: requests from other origins are refused.'
  return null
}
