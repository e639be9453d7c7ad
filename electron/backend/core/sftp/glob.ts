// Which remote files a source takes: its pattern (shared/sftp/file-pattern.ts, the rule the source editor
// checks too) matched against a file's name, ignoring case.
import { globToRegExp } from '../../../../shared/sftp/file-pattern'

export function matchesPattern(name: string, pattern: string): boolean {
  return globToRegExp(pattern).test(name)
}
