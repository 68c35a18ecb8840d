/**
 * A figure whose text comes from a record holding control characters (a terminal escape in a run's
 * name or penalty, a NUL) is still an SVG that XML reads: each control shown as its picture
 * (ESC as ␛), and the PNG drawn from it — resvg refused the SVG, and `penx plot` stopped with a
 * stack trace.
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
});
