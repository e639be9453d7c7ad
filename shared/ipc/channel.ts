// Pairs a request schema (validated at the backend's boundary) with a response type (a type only:
// replies are produced by us). Every contract file builds its channels with it.
import type { z } from 'zod'

export function channel<Res>() {
  return <Req extends z.ZodType>(req: Req) => ({ req, res: undefined as unknown as Res })
}
