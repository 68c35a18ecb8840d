/** Small helpers for writing HTML safely: escaping text and embedding JSON or scripts inline. */
import { visibleControls } from '../figures/index.ts';
import { PACKED_JSON_TYPE, packJson } from '../packed/index.ts';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (or an attribute value) with HTML's special characters escaped, as it is (`escText` for text shown). */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Text to show in a page, escaped: a record's control and bidirectional characters as their
 * escapes (`visibleControls`), so they cannot reorder what is shown, then `esc`.
 *
 * @example
 * escText('<b>l1\u202egnp</b>')   // '&lt;b&gt;l1\\u202egnp&lt;/b&gt;'
 */
export function escText(text: string | number): string {
  return esc(visibleControls(String(text)));
}

/** `value` as a `<script type="application/json">` element; `<` is escaped so nothing ends it early. */
export function jsonScript(id: string, value: unknown): string {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<script type="application/json" id="${esc(id)}">${json}</script>`;
}

/** `value` packed (src/viz/packed: gzip, base64) in a `<script type="application/gzip+base64">` element. */
export async function packedJsonScript(id: string, value: unknown): Promise<string> {
  return `<script type="${PACKED_JSON_TYPE}" id="${esc(id)}">${await packJson(value)}</script>`;
}

/** JavaScript source as the text of an inline `<script>` element (nothing in it ends the element early). */
function scriptText(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script');
}

/** JavaScript source as an inline `<script>` element. */
export function inlineScript(source: string): string {
  return `<script>${scriptText(source)}</script>`;
}

/**
 * The content security policy of a page whose only scripts are `inlineScript(source)` of each of
 * `sources`: those scripts run (each allowed by its hash) and may evaluate (Vega compiles its
 * expressions with Function); nothing is loaded from anywhere — no other script, no request, no
 * image but data: and blob: URLs — so a page opened from a file stays offline whatever a record's
 * strings or a user's view spec say.
 *
 * @example
 * await pageCsp(['document.title = "x"'])   // "default-src 'none'; script-src 'sha256-…' 'unsafe-eval'; …"
 */
export async function pageCsp(sources: readonly string[]): Promise<string> {
  const hashes = await Promise.all(
    sources.map(async (source) => {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(scriptText(source))));
      return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
    }),
  );
  return `default-src 'none'; script-src ${hashes.join(' ')} 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'`;
}

/** An HTML table: a header row and body rows, each row's cells already HTML; `rowAttrs` per row. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, attrs = '', rowAttrs: readonly string[] = []): string {
  const head = `<thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r, i) => `<tr${rowAttrs[i] ? ` ${rowAttrs[i]}` : ''}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${attrs ? ` ${attrs}` : ''}>${head}<tbody>\n${body}\n</tbody></table>`;
}
