// CleverTap IDs for the profiles an import creates: 32 lower-case hex digits like newObjectId(), but
// ordered (run start time, then a counter, then a per-run random part), so a million new ids append to
// the object-id indexes instead of rewriting pages all over them.
import { randomBytes } from 'node:crypto'

export function sequentialObjectIds(startMs: number = Date.now()): () => string {
  const time = Math.floor(startMs).toString(16).padStart(12, '0').slice(-12)
  const random = randomBytes(6).toString('hex')
  let counter = 0
  return () => {
    const id = `${time}${(counter++).toString(16).padStart(8, '0')}${random}`
    return id
  }
}
