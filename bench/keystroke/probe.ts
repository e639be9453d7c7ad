// The in-page half of the keystroke benchmark: a script added to the page that times each keystroke in
// the browser itself, from the keydown's `event.timeStamp` to the first frame painted with its answer.
// A screen opts in by putting `data-asked` (the question its state now holds) and `data-answered` (the
// question whose answer is on screen) on one element; the answer is painted once they are equal again.

/** What the page collects, read back with `page.evaluate(() => window.__keystrokeProbe)`. */
export interface ProbeSample {
  ms: number
  asked: string
  /** The marker's data-engine at the keydown (the segment builder's count engine: loading / ready). */
  engine: string | null
}

/**
 * The script, as text: functions handed to page.evaluate are serialized from the compiled bench, and
 * tsx's helpers (`__name`) would not exist in the page.
 *
 * How "painted" is found: a MutationObserver sees the DOM update that makes data-answered equal to
 * data-asked (the rows and the count change in the same Svelte flush); requestAnimationFrame then runs
 * just before that frame's style, layout and paint, and a MessageChannel message posted from it runs
 * after them, so the time taken there includes rendering the frame that shows the answer.
 */
export function probeScript(markerSelector: string): string {
  return `(() => {
  const probe = { samples: [], pending: null }
  window.__keystrokeProbe = probe
  const marker = () => document.querySelector(${JSON.stringify(markerSelector)})
  document.addEventListener('keydown', (event) => {
    const el = marker()
    probe.pending = {
      t0: event.timeStamp,
      askedBefore: el ? el.getAttribute('data-asked') : null,
      engine: el ? el.getAttribute('data-engine') : null,
    }
  }, true)
  const check = () => {
    const pending = probe.pending
    const el = marker()
    if (!pending || !el) return
    const asked = el.getAttribute('data-asked')
    if (asked === pending.askedBefore || el.getAttribute('data-answered') !== asked) return
    probe.pending = null
    requestAnimationFrame(() => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () =>
        probe.samples.push({ ms: performance.now() - pending.t0, asked, engine: pending.engine })
      channel.port2.postMessage(0)
    })
  }
  new MutationObserver(check).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-asked', 'data-answered'],
  })
})()`
}
