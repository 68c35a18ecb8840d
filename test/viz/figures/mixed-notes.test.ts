/**
 * The side-by-side histograms of runs of one output and of several: every panel's note puts one
 * score per line, padded to the same number of lines (before, a one-output run's note was one line
 * beside a two-output run's three); an output name too long for a panel is shortened in its middle,
 * no two outputs alike, and written out in full in the subtitle. So are the histogram grid's panel
 * titles. Spec level, no browser.
 */
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/formats/index.ts';
import { snapshots } from '../../../src/formats/run.ts';
import { compareHistogramsSpec, epochHistogramSpec, histogramGridSpec } from '../../../src/viz/figures/index.ts';
import { middleShortened, shortNames } from '../../../src/viz/figures/short-names.ts';
import { makeRunRecord, withOutputs } from '../../fixtures/run-record-fixture.ts';
import { headerLabels, plain } from './spec-helpers.ts';

/** The figure's panel notes (one per panel, in panel order). */
function notes(runs: RunRecord[], epochs: number[]): (string | string[])[] {
  const values: { row: number; col: number; note: string | string[] }[] = plain(compareHistogramsSpec(runs, { epochs })).data.values;
  return [...new Map(values.map((v) => [`${v.row},${v.col}`, v.note])).values()];
}

const one = makeRunRecord({ epochs: 2, penalty: 'none' });
const two = withOutputs(makeRunRecord({ epochs: 2, penalty: 'l1:1e-4', seed: 2 }), ['digit', 'parity']);
/** 33 characters: what a 215-px panel's note holds at 10 px (207 px at ~6.25 px a character). */
const PANEL_CHARS = 33;

describe('compareHistogramsSpec of runs of one output and of several', () => {
  it('notes one score per line in every panel, all notes as many lines, each score on the same line', () => {
    const all = notes([one, two], [0, 2]);
    expect(all).toHaveLength(4);
    for (const n of all) {
      expect(Array.isArray(n)).toBe(true);
      expect(n).toHaveLength(3);
      expect(n[0]).toMatch(/^loss=\d\.\d{4}$/);
      expect(n[1]).toMatch(/^acc(\(digit\))?=\d\.\d{4}$/);
    }
    const s = snapshots(one)[2];
    expect(all[2]).toEqual([`loss=${s?.testLoss?.toFixed(4)}`, `acc=${s?.testAcc?.toFixed(4)}`, '']);
  });

  it('a run of one output alone keeps its one-line note', () => {
    const s = snapshots(one)[2];
    expect(notes([one], [2])).toEqual([`loss=${s?.testLoss?.toFixed(4)} acc=${s?.testAcc?.toFixed(4)}`]);
  });

  it('shortens 60-character output names in the middle to the panel, no two alike, full names in the subtitle', () => {
    // Alike but for the middle: a cut in the middle alone would name both the same.
    const long = ['mnist', 'emnist'].map((m) => `multitask_head_for_${m.padEnd(9, '_')}_classifier_output_layer_weights`);
    expect(long.map((n) => n.length)).toEqual([60, 60]);
    const runs = [one, withOutputs(makeRunRecord({ epochs: 2, penalty: 'l1:1e-4', seed: 2 }), long)];
    const all = notes(runs, [0, 2]);
    const lines = all.flat();
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(PANEL_CHARS);
    const names = [...new Set(lines.flatMap((l) => /^acc\((.*)\)=/.exec(l)?.[1] ?? []))];
    expect(names).toHaveLength(2);
    for (const n of names) expect(n).toContain('…');
    const subtitle: string[] = plain(compareHistogramsSpec(runs, { epochs: [0] })).title.subtitle;
    for (const full of long) expect(subtitle.join('\n')).toContain(full);
  });

  it("the histogram grid's panel titles: 60-character output names shortened to a one-output title's line (30 characters), full names in the subtitle", () => {
    const long = ['mnist', 'emnist'].map((m) => `multitask_head_for_${m.padEnd(9, '_')}_classifier_output_layer_weights`);
    const spec = plain(histogramGridSpec(withOutputs(makeRunRecord({ epochs: 2, penalty: 'l1:1e-4', seed: 2 }), long)));
    const lines = headerLabels(spec.facet.header).flat();
    // Each title's line as long as 'epoch=0 loss=0.0000 acc=0.0000' at most (they were 72: the grid twice as wide).
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(30);
    const names = [...new Set(lines.flatMap((l) => [...l.matchAll(/acc\((.*?)\)=/g)].map((m) => m[1])))];
    expect(names).toHaveLength(2);
    for (const n of names) expect(n).toContain('…');
    const subtitle = (spec.title.subtitle as string[]).join('\n');
    for (const full of long) expect(subtitle).toContain(full);
  });

  it("the single epoch's histogram title: a 60-character output name shortened to lines of 56 characters (the 560-px chart), full names in the subtitle", () => {
    const long = ['mnist', 'emnist'].map((m) => `multitask_head_for_${m.padEnd(9, '_')}_classifier_output_layer_weights`);
    const spec = plain(epochHistogramSpec(withOutputs(makeRunRecord({ epochs: 2, penalty: 'l1:1e-4', seed: 2 }), long), 2));
    // One line of 165 characters before: the PNG 1 482 px wide.
    const lines: string[] = [spec.title.text].flat();
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(56);
    const names = [...new Set(lines.flatMap((l) => [...l.matchAll(/acc\((.*?)\)=/g)].map((m) => m[1])))];
    expect(names).toHaveLength(2);
    for (const n of names) expect(n).toContain('…');
    const subtitle = spec.title.subtitle as string[];
    for (const full of long) expect(subtitle).toContain(full);
    // No subtitle line wider than the chart (~76 characters at 12 px) either.
    for (const line of subtitle) expect(line.length, line).toBeLessThanOrEqual(76);
    // A run of one output: its one-line title as always.
    expect(plain(epochHistogramSpec(one, 2)).title.text).toMatch(/^epoch=2 loss=\d\.\d{4} acc=\d\.\d{4}$/);
  });

  it('shortNames: a middle cut, moved where two cuts would be alike; short names kept', () => {
    expect(middleShortened('classification_head_output', 12)).toBe('classi…utput');
    const a = 'abcdef_one_uvwxyz',
      b = 'abcdef_two_uvwxyz';
    expect(middleShortened(a, 9)).toBe(middleShortened(b, 9));
    const short = shortNames([a, b, 'cls'], 9);
    expect(short.get('cls')).toBe('cls');
    expect(new Set(short.values()).size).toBe(3);
    for (const n of short.values()) expect(n.length).toBeLessThanOrEqual(9);
  });
});
