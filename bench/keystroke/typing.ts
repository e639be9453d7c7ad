// Typing into the page as a person does, one key at a time, each keystroke's answer painted before the
// next key (the probe in ./probe.ts times them), and reading the probe's samples back.
import type { Page } from 'playwright-core'
import type { ProbeSample } from './probe'

/** A brisk typist's gap between keys. */
export const KEY_GAP_MS = 150
export const ANSWER_TIMEOUT_MS = 10_000

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type ProbeWindow = { __keystrokeProbe: { samples: ProbeSample[] } }

export async function readSamples(page: Page): Promise<ProbeSample[]> {
  return page.evaluate(() => (window as unknown as ProbeWindow).__keystrokeProbe.samples)
}

/** Types `text` into the focused field; returns how many keystrokes got no painted answer in time. */
export async function typeMeasured(page: Page, text: string): Promise<number> {
  let missed = 0
  for (const key of text) {
    const before = (await readSamples(page)).length
    await page.keyboard.type(key)
    try {
      await page.waitForFunction(
        (n) => (window as unknown as ProbeWindow).__keystrokeProbe.samples.length > n,
        before,
        { timeout: ANSWER_TIMEOUT_MS, polling: 20 },
      )
    } catch {
      missed++
    }
    await sleep(KEY_GAP_MS)
  }
  return missed
}

/** Times `count` POSTs of each body to /rpc/CHANNEL from the page: the round trip with nothing rendered. */
export async function roundTrips(
  page: Page,
  channel: string,
  origin: string,
  token: string,
  bodies: unknown[],
): Promise<number[]> {
  return page.evaluate(
    async ({ channel, origin, token, bodies }) => {
      const times: number[] = []
      for (const body of bodies) {
        const started = performance.now()
        const res = await fetch(`${origin}/rpc/${channel}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        })
        await res.json()
        times.push(performance.now() - started)
      }
      return times
    },
    { channel, origin, token, bodies },
  )
}
