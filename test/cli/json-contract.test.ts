/**
 * `--json` of the commands that write folders (train, compare, a local sweep, start, plot): stdout is
 * one JSON document, printed at the end, saying what is on disk — each run's folder, its final scores
 * exactly as run.json records them, whether it diverged or ended early, and every file penx wrote
 * (absolute paths, checked against the files really there). A refused command prints no document:
 * exit 2, one message on stderr, as the other --json commands do. With them, summary's and adopt's
 * documents (run in this process) of folders given relative: every path field of every document absolute.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { adopt } from '../../mnist-demo/cli/actions/adopt.ts';
import { summary } from '../../mnist-demo/cli/actions/summary.ts';
import { readRunJson } from '../../src/folders/records.ts';
import { olderComparison } from '../fixtures/older-penx-folder.ts';
import { until } from '../wait.ts';
import { penx, penxWith, type Run, spawnPenxPiped, stopped, TINY } from './run-penx.ts';
import { filesBelow } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-json-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface RunDoc {
  readonly name: string;
  readonly dir: string;
  readonly epochs: number;
  readonly epoch: number;
  readonly testAcc: number | null;
  readonly testLoss: number | null;
  readonly sparsity: object;
  readonly stopped: object | null;
  readonly endedEarly: object | null;
  readonly files: string[];
  readonly state?: string;
}

interface FolderDoc {
  readonly out?: string;
  readonly kind: string;
  readonly dir: string;
  readonly files?: string[];
  readonly runs: RunDoc[];
}

/** Every document parsed, for the README's check at the end. */
const seen: object[] = [];

/** stdout as the one JSON document it must be (JSON.parse refuses anything before or after it). */
function documentOf<T extends object>(stdout: string): T {
  const doc = JSON.parse(stdout) as T;
  seen.push(doc);
  return doc;
}

/** The fields of the documents that hold paths (a path, or a list of them): each absolute, as the README's Scripting section says. */
const PATH_FIELDS = ['out', 'dir', 'files', 'folder', 'adopted', 'path'];

/** Every value of a path field in `value`, nested, as `[field, path]` (not inside a run's `sparsity`, `stopped` or `endedEarly`). */
function pathsOf(value: unknown, into: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(value)) for (const v of value) pathsOf(v, into);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (PATH_FIELDS.includes(k)) for (const path of [v].flat()) into.push([k, path]);
      else if (!['sparsity', 'stopped', 'endedEarly'].includes(k)) pathsOf(v, into);
    }
  return into;
}

/**
 * The one document an action of the command line prints with `--json`, run in this process (no
 * process of its own: summary and adopt load no model), its stderr kept quiet.
 */
function printedBy(action: () => void): unknown {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    action();
    expect(log).toHaveBeenCalledTimes(1);
    return documentOf(String(log.mock.calls[0]![0]));
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

/** The keys of a document's objects, nested (not those of a run's `sparsity`, `stopped` or `endedEarly`, which run.json defines). */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      if (!['sparsity', 'stopped', 'endedEarly'].includes(k)) keysOf(v, into);
    }
  return into;
}

/** A run of the document checked against its folder: the scores as run.json has them, the files as they are on disk. */
function expectRunOnDisk(run: RunDoc, dir: string): void {
  const record = readRunJson(dir);
  const last = record.epochs.at(-1) ?? record.initial;
  expect(run).toMatchObject({
    name: record.config.name,
    dir,
    epochs: record.config.epochs,
    epoch: last.epoch,
    testAcc: last.testAcc,
    testLoss: last.testLoss,
    sparsity: last.sparsity,
    stopped: record.stopped ?? null,
    endedEarly: record.endedEarly ?? null,
  });
  expect(run.files.every(isAbsolute)).toBe(true);
  expect(run.files).toContain(join(dir, 'run.json'));
  expect([...run.files].sort()).toEqual(filesBelow(dir));
}

/** A refusal under --json: exit 2, no document, one message on stderr. */
function expectRefused(r: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
}

describe('penx train --json, then penx plot --json on the same run', () => {
  const out = join(root, 'runs');
  const dir = join(out, 'l1_1e-4');

  it('train: one document at the end, the run as written; progress on stderr only', async () => {
    const r = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', '--out', out, ...TINY, '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = documentOf<FolderDoc>(r.stdout);
    expect(doc).toMatchObject({ out, kind: 'run', dir });
    expect(doc.runs).toHaveLength(1);
    expectRunOnDisk(doc.runs[0]!, dir);
    expect(doc.runs[0]!.epoch).toBe(1);
    expect(r.stderr).toMatch(/\[l1:1e-4\] epoch 1: test loss/);
    // TINY trains with --no-figures: the record and the checkpoint only, and how to draw them.
    expect(r.stderr).toMatch(/^done: 1 epoch, test accuracy .*; no figures drawn \(--no-figures\); draw them with: penx plot /m);
    expect(doc.runs[0]!.files.filter((f) => /\.(png|svg|html)$/.test(f))).toEqual([]);
  }, 120_000);

  it('plot: the run redrawn, as written', async () => {
    const r = await penx('plot', dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = documentOf<{ folders: FolderDoc[] }>(r.stdout);
    expect(doc.folders).toHaveLength(1);
    expect(doc.folders[0]).toMatchObject({ kind: 'run', dir });
    expectRunOnDisk(doc.folders[0]!.runs[0]!, dir);
    // Drawn now from run.json: penx train --no-figures drew nothing.
    expect(doc.folders[0]!.runs[0]!.files).toEqual(expect.arrayContaining(['report.html', 'epoch-001.png', 'histograms.png'].map((f) => join(dir, f))));
    expect(r.stderr).toMatch(/^redrew /m);
  }, 60_000);

  it('refusals print no document: train with a bad penalty, plot of a folder that is no run', async () => {
    expectRefused(await penx('train', '--penalty', 'nosuch:1e-4', '--out', out, ...TINY, '--json'), /^penx: error: .*nosuch/m);
    expectRefused(await penx('plot', root, '--json'), /^penx: error: .*has neither run\.json nor compare\.json/m);
    expect(readdirSync(out)).toEqual(['l1_1e-4']);
  }, 60_000);

  it('summary and adopt of folders given relative to the working folder: every path in their documents absolute (folder was as typed)', () => {
    const typed = (path: string) => relative(process.cwd(), path);
    expect(isAbsolute(typed(dir))).toBe(false);
    const run = printedBy(() => summary([typed(dir)], { maxDrop: '0.5', json: true })) as { runs: { folder: string; name: string }[] };
    expect(run.runs.map((r) => [r.folder, r.name])).toEqual([[dir, 'l1_1e-4']]);
    // A folder of runs: a line per run.
    expect(printedBy(() => summary([typed(out)], { maxDrop: '0.5', json: true }))).toEqual([expect.objectContaining({ folder: out, name: 'l1_1e-4' })]);
    // A folder an older penx wrote: adopted, then one of its files changed and left.
    const older = join(root, 'older');
    olderComparison(older);
    const adopted = printedBy(() => adopt([typed(older)], { json: true })) as { folders: { folder: string; adopted: string[] }[] };
    expect(adopted.folders[0]).toMatchObject({ folder: older, left: [] });
    expect(adopted.folders[0]!.adopted).toContain(join(older, 'none', 'run.json'));
    writeFileSync(join(older, 'report.html'), '<html>mine');
    expect(printedBy(() => adopt([typed(older)], { json: true }))).toEqual({
      folders: [{ folder: older, adopted: [], left: [{ path: join(older, 'report.html'), why: 'its content is not what penalty-explorer wrote there' }] }],
    });
  });

  it('train of a run that diverges: the document still, with where it stopped; exit 1', async () => {
    const r = await penx('train', '--penalty', 'l2:1e-4', '--optimizer', 'sgd:lr=1e30', '--name', 'd', '--epochs', '1', '--out', out, ...TINY, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^penx: stopped: the data loss became NaN or infinite at epoch 1, batch 2; .*; lower the learning rate/m);
    const run = documentOf<FolderDoc>(r.stdout).runs[0]!;
    expectRunOnDisk(run, join(out, 'd'));
    expect(run).toMatchObject({ epoch: 0, stopped: { epoch: 1, batch: 2 } });
  }, 120_000);
});

/** The document of a command that finished (exit 0), of the folder `out/name` of `kind` holding `record` (e.g. compare.json). */
function folderDone(r: Run, out: string, name: string, kind: string, record: string): FolderDoc {
  const dir = join(out, name);
  expect(r.code, r.stderr).toBe(0);
  const doc = documentOf<FolderDoc>(r.stdout);
  expect(doc).toMatchObject({ out, kind, dir });
  expect(doc.files).toContain(join(dir, record));
  return doc;
}

/** The runs of `penx compare --penalties none,l1:1e-4`. */
const COMPARED = ['none', 'l1_1e-4'];

/**
 * A comparison's document, as `penx compare … --name c --json` prints it when done (TINY: no figures), checked
 * against the folder `out/c` on disk: its own files, each run as written. (Of a resumed comparison, with the
 * tests of a stop below: one comparison trained where two were.)
 */
function expectComparisonDone(r: Run, out: string): FolderDoc {
  const doc = folderDone(r, out, 'c', 'comparison', 'compare.json');
  const dir = join(out, 'c');
  // --no-figures (in TINY): neither the comparison's figures nor its runs'.
  expect(doc.files!.filter((f) => /\.(png|svg|html)$/.test(f))).toEqual([]);
  expect([...doc.files!].sort()).toEqual(filesBelow(dir, COMPARED));
  expect(doc.runs.map((run) => run.name)).toEqual(COMPARED);
  for (const run of doc.runs) expectRunOnDisk(run, join(dir, run.name));
  expect(doc.runs.flatMap((run) => run.files).filter((f) => /\.(png|svg|html)$/.test(f))).toEqual([]);
  expect(r.stderr).toMatch(new RegExp(`^no figures drawn \\(--no-figures\\); draw them with: penx plot ${dir}$`, 'm'));
  return doc;
}

/**
 * A sweep's document, as `penx sweep --penalties l1 --strengths 1e-4 --seeds 1 … --name s --json` prints it
 * when done (TINY: no figures), checked against the folder `out/s` on disk: its own files, its run with its
 * state, as written. (Of a resumed sweep, with the tests of a stop below: one sweep trained where two were.)
 */
function expectSweepDone(r: Run, out: string): FolderDoc {
  const doc = folderDone(r, out, 's', 'sweep', 'sweep.json');
  const dir = join(out, 's');
  expect([...doc.files!].sort()).toEqual(filesBelow(dir, ['l1_1e-4_seed=1']));
  expect(doc.runs.map((run) => [run.name, run.state])).toEqual([['l1_1e-4_seed=1', 'done']]);
  expectRunOnDisk(doc.runs[0]!, join(dir, 'l1_1e-4_seed=1'));
  // --no-figures reaches the run's child process; the sweep's own report (its table of runs) is still written.
  expect(doc.runs[0]!.files.filter((f) => /\.(png|svg|html)$/.test(f))).toEqual([]);
  expect(doc.files).toContain(join(dir, 'report.html'));
  return doc;
}

describe('penx compare --json --serve, then penx plot --json on the comparison', () => {
  /**
   * `penx plot --json` of the comparison `--serve` trained, run while its dashboard served: one drawing of a
   * comparison for both tests (drawing is most of a plot's time).
   */
  let plotted: { dir: string; stdout: string } | undefined;

  it('compare --serve: the document when training is done, every folder released, while the dashboard stays until Ctrl-C (exit 0, no second document)', async () => {
    const served = join(root, 'served');
    // In a process group of its own, recorded: the run's teardown ends it should this test's worker be killed.
    const { child, stdout, stderr, exited } = spawnPenxPiped(
      ...['compare', '--penalties', 'none,l1:1e-4', '--epochs', '1', '--out', served, '--name', 'c', ...TINY, '--serve', '0', '--json'],
    );
    const parsed = () => {
      try {
        return JSON.parse(stdout()) as FolderDoc;
      } catch {
        return undefined;
      }
    };
    const serving = () => parsed() !== undefined && /the dashboard stays at http/.test(stderr());
    try {
      await until(() => serving() || child.exitCode !== null, 120_000, 'the document and the dashboard, or an exit');
      expect(child.exitCode, stderr()).toBeNull();
      const doc = documentOf<FolderDoc>(stdout());
      const dir = join(served, 'c');
      expect(doc).toMatchObject({ kind: 'comparison', dir });
      for (const run of doc.runs) expectRunOnDisk(run, run.dir);
      // While it serves, nothing is locked: the comparison redraws (it was refused as in use). Its document: the next test.
      expect((readdirSync(served, { recursive: true }) as string[]).filter((f) => f.endsWith('.penx.lock'))).toEqual([]);
      const redrawn = await penx('plot', dir, '--json');
      expect(redrawn.code, redrawn.stderr).toBe(0);
      plotted = { dir, stdout: redrawn.stdout };
      child.kill('SIGINT');
      expect(await exited, stderr()).toBe(0);
      expect(JSON.parse(stdout())).toEqual(doc);
    } finally {
      // A failed check leaves no dashboard serving after the test.
      await stopped(child);
    }
    // The training's budget and the plot's (it had a test of its own, of 120 s).
  }, 270_000);

  it('plot: the comparison and its runs redrawn, as written (the comparison served above, once its dashboard stopped)', () => {
    expect(plotted, 'the test above plotted the served comparison').toBeDefined();
    const { dir } = plotted!;
    const [folder] = documentOf<{ folders: FolderDoc[] }>(plotted!.stdout).folders;
    expect(folder).toMatchObject({ kind: 'comparison', dir });
    expect(folder!.files).toEqual(expect.arrayContaining(['report.html', 'histograms.png', 'overlay.png'].map((f) => join(dir, f))));
    expect([...folder!.files!].sort()).toEqual(filesBelow(dir, COMPARED));
    for (const run of folder!.runs) expectRunOnDisk(run, join(dir, run.name));
  }, 120_000);
});

describe('penx sweep --json on this machine', () => {
  it('--json with --queue but not --status is refused, no document', async () => {
    expectRefused(
      await penx('sweep', '--queue', 'redis://127.0.0.1:1', '--json'),
      /^penx: error: --json goes with --status on a queue, or with a sweep on this machine/m,
    );
  });
});

describe('--json of a run stopped by Ctrl-C or SIGTERM: the document still, saying so and how to resume', () => {
  // (Also the tests of a signal during an epoch on the command line: exit code, nothing left behind, the resume finishing it.)
  /** Epochs recorded in `dir`'s run.json so far (0 before it is written). */
  const epochsDone = (dir: string) => (existsSync(join(dir, 'run.json')) ? readRunJson(dir).epochs.length : 0);
  /** Killed once the first is recorded: two left (a second or more of training, no race with the run's end) for the resume. */
  const EPOCHS = 3;

  /** The resumed command's document when it is done (checked as any such command's: compare's and sweep's above). */
  type Finished = ((r: Run, out: string) => FolderDoc) | undefined;
  it.each<[string, NodeJS.Signals, number, string[], string, string, Finished]>([
    ['train', 'SIGINT', 130, ['train', '--penalty', 'l1:1e-4', '--name', 'r'], 'r', 'run', undefined],
    ['compare', 'SIGTERM', 143, ['compare', '--penalties', 'none,l1:1e-4', '--name', 'c'], 'c', 'comparison', expectComparisonDone],
    [
      'sweep',
      'SIGTERM',
      143,
      ['sweep', '--penalties', 'l1', '--strengths', '1e-4', '--seeds', '1', '--jobs', '1', '--name', 's'],
      's',
      'sweep',
      expectSweepDone,
    ],
  ])(
    '%s stopped by %s: exit %i, one document of what is on disk, `interrupted` naming the signal and the command that resumes it',
    async (name, signal, exitCode, args, folder, kind, finished) => {
      const out = join(root, `stopped-${name}`);
      const dir = join(out, folder);
      // --force: the command that resumes must not start the folder over.
      const command = [...args, '--epochs', String(EPOCHS), ...TINY, '--out', out, '--force', '--json'];
      const firstRun = name === 'train' ? dir : join(dir, name === 'compare' ? 'none' : 'l1_1e-4_seed=1');
      const run = spawnPenxPiped(...command);
      let doc: FolderDoc & { interrupted: { signal: string; resume: string | null } };
      try {
        await until(() => epochsDone(firstRun) > 0 || run.child.exitCode !== null, 90_000, 'the first epoch recorded');
        run.child.kill(signal);
        expect(await run.exited, run.stderr()).toBe(exitCode);
        await run.stdoutEnded;
        doc = documentOf(run.stdout());
      } finally {
        await stopped(run.child);
      }
      // Nothing left behind: no lock, no temporary file; the run as its last checkpoint left it.
      expect(
        readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.penx.lock') || f.includes('penx-tmp')),
        run.stderr(),
      ).toEqual([]);
      expect(readFileSync(join(firstRun, 'run.json'), 'utf8')).toBe(readFileSync(join(firstRun, 'checkpoint', 'run.json'), 'utf8'));
      expect(run.stderr()).toMatch(/^penx: interrupted; continue it with: penx /m);
      expect(doc).toMatchObject({ out, kind, dir });
      const resume = `penx ${command.filter((a) => a !== '--force').join(' ')} --resume`;
      expect(doc.interrupted).toEqual({ signal, resume });
      const first = doc.runs.find((r) => r.dir === firstRun)!;
      expectRunOnDisk(first, firstRun);
      expect(first.epoch).toBeGreaterThan(0);
      expect(first.epoch).toBeLessThan(EPOCHS);
      if (name === 'sweep') expect(first.state).toBe('partial');
      // The command it names continues the run from its checkpoint (not over: --force is not in it).
      const resumed = await penxWith({ env: { PENX_TEST_WORKERS: '1' } }, ...resume.split(' ').slice(1));
      expect(resumed.code, resumed.stderr).toBe(0);
      const done = (finished?.(resumed, out) ?? documentOf<FolderDoc>(resumed.stdout)) as FolderDoc & { interrupted: unknown };
      expect(done.interrupted).toBeNull();
      expect(resumed.stderr).toContain(`resuming after epoch ${first.epoch}`);
      expect(readRunJson(firstRun).epochs).toHaveLength(EPOCHS);
    },
    300_000,
  );
});

describe('penx start --json', () => {
  // The job itself takes minutes (npm start, run by hand); its document is penx compare's (compareRuns).
  it("refusing the user's figures/runs/quickstart prints no document", async () => {
    const cwd = join(root, 'project');
    const quick = join(cwd, 'figures', 'runs', 'quickstart');
    mkdirSync(quick, { recursive: true });
    writeFileSync(join(quick, 'notes.txt'), 'mine');
    expectRefused(
      await penxWith({ cwd }, 'start', '--json'),
      /^penx: error: refusing to start figures\/runs\/quickstart over: it was not written by penalty-explorer/m,
    );
    expect(readdirSync(quick)).toEqual(['notes.txt']);
  });
});

describe("the README's Scripting section", () => {
  it('says which fields hold paths, and each path in the documents above is absolute', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Scripting'), readme.indexOf('## Reliability'));
    const sentence = section.slice(section.indexOf('Every path in a document is absolute'), section.indexOf('(prune.json'));
    expect([...sentence.matchAll(/`(\w+)`/g)].map((m) => m[1])).toEqual(PATH_FIELDS);
    const paths = pathsOf(seen);
    expect(new Set(paths.map(([field]) => field))).toEqual(new Set(PATH_FIELDS));
    expect(paths.filter(([, path]) => typeof path !== 'string' || !isAbsolute(path))).toEqual([]);
  });

  it('names every field the documents above hold', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Scripting'), readme.indexOf('## Reliability'));
    expect(seen.length).toBeGreaterThan(0);
    // A field is named in code: alone (`files`) or in a shape (`{ out, kind: "run", dir, runs: [run] }`).
    const spans = section.match(/`[^`\n]+`/g) ?? [];
    const named = (k: string) => spans.some((span) => new RegExp(`\\b${k}\\b`).test(span));
    const missing = [...keysOf(seen)].filter((k) => !named(k));
    expect(missing).toEqual([]);
  });
});
