/**
 * Long run names in the dashboard's run list: a comparison's runs are named from their penalty and their
 * optimiser's parameters (`penx compare --optimizers 'adam:lr=0.001,beta1=0.9,beta2=0.999;…'` names a run
 * `l1_1e-4__adam_lr=0.001_beta1=0.9_beta2=0.999_eps=1e-7`), one word the list could not break. Before, such a
 * name ran past the list's right edge (cut there, the list scrolling sideways) and pushed its epochs (`1/1`) out
 * of sight. Now it wraps within the list, whole, its epochs beside it, no two rows overlapping: in a wide
 * window (the list a column beside the views) and a narrow one (the list above them). A long layer name (a nested
 * model's path) in the weights menu keeps the controls bar within the window. A run is listed by its
 * report label (`runLabels`), which holds its name where the penalty does not tell the runs apart.
 * Records written as files, the dashboard served in-process, the page in headless Chromium.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/formats/index.ts';
import { runLabels } from '../../src/viz/index.ts';
import { CHROMIUM, hasChromium } from '../chromium.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { servedFolder } from './served-folder.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

/** Each run of the comparison (its folder name, as penx compare names it) and its penalty. */
const RUNS: Record<string, string> = {
  'l1_1e-4__adam_lr=0.001_beta1=0.9_beta2=0.999_eps=1e-7': 'l1:1e-4',
  'l1_1e-4__adadelta_lr=1_rho=0.95_eps=1e-7': 'l1:1e-4',
  'l1l2_1_l1=0.0001_l2=0.0001_prox__adamw_lr=0.001_wd=0.0001_beta1=0.9_beta2=0.999_eps=1e-7': 'l1l2:1,l1=1e-4,l2=1e-4,prox',
  // A name of one's own (penx train --name), longer than the narrow window's list is wide.
  'cnn_l1l2_prox_adamw_lr=0.001_wd=0.0001_batch=128_seed=42_maxnorm_m=2_lrmult_conv2d_1=0.1_grad_clipnorm=1_dense_2=zero': 'l1l2:1,l1=1e-4,l2=1e-4,prox',
  none: 'none',
};

/** A weight's layer named by its path in nested models, longer than the narrow window's controls bar is wide (the run `none`'s, the one shown). */
const LONG_LAYER =
  'speech_model/conformer_encoder/conformer_block_with_a_long_name_11/multi_head_self_attention_module/relative_position_attention/query_projection_dense';

const served = servedFolder('penx-serve-long-names-', fill);

/** The records written, by folder name. */
const records = new Map<string, RunRecord>();

/** The runs (and records) the dashboard serves, in one comparison folder. */
function fill(dir: string): void {
  for (const [name, penalty] of Object.entries(RUNS)) {
    mkdirSync(join(dir, 'compare', name), { recursive: true });
    const r = makeRunRecord({ epochs: 1, penalty, ...(name === 'none' ? { layers: ['conv2d_1', LONG_LAYER] } : {}) });
    records.set(name, { ...r, config: { ...r.config, name } });
    writeFileSync(join(dir, 'compare', name, 'run.json'), JSON.stringify(records.get(name)));
  }
}

const zip = (a: readonly string[], b: readonly string[]) => a.map((x, i) => [x, b[i]]);

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Whether two boxes share any area (touching edges do not count). */
const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

describe('the dashboard’s run list with long run names, its controls with a long layer name', () => {
  for (const [width, height] of [
    [1400, 900],
    [800, 900],
  ] as const) {
    it.skipIf(!hasChromium)(
      `in Chromium at ${width}×${height}: each name wraps within the list, whole, its epochs beside it, no rows overlapping; every control within the bar`,
      async () => {
        const page = await served.browser().newPage({ viewport: { width, height } });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${served.url()}?run=compare/none`);
        await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, null, { timeout: 30_000 });
        const list = await page.$eval('#runs', (el) => {
          const r = el.getBoundingClientRect();
          return { box: { x: r.x, y: r.y, width: r.width, height: r.height }, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
        });
        const rows = await page.$$eval('#run-list label', (labels) =>
          labels.map((label) => {
            const box = (el: Element | null) => {
              const r = el!.getBoundingClientRect();
              return { x: r.x, y: r.y, width: r.width, height: r.height };
            };
            const name = label.querySelector('.run');
            return {
              row: box(label),
              check: box(label.querySelector('input')),
              name: box(name),
              epochs: box(label.querySelector('.epochs')),
              text: name?.textContent,
              title: name?.getAttribute('title'),
            };
          }),
        );
        // Each run as the report of these runs labels it (two penalties twice: their names tell them apart), its folder in its title.
        expect(rows.map((r) => [r.title, r.text]).sort()).toEqual(
          zip(
            [...records.keys()].map((name) => `compare/${name}`),
            runLabels([...records.values()]),
          ).sort(),
        );
        const right = list.box.x + list.box.width;
        for (const r of rows) {
          // Its box, its name and its epochs within the list, side by side.
          for (const part of [r.check, r.name, r.epochs]) expect(part.x + part.width, r.text).toBeLessThanOrEqual(right);
          expect(r.epochs.width, r.text).toBeGreaterThan(0);
          expect(overlap(r.check, r.name) || overlap(r.name, r.epochs) || overlap(r.check, r.epochs), r.text).toBe(false);
        }
        // Nothing wider than the list: it does not scroll sideways.
        expect(list.scrollWidth).toBeLessThanOrEqual(list.clientWidth);
        for (const [i, a] of rows.entries()) for (const b of rows.slice(i + 1)) expect(overlap(a.row, b.row), `${a.text} / ${b.text}`).toBe(false);
        // The longest name really wraps (more than one line) rather than being cut.
        const longest = rows.find((r) => r.text?.includes('(cnn_'))!;
        expect(longest.name.height).toBeGreaterThan(longest.epochs.height * 1.5);
        // The controls bar holds every control, the weights menu listing the long layer (it had widened the menu, the
        // bar and the page past the window's right edge at 800 px: "bins" and the rest out of sight).
        const bar = await page.$eval('#controls', (el) => {
          const right = el.getBoundingClientRect().right;
          const outside = [...el.querySelectorAll('input, select')]
            .filter((c) => c.getBoundingClientRect().right > right)
            .map((c) => c.id || c.getAttribute('name'));
          const menu = [...(el.querySelector('select')?.options ?? [])].map((o) => o.value);
          return { scrolls: el.scrollWidth > el.clientWidth, outside, page: document.documentElement.scrollWidth, menu };
        });
        expect(bar.menu).toContain(LONG_LAYER);
        expect([bar.scrolls, bar.outside, bar.page <= width]).toEqual([false, [], true]);
        expect(errors).toEqual([]);
        await page.close();
      },
      60_000,
    );
  }
});
