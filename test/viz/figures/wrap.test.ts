/**
 * Wrapped panels after compiling: every wrapped figure (heatmaps, ridgeline, bands, the training
 * curves) compiles to the Vega names columnsFollowWidth rewrites — a Vega-Lite that compiles them
 * differently fails here, naming what changed — and its columns then follow WRAP_WIDTH in a Vega
 * view, as a page sets it (the layout drawn in more or fewer rows).
 */
import type { Spec } from 'vega';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/formats/run.ts';
import { bandsSpec, columnsFollowWidth, curvesSpec, heatmapSpec, missingWrapParts, ridgelineSpec, toVega, WRAP_WIDTH } from '../../../src/viz/figures/index.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';
import { plain } from './spec-helpers.ts';

const seven: RunRecord[] = Array.from({ length: 7 }, (_, i) => makeRunRecord({ epochs: 2, penalty: `l1:${i + 1}e-4`, seed: i + 1 }));
const WRAPPED = {
  heatmap: () => heatmapSpec(seven),
  ridgeline: () => ridgelineSpec(seven),
  bands: () => bandsSpec(seven),
  curves: () => curvesSpec(seven),
};

/** The SVG's height, y axes and the wrap_columns of `spec` drawn with WRAP_WIDTH `width` (its width here is the title's, as Vega estimates text without the font). */
async function drawnAt(spec: Spec, width: number): Promise<{ columns: number; height: number; yAxes: number }> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    view.signal(WRAP_WIDTH, width);
    const svg = await view.toSVG();
    const [, height] = /<svg[^>]*\sheight="([\d.]+)"/.exec(svg) ?? [];
    return { columns: view.signal('wrap_columns') as number, height: Number(height), yAxes: svg.match(/aria-label="Y-axis/g)?.length ?? 0 };
  } finally {
    view.finalize();
  }
}

describe('wrapped figures, compiled', () => {
  it("compile to Vega-Lite's layout.columns and, for a facet, facet_domain / facet_domain_row, which columnsFollowWidth rewrites", async () => {
    for (const [name, figure] of Object.entries(WRAPPED)) {
      const compiled = compile(figure()).spec;
      // Empty, or what Vega-Lite no longer writes, by name: columnsFollowWidth (figures/wrap.ts) must follow it.
      expect(missingWrapParts(compiled), name).toEqual([]);
      const vg = plain(await toVega(figure()));
      expect(vg.layout.columns, name).toEqual({ signal: 'wrap_columns' });
      if (name !== 'curves') {
        const rows = vg.data.find((d: { name: string }) => d.name === 'facet_domain_row');
        expect(rows.transform[0].stop, name).toEqual({ signal: 'ceil(length(data("facet_domain")) / wrap_columns)' });
      }
    }
  });

  it('name the part a Vega-Lite compiling differently left out, and leave such a spec as compiled', () => {
    const compiled = compile(ridgelineSpec(seven)).spec;
    const renamed = { ...compiled, data: compiled.data?.map((d) => (d.name === 'facet_domain_row' ? { ...d, name: 'facet_rows' } : d)) } as Spec;
    expect(missingWrapParts(renamed)).toEqual(['data "facet_domain_row" with a sequence transform, the facet\'s count of rows (Vega-Lite wrote none)']);
    expect(columnsFollowWidth(renamed)).toBe(renamed);
    const noColumns = { ...compile(curvesSpec(seven)).spec, layout: { padding: 20 } } as Spec;
    expect(missingWrapParts(noColumns)).toEqual(['layout.columns, a number (Vega-Lite wrote undefined)']);
    expect(columnsFollowWidth(noColumns)).toBe(noColumns);
    // A figure that does not wrap needs none of them.
    const single = compile(curvesSpec(seven.slice(0, 1))).spec;
    expect(missingWrapParts({ ...single, signals: [] })).toEqual([]);
  });

  it('follow WRAP_WIDTH in a Vega view: the ridgeline of 7 runs in rows of 3 at 720 px, 4 and 3 at 1400; the curves 2 by 2, all 4 in a row, one a row', async () => {
    const ridge = await toVega(ridgelineSpec(seven));
    const [at720, at1400] = [await drawnAt(ridge, 720), await drawnAt(ridge, 1400)];
    expect([at720.columns, at1400.columns]).toEqual([3, 4]);
    // Two rows, not three, each with its y axis (the facet's count of rows follows the columns).
    expect([at720.yAxes, at1400.yAxes]).toEqual([3, 2]);
    expect(at1400.height).toBeLessThan(at720.height * 0.8);
    const curves = await toVega(curvesSpec(seven.slice(0, 2)));
    const [two, four, one] = [await drawnAt(curves, 720), await drawnAt(curves, 1404), await drawnAt(curves, 600)];
    expect([two.columns, four.columns, one.columns]).toEqual([2, 4, 1]);
    expect(four.height).toBeLessThan(two.height);
    expect(one.height).toBeGreaterThan(two.height);
  });
});
