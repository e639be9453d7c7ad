// Hands a Blob to the browser as a download (works the same in a browser tab and in the Electron window).

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // Revoking at once can cut a slow download short; a minute is plenty for the browser to take it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
