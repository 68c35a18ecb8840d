/**
 * When fitToFolder draws what: every epoch its own histogram; the report and the figures over all
 * epochs (histograms, layers, sparsity, …) once SUMMARY_EVERY_MS have passed since they were last
 * drawn (or the run started), and SUMMARY_COST_FACTOR times their last drawing's cost (summaryDue),
 * the report at epoch 0 too, and both always after the last epoch, or after the epoch a callback
 * stopped the run at (which run.json then says); each epoch's once every callback has seen it (the
 * last one's said first, in a note). The clock is the test's own.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { drawingRunNote, fitToFolder, SUMMARY_COST_FACTOR, SUMMARY_EVERY_MS, summaryDue } from '../../src/folders/fit-to-folder.ts';
import { type RunRecord, readRunRecord } from '../../src/formats/index.ts';
import { tf } from '../../src/tf.ts';
import { tinyClassifier, tinyX, tinyY } from '../fixtures/tiny-classifier.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-schedule-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const model = tinyClassifier;
const [x, y] = [tinyX, tinyY];

/** TF.js's own callback protocol: a callback setting model.stopTraining after epoch 2 (TF.js counts from 0). */
const stopAfterEpoch2 = (m: tf.LayersModel) =>
  new tf.CustomCallback({
    onEpochEnd: async (epoch: number) => {
      if (epoch === 1) m.stopTraining = true;
    },
  });

/**
 * For each snapshot (0, 1, …): which of the run folder's figures were drawn right after it (each one
 * looked at is then deleted, so the next epoch shows what it drew itself). An epoch's figures are
 * drawn once every callback has seen it: looked at as the next epoch begins, and as the run ends.
 */
async function drawnPerEpoch(dir: string, epochs: number, epochMs: number) {
  // The clock moves `epochMs` per epoch and nothing else: what is drawn depends on it alone.
  let now = 1_000_000;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  const seen: Array<{ epoch: boolean; report: boolean; histograms: boolean; sparsity: boolean; heatmap: boolean }> = [];
  /** What the epoch before `epoch` drew. */
  const look = (epoch: number) => {
    const drawn = (f: string) => {
      const there = existsSync(join(dir, f));
      rmSync(join(dir, f), { force: true });
      return there;
    };
    seen.push({
      epoch: drawn(`epoch-${String(epoch - 1).padStart(3, '0')}.png`),
      report: drawn('report.html'),
      histograms: drawn('histograms.png'),
      sparsity: drawn('sparsity.png'),
      heatmap: drawn('heatmap.png'),
    });
  };
  /** What the callbacks found and the notes said, in order. */
  const order: string[] = [];
  const m = model();
  await fitToFolder(
    m,
    { x, y },
    {
      dir,
      epochs,
      batchSize: 16,
      loss: 'sparseCategoricalCrossentropy',
      validationData: [x, y],
      seed: 5,
      onNote: (note) => order.push(note),
      callbacks: [
        {
          onEpochBegin: (epoch: number) => {
            look(epoch);
            now += epochMs;
          },
          onEpochEnd: (epoch: number) => {
            const recorded = readRunRecord(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).epochs.length;
            const figure = existsSync(join(dir, `epoch-${String(epoch).padStart(3, '0')}.png`)) ? 'drawn' : 'not drawn yet';
            order.push(`onEpochEnd(${epoch}): run.json has ${recorded} epochs, its figure ${figure}`);
          },
          onTrainEnd: () => {
            order.push('onTrainEnd');
            look(epochs + 1);
          },
        },
      ],
    },
  );
  m.dispose();
  return { seen, order };
}

describe('fitToFolder: what is drawn after each epoch', () => {
  it('short epochs: each epoch’s histogram every epoch, the report as the run starts, the report and the figures over epochs after the last one', async () => {
    const dir = join(root, 'short');
    const { seen, order } = await drawnPerEpoch(dir, 3, 1_000);
    expect(seen.map((s) => s.epoch)).toEqual([true, true, true, true]);
    // Before, the report (whose cost grows with the epochs) was redrawn after every epoch.
    expect(seen.map((s) => s.report)).toEqual([true, false, false, true]);
    expect(seen.map((s) => s.histograms)).toEqual([false, false, false, true]);
    expect(seen.map((s) => s.sparsity)).toEqual([false, false, false, true]);
    expect(seen.map((s) => s.heatmap)).toEqual([false, false, false, true]);
    // A callback sees its epoch in run.json, its figures drawn after every callback has seen it; the
    // last epoch's drawing (the views over epochs and the report: seconds) said as it starts. Before,
    // they were drawn before the callbacks saw the epoch: a progress line came after a silent pause.
    expect(order).toEqual([
      'onEpochEnd(0): run.json has 0 epochs, its figure not drawn yet',
      'onEpochEnd(1): run.json has 1 epochs, its figure not drawn yet',
      'onEpochEnd(2): run.json has 2 epochs, its figure not drawn yet',
      'onEpochEnd(3): run.json has 3 epochs, its figure not drawn yet',
      drawingRunNote(dir),
      'onTrainEnd',
    ]);
  }, 60_000);

  it('long epochs: the figures over epochs are redrawn after every epoch once SUMMARY_EVERY_MS have passed', async () => {
    const { seen } = await drawnPerEpoch(join(root, 'long'), 3, SUMMARY_EVERY_MS);
    // Epoch 0 comes before any time has passed; from epoch 1 on each epoch took SUMMARY_EVERY_MS.
    expect(seen.map((s) => s.histograms)).toEqual([false, true, true, true]);
    expect(seen.map((s) => s.sparsity)).toEqual([false, true, true, true]);
    expect(seen.map((s) => s.report)).toEqual([true, true, true, true]);
    // The views over epochs (a second or two each) only once the run has ended.
    expect(seen.map((s) => s.heatmap)).toEqual([false, false, false, true]);
  }, 60_000);

  it('summaryDue: 20 s since the last drawing, and SUMMARY_COST_FACTOR times what it cost', () => {
    expect(summaryDue(SUMMARY_EVERY_MS - 1, 0)).toBe(false);
    expect(summaryDue(SUMMARY_EVERY_MS, 0)).toBe(true);
    // A drawing that took 10 s (a long run's report and figures over epochs): the next waits 40 s, not 20.
    expect(SUMMARY_COST_FACTOR).toBe(4);
    expect(summaryDue(SUMMARY_EVERY_MS, 10_000)).toBe(false);
    expect(summaryDue(39_999, 10_000)).toBe(false);
    expect(summaryDue(40_000, 10_000)).toBe(true);
  });
});

describe('fitToFolder: a run a callback stops (model.stopTraining)', () => {
  it('run.json says it ended early, the report does not call it unfinished, and the figures over epochs are drawn', async () => {
    const dir = join(root, 'early');
    const m = model();
    const stop = stopAfterEpoch2(m);
    const record = await fitToFolder(
      m,
      { x, y },
      { dir, epochs: 5, batchSize: 16, loss: 'sparseCategoricalCrossentropy', validationData: [x, y], seed: 5, callbacks: [stop] },
    );
    m.dispose();
    expect(record.endedEarly?.epoch).toBe(2);
    // Before, run.json was last written inside the epoch's callbacks, before fit knew the run ended.
    const disk = readRunRecord(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')));
    expect(disk.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(disk.endedEarly).toEqual(record.endedEarly);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<span class="progress">ended early after epoch 2</span>');
    expect(html).not.toContain('unfinished');
    for (const f of ['histograms.png', 'sparsity.png', 'layers.png', 'heatmap.png', 'curves.svg']) expect(existsSync(join(dir, f)), f).toBe(true);

    // Resumed as it was started: finished, kept as it is (before, epochs 3–5 were trained, which the callback had ruled out).
    const notes: string[] = [];
    const before = readFileSync(join(dir, 'run.json'), 'utf8');
    const again = model();
    const resumed = await fitToFolder(
      again,
      { x, y },
      { dir, epochs: 5, batchSize: 16, loss: 'sparseCategoricalCrossentropy', validationData: [x, y], seed: 5, resume: true, onNote: (n) => notes.push(n) },
    );
    again.dispose();
    expect(resumed.epochs).toHaveLength(2);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe(before);
    expect(notes.join('\n')).toMatch(/is finished \(2 epochs, ended early by a callback after epoch 2\): kept as it is/);
    // Asked for more epochs than it was started for: it goes on, and is no longer said to have ended early.
    const more = model();
    const longer = await fitToFolder(
      more,
      { x, y },
      // Only its record is checked: no figures.
      { dir, epochs: 6, batchSize: 16, loss: 'sparseCategoricalCrossentropy', validationData: [x, y], seed: 5, resume: true, figures: false },
    );
    more.dispose();
    expect(longer.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(longer.endedEarly).toBeUndefined();
  }, 60_000);
});

describe('fitToFolder: a run one of TF.js’s callbacks stops, written once at its end', () => {
  it('the epoch it ends at writes run.json and the checkpoint saying so; nothing rewrites them after (they were written twice)', async () => {
    const dir = join(root, 'early-once');
    const m = model();
    const stop = stopAfterEpoch2(m);
    // This library's callbacks run after the folder wrote the epoch: what it wrote for each epoch, and the file it is (a rewrite is a new file: temporary name, rename).
    const files = (f: string) => ({ text: readFileSync(join(dir, f), 'utf8'), ino: statSync(join(dir, f)).ino });
    const after: Array<{ endedEarly: unknown; run: ReturnType<typeof files>; checkpoint?: ReturnType<typeof files> }> = [];
    const record = await fitToFolder(
      m,
      { x, y },
      {
        dir,
        epochs: 5,
        batchSize: 16,
        loss: 'sparseCategoricalCrossentropy',
        validationData: [x, y],
        seed: 5,
        prune: true,
        // Only its records are checked: no figures.
        figures: false,
        callbacks: [
          stop,
          {
            onEpochEnd: (epoch: number, r: RunRecord) => {
              after.push({ endedEarly: r.endedEarly, run: files('run.json'), ...(epoch > 0 ? { checkpoint: files('checkpoint/run.json') } : {}) });
            },
          },
        ],
      },
    );
    m.dispose();
    expect(record.endedEarly?.epoch).toBe(2);
    expect(after.map((a) => a.endedEarly)).toEqual([undefined, undefined, record.endedEarly]);
    const last = after.at(-1)!;
    // Written by epoch 2's callback as the run ended, prune curve and all, and not again.
    expect(readRunRecord(JSON.parse(last.run.text)).endedEarly).toEqual(record.endedEarly);
    expect(readRunRecord(JSON.parse(last.run.text)).epochs.at(-1)?.prune?.global[0]?.level).toBe(0);
    expect(files('run.json')).toEqual(last.run);
    expect(files('checkpoint/run.json')).toEqual(last.checkpoint);
    expect(last.checkpoint?.text).toBe(last.run.text);
  }, 60_000);
});

describe('fitToFolder: a run a callback ended, continued with more epochs', () => {
  it('keeps the prune curve measured after the epoch it ended at (the checkpoint’s record has it too)', async () => {
    const dir = join(root, 'early-prune');
    const options = {
      dir,
      batchSize: 16,
      loss: 'sparseCategoricalCrossentropy' as const,
      validationData: [x, y] as [tf.Tensor, tf.Tensor],
      seed: 5,
      prune: true,
    };
    const m = model();
    const stop = stopAfterEpoch2(m);
    const ended = await fitToFolder(m, { x, y }, { ...options, epochs: 5, callbacks: [stop] });
    m.dispose();
    const curve = ended.epochs.at(-1)?.prune;
    expect(ended.endedEarly?.epoch).toBe(2);
    expect(curve?.global[0]?.level).toBe(0);
    // The record the continuation starts from: the checkpoint's, the same as run.json.
    expect(readFileSync(join(dir, 'checkpoint', 'run.json'), 'utf8')).toBe(readFileSync(join(dir, 'run.json'), 'utf8'));
    const more = model();
    // More epochs than it was started for (5): it goes on. Its figures are drawn again from the
    // checkpoint first, said before the run's own first step (before, a silent pause there).
    const notes: string[] = [];
    const longer = await fitToFolder(
      more,
      { x, y },
      { ...options, epochs: 6, resume: true, onNote: (n) => notes.push(n), callbacks: [{ onTrainBegin: () => void notes.push('onTrainBegin') }] },
    );
    more.dispose();
    expect(notes).toEqual([drawingRunNote(dir, 2), 'onTrainBegin', drawingRunNote(dir)]);
    expect(longer.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    // Before, epoch 2's curve was lost: the checkpoint was written before it was measured.
    expect(longer.epochs[1]?.prune).toEqual(curve);
    expect(longer.epochs.map((e) => e.prune !== undefined)).toEqual([false, true, false, false, false, true]);
    expect(readRunRecord(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).epochs[1]?.prune).toEqual(curve);
  }, 60_000);
});
