/**
 * Text widths from the DejaVu Sans font files themselves (advance widths from the TrueType
 * `cmap` and `hmtx` tables), so Vega lays out titles, labels and legends for the font the PNG is
 * drawn with. Without a canvas, Vega would guess 0.8 em per character, far too wide.
 */
import { readFileSync } from 'node:fs';

/** Text widths of one font, from its files (see the file's comment). */
export interface FontMetrics {
  /** Width of `text` at `size` pixels. */
  width(text: string, size: number): number;
}

/** Reads advance widths of the characters in the font's Unicode BMP cmap (format 4). */
export function loadFontMetrics(file: string): FontMetrics {
  const buf = readFileSync(file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tables = new Map<string, number>();
  for (let i = 0, n = view.getUint16(4); i < n; i++) {
    const rec = 12 + 16 * i;
    tables.set(buf.toString('latin1', rec, rec + 4), view.getUint32(rec + 8));
  }
  const table = (tag: string) => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`${file}: no ${tag} table`);
    return at;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const hMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number) => view.getUint16(hmtx + 4 * Math.min(glyph, hMetrics - 1));

  const cmap = table('cmap');
  let sub = -1;
  for (let i = 0, n = view.getUint16(cmap + 2); i < n; i++) {
    const rec = cmap + 4 + 8 * i;
    const offset = cmap + view.getUint32(rec + 4);
    if (view.getUint16(rec) === 3 && view.getUint16(rec + 2) === 1 && view.getUint16(offset) === 4) sub = offset;
  }
  if (sub < 0) throw new Error(`${file}: no Unicode BMP cmap`);
  const segments = view.getUint16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  const glyphOf = (code: number): number => {
    for (let s = 0; s < segments; s++) {
      if (code > view.getUint16(ends + 2 * s)) continue;
      const start = view.getUint16(starts + 2 * s);
      if (code < start) return 0;
      const ro = view.getUint16(rangeOffsets + 2 * s);
      if (ro === 0) return (code + view.getInt16(deltas + 2 * s)) & 0xffff;
      const g = view.getUint16(rangeOffsets + 2 * s + ro + 2 * (code - start));
      return g === 0 ? 0 : (g + view.getInt16(deltas + 2 * s)) & 0xffff;
    }
    return 0;
  };

  const cache = new Map<number, number>();
  const units = (code: number) => {
    let w = cache.get(code);
    if (w === undefined) cache.set(code, (w = advance(glyphOf(code > 0xffff ? 0 : code))));
    return w;
  };
  return {
    width(text, size) {
      let sum = 0;
      for (const ch of text) sum += units(ch.codePointAt(0) ?? 0);
      return (sum * size) / unitsPerEm;
    },
  };
}
