/**
 * `penx summary`: the numbers of run and comparison folders, checked against values set by hand in
 * synthetic records (fine histograms with known counts at 0, prune curves with known accuracies).
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listingText, listRuns, runFolders } from '../../mnist-demo/cli/actions/runs-folder.ts';
import { summary } from '../../mnist-demo/cli/actions/summary.ts';
import { medianAbs, shareWithin002, spikeAtZero, summarize } from '../../mnist-demo/experiment/summary.ts';
import { UsageError } from '../../src/errors.ts';
import { LOCK_FILE, markFolder } from '../../src/folders/index.ts';
import { MARKER_FILE } from '../../src/formats/index.ts';
import { COMPARE_FORMAT, encodeCounts, type PrunePoint, type RunRecord, SWEEP_FORMAT, type WeightsSnapshot } from '../../src/index.ts';
import { makeRunRecord, withScores } from '../fixtures/run-record-fixture.ts';
import { penx } from './run-penx.ts';

/** 1000 fine bins over [−2, 2]: `centre` weights in each of the two bins at 0, `side` in each of the next two each side, `far` elsewhere. */
function fineCounts(centre: number, side: number): string {
  const c = new Array<number>(1000).fill(0);
  c[499] = c[500] = centre;
  c[497] = c[498] = c[501] = c[502] = side;
  c[300] = 7;
  return encodeCounts(c);
}

/** `s` with every weight's fine histogram replaced (trainable ones: centre/side; others: a spike that must not count). */
function withFine(s: WeightsSnapshot, centre: number, side: number): WeightsSnapshot {
  const fine = (counts: string) => ({ scale: 'linear' as const, lo: -2, hi: 2, bins: 1000, counts, below: 0, above: 0, zeros: 0, count: 1 });
  const weight = (name: string, trainable: boolean, counts: string) => ({
    name,
    kind: 'kernel' as const,
    shape: [1],
    trainable,
    histogram: s.histogram,
    sparsity: s.sparsity,
    fine: fine(counts),
  });
  const bn = {
    name: 'bn',
    count: 4,
    histogram: s.histogram,
    sparsity: s.sparsity,
    penalty: 0,
    weights: [weight('bn/moving_mean', false, fineCounts(1000, 1))],
  };
  return {
    ...s,
    layers: s.layers.map((l) => ({ ...l, weights: [weight(`${l.name}/kernel`, true, fineCounts(centre, side))] })),
    nonTrainable: { count: 4, histogram: s.histogram, sparsity: s.sparsity, layers: [bn] },
  };
}

const point = (level: number, testAcc: number, sparse: number): PrunePoint => ({
  level,
  testLoss: 0.1,
  testAcc,
  zeros: level / 100,
  layers: [],
  size: { dense: 1000, sparse, ratio: 1000 / sparse },
});

/** A record whose every epoch has spike data (centre/side chosen per epoch) and, after its last epoch, a prune curve. */
function record(penalty: string, seed: number, accs: number[], prune?: PrunePoint[]): RunRecord {
  let r = makeRunRecord({ epochs: accs.length, penalty, seed });
  accs.forEach((a, i) => {
    r = withScores(r, i + 1, { testLoss: 0.1, testAcc: a });
  });
  const epochs = r.epochs.map((e, i) => ({ ...e, ...withFine(e, 10 * (i + 1), 5) }));
  const last = epochs.length - 1;
  if (prune) epochs[last] = { ...(epochs[last] as (typeof epochs)[number]), prune: { weights: 1000, global: prune, perLayer: prune, seconds: 1 } };
  return { ...r, initial: withFine(r.initial, 5, 5), epochs };
}

describe('summarize', () => {
  it('measures the spike at 0 over trainable weights only, as a ratio of densities', () => {
    const r = record('l1:1e-4', 1, [0.9, 0.95]);
    expect(spikeAtZero(r.initial)).toBeCloseTo(1, 12); // 5 per bin at and beside 0: flat
    // Epoch 2: 20 in each centre bin, 5 in each side bin → (40 / 2) / (20 / 4) = 4; the non-trainable 1000s ignored.
    expect(spikeAtZero(r.epochs[1] as WeightsSnapshot)).toBeCloseTo(4, 12);
    expect(spikeAtZero(makeRunRecord({ epochs: 1 }).initial)).toBeNull(); // no fine histograms
  });

  it("counts |w| < 0.02 as the fine histogram's ten bins at 0, over trainable weights only", () => {
    const r = record('l1:1e-4', 1, [0.9, 0.95]);
    // Epoch 2 per trainable tensor: 20 + 20 at 0, 4 × 5 beside (all inside ±0.012), 7 far out; count 1 each (as withFine sets it).
    const e = r.epochs[1] as WeightsSnapshot;
    const tensors = e.layers.length;
    expect(shareWithin002(e)).toBeCloseTo((60 * tensors) / (1 * tensors), 12);
    // Bins 495 and 504 are the last inside (|w| < 0.02), 494 and 505 the first outside.
    const c = new Array<number>(1000).fill(0);
    c[494] = 1000;
    c[495] = 1;
    c[504] = 2;
    c[505] = 1000;
    const fine = { scale: 'linear' as const, lo: -2, hi: 2, bins: 1000, counts: encodeCounts(c), below: 0, above: 0, zeros: 0, count: 2003 };
    const one = { ...e, layers: [{ ...e.layers[0]!, weights: [{ ...e.layers[0]!.weights![0]!, fine }] }] };
    expect(shareWithin002(one)).toBeCloseTo(3 / 2003, 15);
    expect(shareWithin002(makeRunRecord({ epochs: 1 }).initial)).toBeNull();
  });

  it('reads the median |w| off the log10|w| histogram, as the geometric centre of its bin', () => {
    const e = record('l1:1e-4', 1, [0.9]).epochs[0] as WeightsSnapshot;
    const logAbs = (counts: number[], zeros: number, below: number) => ({
      scale: 'log10abs' as const,
      lo: -10,
      hi: 2,
      bins: 240,
      counts: encodeCounts(counts),
      below,
      above: 0,
      zeros,
      count: zeros + below + counts.reduce((a, b) => a + b, 0),
    });
    const withLog = (h: ReturnType<typeof logAbs>) => ({ ...e, layers: [{ ...e.layers[0]!, weights: [{ ...e.layers[0]!.weights![0]!, logAbs: h }] }] });
    const c = new Array<number>(240).fill(0);
    c[120] = 3; // log10|w| in [−4, −3.95): 1e-4 ≤ |w| < 1.12e-4
    c[200] = 2; // |w| in [1, 1.12)
    // 5 nonzero weights and 0 zeros: the third lies in bin 120, centre 10^(−3.975).
    expect(medianAbs(withLog(logAbs(c, 0, 0)))).toBeCloseTo(10 ** -3.975, 15);
    // With 4 exact zeros (and 1 below the grid) half of 10 is reached before any bin: the median is 0.
    expect(medianAbs(withLog(logAbs(c, 4, 1)))).toBe(0);
    // With 2 zeros, the 3.5th of 7 still lies in bin 120; with 1 zero and 3 more in bin 200 it moves there.
    expect(medianAbs(withLog(logAbs(c, 2, 0)))).toBeCloseTo(10 ** -3.975, 15);
    const d = [...c];
    d[200] = 5;
    expect(medianAbs(withLog(logAbs(d, 1, 0)))).toBeCloseTo(10 ** 0.025, 14);
    expect(medianAbs(e)).toBeNull(); // no log histograms in the fixture
  });

  it('reports accuracy against none, the weights at and near 0, and the largest prune level within the allowed drop', () => {
    const prune = [point(0, 0.99, 1000), point(50, 0.988, 600), point(70, 0.9851, 400), point(80, 0.98, 300)];
    const none = record('none', 1, [0.9, 0.95, 0.97]);
    const l1 = record('l1:1e-4', 1, [0.91, 0.94, 0.975], prune);
    const s = summarize(
      [
        {
          folder: 'cmp',
          records: [
            { name: 'none', record: none },
            { name: 'l1', record: l1 },
          ],
        },
      ],
      { epochs: [0, 3] },
    );
    const run = s.runs[1]!;
    expect(run.epochs.map((e) => e.epoch)).toEqual([0, 3]);
    const last = run.epochs[1]!;
    expect(last.testAcc).toBe(0.975);
    expect(last.deltaToNone).toBeCloseTo(0.005, 12);
    expect(last.nearZero3).toBe(l1.epochs[2]!.sparsity.lt1e3);
    expect(last.zeros).toBe(l1.epochs[2]!.histogram.zeros / l1.epochs[2]!.histogram.count);
    expect(last.spike).toBeCloseTo(6, 12); // 30 per centre bin, 5 per side bin
    // 0.99 − 0.9851 = 0.49 points ≤ 0.5; 0.99 − 0.98 = 1 point > 0.5.
    expect(last.prune).toEqual({ level: 70, testAcc: 0.9851, sparseBytes: 400, denseBytes: 1000 });
    expect(run.epochs[0]!.prune).toBeUndefined();
    expect(summarize([{ folder: 'cmp', records: [{ name: 'l1', record: l1 }] }], { epochs: [3], maxDrop: 0.2 }).runs[0]!.epochs[0]!.prune?.level).toBe(50);
    expect(summarize([{ folder: 'cmp', records: [{ name: 'l1', record: l1 }] }], { epochs: [3] }).runs[0]!.epochs[0]!.deltaToNone).toBeNull();
  });

  it("compares each run with the run without a penalty of its own seed and optimiser, not the folder's first", () => {
    const run = (penalty: string, seed: number, optimizer: string, accs: number[]) => ({
      name: `${penalty}_${seed}_${optimizer}`,
      record: { ...record(penalty, seed, accs), config: { ...record(penalty, seed, accs).config, optimizer } },
    });
    const records = [
      run('none', 1, 'adam:lr=1e-3', [0.9]),
      run('none', 1, 'sgd:lr=0.01', [0.8]),
      run('none', 2, 'sgd:lr=0.01', [0.7]),
      run('l1:1e-4', 1, 'sgd:lr=0.01', [0.85]),
      run('l1:1e-4', 2, 'sgd:lr=0.01', [0.75]),
      run('l1:1e-4', 3, 'sgd:lr=0.01', [0.75]),
    ];
    const s = summarize([{ folder: 'cmp', records }], { epochs: [1] });
    const deltas = s.runs.map((r) => r.epochs[0]!.deltaToNone);
    expect(deltas).toEqual([0, 0, 0, expect.closeTo(0.05, 12), expect.closeTo(0.05, 12), null]);
  });

  it('takes as the run without a penalty only one of the same setup: not one of another batch size', () => {
    const withConfig = (r: RunRecord, change: Partial<RunRecord['config']>): RunRecord => ({ ...r, config: { ...r.config, ...change } });
    const records = [
      { name: 'none64', record: withConfig(record('none', 1, [0.9]), { batchSize: 64 }) },
      { name: 'l1', record: withConfig(record('l1:1e-4', 1, [0.85]), { batchSize: 128 }) },
    ];
    expect(summarize([{ folder: 'cmp', records }], { epochs: [1] }).runs[1]!.epochs[0]!.deltaToNone).toBeNull();
  });

  it('spreads over seeds only runs that differ in nothing but the seed, and says what sets each group apart', () => {
    const run = (seed: number, optimizer: string, acc: number) => ({
      name: `none_${seed}_${optimizer}`,
      record: { ...record('none', seed, [acc]), config: { ...record('none', seed, [acc]).config, optimizer } },
    });
    const records = [run(1, 'adam:lr=1e-3', 0.97), run(2, 'adam:lr=1e-3', 0.96), run(1, 'sgd:lr=0.01', 0.8), run(2, 'sgd:lr=0.01', 0.7)];
    const s = summarize([{ folder: 'cmp', records }], { epochs: [1] });
    expect(s.spread).toEqual([
      { penalty: 'none', setup: { optimizer: 'adam:lr=1e-3' }, seeds: [1, 2], epochs: [{ epoch: 1, min: 0.96, max: 0.97 }] },
      { penalty: 'none', setup: { optimizer: 'sgd:lr=0.01' }, seeds: [1, 2], epochs: [{ epoch: 1, min: 0.7, max: 0.8 }] },
    ]);
  });

  it('gives the spread of test accuracy over seeds, per epoch every seed reached', () => {
    const a = record('none', 42, [0.9, 0.95, 0.97]);
    const b = record('none', 43, [0.92, 0.94]);
    const c = record('l1:1e-4', 43, [0.9, 0.9]);
    const s = summarize(
      [
        { folder: 'p', records: [{ name: 'none', record: a }] },
        {
          folder: 'q',
          records: [
            { name: 'none', record: b },
            { name: 'l1', record: c },
          ],
        },
      ],
      { epochs: [1, 2, 3] },
    );
    // Epoch 3: seed 43 has not reached it; l1 has one seed only.
    expect(s.spread).toEqual([
      {
        penalty: 'none',
        setup: {},
        seeds: [42, 43],
        epochs: [
          { epoch: 1, min: 0.9, max: 0.92 },
          { epoch: 2, min: 0.94, max: 0.95 },
        ],
      },
    ]);
  });
});

describe('penx summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'penx-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a run of one epoch is '1 epoch' in its heading (was '1 epochs')", async () => {
    const one = join(dir, 'one');
    mkdirSync(one);
    writeFileSync(join(one, 'run.json'), JSON.stringify(record('l1:1e-4', 3, [0.9])));
    const r = await penx('summary', one);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${one}: l1:1e-4, seed 3, 1 epoch\n`);
  });

  it('prints a table per run of a comparison folder, Markdown with --markdown and JSON with --json', async () => {
    const cmp = join(dir, 'cmp');
    const prune = [point(0, 0.99, 1000), point(50, 0.988, 600)];
    for (const [name, r] of [
      ['none', record('none', 1, [0.9, 0.95])],
      ['l1', record('l1:1e-4', 1, [0.91, 0.96], prune)],
    ] as const) {
      mkdirSync(join(cmp, name), { recursive: true });
      writeFileSync(join(cmp, name, 'run.json'), JSON.stringify(r));
    }
    writeFileSync(join(cmp, 'compare.json'), JSON.stringify({ format: COMPARE_FORMAT, runs: ['none', 'l1'] }));
    const text = await penx('summary', cmp);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${join(cmp, 'l1')}: l1:1e-4, seed 1, 2 epochs`);
    expect(text.stdout).toMatch(/\n2 +96\.00 % +\+1\.00 .* 50 % → 98\.80 % +0\.6 KiB of 1\.0 KiB/);
    const md = await penx('summary', cmp, '--markdown', '--epochs', '2');
    expect(md.code).toBe(0);
    // A pipe inside a cell is escaped, so each row has as many cells as the header.
    expect(md.stdout).toContain('| epoch | test acc | Δ none (pt) | \\|w\\|<1e-3 | \\|w\\|<1e-2 | \\|w\\|<0.02 |');
    const rowsOf = md.stdout.split('\n').filter((l) => l.startsWith('| 2 |'));
    expect(rowsOf).toHaveLength(2);
    for (const r of rowsOf) expect(r.replaceAll('\\|', '').split('|')).toHaveLength(13);
    expect(rowsOf[1]).toMatch(/^\| 2 \| 96\.00 % \| \+1\.00 \|.*\| 50 % → 98\.80 % \| 0\.6 KiB of 1\.0 KiB \|$/);
    const json = await penx('summary', cmp, '--json', '--epochs', '2');
    expect(json.code).toBe(0);
    const s = JSON.parse(json.stdout) as ReturnType<typeof summarize>;
    expect(s.runs.map((r) => [r.name, r.epochs.map((e) => e.epoch)])).toEqual([
      ['none', [2]],
      ['l1', [2]],
    ]);
    expect(s.runs[1]!.epochs[0]!.prune?.level).toBe(50);
  });

  it("prints a record's control characters as escapes, in text and JSON: a terminal acts on none", async () => {
    const run = join(dir, 'escapes');
    mkdirSync(run);
    const r = record('l1:1e-4', 1, [0.9]);
    // Erase the line and write something else; retitle the terminal.
    const penalty = 'l1:1e-4\u001b[2K\u001b[1Gfake\u001b]0;title\u0007\u009b31m';
    writeFileSync(join(run, 'run.json'), JSON.stringify({ ...r, config: { ...r.config, penalty } }));
    for (const args of [[], ['--json']]) {
      const out = await penx('summary', run, ...args);
      expect(out.code, out.stderr).toBe(0);
      expect([...out.stdout].filter((c) => /\p{Cc}/u.test(c) && c !== '\n')).toEqual([]);
      expect(out.stdout).toContain('l1:1e-4\\u001b[2K\\u001b[1Gfake\\u001b]0;title\\u0007\\u009b31m');
    }
    const json = await penx('summary', run, '--json');
    expect((JSON.parse(json.stdout) as ReturnType<typeof summarize>).runs[0]?.penalty).toBe(penalty);
  });

  it('reads a comparison still training: the runs its manifest lists that are marked runs with a record', async () => {
    const live = join(dir, 'live');
    mkdirSync(live);
    markFolder(live, 'comparison');
    const runs = { none: record('none', 1, [0.9, 0.95]), l1: record('l1:1e-4', 1, [0.91]) };
    for (const [name, r] of Object.entries(runs)) {
      mkdirSync(join(live, name));
      markFolder(join(live, name), 'run');
      writeFileSync(join(live, name, 'run.json'), JSON.stringify(r));
    }
    // Listed but not started (no record yet); listed but not a marked run; a record the manifest does not list.
    mkdirSync(join(live, 'l2'));
    markFolder(join(live, 'l2'), 'run');
    mkdirSync(join(live, 'unmarked'));
    writeFileSync(join(live, 'unmarked', 'run.json'), JSON.stringify(runs.none));
    mkdirSync(join(live, 'unlisted'));
    markFolder(join(live, 'unlisted'), 'run');
    writeFileSync(join(live, 'unlisted', 'run.json'), JSON.stringify(runs.none));
    appendFileSync(join(live, MARKER_FILE), ['none', 'l1', 'l2', 'unmarked'].map((n) => `${JSON.stringify(n)}\n`).join(''));
    const out = await penx('summary', live, '--json', '--epochs', '1');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('a comparison in progress (no compare.json yet): 2 runs with a record so far');
    const s = JSON.parse(out.stdout) as ReturnType<typeof summarize>;
    expect(s.runs.map((r) => [r.name, r.trained])).toEqual([
      ['none', 2],
      ['l1', 1],
    ]);
    expect(s.runs[1]!.epochs.map((e) => e.deltaToNone)).toEqual([expect.closeTo(0.01, 9)]);
    // A folder that is no comparison of the tool's stays refused, records inside or not.
    const plain = join(dir, 'plain');
    mkdirSync(join(plain, 'none'), { recursive: true });
    writeFileSync(join(plain, 'none', 'run.json'), JSON.stringify(runs.none));
    const refused = await penx('summary', plain);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/neither run\.json nor compare\.json/);
  });

  it('reads a sweep folder: its runs with a record, the spread over its seeds, what is not finished on stderr', async () => {
    const sweep = join(dir, 'sweep');
    mkdirSync(sweep);
    markFolder(sweep, 'sweep');
    const runs = [
      { name: 'none_seed=1', penalty: 'none', strength: null, seed: 1 },
      { name: 'none_seed=2', penalty: 'none', strength: null, seed: 2 },
      { name: 'l1_1e-4_seed=1', penalty: 'l1:1e-4', strength: 1e-4, seed: 1 },
      { name: 'l1_1e-4_seed=2', penalty: 'l1:1e-4', strength: 1e-4, seed: 2 },
    ];
    const grid = { penalties: ['none', 'l1'], strengths: [1e-4], seeds: [1, 2] };
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ format: SWEEP_FORMAT, name: 'sweep', grid, settings: { epochs: '2' }, runs }));
    const accs: Record<string, number[]> = { 'none_seed=1': [0.9, 0.95], 'none_seed=2': [0.92, 0.93], 'l1_1e-4_seed=1': [0.91, 0.96] };
    for (const r of runs.slice(0, 3)) {
      mkdirSync(join(sweep, r.name));
      markFolder(join(sweep, r.name), 'run');
      writeFileSync(join(sweep, r.name, 'run.json'), JSON.stringify(record(r.penalty, r.seed, accs[r.name]!)));
    }
    mkdirSync(join(sweep, runs[3]!.name));
    markFolder(join(sweep, runs[3]!.name), 'run');
    const out = await penx('summary', sweep, '--json', '--epochs', '2');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('a sweep not finished: 3 runs of 4 with a record so far, 0 of them short of 2 epochs');
    const s = JSON.parse(out.stdout) as ReturnType<typeof summarize>;
    expect(s.runs.map((r) => [r.name, r.epochs[0]!.testAcc, r.epochs[0]!.deltaToNone])).toEqual([
      ['none_seed=1', 0.95, 0],
      ['none_seed=2', 0.93, 0],
      ['l1_1e-4_seed=1', 0.96, expect.closeTo(0.01, 9)],
    ]);
    expect(s.spread).toEqual([{ penalty: 'none', setup: {}, seeds: [1, 2], epochs: [{ epoch: 2, min: 0.93, max: 0.95 }] }]);
  });

  it('lists a folder of runs a line each, by name, with its state: unfinished, broken and not started ones too; --json an array of the per-run objects', async () => {
    const runs = join(dir, 'runs');
    const put = (name: string, content?: RunRecord | string, mark = true) => {
      mkdirSync(join(runs, name), { recursive: true });
      if (mark) markFolder(join(runs, name), 'run');
      if (content !== undefined) writeFileSync(join(runs, name, 'run.json'), typeof content === 'string' ? content : JSON.stringify(content));
    };
    const unfinished = (seed: number) => {
      const r = record('l1:1e-4', seed, [0.8, 0.85]);
      return { ...r, config: { ...r.config, epochs: 5 } };
    };
    put('b_l1', record('l1:1e-4', 1, [0.91, 0.96]));
    put('a_none', record('none', 1, [0.9, 0.95]));
    put('d_training', unfinished(3));
    // Held by a live process (this test's parent): being trained now.
    writeFileSync(
      join(runs, 'd_training', LOCK_FILE),
      JSON.stringify({ pid: process.ppid, host: hostname(), command: 'penx train', since: '2026-12-07T10:00:00Z' }),
    );
    put('c_stopped', unfinished(2));
    put('e_new');
    put('f_broken', '{"format":');
    put('unmarked', record('none', 1, [0.9]), false); // no marker: not proven a run of the tool's
    writeFileSync(join(runs, 'notes.txt'), 'x');
    mkdirSync(join(runs, 'cmp'));
    markFolder(join(runs, 'cmp'), 'comparison'); // not listed: said on stderr
    const listed = listRuns(runs, 0.5);
    expect(listed.map((r) => [r.name, r.state, 'planned' in r ? `${r.trained}/${r.planned}` : ''])).toEqual([
      ['a_none', 'finished', '2/2'],
      ['b_l1', 'finished', '2/2'],
      ['c_stopped', 'stopped', '2/5'],
      ['d_training', 'training', '2/5'],
      ['e_new', 'not started', ''],
      ['f_broken', 'unreadable', ''],
    ]);
    // Each at its last epoch, with Δ none against the folder's run without a penalty of its seed (none for seeds 2, 3).
    expect(listed.map((r) => ('planned' in r ? r.epochs.map((e) => [e.epoch, e.testAcc, e.deltaToNone]) : []))).toEqual([
      [[2, 0.95, 0]],
      [[2, 0.96, expect.closeTo(0.01, 9)]],
      [[2, 0.85, null]],
      [[2, 0.85, null]],
      [],
      [],
    ]);
    expect((listed[5] as { problem?: string }).problem).toMatch(/f_broken\/run\.json: cannot be read as a run record/);
    const text = listingText(listed, 0.5).split('\n');
    expect(text[0]).toMatch(/^run +penalty +seed +state +epochs +test acc +Δ none \(pt\) +\|w\|<1e-3 /);
    expect(text[3]).toMatch(/^b_l1 +l1:1e-4 +1 +finished +2\/2 +96\.00 % +\+1\.00 /);
    expect(text[6]?.trimEnd()).toMatch(/^e_new +not started$/);
    expect(text.at(-1)).toMatch(/^f_broken: .*cannot be read as a run record/);
    // A run, comparison or sweep folder is summarised as before, not listed.
    expect([join(runs, 'a_none'), join(dir, 'live'), join(dir, 'sweep'), join(dir, 'cmp')].map(runFolders)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // Listed at each run's last epoch, alone: --epochs and other folders beside it refused (exit 2), saying what to give.
    expect(() => summary([runs], { maxDrop: '0.5', epochs: '1' })).toThrow(
      /--epochs goes with run, comparison and sweep folders: .* e\.g\. penx summary .*a_none --epochs 1,10/,
    );
    expect(() => summary([runs, join(dir, 'cmp')], { maxDrop: '0.5' })).toThrow(UsageError);
    const json = await penx('summary', runs, '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toBe(`${runs} also holds 1 comparison (cmp): give each to penx summary\n`);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(listed)));
  });

  it('refuses bad input with exit 2 and says what would be right', async () => {
    const bad = await penx('summary', dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/neither run\.json nor compare\.json; give a folder written by penx train, penx compare or penx sweep/);
    // A path that is missing, or a file, is said as such (it said 'has neither run.json nor compare.json' of them too).
    const file = join(dir, 'cmp', 'none', 'run.json');
    expect(() => summary([join(dir, 'gone')], { maxDrop: '0.5' })).toThrow(`${join(dir, 'gone')} does not exist; give a folder written by penx train`);
    expect(() => summary([file], { maxDrop: '0.5' })).toThrow(`${file} is a file, not a folder; give a folder written by penx train`);
    const epochs = await penx('summary', join(dir, 'cmp'), '--epochs', 'ten');
    expect(epochs.code).toBe(2);
    expect(epochs.stderr).toContain("--epochs must be all, or epochs (whole numbers ≥ 0) such as 1,10,40; got 'ten'");
    const both = await penx('summary', join(dir, 'cmp'), '--json', '--markdown');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--json and --markdown are two outputs/);
    // An epoch no run has (they have 0–2): refused naming the epochs there are, as penx plot does, nothing printed.
    const missing = await penx('summary', join(dir, 'cmp'), '--epochs', '1,7');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('penx: error: --epochs: no run has epoch 7; the runs have epochs 0–2');
    expect(missing.stdout).toBe('');
  });
});
