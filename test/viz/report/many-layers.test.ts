/**
 * A record at scale: 50 layers × 200 epochs hold 182 106 channel norms (16 or more per layer per
 * snapshot), more than `Math.max(...norms)` can take as arguments; the report and the figures
 * over epochs are made, with the axes' limits from every value.
 */
import { describe, expect, it } from 'vitest';
import { maxOf, minOf } from '../../../src/viz/figures/extent.ts';
import { niceMax } from '../../../src/viz/figures/histogram-scale.ts';
import { normsLimits, ridgelineSpec } from '../../../src/viz/index.ts';
import { reportHtml } from '../../../src/viz/report/report-html.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';

const layers = Array.from({ length: 50 }, (_, i) => `dense_${i + 1}`);
const run = makeRunRecord({ epochs: 200, layers });
const norms = [run.initial, ...run.epochs].flatMap((s) => s.norms.flatMap((n) => n.norms));

describe('a record of 50 layers and 200 epochs', () => {
  it('has more channel norms than a call can take as arguments', () => {
    expect(norms.length).toBeGreaterThan(150_000);
    expect(() => Math.max(...norms)).toThrow(RangeError);
  });

  it('maxOf and minOf follow Math.max and Math.min, for any number of values', () => {
    const sorted = Float64Array.from(norms).sort();
    expect([minOf(norms), maxOf(norms)]).toEqual([sorted[0], sorted.at(-1)]);
    expect([maxOf([], 0), minOf([]), maxOf([1, Number.NaN, 2])]).toEqual([0, Infinity, Number.NaN]);
  });

  it('the norms’ x axis reaches the largest norm of all', () => {
    expect(normsLimits([run]).xMax).toBe(niceMax(maxOf(norms, 0)));
  });

  it('the report is written, with every layer', async () => {
    const html = await reportHtml([run], { title: 'fifty layers', vegaScript: '' });
    for (const name of layers) expect(html).toContain(name);
  });

  it('the ridgeline at 1000 bins (201 000 densities) is made', () => {
    const spec = ridgelineSpec([run], { bins: 1000, range: [-2, 2] }) as { data: { values: unknown[] } };
    expect(spec.data.values.length).toBeGreaterThan(201 * 1000);
  });
});
