// Runs the `profile-desk` command line as a child process (through tsx, from source) and collects its
// exit code and output; shared by the CLI tests so each one only says which arguments and environment.
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
export const CLI = join(ROOT, 'electron/backend/adapters/cli/main.ts')

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

// PROFILE_DESK_DATA_DIR is blanked so a developer's own setting never leaks into a test run.
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, PROFILE_DESK_DATA_DIR: '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`profile-desk ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${stderr}`))
    }, timeoutMs)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}
