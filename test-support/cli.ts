// Runs the `profile-desk` command line as a child process (through tsx, from source), as a person at a
// terminal would, and collects its exit code, signal and output; every CLI test starts it through here.
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..')
export const CLI = join(ROOT, 'electron/backend/adapters/cli/main.ts')

export interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Starts `profile-desk …` and hands back the child (to signal it mid-run), its stderr so far (to wait
 * for a progress line) and its end. Fails after
 * `timeoutMs` (the child is killed). PROFILE_DESK_DATA_DIR is blanked so a developer's own setting never
 * leaks into a test run.
 */
export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): { child: ChildProcess; done: Promise<Run>; stderr(): string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, PROFILE_DESK_DATA_DIR: '', ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  const done = new Promise<Run>((finish, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`profile-desk ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${stderr}`))
    }, timeoutMs)
    child.on('error', fail)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      finish({ code, signal, stdout, stderr })
    })
  })
  return { child, done, stderr: () => stderr }
}

/** Runs `profile-desk …` to its end. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  return spawnCli(args, env, timeoutMs).done
}
