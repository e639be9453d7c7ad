// Child processes for tests, e2e and benchmarks: start one and wait (bounded) for the line that says it is
// ready, stop it by PID (SIGTERM, a bounded wait, then SIGKILL), and poll a condition with a deadline.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

export interface Started {
  child: ChildProcess
  /** The ready line's match (the first group is usually the URL). */
  match: RegExpExecArray
  /** Everything the process has written to stderr so far (kept growing). */
  stderr(): string
}

/**
 * Spawns `command args` and resolves once its stdout shows `ready`; rejects when it exits first or after
 * `timeoutMs` (saying `what` and its stderr). stderr is collected unless `inheritStderr`.
 */
export async function startUntilReady(
  command: string,
  args: string[],
  options: { ready: RegExp; what: string; timeoutMs?: number; cwd?: string; inheritStderr?: boolean },
): Promise<Started> {
  const spawnOptions: SpawnOptions = {
    stdio: ['ignore', 'pipe', options.inheritStderr ? 'inherit' : 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  }
  const child = spawn(command, args, spawnOptions)
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const timeoutMs = options.timeoutMs ?? 20_000
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      if (child.pid) child.kill('SIGKILL')
      reject(new Error(`${options.what} did not start in ${timeoutMs / 1000} s: ${stderr}`))
    }, timeoutMs)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const found = options.ready.exec(out)
      if (found) {
        clearTimeout(timer)
        resolve(found)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${options.what} exited with ${code}: ${stderr}`))
    })
  })
  return { child, match, stderr: () => stderr }
}

/** Stops a child we started, by its PID: SIGTERM, up to `graceMs` to exit, then SIGKILL; waits for the exit. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(child.pid, 'SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const gaveUp = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)))
  const outcome = await Promise.race([exited, gaveUp])
  clearTimeout(timer)
  if (outcome === 'late' && child.exitCode === null && child.signalCode === null && child.pid) {
    process.kill(child.pid, 'SIGKILL')
    await exited
  }
}

/**
 * Polls `check` every `intervalMs` until it returns something other than undefined/false, for at most
 * `timeoutMs`; for waiting on a real external process (a child, sshd), where no clock can be injected.
 */
export async function pollUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { what: string; timeoutMs?: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() >= deadline)
      throw new Error(`${options.what} did not happen within ${options.timeoutMs ?? 10_000} ms`)
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20))
  }
}
