// The few HTTP chores the sandbox needs on top of node:http: reading a bounded body, writing JSON.

import type { IncomingMessage, ServerResponse } from 'node:http'

export type BodyResult = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'aborted' }

/** Reads the whole body; past `limit` bytes the rest is drained and dropped so the reply can still be sent. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => {
      resolve(
        tooLarge
          ? { ok: false, reason: 'too-large' }
          : { ok: true, text: Buffer.concat(chunks).toString('utf8') },
      )
    })
    req.on('error', () => resolve({ ok: false, reason: 'aborted' }))
    req.on('aborted', () => resolve({ ok: false, reason: 'aborted' }))
  })
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    // The service's own content type (recorded responses).
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

/** JSON.parse that reports a malformed text as `ok: false` instead of throwing; an empty text is `empty`. */
export function parseJson(text: string): { ok: true; value: unknown; empty: boolean } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined, empty: true }
  try {
    return { ok: true, value: JSON.parse(text) as unknown, empty: false }
  } catch {
    return { ok: false }
  }
}
