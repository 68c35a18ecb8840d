/** Small helpers for writing HTML safely: escaping text and embedding JSON or scripts inline. */
import { PACKED_JSON_TYPE, packJson } from '../packed/index.ts';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (or an attribute value) with HTML's special characters escaped. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
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

/** JavaScript source as an inline `<script>` element. */
export function inlineScript(source: string): string {
  return `<script>${source.replace(/<\/script/gi, '<\\/script')}</script>`;
}

/** An HTML table: a header row and body rows, each row's cells already HTML; `rowAttrs` per row. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, attrs = '', rowAttrs: readonly string[] = []): string {
  const head = `<thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r, i) => `<tr${rowAttrs[i] ? ` ${rowAttrs[i]}` : ''}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${attrs ? ` ${attrs}` : ''}>${head}<tbody>\n${body}\n</tbody></table>`;
}
