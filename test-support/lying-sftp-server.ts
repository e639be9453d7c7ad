// A small SFTP server that lies, built on ssh2's Server (TOOLCHAIN.md §5), for what real sshd cannot do:
// list hostile names (`../../x.csv`, `a/b.csv`, `..`, NUL) and serve their content, claim a size in its
// listings and `stat` that differs from the bytes it sends, hold a download mid-way, and record every
// password it was offered and every request that names a path. In memory, on 127.0.0.1, port 0.
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { posix } from 'node:path'
import ssh2, { type Attributes, type Connection, type SFTPWrapper } from 'ssh2'

const { Server, utils } = ssh2
const { STATUS_CODE } = utils.sftp

export const LIAR_USER = 'liar'
export const LIAR_PASSWORD = 'the-liars-password'

interface RemoteFile {
  content: Buffer
  /** The size listings and stat claim; the content's length unless the test makes the server lie. */
  claimedSize: number
  mtime: number
}

export interface LyingSftpServer {
  host: '127.0.0.1'
  port: number
  user: string
  password: string
  fingerprint: string
  /** Remote paths are the paths the server uses; this fixture has no disk behind them. */
  local(remotePath: string): string
  /** Creates a folder (listed empty until files are put in it). */
  mkdir(folder: string): void
  /**
   * Lists `name` in `folder` exactly as given (hostile names too) and serves `content` both under the raw
   * `folder/name` and under the path a client would make by joining them (`/in` + `../../x.csv` -> `/x.csv`).
   */
  put(folder: string, name: string, content: string | Buffer, options?: { claimedSize?: number }): void
  /** The next read of `path` past `afterBytes` waits until the returned release is called. */
  hold(path: string, afterBytes: number): { reached: Promise<void>; release(): void }
  /** Every password offered to it, in order (any user). */
  readonly offeredPasswords: string[]
  /** Requests that name a path, in order: `OPEN /in/a.csv`, `RENAME /in/a.csv -> /in/processed/a.csv`. */
  readonly requests: string[]
  /** Bytes sent of each path so far. */
  readonly served: Map<string, number>
  stop(): Promise<void>
}

function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1] ?? ''
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`
}

function fileAttrs(file: RemoteFile): Attributes {
  const seconds = Math.floor(file.mtime / 1000)
  return {
    mode: constants.S_IFREG | 0o644,
    uid: 1000,
    gid: 1000,
    size: file.claimedSize,
    atime: seconds,
    mtime: seconds,
  }
}

const FOLDER_ATTRS: Attributes = {
  mode: constants.S_IFDIR | 0o755,
  uid: 1000,
  gid: 1000,
  size: 4096,
  atime: 0,
  mtime: 0,
}

function longname(kind: '-' | 'd', size: number, name: string): string {
  return `${kind}rw-r--r--    1 liar     liar     ${String(size).padStart(8)} Jan  1 00:00 ${name}`
}

export async function startLyingSftpServer(): Promise<LyingSftpServer> {
  const hostKey = utils.generateKeyPairSync('ed25519')
  /** folder -> name -> file, in the order put. */
  const folders = new Map<string, Map<string, RemoteFile>>()
  /** Every path a file is served under. */
  const byPath = new Map<string, RemoteFile>()
  const holds = new Map<string, { afterBytes: number; gate: Promise<void>; arrived: () => void }>()
  /** Every hold's release, so stop() never leaves a read waiting. */
  const releases: (() => void)[] = []
  const offeredPasswords: string[] = []
  const requests: string[] = []
  const served = new Map<string, number>()
  const clients = new Set<Connection>()

  const folderOf = (path: string) => folders.get(posix.normalize(path).replace(/(.)\/+$/, '$1'))

  function serveSftp(sftp: SFTPWrapper): void {
    const handles = new Map<number, { path: string; file: RemoteFile } | { listing: string; sent: boolean }>()
    let nextHandle = 1
    const newHandle = (value: { path: string; file: RemoteFile } | { listing: string; sent: boolean }) => {
      const id = nextHandle++
      handles.set(id, value)
      const handle = Buffer.alloc(4)
      handle.writeUInt32BE(id)
      return handle
    }
    const handleOf = (handle: Buffer) =>
      handle.length === 4 ? handles.get(handle.readUInt32BE(0)) : undefined

    sftp
      .on('REALPATH', (reqid, path) => {
        const absolute = posix.resolve('/', path)
        sftp.name(reqid, [{ filename: absolute, longname: absolute, attrs: FOLDER_ATTRS }])
      })
      .on('STAT', (reqid, path) => statReply(reqid, path))
      .on('LSTAT', (reqid, path) => statReply(reqid, path))
      .on('OPENDIR', (reqid, path) => {
        requests.push(`OPENDIR ${path}`)
        if (!folderOf(path)) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)
        sftp.handle(reqid, newHandle({ listing: path, sent: false }))
      })
      .on('READDIR', (reqid, handle) => {
        const open = handleOf(handle)
        if (!open || !('listing' in open)) return sftp.status(reqid, STATUS_CODE.FAILURE)
        if (open.sent) return sftp.status(reqid, STATUS_CODE.EOF)
        open.sent = true
        const entries = [...(folderOf(open.listing)?.entries() ?? [])].map(([name, file]) => ({
          filename: name,
          longname: longname('-', file.claimedSize, name),
          attrs: fileAttrs(file),
        }))
        sftp.name(reqid, entries)
      })
      .on('OPEN', (reqid, path) => {
        requests.push(`OPEN ${path}`)
        const file = byPath.get(path)
        if (!file) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)
        sftp.handle(reqid, newHandle({ path, file }))
      })
      .on('FSTAT', (reqid, handle) => {
        const open = handleOf(handle)
        if (!open || !('file' in open)) return sftp.status(reqid, STATUS_CODE.FAILURE)
        sftp.attrs(reqid, fileAttrs(open.file))
      })
      .on('READ', (reqid, handle, offset, length) => {
        const open = handleOf(handle)
        if (!open || !('file' in open)) return sftp.status(reqid, STATUS_CODE.FAILURE)
        const send = () => {
          if (offset >= open.file.content.length) return sftp.status(reqid, STATUS_CODE.EOF)
          const chunk = open.file.content.subarray(offset, offset + length)
          served.set(open.path, (served.get(open.path) ?? 0) + chunk.length)
          sftp.data(reqid, chunk)
        }
        const held = holds.get(open.path)
        if (held && offset >= held.afterBytes) {
          holds.delete(open.path)
          held.arrived()
          void held.gate.then(send)
          return
        }
        send()
      })
      .on('CLOSE', (reqid, handle) => {
        if (handle.length === 4) handles.delete(handle.readUInt32BE(0))
        sftp.status(reqid, STATUS_CODE.OK)
      })
      .on('RENAME', (reqid, from, to) => {
        requests.push(`RENAME ${from} -> ${to}`)
        const file = byPath.get(from)
        if (!file) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)
        byPath.delete(from)
        byPath.set(to, file)
        folderOf(posix.dirname(from))?.delete(posix.basename(from))
        folderOf(posix.dirname(to))?.set(posix.basename(to), file)
        sftp.status(reqid, STATUS_CODE.OK)
      })
      .on('REMOVE', (reqid, path) => {
        requests.push(`REMOVE ${path}`)
        if (!byPath.delete(path)) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)
        folderOf(posix.dirname(path))?.delete(posix.basename(path))
        sftp.status(reqid, STATUS_CODE.OK)
      })
      .on('MKDIR', (reqid, path) => {
        requests.push(`MKDIR ${path}`)
        server.mkdir(path)
        sftp.status(reqid, STATUS_CODE.OK)
      })

    function statReply(reqid: number, path: string): void {
      const file = byPath.get(path)
      if (file) return sftp.attrs(reqid, fileAttrs(file))
      if (folderOf(path)) return sftp.attrs(reqid, FOLDER_ATTRS)
      sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)
    }
  }

  const ssh = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client)
    client
      .on('authentication', (ctx) => {
        if (ctx.method !== 'password') return ctx.reject(['password'])
        offeredPasswords.push(ctx.password)
        if (ctx.username === LIAR_USER && ctx.password === LIAR_PASSWORD) ctx.accept()
        else ctx.reject(['password'])
      })
      .on('ready', () => {
        client.on('session', (accept) => {
          accept().on('sftp', (acceptSftp) => serveSftp(acceptSftp()))
        })
      })
      .on('error', () => {
        // A client that goes away mid-request: nothing to do.
      })
      .on('close', () => clients.delete(client))
  })
  await new Promise<void>((resolve, reject) => {
    ssh.once('error', reject)
    ssh.listen(0, '127.0.0.1', () => resolve())
  })
  const address = ssh.address()
  const port = typeof address === 'object' && address ? address.port : 0

  const server: LyingSftpServer = {
    host: '127.0.0.1',
    port,
    user: LIAR_USER,
    password: LIAR_PASSWORD,
    fingerprint: fingerprintOf(hostKey.public),
    local: (remotePath) => remotePath,
    offeredPasswords,
    requests,
    served,
    mkdir(folder) {
      const key = posix.normalize(folder).replace(/(.)\/+$/, '$1')
      if (!folders.has(key)) folders.set(key, new Map())
    },
    put(folder, name, content, options = {}) {
      server.mkdir(folder)
      const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content)
      const file: RemoteFile = {
        content: bytes,
        claimedSize: options.claimedSize ?? bytes.length,
        mtime: Date.now() - 60_000,
      }
      folderOf(folder)?.set(name, file)
      byPath.set(`${folder.replace(/\/+$/, '')}/${name}`, file)
      // Where a client that joins paths would look; never over a folder (`.` would turn /in into a file).
      const joined = posix.join(folder, name)
      if (!folderOf(joined)) byPath.set(joined, file)
    },
    hold(path, afterBytes) {
      let release = () => {}
      let arrived = () => {}
      const gate = new Promise<void>((resolve) => (release = resolve))
      const reached = new Promise<void>((resolve) => (arrived = resolve))
      holds.set(path, { afterBytes, gate, arrived })
      releases.push(release)
      return { reached, release }
    },
    async stop() {
      for (const release of releases) release()
      for (const client of clients) client.end()
      await new Promise<void>((resolve) => ssh.close(() => resolve()))
    },
  }
  return server
}
