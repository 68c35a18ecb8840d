/**
 * A figure whose text comes from a record holding control characters (a terminal escape in a run's
 * name or penalty, a NUL) is still an SVG that XML reads: each control shown as its picture
 * (ESC as ␛), and the PNG drawn from it — resvg refused the SVG, and `penx plot` stopped with a
 * stack trace. Bidirectional controls, which XML allows, are shown as U+FFFD: they reordered the label.
 */
import { describe, expect, it } from 'vitest';
import { pngRendering, renderSvg, svgToPng } from '../../src/render/render.ts';

const NAME = 'l1\u001b[31mred\u0000\u0007\ud800';

describe('figure text from a record with control characters', () => {
  it('renders to SVG text XML allows, the controls shown as their pictures', async () => {
    const svg = await renderSvg({
      title: NAME,
      mark: 'point',
      data: { values: [{ x: 1, run: NAME }] },
      encoding: { x: { field: 'x', type: 'quantitative' }, color: { field: 'run', type: 'nominal' } },
    });
    expect(svg).toContain('l1␛[31mred␀␇\ufffd');
    expect([...svg].filter((c) => c < ' ' && !'\t\n\r'.includes(c))).toEqual([]);
    if (pngRendering().ok) expect(svgToPng(svg).length).toBeGreaterThan(1000);
  });

  it('shows bidirectional controls as U+FFFD: unseen, they drew a label reordered (l1 RLO gnp.exe as l1exe.png)', async () => {
    const BIDI = '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
    const name = `l1\u202egnp.exe${BIDI}`;
    const svg = await renderSvg({
      title: name,
      mark: 'point',
      data: { values: [{ x: 1, run: name }] },
      encoding: { x: { field: 'x', type: 'quantitative' }, color: { field: 'run', type: 'nominal' } },
    });
    expect([...svg].filter((c) => /\p{Bidi_Control}/u.test(c))).toEqual([]);
    expect(svg).toContain(`l1\ufffdgnp.exe${'\ufffd'.repeat(BIDI.length)}`);
    if (pngRendering().ok) expect(svgToPng(svg).length).toBeGreaterThan(1000);
  });
});
