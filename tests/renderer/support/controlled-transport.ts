// A Transport for renderer state tests whose replies the test releases one by one, in any order, so a
// test can make an older request answer after a newer one (the stale-reply cases).
import type { Envelope } from '../../../shared/ipc/envelope'
import type { Transport } from '../../../renderer/src/lib/api/transport'

export interface PendingCall {
  channel: string
  request: unknown
  resolve(value: unknown): void
  fail(code: string, message: string): void
}

export class ControlledTransport implements Transport {
  readonly calls: PendingCall[] = []
  /** Channels answered at once with this value (e.g. lists a state class loads on the side). */
  readonly auto = new Map<string, (request: unknown) => unknown>()

  invoke(channel: string, request: unknown): Promise<Envelope<never>> {
    const automatic = this.auto.get(channel)
    if (automatic) return Promise.resolve({ ok: true, value: automatic(request) as never })
    return new Promise((settle) => {
      this.calls.push({
        channel,
        request,
        resolve: (value) => settle({ ok: true, value: value as never }),
        fail: (code, message) => settle({ ok: false, error: { code, message } } as Envelope<never>),
      })
    })
  }

  on(): () => void {
    return () => {}
  }

  /** The calls made on one channel, in order. */
  callsOn(channel: string): PendingCall[] {
    return this.calls.filter((c) => c.channel === channel)
  }

  /** Lets every released reply run through the awaiting code (a few microtask turns). */
  async settled(): Promise<void> {
    for (let i = 0; i < 10; i++) await Promise.resolve()
  }
}
