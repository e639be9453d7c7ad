// An attachment: Escape anywhere inside the element (a form being edited) calls the handler, e.g. Cancel.
import type { Attachment } from 'svelte/attachments'

export function onEscape(handler: () => void): Attachment<HTMLElement> {
  return (element) => {
    const listener = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return
      event.preventDefault()
      event.stopPropagation()
      handler()
    }
    element.addEventListener('keydown', listener)
    return () => element.removeEventListener('keydown', listener)
  }
}
