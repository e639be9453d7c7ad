// How the web host answers: JSON envelopes and plain text with no caching, and the error that ends a
// request early with a status (an oversized body).
import type { ServerResponse } from 'node:http'
import type { AppErrorShape, Envelope, ErrorCode } from '../../../../shared/ipc/envelope'

export function errorEnvelope(code: ErrorCode, message: string, details?: unknown): Envelope<never> {
  const error: AppErrorShape = details === undefined ? { code, message } : { code, message, details }
  return { ok: false, error }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extra,
  })
  res.end(text)
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extra,
  })
  res.end(text)
}
