// What app.info answers: the version, which host runs the backend, its data folder and how many profiles.
export interface AppInfo {
  version: string
  host: 'electron' | 'web' | 'test'
  dataDir: string
  profileCount: number
}
