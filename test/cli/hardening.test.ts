/**
 * The command line as a careful user tries it: nothing outside the run folder touched, every kill
 * repaired (kills injected at file writes by a preload, not by timing), every bad input refused
 * early with exit code 2 and nothing written.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { comparisonRuns } from '../../mnist-demo/cli/actions/compare.ts';
import { readRunJson } from '../../src/folders/records.ts';
import { moduleDir } from './module-dir.ts';
import { DRAWN, penx, penxWith, spawnPenxPiped, stopped, TINY } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-hard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const KILL = ['--import', './test/fixtures/kill-at.mjs'];
const readRun = readRunJson;
const killAt = (spec: string) => ({ env: { PENX_KILL_AT: spec }, nodeArgs: KILL });

describe('nothing outside the run folder is touched', () => {
  it('refuses every --name that is not one plain segment, even with --force; nothing is deleted', async () => {
    const base = join(root, 'names');
    mkdirSync(join(base, 'p', 'out', 'other'), { recursive: true });
    mkdirSync(join(base, 'p', 'precious'), { recursive: true });
    writeFileSync(join(base, 'p', 'precious', 'keep.txt'), 'keep');
    for (const name of ['..', '.', '../precious', 'a/b', '/tmp', 'x'.repeat(300)]) {
      const r = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', '--out', join(base, 'p', 'out'), '--name', name, '--force', ...TINY);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(/--name '.*' (is not a folder name|contains a path separator|is \d+ bytes long)/);
    }
    const c = await penx('compare', '--penalties', 'l1', '--epochs', '1', '--out', join(base, 'p', 'out'), '--name', '..', '--force', ...TINY);
    expect(c.code).toBe(2);
    expect(readdirSync(join(base, 'p')).sort()).toEqual(['out', 'precious']);
    expect(readdirSync(join(base, 'p', 'out'))).toEqual(['other']);
    expect(readFileSync(join(base, 'p', 'precious', 'keep.txt'), 'utf8')).toBe('keep');
  }, 120_000);

  it('--force deletes only a folder this tool wrote', async () => {
    const out = join(root, 'force');
    mkdirSync(join(out, 'mine'), { recursive: true });
    writeFileSync(join(out, 'mine', 'notes.txt'), 'not a run');
    const r = await penx('train', '--penalty', 'l1', '--epochs', '1', '--out', out, '--name', 'mine', '--force', ...TINY);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to start .*mine over: it was not written by penalty-explorer/);
    expect(readdirSync(join(out, 'mine'))).toEqual(['notes.txt']);
  }, 60_000);

  it('a second process on the same run folder stops with exit 2 naming the holder', async () => {
    const out = join(root, 'lock');
    const first = spawnPenxPiped('train', '--penalty', 'l2:1e-4', '--epochs', '30', '--out', out, '--name', 'same', ...TINY);
    // Ended also when a check fails first: 30 epochs would go on writing into the folder afterAll removes.
    onTestFinished(() => stopped(first.child));
    const lock = join(out, 'same', '.penx.lock');
    while (!existsSync(lock) && first.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    // Paused, it holds the lock as it would training (its process alive), without taking a core from the second.
    first.child.kill('SIGSTOP');
    const second = await penx('train', '--penalty', 'l2:1e-4', '--epochs', '1', '--out', out, '--name', 'same', '--resume', ...TINY);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`same is in use by process ${first.child.pid} on .* \\(.*train --penalty l2:1e-4`));
    // The killed holder's lock is stale: the next process takes it over and resumes (given more threads than cores: said, and capped).
    const third = await penx('train', '--penalty', 'l2:1e-4', '--epochs', '1', '--out', out, '--name', 'same', '--resume', ...TINY, '--threads', '64');
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toMatch(/--threads 64 is more than the \d+ cores here; using \d+/);
    expect(existsSync(lock)).toBe(false);
  }, 120_000);
});

describe('crash and resume', () => {
  it('a kill after the last checkpoint but before run.json: --resume brings run.json, figures and report in line', async () => {
    const out = join(root, 'repair');
    const args = ['train', '--penalty', 'l1:1e-4', '--epochs', '2', '--out', out, '--name', 'r', ...DRAWN];
    // run.json is renamed into place for epoch 0, 1, 2: die before the third.
    const killed = await penxWith(killAt('rename|/r/run.json|3'), ...args);
    expect(killed.code).toBe(137);
    const dir = join(out, 'r');
    expect(readRun(dir).epochs).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, 'checkpoint', 'run.json'), 'utf8')).epochs).toHaveLength(2);
    expect(readdirSync(dir).some((f) => f.endsWith('.penx-tmp'))).toBe(true);
    const resumed = await penx(...args, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readRun(dir).epochs).toHaveLength(2);
    expect(existsSync(join(dir, 'epoch-002.png'))).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('epoch=2 loss=');
    expect(readdirSync(dir).filter((f) => f.includes('penx-tmp') || f.endsWith('.penx-old'))).toEqual([]);
    // A run.json that is not a record any more, nor a content penx wrote: not written over (it could be anyone's);
    // once moved away, rewritten from the checkpoint's (only the record checked: no figures drawn again).
    writeFileSync(join(dir, 'run.json'), '{"epochs": [');
    const refused = await penx(...args, '--resume', '--no-figures');
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`refusing to write over ${join(dir, 'run.json')} (its content is not what penalty-explorer wrote there)`);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe('{"epochs": [');
    rmSync(join(dir, 'run.json'));
    const again = await penx(...args, '--resume', '--no-figures');
    expect(again.code, again.stderr).toBe(0);
    expect(readRun(dir).epochs).toHaveLength(2);
  }, 120_000);

  it('compare --resume after a kill in a later run’s first epoch restarts that run alone', async () => {
    const out = join(root, 'cmp');
    const args = ['compare', '--penalties', 'none,l1:1e-4', '--epochs', '1', '--out', out, '--name', 'c', ...TINY];
    // The second run's first checkpoint: killed as it would be swapped in.
    const killed = await penxWith(killAt('rename|/c/l1_1e-4/checkpoint|1'), ...args);
    expect(killed.code).toBe(137);
    const first = join(out, 'c', 'none', 'checkpoint', 'model', 'weights.bin');
    const before = statSync(first).mtimeMs;
    const refused = await penx(...args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/use --resume to continue it or --force to start it over/);
    const resumed = await penx(...args, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/has no finished epoch to resume: the run starts over/);
    expect(statSync(first).mtimeMs).toBe(before);
    expect(readRun(join(out, 'c', 'l1_1e-4')).epochs).toHaveLength(1);
  }, 180_000);

  it('finished runs whose checkpoints were removed: compare --resume keeps their records; training on is refused, nothing changed', async () => {
    const out = join(root, 'nockpt');
    const args = ['compare', '--penalties', 'none,l1:1e-4', '--epochs', '2', '--prune-epochs', 'none', '--out', out, '--name', 'done', ...TINY];
    const first = await penx(...args);
    expect(first.code, first.stderr).toBe(0);
    const runs = ['none', 'l1_1e-4'].map((n) => join(out, 'done', n));
    // As a finished study is committed: its records kept, checkpoints and per-run images left out.
    for (const dir of runs) for (const f of readdirSync(dir)) if (!['run.json', '.penx-folder.jsonl'].includes(f)) rmSync(join(dir, f), { recursive: true });
    const records = runs.map((dir) => readFileSync(join(dir, 'run.json'), 'utf8'));
    const again = await penx(...args, '--resume');
    expect(again.code, again.stderr).toBe(0);
    for (const dir of runs) expect(again.stderr).toContain(`${dir} is finished (2 epochs): kept as it is`);
    expect(runs.map((dir) => readFileSync(join(dir, 'run.json'), 'utf8'))).toEqual(records);
    for (const dir of runs) expect(readdirSync(dir).sort()).toEqual(['.penx-folder.jsonl', 'run.json']);
    expect(existsSync(join(out, 'done', 'compare.json'))).toBe(true);
    // Kept on another backend too (no step runs); another seed is another run: refused.
    const wasm = await penx(...args, '--resume', '--backend', 'wasm');
    expect(wasm.code, wasm.stderr).toBe(0);
    expect(runs.map((dir) => readFileSync(join(dir, 'run.json'), 'utf8'))).toEqual(records);
    const seed = await penx(...args, '--resume', '--seed', '7');
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/cannot resume .*none: its seed is 42, this run's is 7/);
    expect(runs.map((dir) => readFileSync(join(dir, 'run.json'), 'utf8'))).toEqual(records);

    const more = await penx(
      'train',
      '--penalty',
      'none',
      '--epochs',
      '3',
      '--prune-epochs',
      'none',
      '--out',
      join(out, 'done'),
      '--name',
      'none',
      '--resume',
      ...TINY,
    );
    expect(more.code).toBe(2);
    expect(more.stderr).toContain(
      `penx: error: cannot resume ${runs[0]}: its run.json holds 2 finished epochs but its checkpoint is gone, which training on to 3 needs; nothing was changed`,
    );
    expect(more.stderr).toMatch(/--force starts it over, its record replaced$/m);
    // Found from the records before the backend starts (it was after the backend's line and the run's graph).
    expect(more.stderr).not.toMatch(/^backend:/m);
    expect(readFileSync(join(runs[0]!, 'run.json'), 'utf8')).toBe(records[0]);
    expect(readdirSync(runs[0]!).sort()).toEqual(['.penx-folder.jsonl', 'run.json']);
  }, 180_000);

  it('--resume with another thread count is said and recorded per session; --resume of nothing says so', async () => {
    const out = join(root, 'threads');
    const base = ['train', '--penalty', 'none', '--out', out, '--name', 't', ...TINY];
    const fresh = await penx(...base, '--epochs', '1', '--threads', '2', '--resume');
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).toMatch(/nothing to resume in .*t: starting a new run/);
    const between = new Date().toISOString();
    const again = await penx(...base, '--epochs', '2', '--threads', '1', '--resume');
    expect(again.code, again.stderr).toBe(0);
    // Singular for one thread (it said "1 thread(s) (one)"), with how the two shared a batch.
    expect(again.stderr).toMatch(/resuming on 1 thread where the run used 2 threads \(data\): sums .*weights will differ slightly/);
    const run = readRun(join(out, 't'));
    expect(run.sessions?.map((s) => [s.fromEpoch, s.threads])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    // How threads share a batch, only where there were several: one thread has no `parallel`.
    expect(run.sessions![0]!.parallel).toBe('data');
    expect(run.sessions![1]).not.toHaveProperty('parallel');
    // Each session when its process started: the first one at the run's own start, not at its last write.
    expect(run.sessions![0]!.startedAt).toBe(run.config.startedAt);
    expect(run.sessions![0]!.startedAt < between && between < run.sessions![1]!.startedAt).toBe(true);
  }, 120_000);

  it('--resume of a run whose checkpoint is damaged: exit 2 with one message naming it, no stack trace, run.json untouched', async () => {
    // The run the test above trained (a process of its own is most of a test's time).
    const out = join(root, 'threads');
    const args = ['train', '--penalty', 'none', '--out', out, '--name', 't', ...TINY];
    expect(readRun(join(out, 't')).epochs).toHaveLength(2);
    truncateSync(join(out, 't', 'checkpoint', 'model', 'weights.bin'), 1000);
    const record = readFileSync(join(out, 't', 'run.json'), 'utf8');
    const resumed = await penx(...args, '--epochs', '3', '--resume');
    expect(resumed.code, resumed.stderr).toBe(2);
    // Not what penx wrote there (its tree digest): refused before it is read or replaced.
    expect(resumed.stderr).toMatch(
      /^penx: error: refusing to write over .*\/t\/checkpoint \(a folder whose content is not what penalty-explorer wrote there\)/m,
    );
    expect(resumed.stderr).not.toMatch(/\n\s+at /);
    // Refused before anything changed: run.json keeps its sessions (no session that never trained).
    expect(readFileSync(join(out, 't', 'run.json'), 'utf8')).toBe(record);
  }, 120_000);

  it('Ctrl-C: exit 130 and one line saying how to continue', async () => {
    const out = join(root, 'sigint');
    const run = spawnPenxPiped('train', '--penalty', 'l1:1e-4', '--epochs', '20', '--out', out, '--name', 'i', ...TINY);
    onTestFinished(() => stopped(run.child));
    while (!existsSync(join(out, 'i', 'run.json')) && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toMatch(/penx: interrupted; continue it with: penx train --penalty l1:1e-4 --epochs 20 .*--name i .*--resume$/m);
    expect(existsSync(join(out, 'i', '.penx.lock'))).toBe(false);
  }, 60_000);
});

describe('bad input: exit 2, a message, nothing written', () => {
  // The last column: refused before the backend starts (its `backend: …` line), or only when a folder is made.
  it.each<[string, string[], RegExp, boolean]>([
    // It was refused once the backend had started, when the folder was made.
    ['an --out under a file', ['--out', '__FILE__/x'], /cannot make .*\/a-file\/x: .*\/a-file is a file, not a folder/, true],
    // Found only by making a folder there (as root, /proc passes the check for writing).
    ['an --out that takes no folders', ['--out', '/proc/penx-x'], /cannot make \/proc\/penx-x/, false],
    ['a 300-character name', ['--name', 'n'.repeat(300)], /is 300 bytes long \(at most 255\)/, true],
    ['a batch larger than the training set', ['--batch-size', '1000'], /--batch-size 1000 is larger than the training set \(128 images\)/, true],
    ['a strength that underflows', ['--penalty', 'l1:1e-400'], /too small for a 64-bit float/, true],
    [
      'a constraint that cannot apply to a kernel',
      ['--constraint', 'maxnorm:m=2,axis=3'],
      /cannot be applied to dense_1\/kernel \(shape \[3200,128\]\): axis=3 is out of range/,
      true,
    ],
  ])(
    '%s',
    async (_, flags, message, beforeBackend) => {
      const out = join(root, 'bad');
      const file = join(root, 'a-file');
      writeFileSync(file, 'mine');
      const given = flags.map((f) => f.replace('__FILE__', file));
      // The folder penx was given: the row's own --out (the last given counts), else `out`.
      const at = given.lastIndexOf('--out');
      const passed = at < 0 ? out : (given[at + 1] as string);
      const penaltyFlag = given.includes('--penalty') ? [] : ['--penalty', 'l1'];
      const r = await penx('train', ...penaltyFlag, '--epochs', '1', ...TINY, '--out', out, ...given);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      if (beforeBackend) expect(r.stderr).not.toMatch(/^backend:/m);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
      // Refused before training: not even the untrained model's evaluation (its `epoch 0:` line).
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/\bepoch \d+:/);
      expect(existsSync(passed) ? readdirSync(passed) : []).toEqual([]);
      // The --out the row's own replaced (the last wins) not made either: for /proc/penx-x, where nothing
      // can ever be made (so the check above cannot fail there), this is the row's check that nothing was written.
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
      // A file in the way of the folder given: as it was, still a file.
      expect(readFileSync(file, 'utf8')).toBe('mine');
    },
    60_000,
  );

  it('empty lists of penalties, optimisers, learning-rate multipliers or gradient transforms (the last two were ignored, unsaid)', async () => {
    for (const flags of [
      ['--penalties', ''],
      ['--penalties', ','],
      ['--optimizers', ''],
      ['--lr-mult', ''],
      ['--lr-mult', ' , '],
      ['--grad', ';'],
    ]) {
      const r = await penx('compare', ...flags, '--epochs', '1', ...TINY, '--out', join(root, 'empty'));
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/names no (penalty|optimiser|layer)/);
    }
    expect(existsSync(join(root, 'empty'))).toBe(false);
  }, 120_000);

  // A list repeating a built-in is refused before TF.js loads (early-checks.test.ts); a module's spec
  // only once imported, by the run names: two spellings of one module's penalty.
  it('compare given one module penalty in two spellings: refused once imported, by the run it names twice', async () => {
    const mine = './mnist-demo/examples/logsum-penalty.ts';
    await expect(comparisonRuns([`${mine}:1e-4`, `${mine}:0.0001`], undefined)).rejects.toThrow(
      '--penalties names logsum:1e-4,eps=0.01 twice; each penalty once',
    );
  });

  it('modules: exactly the path given; two modules defining one name are refused; no TF.js advert', async () => {
    const body = (name: string, f: string) =>
      `import { definePenalty, tf } from 'penalty-explorer';\nexport default definePenalty({ name: '${name}', fn: (w) => ${f} });\n`;
    // A user's project with the package installed, penx run in it: its modules named by relative paths.
    const here = moduleDir('penx-hard-mods-');
    try {
      writeFileSync(join(here, 'p.ts'), body('fromts', 'tf.square(w)'));
      writeFileSync(join(here, 'p.js'), body('fromjs', 'tf.log1p(tf.square(w))'));
      writeFileSync(join(here, 'q.js'), body('fromts', 'tf.exp(w)'));
      const exact = await penxWith({ cwd: here }, 'penalties', './p.js', './p.ts');
      expect(exact.code, exact.stderr).toBe(0);
      expect(exact.stdout).toMatch(/^fromjs:1e-4\t.*\(from \.\/p\.js\)$/m);
      const dup = await penxWith({ cwd: here }, 'penalties', './p.ts', './q.js');
      expect(dup.code).toBe(2);
      expect(dup.stderr).toMatch(/penalty 'fromts' is already defined by another module, differently; give each penalty its own name/);
      const grad = await penxWith(
        { cwd: here },
        'train',
        '--penalty',
        './p.ts',
        '--grad',
        'nope:clipnorm=1',
        '--epochs',
        '1',
        '--out',
        join(root, 'mods', 'o'),
        ...TINY,
      );
      expect(grad.code).toBe(2);
      expect(grad.stderr).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  }, 60_000);
});
