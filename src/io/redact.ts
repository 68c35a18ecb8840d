/** Hiding passwords in URLs before they are shown or recorded: `redis://:pw@host` → `redis://:***@host`. */

/** `text` with the password of every `scheme://[user]:password@` in it replaced by `***`. */
export function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi, '$1***@');
}
