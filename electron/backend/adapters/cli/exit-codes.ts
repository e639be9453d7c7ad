// The exit codes of every `profile-desk` command: 0 done, 1 not found or nothing done, 2 bad input,
// 130 interrupted (Ctrl+C), as shells expect.
export const EXIT_OK = 0
export const EXIT_ERROR = 1
export const EXIT_USAGE = 2
export const EXIT_INTERRUPTED = 130
