// The SFTP feature's public surface: the service that keeps sources, tests connections, runs them and
// reads their history.
export type { SftpOptions } from './options'
export type { SftpService } from './service'
