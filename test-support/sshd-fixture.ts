// A real OpenSSH sshd on 127.0.0.1 for the SFTP tests and the e2e spec (TOOLCHAIN.md §5): its own temp
// dir and host key, a test user (created once, reused), a free port, `sshd -D -e`, stopped by PID.
// Each instance serves its own folder (internal-sftp -d), so several can run at once for one user.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const SFTP_USER = 'sftptest'
export const SFTP_PASSWORD = 's3cret-pass'
export const KEY_PASSPHRASE = 'open sesame'

export interface Sshd {
  host: '127.0.0.1'
  port: number
  user: string
  password: string
  /** The folder the user lands in; remote paths below are absolute paths inside it. */
  home: string
  /** The client's private key (OpenSSH PEM text), authorised for the user. */
  clientKey: string
  /** Another authorised key, protected by KEY_PASSPHRASE. */
  encryptedKey: string
  /** The server's host key as `ssh-keygen -lf` prints it: `SHA256:<base64>`. */
  fingerprint: string
  /** A fingerprint of another key: what a man in the middle would present. */
  wrongFingerprint: string
  /** A path on the server's disk for a remote path (`/in/a.csv` -> `<home>/in/a.csv`). */
  local(remotePath: string): string
  /** Writes a file on the server's disk, owned by the SFTP user. */
  put(remotePath: string, content: string | Buffer): string
  /** Creates a folder on the server's disk, owned by the SFTP user. */
  mkdir(remotePath: string): string
  /** What sshd logged so far (LogLevel VERBOSE: every login attempt). */
  log(): string
  /** Ends every SSH connection (the per-connection processes) but keeps the server listening. */
  dropConnections(): void
  /** SIGKILL the server and every connection: what a crashed or unplugged server looks like. */
  kill(): void
  stop(): Promise<void>
}

function run(command: string, args: string[], input?: string): { status: number | null; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', ...(input === undefined ? {} : { input }) })
  return { status: result.status, stderr: result.stderr }
}

function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1]
  if (!blob) throw new Error(`not a public key line: ${publicKeyLine}`)
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`
}

function keygen(path: string, passphrase = ''): void {
  const result = run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', path])
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`)
}

/** Runs a command that edits /etc/passwd or /etc/shadow, again while another test file holds their lock. */
function retryLocked(
  command: string,
  args: string[],
  input?: string,
): { status: number | null; stderr: string } {
  let result = run(command, args, input)
  for (let attempt = 1; attempt < 10 && result.status !== 0 && /lock/i.test(result.stderr); attempt++) {
    spawnSync('sleep', ['0.3'])
    result = run(command, args, input)
  }
  return result
}

/** The test user: created once with no login shell; later runs reuse it. The password is (re)set each time. */
function ensureUser(): { uid: number; gid: number } {
  let id = run('id', ['-u', SFTP_USER])
  if (id.status !== 0) {
    const added = retryLocked('useradd', ['-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', SFTP_USER])
    // Another test file may have created it meanwhile: only fail when it still does not exist.
    id = run('id', ['-u', SFTP_USER])
    if (id.status !== 0) throw new Error(`useradd ${SFTP_USER} failed: ${added.stderr}`)
  }
  const chpasswd = retryLocked('chpasswd', [], `${SFTP_USER}:${SFTP_PASSWORD}\n`)
  if (chpasswd.status !== 0) throw new Error(`chpasswd failed: ${chpasswd.stderr}`)
  const uid = Number(spawnSync('id', ['-u', SFTP_USER], { encoding: 'utf8' }).stdout.trim())
  const gid = Number(spawnSync('id', ['-g', SFTP_USER], { encoding: 'utf8' }).stdout.trim())
  return { uid, gid }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.setTimeout(1000, () => done(false))
  })
}

/** Every process below `pid` (sshd forks one or two per connection), found through /proc. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const parent = Number(fields[1])
      const list = children.get(parent) ?? []
      list.push(Number(entry))
      children.set(parent, list)
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = []
  const queue = [pid]
  for (let guard = 0; queue.length > 0 && guard < 10_000; guard++) {
    const next = queue.shift() as number
    for (const child of children.get(next) ?? []) {
      found.push(child)
      queue.push(child)
    }
  }
  return found
}

function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

export async function startSshd(): Promise<Sshd> {
  const { uid, gid } = ensureUser()
  // sshd refuses to start without its privilege separation directory (absent on a fresh machine).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  chmodSync('/run/sshd', 0o755)
  const dir = mkdtempSync(join(tmpdir(), 'sftp-test-'))
  // 0700 would make authorized_keys unreadable for the unprivileged session.
  chmodSync(dir, 0o755)
  keygen(join(dir, 'ssh_host_ed25519_key'))
  keygen(join(dir, 'client_ed25519'))
  keygen(join(dir, 'wrong_host_key'))
  keygen(join(dir, 'client_encrypted'), KEY_PASSPHRASE)
  writeFileSync(
    join(dir, 'authorized_keys'),
    readFileSync(join(dir, 'client_ed25519.pub'), 'utf8') +
      readFileSync(join(dir, 'client_encrypted.pub'), 'utf8'),
    { mode: 0o644 },
  )
  const home = join(dir, 'home')
  mkdirSync(home)
  chownSync(home, uid, gid)

  let child: ChildProcess | null = null
  let log = ''
  let port = 0
  for (let attempt = 1; attempt <= 5 && child === null; attempt++) {
    port = await freePort()
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        'ListenAddress 127.0.0.1',
        `Port ${port}`,
        `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'PermitRootLogin no',
        `AllowUsers ${SFTP_USER}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'AllowTcpForwarding no',
        'X11Forwarding no',
        'PermitTTY no',
        'UseDNS no',
        'MaxStartups 100',
        'LogLevel VERBOSE',
        'Subsystem sftp internal-sftp',
        `ForceCommand internal-sftp -d ${home}`,
        '',
      ].join('\n'),
    )
    const check = run('/usr/sbin/sshd', ['-t', '-f', join(dir, 'sshd_config')])
    if (check.status !== 0) throw new Error(`sshd -t refused the config: ${check.stderr}`)
    // An absolute path: sshd re-executes itself.
    const started = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    started.stderr?.on('data', (d: Buffer) => (log += d.toString()))
    let up = false
    for (let i = 0; i < 100 && started.exitCode === null; i++) {
      if (await portAnswers(port)) {
        up = true
        break
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    if (up) child = started
    else {
      if (started.pid) killQuietly(started.pid)
      // Someone else took the port between our probe and sshd's bind: try another.
      if (!/Address already in use|Cannot bind/i.test(log) || attempt === 5) {
        rmSync(dir, { recursive: true, force: true })
        throw new Error(`sshd did not start on port ${port}: ${log}`)
      }
    }
  }
  const server = child as ChildProcess
  const pid = server.pid as number
  const local = (remotePath: string) => join(home, remotePath)

  return {
    host: '127.0.0.1',
    port,
    user: SFTP_USER,
    password: SFTP_PASSWORD,
    home,
    clientKey: readFileSync(join(dir, 'client_ed25519'), 'utf8'),
    encryptedKey: readFileSync(join(dir, 'client_encrypted'), 'utf8'),
    fingerprint: fingerprintOf(readFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8')),
    wrongFingerprint: fingerprintOf(readFileSync(join(dir, 'wrong_host_key.pub'), 'utf8')),
    local,
    log: () => log,
    put(remotePath, content) {
      const path = local(remotePath)
      writeFileSync(path, content)
      chownSync(path, uid, gid)
      return path
    },
    mkdir(remotePath) {
      const path = local(remotePath)
      mkdirSync(path, { recursive: true })
      chownSync(path, uid, gid)
      return path
    },
    dropConnections() {
      for (const p of descendantsOf(pid)) killQuietly(p)
    },
    kill() {
      const children = descendantsOf(pid)
      killQuietly(pid)
      for (const p of children) killQuietly(p)
    },
    async stop() {
      const children = descendantsOf(pid)
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((r) => server.once('exit', r))
        killQuietly(pid, 'SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
      }
      for (const p of children) killQuietly(p)
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true })
    },
  }
}
