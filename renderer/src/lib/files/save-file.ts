// Hands a file to the browser as a download (a Blob behind a temporary link): works the same in the
// Electron window and a browser tab, and needs no path. Used for rejected rows, segment files, exports and
// backups.

/** Offers `blob` as a download named `fileName`. */
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

/** Offers `content` as a download named `fileName`. */
export function saveTextAs(content: string, fileName: string, type: string): void {
  saveBlob(new Blob([content], { type }), fileName)
}
