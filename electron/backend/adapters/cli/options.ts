// Option parsers shared by the commands: whole numbers in a range and ports, refused with a message that
// names the option (commander prints it and the command exits 2).
import { InvalidArgumentError } from 'commander'

export function parseIntOption(name: string, min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw)
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`)
    }
    return value
  }
}

/** A server's port (an SFTP source's). */
export function port(raw: string): number {
  const value = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || value < 1 || value > 65535)
    throw new InvalidArgumentError('--port must be from 1 to 65535.')
  return value
}
