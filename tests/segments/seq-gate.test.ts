// The count gate keeps each client's newest sequence number and a slot per client, forgetting the least
// recently asking client once CLIENT_SLOTS are in use.
import { describe, expect, it } from 'vitest'
import { CLIENT_SLOTS, SeqGate } from '../../electron/backend/core/segments/queries'

describe('SeqGate', () => {
  it('supersedes only within a client, and reuses the slot of the client that asked longest ago', () => {
    const gate = new SeqGate()
    expect(gate.admit({ client: 'a', seq: 10 })).toBe(0)
    expect(gate.admit({ client: 'b', seq: 1 })).toBe(1)
    expect(gate.admit({ client: 'a', seq: 9 })).toBeNull()
    expect(gate.admit({ client: 'a', seq: 11 })).toBe(0)
    for (let i = 2; i < CLIENT_SLOTS; i++) expect(gate.admit({ client: `c${i}`, seq: 1 })).toBe(i)
    // Full: 'b' asked longest ago ('a' asked again since), so the newcomer takes b's slot.
    expect(gate.admit({ client: 'new', seq: 1 })).toBe(1)
    // 'b' is forgotten: its next request is admitted afresh (in another forgotten client's slot).
    expect(gate.admit({ client: 'b', seq: 0 })).not.toBeNull()
  })
})
