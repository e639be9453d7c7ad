// The sandbox account every suite uses (tests, e2e, benchmarks); kept free of imports so Playwright's
// loader can take it without the server code.
export const ACCOUNT = 'SYNC-TEST'
/** Distinctive, so a test can prove it never reaches a log line, a file or another host. */
export const PASSCODE = 'pc-7f3a-never-log-me'
