// A scripted HTTP server on 127.0.0.1 (port 0) for sync tests that need answers the sandbox never
// gives (a redirect, a proxy's web page, a reply that miscounts): it records every request (method,
// path, headers, body) and answers with what the test's handler returns. Stopped after each test.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export interface Answer {
  status: number
  headers?: Record<string, string>
  body?: string | object
}

export interface LoopbackServer {
  baseUrl: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

const running: LoopbackServer[] = []
afterEach(async () => {
  for (const server of running.splice(0)) await server.close()
})

export async function startLoopback(
  answer: (request: RecordedRequest, index: number) => Answer | Promise<Answer>,
): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(recorded)
      void Promise.resolve(answer(recorded, requests.length - 1)).then((reply) => {
        const body =
          reply.body === undefined
            ? ''
            : typeof reply.body === 'string'
              ? reply.body
              : JSON.stringify(reply.body)
        const type = typeof reply.body === 'object' ? 'application/json' : 'text/html'
        res.writeHead(reply.status, { 'content-type': type, ...reply.headers })
        res.end(body)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const handle: LoopbackServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  running.push(handle)
  return handle
}

/** The records of an upload request's body. */
export function uploadedRecords(request: RecordedRequest): Record<string, unknown>[] {
  return (JSON.parse(request.body) as { d: Record<string, unknown>[] }).d
}
