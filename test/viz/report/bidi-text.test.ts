/**
 * A record's strings (run name, penalty and its formula, layer and weight names, a monitor's title)
 * with Unicode bidirectional controls (and other control characters) are shown in the pages as their
 * escapes (`\u202e`), as `penx` prints them on a terminal, so they cannot reorder what is shown
 * (`l1` RLO `gnp.exe` shown as `l1exe.png`): in report.html and the dashboard's page as served, and
 * in the text the pages' scripts set (the dashboard's run list and layer menu, the report's layer
 * captions, the playground's kept runs). Values a page looks things up by (a layer menu's option
 * values) keep the names exactly.
 */
import { describe, expect, it } from 'vitest';
import { keptRunText } from '../../../mnist-demo/playground/run-text.ts';
import type { RunRecord } from '../../../src/formats/run.ts';
import { dashboardPage } from '../../../src/serve/dashboard-page.ts';
import { escText, reportHtml, visibleControls } from '../../../src/viz/index.ts';
import { runText } from '../../../src/viz/pages/dashboard.ts';
import { layerText } from '../../../src/viz/pages/text.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';

/** Every bidirectional control, and C0 and C1 controls (an escape sequence, NEL). */
const CONTROLS = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c', '\u001b', '\u0085'];
const RLO = 'l1\u202egnp.exe';
const LAYER = 'dense\u2067_1\u2069';
const HIDDEN = /[^\P{Cc}\n]|\p{Bidi_Control}/u;

/** What a page shows as text: its markup without scripts, styles and tags (attributes go with their tags). */
function shownText(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/g, '')
    .replace(/<style\b[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]*>/g, '');
}

function hostileRun(name: string, penaltyFormula: string, seed: number): RunRecord {
  const run = makeRunRecord({ epochs: 1, seed, layers: ['conv2d_1', LAYER] });
  return { ...run, config: { ...run.config, name, penaltyFormula, monitors: [{ name: 'spy', view: { title: `spy\u202e${seed}`, spec: { mark: 'point' } } }] } };
}

describe('record strings with bidirectional controls, shown in the pages', () => {
  it('visibleControls writes each control as its escape, as printable does on the terminal, and leaves the rest', () => {
    for (const c of CONTROLS) expect(visibleControls(`a${c}b`)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`);
    expect(visibleControls('l1:1e-4 · λ·Σ|w| — ünïcödé\nnext')).toBe('l1:1e-4 · λ·Σ|w| — ünïcödé\nnext');
    expect(escText(`<b>${RLO}</b>`)).toBe('&lt;b&gt;l1\\u202egnp.exe&lt;/b&gt;');
  });

  it('report.html: the run’s name, its penalty’s formula, layer names and a monitor’s title as escapes; the layer menu’s values exact', async () => {
    for (const runs of [[hostileRun(RLO, `λ·Σ\u202e|w|`, 1)], [hostileRun(RLO, `λ·Σ\u202e|w|`, 1), hostileRun(`${RLO}-2`, 'λ·Σ|w|', 2)]]) {
      const html = await reportHtml(runs, { vegaScript: '' });
      const shown = shownText(html);
      expect(shown).not.toMatch(HIDDEN);
      expect(shown).toContain('l1\\u202egnp.exe');
      expect(shown).toContain('λ·Σ\\u202e|w|');
      expect(shown).toContain('dense\\u2067_1\\u2069');
      expect(shown).toContain('spy\\u202e1');
      // The menu's value: the layer's name as the page's data has it.
      expect(html).toContain(`<option value="${LAYER}">dense\\u2067_1\\u2069</option>`);
    }
  });

  it('the dashboard’s page: the served folder as escapes', () => {
    const shown = shownText(dashboardPage(`/tmp/runs/${RLO}`));
    expect(shown).not.toMatch(HIDDEN);
    expect(shown).toContain('/tmp/runs/l1\\u202egnp.exe');
  });

  it('the text the pages’ scripts set: the dashboard’s run list and layer menu, the report’s layer captions, the playground’s kept runs', () => {
    expect(runText({ id: `cmp/${RLO}`, label: `l1:1e-4\u202e`, name: RLO })).toEqual({ text: 'l1:1e-4\\u202e', title: 'cmp/l1\\u202egnp.exe' });
    expect(runText({ id: '', label: 'l1:1e-4', name: RLO })).toEqual({ text: 'l1:1e-4', title: 'l1\\u202egnp.exe' });
    expect(layerText(LAYER)).toBe('dense\\u2067_1\\u2069');
    expect(layerText('all')).toBe('all weights');
    expect(layerText('kernels')).toBe('kernels');
    const kept = keptRunText(hostileRun(RLO, 'λ·Σ|w|', 1));
    expect(kept.text).toBe('l1\\u202egnp.exe · l1:1e-4');
    expect(kept.title).toMatch(/^l1:1e-4, .+, 1 epoch$/);
    for (const text of [kept.text, kept.title]) expect(text).not.toMatch(HIDDEN);
  });
});
