/**
 * The report's prune section on real records measured after epochs 1 and 2: the figure has a panel
 * per measured epoch, and every measured curve has its table — each run's latest open, the earlier
 * ones folded under their title.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/formats/run.ts';
import { pruneSection } from '../../../src/viz/report/prune-section.ts';
import { fineRuns } from '../views/fine-runs.ts';

let runs: RunRecord[] = [];
beforeAll(async () => {
  runs = await fineRuns(['none', 'l1:1e-2'], 2, 'all');
});

/** The JSON of `<script type="application/json" id="penx-prune-spec">`. */
const specOf = (html: string) => JSON.parse(/<script type="application\/json" id="penx-prune-spec">(.*?)<\/script>/s.exec(html)![1]!);

describe('pruneSection', () => {
  it('every measured curve: a panel per epoch, a table per run and epoch, the latest open', async () => {
    const html = await pruneSection(runs);
    const titles = [...html.matchAll(/<(h3|summary)>([^<]*)<\/\1>/g)].map((m) => `${m[1]} ${m[2]}`);
    const weights = runs[0]!.epochs.at(-1)!.prune!.weights.toLocaleString('en-US');
    expect(titles).toEqual([
      `h3 none · after epoch 2, ${weights} kernel weights`,
      `summary none · after epoch 1, ${weights} kernel weights`,
      `h3 ${runs[1]!.config.penalty} · after epoch 2, ${weights} kernel weights`,
      `summary ${runs[1]!.config.penalty} · after epoch 1, ${weights} kernel weights`,
    ]);
    // Each table's first row is level 0 of its own curve: the accuracy measured after that epoch.
    const firstRows = [...html.matchAll(/<table class="prune">.*?<tbody>\n<tr><td>0<\/td><td>([\d.]+)<\/td>/gs)].map((m) => Number(m[1]));
    const expected = runs.flatMap((r) => [2, 1].map((e) => r.epochs.find((x) => x.epoch === e)!.prune!.global[0]!.testAcc));
    expect(firstRows).toEqual(expected.map((a) => Number(a!.toFixed(4))));
    // The figure: a panel titled after each measured epoch.
    const spec = JSON.stringify(specOf(html));
    for (const epoch of [1, 2]) expect(spec).toContain(`"after epoch ${epoch}"`);
  });

  it('one measured epoch: one table per run, nothing folded; no curve: no section', async () => {
    const last = runs.map((r) => ({ ...r, epochs: r.epochs.map(({ prune, ...e }) => (e.epoch === 2 && prune ? { ...e, prune } : e)) }));
    const html = await pruneSection(last);
    expect(html.match(/<h3>/g)).toHaveLength(2);
    expect(html).not.toContain('<details');
    expect(await pruneSection(runs.map((r) => ({ ...r, epochs: r.epochs.map(({ prune: _, ...e }) => e) })))).toBe('');
  });
});
