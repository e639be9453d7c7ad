// A one-line confirmation that outlives a navigation ("Profile deleted."), shown once by the app shell.

class Flash {
  message = $state<string | null>(null)

  show(message: string): void {
    this.message = message
  }

  clear(): void {
    this.message = null
  }
}

export const flash = new Flash()
