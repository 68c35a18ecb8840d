/**
 * A flag penx can judge by itself (a number, a list, a list that repeats itself by its normal forms, a path, flags that go together or not, a spec
 * of a built-in penalty, constraint, optimiser or gradient transform) is refused before the library
 * and TF.js load: exit 2 with the one message, in ~0.1 s instead of the ~0.5 s loading TF.js takes
 * (mnist-demo/cli/flag-values.ts; a spec by `checkSpec`, from the built-ins' signatures). A module,
 * data or a folder is judged by the library, so it loads.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDataset } from '../data/idx-files.ts';
import { penxWith } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-early-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `penx args…` in an empty folder: its exit code, stdout, stderr, whether TF.js was loaded by its exit, and what it left in the folder. */
async function refused(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string; tfjs: string; left: string[] }> {
  const cwd = mkdtempSync(join(root, 'cwd-'));
  const report = join(root, `${readdirSync(root).length}.txt`);
  const r = await penxWith({ cwd, env: { PENX_TFJS_AT_EXIT: report }, nodeArgs: ['--import', join(process.cwd(), 'test/fixtures/tfjs-at-exit.mjs')] }, ...args);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, tfjs: readFileSync(report, 'utf8'), left: readdirSync(cwd) };
}

describe('flags refused before TF.js loads', () => {
  it.each<[string, string[], string]>([
    ['train --epochs', ['train', '--penalty', 'l1:1e-4', '--epochs', 'x'], "--epochs must be a whole number ≥ 1, got 'x'"],
    ['train --prune-epochs', ['train', '--penalty', 'l1:1e-4', '--epochs', '2', '--prune-epochs', '5'], '--prune-epochs 5 is after the last epoch'],
    ['train --resume --force', ['train', '--penalty', 'l1:1e-4', '--resume', '--force'], '--resume and --force contradict each other; give one'],
    ['train --threads', ['train', '--penalty', 'l1:1e-4', '--threads', '0'], "--threads must be a whole number ≥ 1, got '0'"],
    ['compare --penalties', ['compare', '--penalties', 'none,,l1'], "--penalties 'none,,l1': item 2 of 3 is empty"],
    ['compare --out', ['compare', '--out', ''], "--out is empty (''); give the folder the runs go in"],
    ['sweep --strengths', ['sweep', '--strengths', '1e-4,x'], "--strengths: a strength must be a number, got 'x'"],
    ['sweep --jobs', ['sweep', '--jobs', '0'], "--jobs must be a whole number ≥ 1, got '0'"],
    ['sweep --status --remove', ['sweep', '--queue', 'redis://127.0.0.1:1', '--status', '--remove'], '--status and --remove are two things to do'],
    ['start --threads', ['start', '--threads', '0'], "--threads must be a whole number ≥ 1, got '0'"],
    ['plot --bins', ['plot', 'runs', '--bins', '0'], "--bins must be a whole number ≥ 1 and ≤ 2000, got '0'"],
    ['plot --epochs', ['plot', 'runs', '--epochs', '1,x'], '--epochs must be a whole number ≥ 0'],
    ['summary --max-drop', ['summary', 'runs', '--max-drop', '200'], "--max-drop must be accuracy points between 0 and 100 (e.g. 0.5), got '200'"],
    // A folder not there yet is waited for; one under a file never can be.
    ['serve (under a file)', ['serve', '/dev/null/runs'], '/dev/null/runs can never be a folder: /dev/null is not a folder; give the folder of your runs'],
    ['playground --port', ['playground', '--port', '70000'], "--port must be a whole number ≥ 0 and ≤ 65535, got '70000'"],
    ['prune --max-drop', ['prune', 'run', '--max-drop', 'x'], "--max-drop must be accuracy points between 0 and 100 (e.g. 0.5), got 'x'"],
    ['worker --concurrency', ['worker', '--queue', 'redis://127.0.0.1:1', '--concurrency', '0'], "--concurrency must be a whole number ≥ 1, got '0'"],
    ['train --name', ['train', '--penalty', 'l1:1e-4', '--name', '../x'], "--name '../x' contains a path separator; give one plain folder name, e.g. l1_1e-4"],
    [
      'train --name with a bidirectional control',
      ['train', '--penalty', 'l1:1e-4', '--name', 'l1\u202egnp.exe'],
      "--name 'l1\\u202egnp.exe' contains the bidirectional control U+202E, which shows the name reordered; give one plain folder name",
    ],
    ['train --monitor (not there)', ['train', '--penalty', 'l1:1e-4', '--monitor', './mine.ts'], "monitor module './mine.ts' not found (looked for "],
    [
      'compare --monitor (a name, not a module)',
      ['compare', '--monitor', 'deadRelu'],
      "--monitor takes a module's path (a .ts or .js file), e.g. ./my-monitor.ts; got 'deadRelu'",
    ],
    ['compare --name', ['compare', '--name', '.penx.lock'], "--name '.penx.lock' is kept for penalty-explorer's own files"],
    ['sweep --name', ['sweep', '--strengths', '1e-4', '--name', 'x.penx-old'], "--name 'x.penx-old' is kept for penalty-explorer's own files"],
    ['bench --steps', ['bench', '--steps', '0'], "--steps must be a whole number ≥ 1, got '0'"],
    ['bench --cpu-steps', ['bench', '--cpu-steps', '-1'], "--cpu-steps must be a whole number ≥ 0, got '-1'"],
    ['bench --eval-images', ['bench', '--eval-images', '10001'], "--eval-images must be a whole number ≥ 1 and ≤ 10000, got '10001'"],
    ['bench --threads', ['bench', '--all', '--threads', '0'], "--threads must be a whole number ≥ 1, got '0'"],
    // The training set's size when the flags give it (they were refused after the backend started).
    [
      'train --batch-size over --train-size',
      ['train', '--penalty', 'l1:1e-4', '--train-size', '128', '--batch-size', '1000'],
      '--batch-size 1000 is larger than the training set (128 images): --train-size is 128; give a --batch-size of at most 128, or a larger --train-size',
    ],
    [
      'compare --batch-size over the bundled MNIST',
      ['compare', '--batch-size', '70000'],
      '--batch-size 70000 is larger than the training set (60000 images): the bundled MNIST, as no --data is given; give a --batch-size of at most 60000',
    ],
    [
      'sweep --batch-size over --train-size',
      ['sweep', '--strengths', '1e-4', '--train-size', '64', '--batch-size', '128'],
      '--batch-size 128 is larger than the training set (64 images)',
    ],
    // More images than the bundled MNIST has (they were refused by the data's reader, once TF.js had loaded).
    [
      'train --train-size over the bundled MNIST',
      ['train', '--penalty', 'l1:1e-4', '--train-size', '70000'],
      "--train-size 70000 is more than the bundled MNIST's 60000 training images; give at most 60000, or a larger set with --data",
    ],
    [
      'compare --test-size over the bundled MNIST',
      ['compare', '--test-size', '20000'],
      "--test-size 20000 is more than the bundled MNIST's 10000 test images; give at most 10000, or a larger set with --data",
    ],
    ['train --model (no such module)', ['train', '--penalty', 'l1:1e-4', '--model', './missing.mjs'], "model module './missing.mjs' not found (looked for "],
    // Specs, by the catalogues' own rules from the built-ins' signatures (they were refused once TF.js had loaded).
    ['train --penalty (a negative strength)', ['train', '--penalty', 'l1:-3'], "strength of l1 must be a finite number ≥ 0, got -3 in 'l1:-3'"],
    [
      'train --penalty (an unknown name)',
      ['train', '--penalty', 'nope:1'],
      "unknown penalty 'nope' in 'nope:1'. Accepted: none, l1, l2, l1l2, l3, l4, lp, deadzone, or a module of yours",
    ],
    [
      'train --penalty (an unknown parameter)',
      ['train', '--penalty', 'deadzone:1e-4,b=1'],
      "unknown parameter 'b' for penalty deadzone in 'deadzone:1e-4,b=1'",
    ],
    [
      'train --constraint',
      ['train', '--penalty', 'l1:1e-4', '--constraint', 'maxnorm:x'],
      "constraint maxnorm takes key=value parameters only, got 'maxnorm:x'; e.g. maxnorm:m=2",
    ],
    [
      'train --constraint (min > max)',
      ['train', '--penalty', 'l1:1e-4', '--constraint', 'minmaxnorm:min=3,max=1'],
      "minmaxnorm needs min ≤ max, got min=3, max=1 in 'minmaxnorm:min=3,max=1'",
    ],
    [
      'train --penalty (,prox without a proximal operator)',
      ['train', '--penalty', 'l2:1e-4,prox'],
      'penalty l2 has no proximal operator; the proximal mode (,prox) takes l1, l1l2, deadzone, or a penalty defined with definePenalty({ …, prox })',
    ],
    ['train --optimizer', ['train', '--penalty', 'l1:1e-4', '--optimizer', 'adam:lr=abc'], "adam parameter lr must be a number, got 'abc'"],
    ['train --optimizer (a module)', ['train', '--penalty', 'l1:1e-4', '--optimizer', './opt.ts'], "'./opt.ts' names a module; optimizers are built in: sgd,"],
    [
      'train --grad (a bad value)',
      ['train', '--penalty', 'l1:1e-4', '--grad', 'conv*:clipnorm=abc'],
      "--grad conv*: clipnorm parameter c must be a number, got 'abc'",
    ],
    [
      'train --grad (an unknown transform)',
      ['train', '--penalty', 'l1:1e-4', '--grad', 'conv*:bogus'],
      "--grad: unknown transform 'bogus' for conv*; accepted: clipvalue,",
    ],
    ['compare --penalties (one bad)', ['compare', '--penalties', 'none,lp:1e-4,p=0'], 'lp parameter p=0 is not allowed; expected a finite number > 0'],
    ['compare --optimizers (one bad)', ['compare', '--optimizers', 'adam;sgd:lr=-1'], 'sgd parameter lr=-1 is not allowed; expected a finite number > 0'],
    ['sweep --penalties (unknown)', ['sweep', '--penalties', 'l1,l7', '--strengths', '1e-4'], "unknown penalty 'l7' in 'l7'"],
    // --lr-mult's factors and a sweep's penalty with a strength of its own (they were refused once TF.js had loaded).
    ['train --lr-mult (not a number)', ['train', '--penalty', 'l1:1e-4', '--lr-mult', 'conv*=abc'], "--lr-mult factor for conv* must be a number, got 'abc'"],
    [
      'compare --lr-mult (a negative factor)',
      ['compare', '--lr-mult', 'dense*=2,conv*=-1'],
      'learning-rate multiplier of conv*=-1 is not allowed; expected a finite number ≥ 0',
    ],
    ['sweep --lr-mult (no name)', ['sweep', '--strengths', '1e-4', '--lr-mult', '=2'], "--lr-mult: '=2' is not pattern=factor, e.g. conv2d_1=0.1"],
    [
      'sweep --penalties (one with a strength)',
      ['sweep', '--penalties', 'l2,l1:1e-4', '--strengths', '1e-4'],
      "the sweep's penalty 'l1:1e-4' has a strength; give penalties without one (e.g. l1) and the strengths apart",
    ],
    [
      'sweep --penalties (a module with a strength)',
      ['sweep', '--penalties', './mine.ts:1e-4', '--strengths', '1e-4'],
      "the sweep's penalty './mine.ts:1e-4' has a strength; give penalties without one (e.g. ./mine.ts) and the strengths apart",
    ],
    [
      'sweep --strengths (not > 0)',
      ['sweep', '--penalties', 'l1', '--strengths', '1e-4,0'],
      "a sweep's strengths must be finite numbers > 0 (they are drawn on a log axis), got 0; put none among the penalties for the baseline",
    ],
    // No strengths for a built-in that takes one (it was refused once TF.js had loaded; none takes none).
    [
      'sweep --strengths (empty)',
      ['sweep', '--penalties', 'none,l2', '--strengths', ''],
      'the sweep has no strengths for l2: the grid has 0 runs of it; give at least one, e.g. 1e-5,1e-4,1e-3',
    ],
    // A grid that repeats itself, by the specs' normal forms (they were refused once TF.js had loaded).
    [
      'compare --penalties (none twice)',
      ['compare', '--penalties', 'none,none'],
      "--penalties 'none,none': items 1 and 2 (none and none) are the same penalty, none: its runs would be trained twice; give each once ('none')",
    ],
    [
      'compare --penalties (one penalty in two spellings)',
      ['compare', '--penalties', 'none,l1:1e-4,l1:0.0001'],
      "--penalties 'none,l1:1e-4,l1:0.0001': items 2 and 3 (l1:1e-4 and l1:0.0001) are the same penalty, l1:1e-4: its runs would be trained twice; give each once ('none,l1:1e-4')",
    ],
    [
      'compare --optimizers (adam and its defaults)',
      ['compare', '--optimizers', 'adam;sgd;adam:lr=0.001'],
      "--optimizers 'adam;sgd;adam:lr=0.001': items 1 and 3 (adam and adam:lr=0.001) are the same optimiser, adam:lr=0.001,beta1=0.9,beta2=0.999,eps=1e-7: its runs would be trained twice; give each once ('adam;sgd')",
    ],
    [
      'compare --penalties (a module twice, as typed)',
      ['compare', '--penalties', './mine.ts,./mine.ts'],
      "--penalties './mine.ts,./mine.ts': items 1 and 2 (./mine.ts and ./mine.ts) are the same penalty, ./mine.ts: its runs would be trained twice; give each once ('./mine.ts')",
    ],
    [
      'sweep --penalties (deadzone and its default)',
      ['sweep', '--penalties', 'deadzone,l1,deadzone,a=0.25', '--strengths', '1e-4'],
      "--penalties 'deadzone,l1,deadzone,a=0.25': items 1 and 3 (deadzone and deadzone,a=0.25) are the same penalty, deadzone,a=0.25: its runs would be trained twice; give each once ('deadzone,l1')",
    ],
    [
      'sweep --strengths (one strength in two spellings)',
      ['sweep', '--penalties', 'l1,l2', '--strengths', '1e-4,0.0001'],
      "--strengths '1e-4,0.0001': items 1 and 2 (1e-4 and 0.0001) are the same strength, 1e-4: its runs would be trained twice; give each once ('1e-4')",
    ],
    [
      'sweep --seeds (a seed twice)',
      ['sweep', '--penalties', 'l1', '--strengths', '1e-4', '--seeds', '1,2,1'],
      "--seeds '1,2,1': items 1 and 3 (1 and 1) are the same seed, 1: its runs would be trained twice; give each once ('1,2')",
    ],
    // A module's penalty takes a strength (definePenalty gives every one λ): none given is said before it is imported.
    [
      'sweep --strengths (empty, a module first)',
      ['sweep', '--penalties', './mine.ts,l2', '--strengths', ''],
      'the sweep has no strengths for ./mine.ts: the grid has 0 runs of it; give at least one, e.g. 1e-5,1e-4,1e-3',
    ],
    [
      'sweep --strengths (empty, a module alone)',
      ['sweep', '--penalties', './mine.ts', '--strengths', ''],
      'the sweep has no strengths for ./mine.ts: the grid has 0 runs of it; give at least one, e.g. 1e-5,1e-4,1e-3',
    ],
    // A module's penalty spelled two ways, by its text alone: the strength and values shortest-form (they were refused once it was imported).
    [
      'compare --penalties (a module in two spellings)',
      ['compare', '--penalties', './mine.ts:1e-4,./mine.ts:0.0001'],
      "--penalties './mine.ts:1e-4,./mine.ts:0.0001': items 1 and 2 (./mine.ts:1e-4 and ./mine.ts:0.0001) are the same penalty, ./mine.ts:1e-4: its runs would be trained twice; give each once ('./mine.ts:1e-4')",
    ],
  ])('%s: exit 2, its message, TF.js not loaded, nothing written', async (_name, args, message) => {
    const r = await refused(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`penx: error: ${message}`);
    expect(r.tfjs).toBe('not loaded');
    expect(r.left).toEqual([]);
  });

  it('a module named in a spec is judged by the library: it loads (the probe sees a load)', async () => {
    const r = await refused(['train', '--penalty', './mine.ts:1e-4', '--epochs', '1']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("penx: error: penalty module './mine.ts' not found");
    expect(r.tfjs).toBe('loaded');
    expect(r.left).toEqual([]);
  });
});

describe('penx penalties SPEC…: a built-in described from its signature, without TF.js', () => {
  it('each spec normalised with its formula, as the library gives them (a module of yours: penx.test.ts)', async () => {
    const r = await refused(['penalties', 'deadzone:1e-4', 'lp:0.0001,p=3', 'none', 'l1:1e-4,prox', 'l1l2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'deadzone:1e-4,a=0.25\tλ·Σ max(0, |w| − a)',
      'lp:1e-4,p=3\tλ·Σ|w|^p',
      'none\t0',
      'l1:1e-4,prox\tλ·Σ|w|',
      'l1l2:1,l1=1e-4,l2=1e-4\tλ·(l1·Σ|w| + l2·Σw²)',
    ]);
    expect(r.tfjs).toBe('not loaded');
  });

  it('--json, one spec bad: the document as before, the error on stderr, exit 2', async () => {
    const r = await refused(['penalties', '--json', 'l1:1e-4', 'nope:1']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual([
      { input: 'l1:1e-4', spec: 'l1:1e-4', formula: 'λ·Σ|w|' },
      {
        input: 'nope:1',
        error:
          "unknown penalty 'nope' in 'nope:1'. Accepted: none, l1, l2, l1l2, l3, l4, lp, deadzone, or a module of yours (see the README's \"Adding a penalty\")",
      },
    ]);
    expect(r.stderr).toBe(
      `penx: error: unknown penalty 'nope' in 'nope:1'. Accepted: none, l1, l2, l1l2, l3, l4, lp, deadzone, or a module of yours (see the README's "Adding a penalty")\n`,
    );
    expect(r.tfjs).toBe('not loaded');
  });

  it.each([
    ['penalties', 'none      0                     —'],
    ['constraints', 'nonneg      w ← w · [w ≥ 0]'],
    ['optimizers', 'sgd       w ← w − lr·g'],
  ])('penx %s: the catalogue as a table, from the signatures, without TF.js', async (command, row) => {
    const r = await refused([command]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').some((line) => line.startsWith(row))).toBe(true);
    expect(r.tfjs).toBe('not loaded');
  });

  it('penx constraints|optimizers --json: the catalogue as data, without TF.js', async () => {
    const c = await refused(['constraints', '--json']);
    expect(JSON.parse(c.stdout).map((e: { name: string; formula: string }) => [e.name, e.formula])).toEqual([
      ['maxnorm', 'w ← w · clip(‖w‖, 0, m) / (ε + ‖w‖)'],
      ['nonneg', 'w ← w · [w ≥ 0]'],
      ['unitnorm', 'w ← w / (ε + ‖w‖)'],
      ['minmaxnorm', 'w ← w · (rate·clip(‖w‖, min, max) + (1−rate)·‖w‖) / (ε + ‖w‖)'],
    ]);
    const o = await refused(['optimizers', '--json']);
    const optimizers = JSON.parse(o.stdout);
    expect(optimizers[0]).toEqual({
      name: 'sgd',
      formula: 'w ← w − lr·g',
      doc: 'Plain gradient descent. Example: sgd:lr=0.01',
      kind: 'optimizer',
      params: { lr: { default: 0.01, above: 0, doc: 'learning rate' } },
      builtin: true,
    });
    // As the table: the gradient transforms --grad takes after the optimisers, each entry saying which it is.
    expect(optimizers.map((e: { kind: string; name: string }) => `${e.kind} ${e.name}`)).toEqual([
      ...['sgd', 'momentum', 'adam', 'adadelta', 'rmsprop', 'adamw', 'adagrad'].map((n) => `optimizer ${n}`),
      ...['clipvalue', 'clipnorm', 'clipglobalnorm', 'clipl1', 'scale', 'zero'].map((n) => `transform ${n}`),
    ]);
    expect(optimizers.find((e: { name: string }) => e.name === 'clipglobalnorm')).toMatchObject({
      formula: 'gᵢ ← gᵢ · min(1, c / ‖(g₁, …, gₙ)‖₂)',
      params: { c: { default: 1, above: 0 } },
    });
    expect([c.tfjs, o.tfjs]).toEqual(['not loaded', 'not loaded']);
  });

  it('penx constraints|optimizers SPEC…: built-ins described, bad ones refused, without TF.js', async () => {
    const c = await refused(['constraints', 'maxnorm', 'minmaxnorm:min=3,max=1']);
    expect(c.code).toBe(2);
    expect(c.stdout).toBe('maxnorm:m=2,axis=0\tw · clip(‖w‖, 0, m) / (ε + ‖w‖)\n');
    expect(c.stderr).toBe("penx: error: minmaxnorm needs min ≤ max, got min=3, max=1 in 'minmaxnorm:min=3,max=1'\n");
    const o = await refused(['optimizers', '--json', 'adamw:lr=1e-3', './x.ts']);
    expect(o.code).toBe(2);
    expect(JSON.parse(o.stdout)).toEqual([
      { input: 'adamw:lr=1e-3', spec: 'adamw:lr=0.001,wd=1e-4,beta1=0.9,beta2=0.999,eps=1e-7', formula: 'w ← w − lr·(m̂/(√v̂ + ε) + wd·w)' },
      { input: './x.ts', error: "'./x.ts' names a module; optimizers are built in: sgd, momentum, adam, adadelta, rmsprop, adamw, adagrad" },
    ]);
    expect([c.tfjs, o.tfjs]).toEqual(['not loaded', 'not loaded']);
  });

  it('a module among the specs: the library loads for it', async () => {
    const r = await refused(['penalties', 'l2', join(process.cwd(), 'mnist-demo/examples/logsum-penalty.ts:1e-4')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('l2:1e-4\tλ·Σw²');
    expect(r.stdout.split('\n')[1]).toMatch(/^logsum:1e-4,eps=/);
    expect(r.tfjs).toBe('loaded');
  });
});

describe('a --data folder read before the backend starts', () => {
  it('a batch larger than its training set: exit 2, the message, no backend line, nothing written', async () => {
    const data = join(root, 'data');
    writeDataset(data, 40, 20);
    const r = await refused(['train', '--penalty', 'l1:1e-4', '--data', data, '--batch-size', '64', '--epochs', '1', '--out', 'runs']);
    expect(r.code, r.stderr).toBe(2);
    // The text of the flags' own refusal (one source), with this case's hint: the folder it read.
    expect(r.stderr).toContain(
      `penx: error: --batch-size 64 is larger than the training set (40 images): the training images of --data ${data}; give a --batch-size of at most 40\n`,
    );
    // It was said after the backend's line (`backend: …`): the data is now read first.
    expect(r.stderr).not.toMatch(/^backend: /m);
    expect(r.left).toEqual([]);
  });
});
