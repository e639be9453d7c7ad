// Whether this page can talk to a backend at all: connected, never given a way in (no bridge, no
// token), or refused (the token belongs to an earlier launch). The app shell shows a full page for the last two.

export type SessionStatus = 'connected' | 'no-backend' | 'unauthorized'

class Session {
  status = $state<SessionStatus>('connected')
  host = $state<'electron' | 'web' | null>(null)
}

export const session = new Session()
