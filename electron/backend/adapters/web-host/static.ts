// GET and HEAD of the built renderer's files (renderer-files.ts finds them without ever leaving the
// folder): streamed with their content type, revalidated on every load.
import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../../core/platform/index'
import { sendText } from './http-reply'
import { findRendererFile } from './renderer-files'

export async function handleStatic(
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  rendererDir: string,
  logger: Logger,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' })
    return
  }
  const found = await findRendererFile(rendererDir, rawPath)
  if (!found.ok) {
    sendText(res, found.status, found.message)
    return
  }
  res.writeHead(200, {
    'Content-Type': found.contentType,
    'Content-Length': found.size,
    'Cache-Control': 'no-cache',
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  const stream = createReadStream(found.path)
  stream.on('error', (error) => {
    logger.error(`could not read ${found.path}`, error)
    res.destroy()
  })
  stream.pipe(res)
}
