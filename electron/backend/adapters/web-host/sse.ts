// `GET /events`: the backend's events as Server-Sent Events. EventSource cannot set headers, so the token
// comes in the query (a bearer header works too); streams past the limit are refused with 503 and a
// reason the page can show (event-streams.ts holds, coalesces and drops slow streams).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { WEB_TOKEN_PARAM } from '../../../../shared/ipc/bridge'
import type { EventStreamLimits, EventStreams } from './event-streams'
import { bearerToken, tokensMatch } from './guard'
import { errorEnvelope, sendJson } from './http-reply'

export function handleEvents(
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  streams: { eventStreams: EventStreams; limits: EventStreamLimits; token: string },
): void {
  if (req.method !== 'GET') {
    sendJson(res, 405, errorEnvelope('validation', 'Use GET for /events.'), { Allow: 'GET' })
    return
  }
  const given = query.get(WEB_TOKEN_PARAM) ?? bearerToken(req)
  if (given === null || !tokensMatch(given, streams.token)) {
    sendJson(res, 401, errorEnvelope('unauthorized', 'A valid token is required (?token=<token>).'))
    return
  }
  if (!streams.eventStreams.hasRoom()) {
    sendJson(
      res,
      503,
      errorEnvelope(
        'limit',
        `Profile Desk already sends updates to ${streams.limits.maxStreams} open pages, its limit. ` +
          'Close a Profile Desk tab or window you no longer use, then reload this page.',
      ),
      { 'Retry-After': '10' },
    )
    return
  }
  streams.eventStreams.open(req, res)
}
