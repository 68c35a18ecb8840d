/** Plain-text tables for the terminal: left-aligned columns, a header and a rule. */
import { visibleControls } from 'penalty-explorer/errors';

/**
 * `text` fit to print on a terminal (`visibleControls`): every control character but the line end,
 * and every bidirectional control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), written
 * as its escape, so strings from a record (a run's name, its penalty) cannot move the cursor, erase
 * a line, recolour or retitle the terminal, nor show themselves or what follows reordered
 * (`l1\u202egnp.exe` shown as `l1exe.png`). In JSON text the escapes are JSON's own: it reads back
 * the same. From `penalty-explorer/errors`, which loads nothing else: `penx --help` stays quick.
 *
 * @example
 * printable('l1\u001b[2Kfake\n')   // 'l1\\u001b[2Kfake\n'
 * printable('l1\u202egnp')         // 'l1\\u202egnp'
 */
export function printable(text: string): string {
  return visibleControls(text);
}

/** Columns a text takes on a terminal: combining marks (the hat of m̂) take none. */
export function displayWidth(text: string): number {
  return [...text.replace(/\p{M}/gu, '')].length;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/**
 * A plain-text table: the header, a rule, then the rows, columns left-aligned two spaces apart.
 *
 * @example
 * table(['run', 'acc'], [['l1', '0.98']])   // 'run  acc\n───  ────\nl1   0.98'
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The same table as GitHub Markdown: a pipe in a cell (as in |w|) is escaped so it stays text. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
