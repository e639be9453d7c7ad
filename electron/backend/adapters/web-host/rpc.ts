// `POST /rpc/<channel>` with a bearer token and a JSON body: the request goes to the backend's dispatch
// and its envelope comes back. A body is read up to MAX_BODY_BYTES (a larger one is refused with 413).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { WEB_RPC_PREFIX } from '../../../../shared/ipc/bridge'
import type { Backend } from '../ipc/create-backend'
import { bearerToken, tokensMatch } from './guard'
import { errorEnvelope, HttpError, sendJson } from './http-reply'

export const MAX_BODY_BYTES = 16 * 1024 * 1024

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0')
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(new HttpError(413, 'validation', `The request body is larger than ${MAX_BODY_BYTES} bytes.`))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    req.on('data', (chunk: Buffer) => {
      if (failed) return
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        failed = true
        chunks.length = 0
        reject(new HttpError(413, 'validation', `The request body is larger than ${MAX_BODY_BYTES} bytes.`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!failed) resolveBody(Buffer.concat(chunks))
    })
    req.on('error', (error) => {
      if (!failed) reject(error)
    })
  })
}

export async function handleRpc(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  backend: Pick<Backend, 'dispatch'>,
  token: string,
): Promise<void> {
  if (req.method !== 'POST') {
    sendJson(res, 405, errorEnvelope('validation', 'Use POST for /rpc.'), { Allow: 'POST' })
    return
  }
  const given = bearerToken(req)
  if (given === null || !tokensMatch(given, token)) {
    sendJson(
      res,
      401,
      errorEnvelope('unauthorized', 'A valid token is required (Authorization: Bearer <token>).'),
    )
    return
  }
  let channel: string
  try {
    channel = decodeURIComponent(path.slice(WEB_RPC_PREFIX.length))
  } catch {
    sendJson(res, 400, errorEnvelope('validation', 'The channel name in the URL is not valid.'))
    return
  }
  const body = await readBody(req)
  let request: unknown = undefined
  const text = body.toString('utf8')
  if (text.trim() !== '') {
    try {
      request = JSON.parse(text)
    } catch (error) {
      sendJson(
        res,
        400,
        errorEnvelope('validation', `The request body is not valid JSON: ${(error as Error).message}`),
      )
      return
    }
  }
  const envelope = await backend.dispatch(channel, request)
  sendJson(res, 200, envelope)
}
