/**
 * The Monitor interface as a user meets it: a monitor's sections kept in every snapshot of the
 * record (fit, fitToFolder, recordWeights with TF.js's model.fit), its batches handed back at the
 * epoch's end, sections checked to be JSON, names and views checked; its view in the record, as
 * rows and a figure, in the report (drawn in real Chromium) and on the dashboard's API.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, UserCodeError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/index.ts';
import { type RunRecord, readRunRecord } from '../../src/formats/index.ts';
import { defaultMonitors, type Monitor } from '../../src/monitor/index.ts';
import { serveDashboard } from '../../src/serve/index.ts';
import { tf } from '../../src/tf.ts';
import { fit, recordWeights } from '../../src/training/index.ts';
import { loadMonitor } from '../../src/user-modules/index.ts';
import { monitorRows, monitorViewSpec, toVega, viewsOf } from '../../src/viz/index.ts';
import { CHROMIUM_ARGS as ARGS, CHROMIUM, hasChromium } from '../chromium.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function model(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden', units: 4, inputShape: [3], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ name: 'out', units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}
const x = tf.randomNormal([40, 3], 0, 1, 'float32', 3);
const y = tf.argMax(tf.matMul(x, tf.randomNormal([3, 2], 0, 1, 'float32', 4)), 1);
const OPTIONS = { epochs: 2, batchSize: 16, loss: 'sparseCategoricalCrossentropy', validationData: [x, y] as [tf.Tensor, tf.Tensor], seed: 5 } as const;

/** The hidden layer's bias now: read straight from the model. */
const biasOf = (m: tf.LayersModel) => Array.from(m.getLayer('hidden').getWeights()[1]!.dataSync());

/** Its section: the hidden bias; its batches: each batch's number and data loss. */
const bias: Monitor<{ bias: number[]; batches: number[]; losses: number[] }, { batch: number; loss: number }> = {
  name: 'bias',
  onBatchEnd: (b) => ({ batch: b.batch, loss: b.dataLoss }),
  onEpochEnd: ({ batches }, { model: m }) => ({ bias: biasOf(m), batches: batches.map((b) => b.batch), losses: batches.map((b) => b.loss) }),
  // Rows: one per snapshot and key of the section; the bias's values spread, one point each.
  view: {
    title: 'Hidden bias',
    spec: {
      transform: [{ filter: "datum.key === 'bias'" }, { flatten: ['value'] }],
      mark: 'point',
      encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } },
    },
  },
};

describe('a user monitor with fit', () => {
  it('keeps its section in every snapshot, as the model was then, with the epoch’s batches', async () => {
    const m = model();
    const seen: number[][] = [];
    const record = await fit(m, { x, y }, { ...OPTIONS, monitors: [bias], callbacks: [{ onEpochEnd: () => void seen.push(biasOf(m)) }] });
    // The bias a callback read at the same points (epoch 0 and after each epoch).
    const sections = [record.initial, ...record.epochs].map((s) => s.monitors?.['bias'] as { bias: number[]; batches: number[]; losses: number[] });
    expect(sections.map((s) => s.bias)).toEqual(seen);
    // 40 samples in batches of 16: 3 batches an epoch, none at epoch 0.
    expect(sections.map((s) => s.batches)).toEqual([[], [1, 2, 3], [1, 2, 3]]);
    // The batch losses the default monitor keeps (4 significant digits) are the ones handed to ours.
    for (const e of record.epochs) expect(e.batchLosses?.data).toEqual(sections[e.epoch]!.losses.map((l) => Number(l.toPrecision(4))));
    expect(record.config.monitors).toEqual([{ name: 'bias', view: bias.view }]);
    // The record with its sections is a valid run@3 record, as JSON keeps it.
    expect(readRunRecord(JSON.parse(JSON.stringify(record)))).toEqual(record);
    m.dispose();
  });

  it('continues a record (from) only with the monitors it was recorded with, by name', async () => {
    const m = model();
    const record = await fit(m, { x, y }, { ...OPTIONS, epochs: 1, monitors: [bias] });
    await expect(fit(m, { x, y }, { ...OPTIONS, from: record })).rejects.toThrow(
      'the record continued (from) was recorded with the monitors bias, this run gives none: its snapshots would not keep the same sections; give the same monitors',
    );
    const other: Monitor = { name: 'other', onEpochEnd: () => 1 };
    await expect(fit(m, { x, y }, { ...OPTIONS, from: record, monitors: [bias, other] })).rejects.toThrow('with the monitors bias, this run gives bias, other');
    const plain = await fit(m, { x, y }, { ...OPTIONS, epochs: 1 });
    await expect(fit(m, { x, y }, { ...OPTIONS, from: plain, monitors: [other] })).rejects.toThrow('with the monitors none, this run gives other');
    const continued = await fit(m, { x, y }, { ...OPTIONS, from: record, monitors: [bias] });
    expect(continued.epochs.map((e) => Object.keys(e.monitors ?? {}))).toEqual([['bias'], ['bias']]);
    m.dispose();
  });

  it('adds nothing to the record without user monitors', async () => {
    const m = model();
    const record = await fit(m, { x, y }, OPTIONS);
    expect(record.config.monitors).toBeUndefined();
    expect([record.initial, ...record.epochs].some((s) => 'monitors' in s)).toBe(false);
    expect(defaultMonitors().map((d) => d.name)).toEqual(['weightStatistics', 'batchLosses']);
    expect(defaultMonitors({ trackNorms: 'batch' }).map((d) => d.name)).toEqual(['weightStatistics', 'batchNorms', 'batchLosses']);
    m.dispose();
  });

  it('keeps a non-finite number as null, and refuses what JSON cannot keep, bad names and views with code', async () => {
    const m = model();
    const odd: Monitor = { name: 'odd', onEpochEnd: () => ({ a: Number.NaN, b: [1, Number.POSITIVE_INFINITY] }) };
    const r = await fit(m, { x, y }, { ...OPTIONS, epochs: 1, monitors: [odd] });
    expect(r.epochs[0]?.monitors).toEqual({ odd: { a: null, b: [1, null] } });
    const tensor: Monitor = { name: 'tensor', onEpochEnd: () => tf.zeros([2]) as unknown as number };
    await expect(fit(m, { x, y }, { ...OPTIONS, epochs: 1, monitors: [tensor] })).rejects.toThrow(
      /monitor 'tensor' returned a section JSON cannot keep after epoch 0/,
    );
    await expect(fit(m, { x, y }, { ...OPTIONS, monitors: [{ ...odd, name: '1st' }] })).rejects.toThrow(UsageError);
    await expect(fit(m, { x, y }, { ...OPTIONS, monitors: [odd, odd] })).rejects.toThrow(/two monitors are named 'odd'/);
    const coded = { ...odd, view: { title: 't', spec: { mark: 'line', transform: [{ calculate: () => 1 }] } } } as unknown as Monitor;
    await expect(fit(m, { x, y }, { ...OPTIONS, monitors: [coded] })).rejects.toThrow(/its view must be \{ title, spec \}/);
    await expect(fit(m, { x, y }, { ...OPTIONS, monitors: [{ name: 'x' } as unknown as Monitor] })).rejects.toThrow(/a monitor is an object/);
    m.dispose();
  });

  it('that throws is named, with the call and epoch it threw in, its error kept as the cause', async () => {
    const m = model();
    const boom = new TypeError('no layer relu_1');
    const failing = (when: 'begin' | 'batch' | number): Monitor => ({
      name: 'dead',
      ...(when === 'begin' ? { onTrainBegin: () => Promise.reject(boom) } : {}),
      onBatchEnd: (b) => {
        if (when === 'batch' && b.epoch === 2 && b.batch === 2) throw boom;
        return undefined;
      },
      onEpochEnd: ({ epoch }) => {
        if (epoch === when) throw boom;
        return epoch;
      },
    });
    const thrown = async (mon: Monitor) => (await fit(m, { x, y }, { ...OPTIONS, monitors: [bias, mon] }).catch((e: unknown) => e)) as Error;
    const cases = [
      ['begin', "monitor 'dead' (its onTrainBegin) threw: no layer relu_1"],
      [0, "monitor 'dead' (its onEpochEnd at epoch 0, the untrained model) threw: no layer relu_1"],
      [2, "monitor 'dead' (its onEpochEnd after epoch 2) threw: no layer relu_1"],
      ['batch', "monitor 'dead' (its onBatchEnd after batch 2 of epoch 2) threw: no layer relu_1"],
    ] as const;
    for (const [when, message] of cases) {
      const err = await thrown(failing(when));
      expect(err).toBeInstanceOf(UserCodeError);
      expect(err.message).toBe(message);
      expect(err.cause).toBe(boom);
    }
    m.dispose();
  });

  it('that throws leaves a run folder at its last finished epoch, which resumes once the monitor is mended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'penx-monitor-throws-'));
    dirs.push(dir);
    let mended = false;
    const flaky: Monitor = {
      name: 'flaky',
      onEpochEnd: ({ epoch }) => {
        if (epoch === 2 && !mended) throw new Error('disk full');
        return epoch;
      },
    };
    const options = { ...OPTIONS, dir: join(dir, 'run'), monitors: [flaky], figures: false };
    await expect(fitToFolder(model(), { x, y }, options)).rejects.toThrow("monitor 'flaky' (its onEpochEnd after epoch 2) threw: disk full");
    const kept = readRunRecord(JSON.parse(readFileSync(join(dir, 'run', 'run.json'), 'utf8')));
    expect(kept.epochs.map((e) => e.monitors)).toEqual([{ flaky: 1 }]);
    expect(kept.stopped).toBeUndefined();
    mended = true;
    const done = await fitToFolder(model(), { x, y }, { ...options, resume: true });
    expect(done.epochs.map((e) => e.monitors)).toEqual([{ flaky: 1 }, { flaky: 2 }]);
  });
});

describe('a monitor from a module (loadMonitor)', () => {
  const FIXTURE = './test/fixtures/monitors/epoch-number.ts';
  const failing = globalThis as { failEpochNumber?: boolean };

  it('is the module’s default export, its module named in the record and in its errors', async () => {
    const monitor = await loadMonitor(FIXTURE);
    const m = model();
    const record = await fit(m, { x, y }, { ...OPTIONS, monitors: [monitor] });
    expect([record.initial, ...record.epochs].map((s) => s.monitors)).toEqual([{ epochNumber: 0 }, { epochNumber: 1 }, { epochNumber: 2 }]);
    expect(record.config.monitors).toEqual([{ name: 'epochNumber', module: FIXTURE }]);
    expect(readRunRecord(JSON.parse(JSON.stringify(record))).config.monitors).toEqual(record.config.monitors);
    failing.failEpochNumber = true;
    try {
      await expect(fit(m, { x, y }, { ...OPTIONS, monitors: [monitor] })).rejects.toThrow(
        `monitor 'epochNumber' (from ${FIXTURE}) (its onEpochEnd after epoch 2) threw: disk full`,
      );
    } finally {
      delete failing.failEpochNumber;
      m.dispose();
    }
  });

  it('refuses a module whose default export is not a monitor, saying what it exports and what it should', async () => {
    const cases = [
      ['factory.ts', 'its default export is a function; export default the monitor itself, an object { name, onEpochEnd(epoch, { model, validationData }), '],
      ['misspelt.ts', 'its default export is an object with name, onEpochEnds (no onEpochEnd function); export default the monitor itself'],
      ['named-only.ts', 'has no default export (it exports monitor); export default the monitor itself: { name, onEpochEnd(epoch, context), … }'],
      [
        'bad-hook.ts',
        "monitor module './test/fixtures/monitors/bad-hook.ts': monitor 'badHook': its onBatchEnd is number; make it a function, or leave it out",
      ],
      ['missing.ts', "monitor module './test/fixtures/monitors/missing.ts' not found"],
    ] as const;
    for (const [file, message] of cases) {
      const err = (await loadMonitor(`./test/fixtures/monitors/${file}`).catch((e: unknown) => e)) as Error;
      expect(err, file).toBeInstanceOf(UsageError);
      expect(err.message, file).toContain(message);
    }
  });

  it('two monitors of one name: the refusal names where each came from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'penx-monitor-twice-'));
    dirs.push(dir);
    const other = join(dir, 'same-name.ts');
    writeFileSync(other, "export default { name: 'epochNumber', onEpochEnd: () => 1 };\n");
    const [a, b] = [await loadMonitor(FIXTURE), await loadMonitor(other)];
    const plain: Monitor = { name: 'epochNumber', onEpochEnd: () => 2 };
    const m = model();
    const cases = [
      [[a, b], `two monitors are named 'epochNumber' (the first from ${FIXTURE}, the second from ${other}); give each its own name`],
      [[plain, a], `two monitors are named 'epochNumber' (the first given as an object, the second from ${FIXTURE})`],
      [[a, a], `two monitors are named 'epochNumber' (both from ${FIXTURE})`],
      [[plain, plain], "two monitors are named 'epochNumber'; give each its own name"],
    ] as const;
    for (const [monitors, message] of cases) await expect(fit(m, { x, y }, { ...OPTIONS, monitors: [...monitors] })).rejects.toThrow(message);
    m.dispose();
  });

  it('a run folder resumes only with the same monitors, by name: other ones are refused, nothing changed', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'penx-monitor-resume-')), 'run');
    dirs.push(dirname(dir));
    const monitor = await loadMonitor(FIXTURE);
    const options = { ...OPTIONS, dir, figures: false };
    await fitToFolder(model(), { x, y }, { ...options, epochs: 1, monitors: [monitor] });
    const before = readFileSync(join(dir, 'run.json'), 'utf8');
    await expect(fitToFolder(model(), { x, y }, { ...options, resume: true })).rejects.toThrow(
      `cannot resume ${dir}: its list of monitors is "epochNumber", this run's is none; use the same settings, or start it over`,
    );
    await expect(fitToFolder(model(), { x, y }, { ...options, resume: true, monitors: [monitor, bias] })).rejects.toThrow(
      `its list of monitors is "epochNumber", this run's is "epochNumber" and "bias"`,
    );
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe(before);
    const done = await fitToFolder(model(), { x, y }, { ...options, resume: true, monitors: [monitor] });
    expect(done.epochs.map((e) => e.monitors)).toEqual([{ epochNumber: 1 }, { epochNumber: 2 }]);
  });
});

describe('a user monitor with TF.js’s model.fit', () => {
  it('recordWeights keeps its sections too', async () => {
    const m = model();
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
    const rec = recordWeights(m, { monitors: [bias] });
    const seen: number[][] = [];
    await m.fit(x, y.cast('float32'), {
      epochs: 2,
      batchSize: 16,
      shuffle: false,
      verbose: 0,
      callbacks: [rec, new tf.CustomCallback({ onEpochEnd: async () => void seen.push(biasOf(m)) })],
    });
    const sections = rec.record!.epochs.map((s) => s.monitors?.['bias'] as { bias: number[]; batches: number[] });
    expect(sections.map((s) => s.bias)).toEqual(seen);
    expect(sections.map((s) => s.batches)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(rec.record!.config.monitors?.[0]?.name).toBe('bias');
    m.dispose();
  });
});

describe('a monitor’s view', () => {
  /** A record with a section of each shape (made up, so the rows are known). */
  const made = (name: string, values: unknown[]): RunRecord => {
    const base = { epoch: 0, monitors: { [name]: values[0] } };
    return {
      config: { penalty: 'none', optimizer: 'adam', name: 'r', monitors: [{ name, view: { title: 'T', spec: { mark: 'line' } } }] },
      initial: base,
      epochs: values.slice(1).map((v, i) => ({ epoch: i + 1, monitors: { [name]: v } })),
    } as unknown as RunRecord;
  };

  it('rows: a number, an object of numbers, a list of objects, a list of numbers', () => {
    expect(monitorRows([made('n', [1, 2])], 'n')).toEqual([
      { run: 'none', epoch: 0, value: 1 },
      { run: 'none', epoch: 1, value: 2 },
    ]);
    expect(monitorRows([made('o', [{ a: 1, b: null }])], 'o')).toEqual([
      { run: 'none', epoch: 0, key: 'a', value: 1 },
      { run: 'none', epoch: 0, key: 'b', value: null },
    ]);
    expect(monitorRows([made('l', [[{ layer: 'h', dead: 0.5 }]])], 'l')).toEqual([{ layer: 'h', dead: 0.5, run: 'none', epoch: 0 }]);
    expect(monitorRows([made('v', [[3, 4]])], 'v')).toEqual([
      { run: 'none', epoch: 0, index: 0, value: 3 },
      { run: 'none', epoch: 0, index: 1, value: 4 },
    ]);
    const spec = monitorViewSpec([made('n', [1, 2])], 'n') as { mark: string; data: { values: unknown[] }; title: { text: string } };
    expect([spec.mark, spec.data.values.length, spec.title.text]).toEqual(['line', 2, 'T']);
    expect(JSON.stringify(monitorViewSpec([made('n', [1])], 'other'))).toContain("no run chosen has a monitor 'other' with a view");
    expect(
      viewsOf([made('n', [1])])
        .map((v) => v.id)
        .at(-1),
    ).toBe('monitor-n');
  });

  it('is drawn in the run folder’s figures and report (real Chromium), and served by the dashboard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'penx-monitor-'));
    dirs.push(dir);
    const m = model();
    const record = await fitToFolder(m, { x, y }, { ...OPTIONS, dir: join(dir, 'run'), monitors: [bias] });
    m.dispose();
    expect((await toVega(monitorViewSpec([record], 'bias'))).marks?.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'run', 'monitor-bias.png'))).toBe(true);
    const html = readFileSync(join(dir, 'run', 'report.html'), 'utf8');
    expect(html).toContain('id="view-monitor-bias"');

    const dashboard = await serveDashboard({ dir });
    try {
      const runs = (await (await fetch(`${dashboard.url}api/runs`)).json()) as { views: Array<{ id: string; title: string }> };
      expect(runs.views.at(-1)).toEqual({ id: 'monitor-bias', title: 'Hidden bias', perEpoch: false });
      const spec = (await (await fetch(`${dashboard.url}api/view/monitor-bias?runs=run`)).json()) as { data: Array<{ name: string; values?: unknown[] }> };
      // 3 snapshots × the section's 3 keys.
      expect(spec.data.find((d) => d.values)?.values).toHaveLength(9);
    } finally {
      await dashboard.close();
    }

    if (!hasChromium) return;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`file://${join(dir, 'run', 'report.html')}`);
      // One point per bias and snapshot.
      await page.waitForFunction(
        () => document.querySelectorAll('#view-monitor-bias svg path.mark-symbol, #view-monitor-bias svg .mark-symbol path').length >= 12,
        null,
        { timeout: 20_000 },
      );
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
