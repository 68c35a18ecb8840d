/**
 * An error told in one readable line, for a note (why the model stays on one thread, why a backend
 * did not load) or a message naming what failed: TF.js, esbuild and Node put the reason after the
 * first line (`Transform failed with 1 error:` ⏎ `/home/me/my-layers.ts:3:9: ERROR: Expected ";"`), so
 * the first line alone often says nothing. Browser-safe: text only.
 *
 *   message (or a stack posted as text) ─► its lines, trimmed, up to Node's `Require stack:` (the files
 *   that asked for a missing module) ─► blank ones and stack frames (`at …`) dropped
 *   ─► joined by ' ' ─► cut to MAX_CHARS with '…'
 *
 * @example
 * errorLine(new Error('Transform failed with 1 error:\n/home/me/my-layers.ts:3:9: ERROR: Expected ";"'))
 * // 'Transform failed with 1 error: /home/me/my-layers.ts:3:9: ERROR: Expected ";"'
 */

/** The longest line `errorLine` gives (a message of hundreds of lines, e.g. esbuild's with many errors, is cut). */
const MAX_CHARS = 600;

/** A stack frame: `at fn (file:///x.js:3:9)`, `at file:///x.js:3:9`, `at fn (native)` (not a message's line starting `at least …`). */
const STACK_FRAME = /^at .*(:\d+:\d+\)?|\((native|<anonymous>)\))$/;

/** `e`'s message (or `e` as text) in one line: see the file's comment. */
export function errorLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split('\n').map((l) => l.trim());
  const required = lines.indexOf('Require stack:');
  const line = lines
    .slice(0, required < 0 ? undefined : required)
    .filter((l) => l !== '' && !STACK_FRAME.test(l))
    .join(' ');
  return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1)}…` : line;
}
