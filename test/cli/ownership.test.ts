/**
 * Nothing outside the tool's own files is touched (issue 20, points 1–4, 11, 12): a user's folder
 * with files survives every command pointed at it, a refused command changes nothing, `--force`
 * deletes only what the tool's manifest lists, `penx prune --out` writes only into its own folder,
 * `penx plot` leaves a run being trained alone, and every numeric flag reads numbers one way.
 */
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { trackOwned } from '../../src/folders/owner.ts';
import { readRunJson } from '../../src/folders/records.ts';
import { writeFileAtomic } from '../../src/io/atomic.ts';
import { olderPruned } from '../fixtures/older-penx-folder.ts';
import { penx, penxWith, spawnPenxPiped, TINY } from './run-penx.ts';
import { tree, userFolder } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-own-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const out = join(root, 'runs');
/**
 * A finished run (with its prune curve) and a finished comparison of one run (`none`: one run's figures
 * for `penx plot` to draw, not two), written by penx itself.
 */
const trained = join(out, 'trained');
const comparison = join(out, 'cmp');

beforeAll(async () => {
  const [t, c] = await Promise.all([
    penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--prune-epochs', 'last', '--out', out, '--name', 'trained'),
    penx('compare', '--penalties', 'none', '--epochs', '1', ...TINY, '--out', out, '--name', 'cmp'),
  ]);
  expect(t.code, t.stderr).toBe(0);
  expect(c.code, c.stderr).toBe(0);
}, 240_000);

/** A project folder of a user's, with names a careless clean-up would take for its own. */
const PROJECT = {
  'src/main.py': 'print(1)\n',
  'notes.txt': 'years of work',
  'report.old': 'the previous report',
  'thesis.old': 'the previous thesis',
  'build.tmp-1234/out.bin': 'built',
  '.keys.123.abc.tmp': 'secret',
  'checkpoint/model.pt': 'weights',
  'train.py': 'import torch\n',
  'paper.tex': '\\documentclass{article}',
};

describe('--resume continues only a folder of the same kind that this tool wrote', () => {
  it('train --resume on a user folder: exit 2, nothing touched', async () => {
    const dir = userFolder(join(out, 'project'), PROJECT);
    const before = tree(dir);
    const r = await penx('train', '--penalty', 'l1', '--epochs', '1', ...TINY, '--out', out, '--name', 'project', '--resume');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cannot resume .*project: it was not written by penalty-explorer/);
    expect(r.stderr).not.toMatch(/^backend:/m);
    expect(tree(dir)).toEqual(before);
  }, 60_000);

  it('train --resume on a comparison, compare --resume on a run: exit 2, nothing touched', async () => {
    const cmp = tree(comparison);
    const asRun = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', out, '--name', 'cmp', '--resume');
    expect(asRun.code, asRun.stderr).toBe(2);
    expect(asRun.stderr).toMatch(/cmp holds a comparison, not a run/);
    expect(tree(comparison)).toEqual(cmp);
    const run = tree(trained);
    const asComparison = await penx('compare', '--penalties', 'none,l1:1e-4', '--epochs', '1', ...TINY, '--out', out, '--name', 'trained', '--resume');
    expect(asComparison.code, asComparison.stderr).toBe(2);
    expect(asComparison.stderr).toMatch(/trained holds a run, not a comparison/);
    expect(tree(trained)).toEqual(run);
  }, 60_000);
});

describe('a refused command changes nothing; --force deletes only what the manifest lists', () => {
  it('a user folder with leftover-looking names: refused without flags, with --resume and with --force, nothing renamed or deleted', async () => {
    const dir = userFolder(join(out, 'lookalike'), PROJECT);
    const before = tree(dir);
    for (const flag of [[], ['--resume'], ['--force']]) {
      const r = await penx('train', '--penalty', 'l1', '--epochs', '1', ...TINY, '--out', out, '--name', 'lookalike', ...flag);
      expect(r.code, `${flag} ${r.stderr}`).toBe(2);
      expect(tree(dir), flag.join(' ')).toEqual(before);
    }
    const c = await penx('compare', '--penalties', 'none', '--epochs', '1', ...TINY, '--out', out, '--name', 'lookalike', '--force');
    expect(c.code).toBe(2);
    expect(tree(dir)).toEqual(before);
  }, 120_000);

  it('--force on a run folder of this tool: its own files replaced, the user’s kept and named', async () => {
    const dir = join(out, 'forced');
    cpSync(trained, dir, { recursive: true });
    // The old run's prune curve figure (TINY draws none), written as penx writes a figure: its proof in the manifest first.
    const stop = trackOwned(dir, 'write');
    try {
      await writeFileAtomic(join(dir, 'prune-curve.png'), 'the old run’s figure');
    } finally {
      stop();
    }
    expect(existsSync(join(dir, 'prune-curve.png'))).toBe(true);
    userFolder(dir, { 'notes.txt': 'mine', 'thesis.old': 'mine too', 'data/raw.csv': '1,2' });
    const r = await penx('train', '--penalty', 'l2:1e-4', '--epochs', '1', ...TINY, '--out', out, '--name', 'forced', '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/kept 3 entries penalty-explorer did not write: data, notes\.txt, thesis\.old/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'thesis.old'), 'utf8')).toBe('mine too');
    expect(readFileSync(join(dir, 'data', 'raw.csv'), 'utf8')).toBe('1,2');
    expect(readRunJson(dir).config.penalty).toBe('l2:1e-4');
    // The old run's prune curve figure is gone with the rest of the old run.
    expect(existsSync(join(dir, 'prune-curve.png'))).toBe(false);
  }, 60_000);

  it('--force on a comparison whose run failed at epoch 0 keeps a user’s folder made under that run’s name since', async () => {
    // A monitor that throws at the second run's epoch 0 (the first leaves a flag file).
    const monitor = userFolder(join(root, 'second-fails'), {
      'm.mjs': `import { existsSync, writeFileSync } from 'node:fs';
const flag = new URL('flag', import.meta.url);
export default { name: 'secondFails', onEpochEnd: ({ epoch }) => {
  if (epoch === 0 && existsSync(flag)) throw new Error('not at the second run');
  if (epoch === 0) writeFileSync(flag, '1');
  return {};
} };
`,
    });
    const failed = await penx(
      'compare',
      '--penalties',
      'none,l1:1e-4',
      '--epochs',
      '1',
      ...TINY,
      '--out',
      out,
      '--name',
      'half',
      '--monitor',
      join(monitor, 'm.mjs'),
    );
    expect(failed.code, failed.stderr).toBe(2);
    const dir = join(out, 'half');
    expect(readdirSync(dir).sort()).toEqual(['.penx-folder.jsonl', 'none']);
    userFolder(join(dir, 'l1_1e-4'), { 'notes.txt': 'mine' });
    const r = await penx('compare', '--penalties', 'none', '--epochs', '1', ...TINY, '--out', out, '--name', 'half', '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('kept 1 entry penalty-explorer did not write: l1_1e-4');
    expect(readFileSync(join(dir, 'l1_1e-4', 'notes.txt'), 'utf8')).toBe('mine');
  }, 60_000);

  it('a manifest line an older penx left for a removed run: plot --json does not list the user’s folder of that name, --force keeps it; a figure the user replaced is not drawn over', async () => {
    const dir = join(out, 'old-manifest');
    cpSync(comparison, dir, { recursive: true });
    // The line a run abandoned at its start left before removal lines, and a user's folder there since.
    appendFileSync(join(dir, '.penx-folder.jsonl'), '"ghost"\n');
    userFolder(join(dir, 'ghost'), { 'notes.txt': 'mine' });
    const plotted = await penx('plot', dir, '--json');
    expect(plotted.code, plotted.stderr).toBe(0);
    const files: string[] = JSON.parse(plotted.stdout).folders[0].files;
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => f.includes('ghost'))).toEqual([]);
    // A figure penx drew, replaced by the user's file: the redraw is refused before anything is drawn, nothing touched.
    const figure = files.find((f) => f.endsWith('.svg'))!;
    writeFileSync(figure, '<svg>my figure</svg>');
    const before = tree(dir);
    const redrawn = await penx('plot', dir);
    expect(redrawn.code, redrawn.stderr).toBe(2);
    expect(redrawn.stderr).toContain(`refusing to write over ${figure} (its content is not what penalty-explorer wrote there)`);
    expect(redrawn.stderr).toContain('nothing was touched; move it out of');
    expect(tree(dir)).toEqual(before);
    rmSync(figure);
    const r = await penx('compare', '--penalties', 'none', '--epochs', '1', ...TINY, '--out', out, '--name', 'old-manifest', '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('kept 1 entry penalty-explorer did not write: ghost');
    expect(readFileSync(join(dir, 'ghost', 'notes.txt'), 'utf8')).toBe('mine');
  }, 60_000);
});

describe('--force deletes a file only while its content is what penx wrote there', () => {
  it('a comparison whose compare.json the user replaced, or whose run lists a figure an older penx listed without a proof: exit 2, nothing touched, the files named; once moved out, --force starts it over', async () => {
    const dir = join(out, 'replaced');
    cpSync(comparison, dir, { recursive: true });
    writeFileSync(join(dir, 'compare.json'), '{"mine": true}');
    const run = readdirSync(dir).find((n) => existsSync(join(dir, n, 'run.json')))!;
    writeFileSync(join(dir, run, 'mine.png'), 'my figure');
    appendFileSync(join(dir, run, '.penx-folder.jsonl'), '"mine.png"\n');
    const before = tree(dir);
    const r = await penx('compare', '--penalties', 'none', '--epochs', '1', ...TINY, '--out', out, '--name', 'replaced', '--force');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`its manifest lists 2 files penalty-explorer cannot prove it wrote: ${run}/mine.png (listed without a record of its content`);
    expect(r.stderr).toContain('compare.json (its content is not what penalty-explorer wrote there)');
    expect(r.stderr).toContain('nothing was touched; move them out of the folder');
    expect(r.stderr).not.toMatch(/^backend:/m);
    expect(tree(dir)).toEqual(before);
    rmSync(join(dir, 'compare.json'));
    rmSync(join(dir, run, 'mine.png'));
    const again = await penx('compare', '--penalties', 'none', '--epochs', '1', ...TINY, '--out', out, '--name', 'replaced', '--force');
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(dir).filter((n) => existsSync(join(dir, n, 'run.json')))).toEqual(['none']);
  }, 120_000);
});

describe('--force deletes a run’s checkpoint/ only while all it holds is what penx wrote there', () => {
  it('a user’s folder in place of checkpoint/, or one an older penx listed without a record: exit 2, nothing touched, named; plot --json lists none of its files', async () => {
    const mine = join(out, 'my-checkpoint');
    cpSync(trained, mine, { recursive: true });
    rmSync(join(mine, 'checkpoint'), { recursive: true });
    userFolder(join(mine, 'checkpoint'), { 'model.pt': 'my weights', 'model/weights.bin': 'mine too' });
    const old = join(out, 'old-checkpoint');
    cpSync(trained, old, { recursive: true });
    rmSync(join(old, 'checkpoint'), { recursive: true });
    userFolder(join(old, 'checkpoint'), { 'model.pt': 'my weights' });
    // As an older penx listed it: by its name alone.
    appendFileSync(join(old, '.penx-folder.jsonl'), '{"removed":"checkpoint"}\n"checkpoint"\n');
    for (const [dir, refusal] of [
      [mine, 'its manifest lists a folder penalty-explorer cannot prove it wrote: checkpoint (a folder whose content is not what penalty-explorer wrote there'],
      [old, 'an older penx wrote it, and its manifest lists an entry by name only (checkpoint)'],
    ] as const) {
      const name = dir === mine ? 'my-checkpoint' : 'old-checkpoint';
      const before = tree(dir);
      const r = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', out, '--name', name, '--force');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(refusal);
      expect(r.stderr).toContain('nothing was touched');
      expect(r.stderr).not.toMatch(/^backend:/m);
      expect(tree(dir)).toEqual(before);
    }
    // Both drawn and listed by one penx plot, with penx's own run: its checkpoint is listed (and deleted by --force: the test above).
    const plotted = await penx('plot', mine, old, trained, '--json');
    expect(plotted.code, plotted.stderr).toBe(0);
    const folders: Array<{ runs: [{ files: string[] }] }> = JSON.parse(plotted.stdout).folders;
    for (const [i, dir] of [mine, old].entries()) {
      const files = folders[i]!.runs[0].files;
      expect(files).toContain(join(dir, 'run.json'));
      expect(files.filter((f) => f.startsWith(join(dir, 'checkpoint')))).toEqual([]);
      expect(readFileSync(join(dir, 'checkpoint', 'model.pt'), 'utf8')).toBe('my weights');
    }
    expect(folders[2]!.runs[0].files).toContain(join(trained, 'checkpoint', 'model', 'weights.bin'));
  }, 120_000);
});

describe('penx writes over a name only while what is there is what it wrote', () => {
  it('train --resume: a checkpoint/ the user changed is not replaced; exit 2 before the backend starts, nothing touched', async () => {
    const dir = join(out, 'resumed');
    cpSync(trained, dir, { recursive: true });
    writeFileSync(join(dir, 'checkpoint', 'notes.txt'), 'mine');
    const before = tree(dir);
    const r = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '2', ...TINY, '--prune-epochs', 'last', '--out', out, '--name', 'resumed', '--resume');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`refusing to write over ${join(dir, 'checkpoint')} (a folder whose content is not what penalty-explorer wrote there)`);
    expect(r.stderr).toContain('nothing was touched');
    expect(r.stderr).not.toMatch(/^backend:/m);
    expect(tree(dir)).toEqual(before);
  }, 60_000);
});

describe('--force and a temporary file left in checkpoint/', () => {
  it('one penx did not record writing (an older version’s): refused, exit 2, nothing touched, that file named as a leftover', async () => {
    const dir = join(out, 'leftover');
    cpSync(trained, dir, { recursive: true });
    const temp = '.run.json.4242.0badc0de.penx-tmp';
    writeFileSync(join(dir, 'checkpoint', temp), '{"config":');
    const before = tree(dir);
    const r = await penx('train', '--penalty', 'l1:1e-4', '--epochs', '1', ...TINY, '--out', out, '--name', 'leftover', '--force');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      `cannot prove it wrote: checkpoint/${temp} (a leftover temporary file of an interrupted write, not recorded as penalty-explorer's`,
    );
    expect(r.stderr).not.toMatch(/^backend:/m);
    expect(tree(dir)).toEqual(before);
  }, 60_000);
});

describe('penx prune --out: only a new folder or its own, never inside a checkpoint', () => {
  // A user's folder: refused-untouched.test.ts.
  it('a pruned model an older penx wrote (where prune puts it without --out), the run’s checkpoint, a folder inside it, /proc: exit 2, nothing written', async () => {
    // Prune's default output folder, RUN/pruned: the user gave no --out, so the hint names the flag (and that default).
    const older = join(trained, 'pruned');
    olderPruned(older);
    onTestFinished(() => rmSync(older, { recursive: true, force: true }));
    const olderBefore = tree(older);
    const checkpointBefore = tree(join(trained, 'checkpoint'));
    for (const target of [older, join(trained, 'checkpoint'), join(trained, 'checkpoint', 'pruned'), join(trained, 'checkpoint', 'model')]) {
      const r = await penx('prune', trained, '--max-drop', '50', ...(target === older ? [] : ['--out', target]));
      expect(r.code, `${target}: ${r.stderr}`).toBe(2);
      // Worded by what prune would do there, replace the earlier output (it said "refusing to start … over"), and how to put it elsewhere.
      if (target === older)
        expect(r.stderr).toMatch(
          new RegExp(
            `^penx: error: refusing to replace the earlier output in ${older}: an older penx wrote it, .*; nothing was touched; put the output into another folder, or move ${older} out of the way .* and run the command again; ` +
              'give another --out DIR \\(without --out, penx prune writes RUN/pruned\\); ' +
              `or, if its files are still as the older penx left them, penx adopt ${older} records them as penx's and the command can run\n$`,
          ),
        );
    }
    expect(tree(older)).toEqual(olderBefore);
    expect(tree(join(trained, 'checkpoint'))).toEqual(checkpointBefore);
    // A command that loops on /proc is killed after 30 s, and so does not exit 2.
    const proc = await penxWith({ timeoutMs: 30_000 }, 'prune', trained, '--out', '/proc/penx-x');
    expect(proc.code, proc.stderr).toBe(2);
    expect(proc.stderr).toMatch(/cannot make \/proc\/penx-x/);
  }, 120_000);

  it('its own folder is replaced on the next prune', async () => {
    const first = await penx('prune', trained, '--max-drop', '50', '--out', join(root, 'pruned-here'));
    expect(first.code, first.stderr).toBe(0);
    const again = await penx('prune', trained, '--max-drop', '100', '--out', join(root, 'pruned-here'));
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'pruned-here', 'prune.json'), 'utf8')).maxDrop).toBe(100);
  }, 60_000);
});

describe('penx plot and a run being trained', () => {
  it('refuses while another process holds the run’s lock, naming it and saying how to clear a lock', async () => {
    const busy = spawnPenxPiped('train', '--penalty', 'l2:1e-4', '--epochs', '30', ...TINY, '--out', out, '--name', 'busy');
    try {
      while (!existsSync(join(out, 'busy', 'run.json')) && busy.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      // Paused, it holds the lock as it would training (its process alive), without taking a core from plot.
      busy.child.kill('SIGSTOP');
      const r = await penx('plot', join(out, 'busy'));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`busy is in use by process ${busy.child.pid} `));
      expect(r.stderr).toMatch(/\.penx\.lock/);
    } finally {
      busy.child.kill('SIGKILL');
      await busy.exited;
    }
  }, 60_000);

  it('refuses a folder this tool did not write', async () => {
    const dir = join(root, 'copied-record');
    userFolder(dir, { 'report.html': 'my own page' });
    cpSync(join(trained, 'run.json'), join(dir, 'run.json'));
    const before = tree(dir);
    const r = await penx('plot', dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/not written by penalty-explorer/);
    expect(tree(dir)).toEqual(before);
  }, 30_000);
});

describe('flags: one number grammar, plain run names, prune epochs within the run', () => {
  it.each<[string, string[], RegExp]>([
    ['--max-drop 0x10', ['prune', '__RUN__', '--max-drop', '0x10'], /--max-drop must be/],
    ['--bins 0x10', ['plot', '__RUN__', '--bins', '0x10'], /--bins must be/],
    ['--port 0x10', ['serve', '__OUT__', '--port', '0x10'], /--port must be/],
    ['--epochs 0x10', ['train', '--penalty', 'l1', '--epochs', '0x10', '--out', '__OUT__'], /--epochs must be a whole number/],
    ['--range 0x1,1', ['plot', '__RUN__', '--range', '-0x1,1'], /--range must be/],
    ['a name with a newline', ['train', '--penalty', 'l1', '--epochs', '1', '--out', '__OUT__', '--name', 'a\nb'], /--name .* control character/],
    ['a name with an escape', ['compare', '--penalties', 'l1', '--epochs', '1', '--out', '__OUT__', '--name', 'a\u001b[31mb'], /--name .* control character/],
    [
      '--prune-epochs past --epochs',
      ['train', '--penalty', 'l1', '--epochs', '1', '--prune-epochs', '99', '--out', '__OUT__'],
      /--prune-epochs 99 .* the run has 1 epoch/,
    ],
  ])(
    '%s is refused with exit 2',
    async (_, args, message) => {
      const before = readdirSync(out).sort();
      const r = await penxWith({ timeoutMs: 20_000 }, ...args.map((a) => a.replace('__RUN__', trained).replace('__OUT__', out)));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(readdirSync(out).sort()).toEqual(before);
    },
    30_000,
  );
});
