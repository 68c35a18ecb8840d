import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { noteOwned, provenPresent } from '../../src/folders/owner.ts';
import { unprovenList } from '../../src/folders/refusals.ts';
import { replaceDirAtomic, rewriteInFolder } from '../../src/io/atomic.ts';
import {
  checkClaim,
  checkOwnFolder,
  checkRunName,
  claimFolder,
  FolderExistsError,
  FolderRefusedError,
  hasContent,
  LOCK_FILE,
  LockedError,
  lockFolder,
  MARKER_FILE,
  makeFolder,
  NotOwnedError,
  openFolder,
  ownedEntries,
  processStart,
  removeLeftovers,
  removeOwned,
  UsageError,
  unprovenFiles,
  WrongKindError,
  writeFileAtomic,
} from '../../src/node.ts';
import { refusalOf } from './refusal-of.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('run names', () => {
  it.each(['..', '.', 'a/b', '../x', '/abs', 'x\\y', '', 'n'.repeat(300), 'a\nb', 'tab\there', 'esc\u001b[0m', 'nul\0'])(
    'refuses %j: one plain path segment only',
    (name) => {
      expect(() => checkRunName(name)).toThrow(UsageError);
    },
  );
  // Every bidirectional control: each reorders how the name shows (`l1\u202egnp.exe` as `l1exe.png`).
  it.each(['061C', '200E', '200F', '202A', '202B', '202C', '202D', '202E', '2066', '2067', '2068', '2069'])(
    'refuses the bidirectional control U+%s, naming it by its code point, the name shown escaped',
    (hex) => {
      const name = `l1${String.fromCharCode(Number.parseInt(hex, 16))}gnp.exe`;
      expect(() => checkRunName(name, '--name')).toThrow(
        `--name 'l1\\u${hex.toLowerCase()}gnp.exe' contains the bidirectional control U+${hex}, which shows the name reordered; give one plain folder name, e.g. l1_1e-4`,
      );
    },
  );
  // Other format characters (Cf) stay: the zero-width joiner of an emoji (🧑‍🔬), a soft hyphen.
  it.each([
    'l1_1e-4',
    'deadzone_1e-4_a=0.25',
    'my run',
    '.hidden-ok',
    'n'.repeat(255),
    'x.penx-old.bak',
    'penx-tmp',
    'run-\u{1f9d1}\u200d\u{1f52c}',
    'long\u00adname',
  ])('takes %j', (name) => {
    expect(() => checkRunName(name)).not.toThrow();
  });
  it.each([LOCK_FILE, MARKER_FILE, 'data.penx-old', 'data.penx-tmp-12', '.run.json.12.ab.penx-tmp', 'x.penx-tmp'])(
    'refuses %j: a name kept for the tool’s own files, and no folder is taken under it',
    (name) => {
      expect(() => checkRunName(name)).toThrow(/kept for penalty-explorer's own files/);
      const parent = join(root, `reserved-${name.replace(/\W/g, '_')}`);
      claimFolder(parent, {}, 'run').release();
      expect(() => claimFolder(join(parent, name), {}, 'run')).toThrow(/named as penalty-explorer's own files are/);
      expect(readdirSync(parent)).toEqual([MARKER_FILE]);
    },
  );
});

describe('claimFolder', () => {
  it('refuses an existing folder, empties one this tool wrote with force (what it wrote), never another', async () => {
    const run = join(root, 'run');
    const claimed = claimFolder(run, {}, 'run');
    await writeFileAtomic(join(run, 'run.json'), '{}');
    await replaceDirAtomic(join(run, 'checkpoint'), (tmp) => writeFileAtomic(join(tmp, 'run.json'), '{}'));
    claimed.release();
    writeFileSync(join(run, 'notes.txt'), 'mine');
    expect(ownedEntries(run)).toEqual(['run.json', 'checkpoint']);
    expect(() => claimFolder(run, {}, 'run')).toThrow(FolderExistsError);
    const forced = claimFolder(run, { force: true }, 'run');
    forced.release();
    expect(forced.kept).toEqual(['notes.txt']);
    expect(readdirSync(run).sort()).toEqual([MARKER_FILE, 'notes.txt']);
    const precious = join(root, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'thesis.tex'), 'years of work');
    expect(() => claimFolder(precious, { force: true }, 'run')).toThrow(/refusing to start .*precious over: it was not written by penalty-explorer/);
    expect(readdirSync(precious)).toEqual(['thesis.tex']);
  });

  it('locks the folder: a second claim names the holder; a dead holder’s lock is taken over', () => {
    const dir = join(root, 'locked');
    const held = claimFolder(dir, {}, 'run');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    // Another live process holds it (the test runner's parent stands in for one).
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), command: 'penx train', since: 'now' }));
    expect(() => lockFolder(dir)).toThrow(LockedError);
    expect(() => lockFolder(dir)).toThrow(new RegExp(`in use by process ${process.ppid} on ${hostname()} \\(penx train`));
    // As the check a command makes before its slow work, writing nothing, for a resume too.
    expect(() => checkClaim(dir, 'run', { resume: true })).toThrow(LockedError);
    // A killed holder: pid 2^22 + 1 is beyond Linux's pid range, so no process has it.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 4194305, host: hostname(), command: 'penx train', since: 'then' }));
    const again = lockFolder(dir);
    again();
    held.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('leftovers of a killed run are not content, and are removed; a half-swapped checkpoint is put back', () => {
    const dir = join(root, 'leftovers');
    claimFolder(dir, {}, 'run').release();
    mkdirSync(join(dir, 'checkpoint.penx-tmp-4242'), { recursive: true });
    mkdirSync(join(dir, 'checkpoint.penx-old'), { recursive: true });
    writeFileSync(join(dir, 'checkpoint.penx-old', 'run.json'), '{}');
    writeFileSync(join(dir, '.run.json.4242.deadbeef.penx-tmp'), 'half');
    writeFileSync(join(dir, '.epoch-001.png.4242.00ff00ff.penx-tmp'), 'half');
    writeFileSync(join(dir, LOCK_FILE), '{}');
    // Only temporary files and the old checkpoint copy: no run yet as far as "content" goes.
    expect(hasContent(dir)).toBe(false);
    // A user's files that only look like leftovers stay.
    writeFileSync(join(dir, 'thesis.old'), 'mine');
    writeFileSync(join(dir, '.keys.123.abc.tmp'), 'mine');
    removeLeftovers(dir);
    expect(readdirSync(dir).sort()).toEqual(['.keys.123.abc.tmp', LOCK_FILE, MARKER_FILE, 'checkpoint', 'thesis.old'].sort());
    expect(readdirSync(join(dir, 'checkpoint'))).toEqual(['run.json']);
    // In a folder that is not the tool's, nothing is removed or renamed.
    const foreign = join(root, 'foreign-leftovers');
    mkdirSync(join(foreign, 'checkpoint.penx-old'), { recursive: true });
    removeLeftovers(foreign);
    expect(readdirSync(foreign)).toEqual(['checkpoint.penx-old']);
  });
});

describe('makeFolder', () => {
  it('says what is wrong, and never loops: a file in the way, /proc, a read-only folder', () => {
    const file = join(root, 'afile');
    writeFileSync(file, '');
    expect(() => makeFolder(join(file, 'x'))).toThrow(/afile is a file, not a folder/);
    // Refused by the one mkdir it tries there (no retry: the call returning at all is the proof).
    expect(() => makeFolder('/proc/penx-x')).toThrow(/cannot make \/proc\/penx-x/);
    makeFolder(join(root, 'a', 'b', 'c'));
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true);
  });
});

describe('temporary folders of the threaded wasm build', () => {
  it('those of killed processes are removed at the next start; live ones are kept', async () => {
    const { removeStaleWasmFolders } = await import('../../src/backends/wasm-threads.ts');
    const dead = join(tmpdir(), 'penx-wasm-4194305-test');
    const live = join(tmpdir(), `penx-wasm-${process.ppid}-test`);
    onTestFinished(() => [dead, live].forEach((dir) => rmSync(dir, { recursive: true, force: true })));
    mkdirSync(dead, { recursive: true });
    mkdirSync(live, { recursive: true });
    removeStaleWasmFolders();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe('ownership: the marker, the manifest and what --force deletes (issue 20)', () => {
  it('a foreign folder is refused without a lock or a marker ever written into it', () => {
    const dir = join(root, 'foreign');
    mkdirSync(join(dir, 'checkpoint'), { recursive: true });
    writeFileSync(join(dir, 'run.json'), '{}');
    writeFileSync(join(dir, 'report.old'), 'mine');
    for (const policy of [{}, { resume: true }, { force: true }]) {
      expect(() => claimFolder(dir, policy, 'run')).toThrow(/not written by penalty-explorer/);
      expect(readdirSync(dir).sort()).toEqual(['checkpoint', 'report.old', 'run.json']);
    }
  });

  it('a foreign folder is refused in the words of what the caller meant to do with it, one wording per intent; as an output, no catch and rethrow needed', () => {
    const dir = join(root, 'foreign-intents');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.h5'), 'keras weights');
    const why = `not written by penalty-explorer (it has no valid ${MARKER_FILE} marker)`;
    const refusals = [
      () => claimFolder(dir, {}, 'pruned'),
      () => claimFolder(dir, { resume: true }, 'pruned'),
      () => claimFolder(dir, { force: true }, 'pruned'),
      () => claimFolder(dir, { output: true }, 'pruned'),
      () => checkOwnFolder(dir, 'pruned'),
    ].map((take) => {
      const err = refusalOf(take);
      expect(err).toBeInstanceOf(NotOwnedError);
      return err.problem;
    });
    expect(refusals).toEqual([
      `${dir} already exists and was ${why}; nothing was touched`,
      `cannot resume ${dir}: it was ${why}; nothing was touched`,
      `refusing to start ${dir} over: it was ${why}; nothing was touched`,
      `will not put the output into ${dir}: it is not empty and was ${why}; an output goes only into a new or empty folder, or over an earlier output of penalty-explorer's; nothing was touched`,
      `will not write into ${dir}: it was ${why}; nothing was touched`,
    ]);
    expect(readdirSync(dir)).toEqual(['model.h5']);
  });

  it('an output folder of the tool’s is replaced; one listing a file the tool cannot prove it wrote is refused as replacing the earlier output', async () => {
    const dir = join(root, 'pruned-out');
    const first = claimFolder(dir, { output: true }, 'pruned');
    await writeFileAtomic(join(dir, 'prune.json'), '{"level":50}');
    first.release();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const again = claimFolder(dir, { output: true }, 'pruned');
    again.release();
    expect(again.kept).toEqual(['notes.txt']);
    expect(readdirSync(dir).sort()).toEqual([MARKER_FILE, 'notes.txt']);
    const second = claimFolder(dir, { output: true }, 'pruned');
    await writeFileAtomic(join(dir, 'prune.json'), '{"level":70}');
    second.release();
    writeFileSync(join(dir, 'prune.json'), 'edited by hand');
    expect(() => claimFolder(dir, { output: true }, 'pruned')).toThrow(
      `refusing to replace the earlier output in ${dir}: its manifest lists a file penalty-explorer cannot prove it wrote: prune.json (its content is not what penalty-explorer wrote there); nothing was touched`,
    );
    expect(readFileSync(join(dir, 'prune.json'), 'utf8')).toBe('edited by hand');
    expect(() => claimFolder(dir, { output: true, resume: true }, 'pruned')).toThrow('resume and output contradict each other; give one');
  });

  it('each refusal of judging a folder carries what the caller meant to do with it (intent), which an app words its remedy by', async () => {
    // A foreign folder, a folder of the tool's of another kind, a name kept for the tool's own files, an output listing a user's file.
    const foreign = join(root, 'intent-foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'model.h5'), 'keras weights');
    const run = join(root, 'intent-run');
    claimFolder(run, {}, 'run').release();
    const output = join(root, 'intent-output');
    const first = claimFolder(output, { output: true }, 'pruned');
    await writeFileAtomic(join(output, 'prune.json'), '{"level":50}');
    first.release();
    writeFileSync(join(output, 'prune.json'), 'edited by hand');
    const intentOf = (take: () => unknown) => refusalOf(take).intent;
    expect([
      intentOf(() => claimFolder(foreign, { output: true }, 'pruned')),
      intentOf(() => checkOwnFolder(foreign, 'run')),
      intentOf(() => claimFolder(run, { output: true }, 'pruned')),
      intentOf(() => claimFolder(run, { force: true }, 'sweep')),
      intentOf(() => claimFolder(run, {}, 'sweep')),
      intentOf(() => claimFolder(join(root, 'x.penx-old'), { output: true }, 'pruned')),
      intentOf(() => claimFolder(output, { output: true }, 'pruned')),
      intentOf(() => claimFolder(output, { force: true }, 'pruned')),
      intentOf(() => checkOwnFolder(run, 'comparison')),
    ]).toEqual(['output', 'write', 'output', 'force', 'new', 'output', 'output', 'force', 'write']);
  });

  it('a folder of the tool’s of another kind is refused as such (WrongKindError: what it holds, what was asked), to redraw it too', () => {
    const run = join(root, 'kind-run');
    claimFolder(run, {}, 'run').release();
    for (const take of [() => checkOwnFolder(run, 'comparison'), () => claimFolder(run, {}, 'comparison')]) {
      const err = refusalOf(take);
      expect(err).toBeInstanceOf(WrongKindError);
      expect(err).toMatchObject({ dir: run, holds: 'run', wanted: 'comparison', problem: `${run} holds a run, not a comparison; nothing was touched` });
    }
    expect(readdirSync(run)).toEqual([MARKER_FILE]);
  });

  it('a folder holding only a marker file that is no valid marker (cut short, forged, of a newer format) is refused untouched', () => {
    const markers = {
      'cut-short': '{"format":"penalty-explorer/folder@1","kind":"run","id":"x","created":"2026-01-01T00:00:00.000Z"}',
      forged: 'my notes, in a file of that name\n',
      newer: '{"format":"penalty-explorer/folder@9","kind":"run","id":"x","created":"2026-01-01T00:00:00.000Z"}\n',
    };
    for (const [name, text] of Object.entries(markers)) {
      const dir = join(root, `bad-marker-${name}`);
      mkdirSync(dir);
      writeFileSync(join(dir, MARKER_FILE), text);
      for (const policy of [{}, { resume: true }, { force: true }]) {
        expect(() => claimFolder(dir, policy, 'run'), name).toThrow(NotOwnedError);
        expect(readdirSync(dir), name).toEqual([MARKER_FILE]);
      }
      expect(() => openFolder(dir, 'sweep'), name).toThrow(NotOwnedError);
      expect(readFileSync(join(dir, MARKER_FILE), 'utf8'), name).toBe(text);
    }
  });

  it('a folder without a marker holding only names like leftovers (a user’s files) is refused untouched; one a killed claim left is taken', () => {
    const dir = join(root, 'lookalike-leftovers');
    mkdirSync(join(dir, 'data.penx-tmp-1234'), { recursive: true });
    writeFileSync(join(dir, 'data.penx-tmp-1234', 'raw.csv'), '1,2');
    writeFileSync(join(dir, 'thesis.penx-old'), 'my thesis');
    writeFileSync(join(dir, '.notes.txt.77.beef.penx-tmp'), 'my notes');
    const before = readdirSync(dir).sort();
    for (const policy of [{}, { resume: true }, { force: true }]) {
      expect(() => claimFolder(dir, policy, 'run')).toThrow(NotOwnedError);
      expect(readdirSync(dir).sort()).toEqual(before);
    }
    expect(() => openFolder(dir, 'sweep')).toThrow(NotOwnedError);
    expect(readFileSync(join(dir, 'thesis.penx-old'), 'utf8')).toBe('my thesis');
    // What a claim killed before its marker leaves: its lock and the marker's temporary file.
    const killed = join(root, 'killed-claim');
    mkdirSync(killed);
    writeFileSync(join(killed, LOCK_FILE), JSON.stringify({ pid: 999_999_999, host: hostname(), command: 'penx', since: '' }));
    writeFileSync(join(killed, `.${MARKER_FILE}.999999999.abcd.penx-tmp`), '{');
    const claimed = claimFolder(killed, {}, 'run');
    claimed.release();
    expect(readdirSync(killed)).toEqual([MARKER_FILE]);
  });

  it('a folder of another kind (a sweep, a comparison) is never resumed or replaced as a run', () => {
    const sweep = join(root, 'a-sweep');
    openFolder(sweep, 'sweep')();
    writeFileSync(join(sweep, 'sweep.json'), '{}');
    for (const policy of [{}, { resume: true }, { force: true }]) {
      expect(() => claimFolder(sweep, policy, 'run')).toThrow(/a-sweep holds a sweep, not a run; nothing was touched/);
    }
    expect(readdirSync(sweep).sort()).toEqual([MARKER_FILE, 'sweep.json']);
  });

  it('a manifest naming paths outside its folder deletes nothing outside', async () => {
    const dir = join(root, 'hostile-manifest');
    const victim = join(root, 'victim');
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, 'keep.txt'), 'keep');
    const claimed = claimFolder(dir, {}, 'run');
    await writeFileAtomic(join(dir, 'mine.png'), 'png');
    claimed.release();
    const lines = ['../victim', '/etc', 'a/b', '.', '..', LOCK_FILE, MARKER_FILE].map((n) => JSON.stringify(n));
    appendFileSync(join(dir, MARKER_FILE), `${lines.join('\n')}\n`);
    expect(ownedEntries(dir)).toEqual(['mine.png']);
    const { kept } = removeOwned(dir);
    expect(kept).toEqual([]);
    expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('keep');
    expect(readdirSync(dir)).toEqual([MARKER_FILE]);
  });

  it('a listed file is deleted only while its content is one penx recorded writing: a user’s file of that name, or one an older penx listed without a proof, is left and the deletion refused', async () => {
    const cmp = join(root, 'proofs');
    const claimed = claimFolder(cmp, {}, 'comparison');
    await writeFileAtomic(join(cmp, 'report.html'), 'first page');
    await writeFileAtomic(join(cmp, 'report.html'), 'second page');
    await writeFileAtomic(join(cmp, 'comparison.json'), '{}');
    claimed.release();
    // One proof per content written, before the file appears.
    const lines = readFileSync(join(cmp, MARKER_FILE), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.name, l.size])).toEqual([
      ['report.html', 10],
      ['report.html', 11],
      ['comparison.json', 2],
    ]);
    expect(unprovenFiles(cmp)).toEqual([]);
    // The user replaces the report with a page of their own; an older penx listed a figure without a proof.
    writeFileSync(join(cmp, 'report.html'), 'my own page');
    writeFileSync(join(cmp, 'figure.png'), 'my figure');
    appendFileSync(join(cmp, MARKER_FILE), '"figure.png"\n');
    const manifest = readFileSync(join(cmp, MARKER_FILE), 'utf8');
    expect(unprovenFiles(cmp)).toEqual([
      { path: 'report.html', why: 'its content is not what penalty-explorer wrote there' },
      { path: 'figure.png', why: 'listed without a record of its content, as an older version listed files' },
    ]);
    // What --json lists as penx's: neither of them.
    expect(provenPresent(cmp)).toEqual(['comparison.json']);
    for (const start of [() => claimFolder(cmp, { force: true }, 'comparison'), () => removeOwned(cmp)]) {
      expect(start).toThrow(FolderRefusedError);
      expect(start).toThrow(
        /cannot prove it wrote: report\.html \(its content is not what penalty-explorer wrote there\); figure\.png \(listed without a record/,
      );
      expect(readFileSync(join(cmp, 'report.html'), 'utf8')).toBe('my own page');
      expect(readFileSync(join(cmp, 'figure.png'), 'utf8')).toBe('my figure');
      expect(readFileSync(join(cmp, 'comparison.json'), 'utf8')).toBe('{}');
      expect(readFileSync(join(cmp, MARKER_FILE), 'utf8')).toBe(manifest);
    }
    // The first content penx wrote is its own too (a rewrite that failed before its rename leaves it).
    writeFileSync(join(cmp, 'report.html'), 'first page');
    rmSync(join(cmp, 'figure.png'));
    const forced = claimFolder(cmp, { force: true }, 'comparison');
    forced.release();
    expect(forced.kept).toEqual([]);
    expect(readdirSync(cmp)).toEqual([MARKER_FILE]);
    // A line left for a file no longer there names nothing a later file of the user's would be taken for.
    writeFileSync(join(cmp, 'report.html'), 'written since');
    expect(ownedEntries(cmp)).toEqual([]);
  });

  it('a listed folder without a marker (a run’s checkpoint/) is deleted only while all it holds is what penx wrote: a user’s folder in its place, or one an older penx listed without a record, refuses the deletion, nothing touched', async () => {
    const run = join(root, 'proofs-checkpoint');
    const claimed = claimFolder(run, {}, 'run');
    await writeFileAtomic(join(run, 'run.json'), '{}');
    const fill = async (tmp: string) => {
      await writeFileAtomic(join(tmp, 'model', 'weights.bin'), new Uint8Array([1, 2, 3]));
      await writeFileAtomic(join(tmp, 'run.json'), '{"epoch":1}');
    };
    await replaceDirAtomic(join(run, 'checkpoint'), fill);
    // Its record rewritten in place (updateCheckpointRecord): the folder's new content recorded first.
    await rewriteInFolder(join(run, 'checkpoint'), 'run.json', '{"epoch":1,"complete":true}');
    claimed.release();
    expect(unprovenFiles(run)).toEqual([]);
    expect(provenPresent(run)).toEqual(['run.json', 'checkpoint']);
    // The user puts a folder of their own in its place; another run's manifest lists one as an older penx did.
    rmSync(join(run, 'checkpoint'), { recursive: true });
    mkdirSync(join(run, 'checkpoint', 'model'), { recursive: true });
    writeFileSync(join(run, 'checkpoint', 'model', 'weights.bin'), new Uint8Array([1, 2, 3]));
    writeFileSync(join(run, 'checkpoint', 'model.pt'), 'my weights');
    const old = join(root, 'proofs-checkpoint-old');
    claimFolder(old, {}, 'run').release();
    mkdirSync(join(old, 'checkpoint'));
    writeFileSync(join(old, 'checkpoint', 'run.json'), '{}');
    noteOwned(old, 'checkpoint');
    for (const [dir, why, refusal] of [
      [
        run,
        'a folder whose content is not what penalty-explorer wrote there',
        'its manifest lists a folder penalty-explorer cannot prove it wrote: checkpoint (a folder whose content is not what penalty-explorer wrote there); nothing was touched',
      ],
      [
        old,
        'a folder listed without a record of its content, as an older version listed folders',
        'an older penx wrote it, and its manifest lists an entry by name only (checkpoint), without the size and SHA-256 this version records, so penalty-explorer cannot prove it is still what it wrote and does not delete it; nothing was touched',
      ],
    ] as const) {
      const before = readdirSync(join(dir, 'checkpoint')).sort();
      const manifest = readFileSync(join(dir, MARKER_FILE), 'utf8');
      expect(unprovenFiles(dir)).toEqual([{ path: 'checkpoint', why }]);
      expect(provenPresent(dir)).not.toContain('checkpoint');
      for (const start of [() => claimFolder(dir, { force: true }, 'run'), () => removeOwned(dir)]) {
        expect(start).toThrow(FolderRefusedError);
        expect(start).toThrow(refusal);
        expect(readdirSync(join(dir, 'checkpoint')).sort()).toEqual(before);
        expect(readFileSync(join(dir, MARKER_FILE), 'utf8')).toBe(manifest);
      }
    }
    // Once it holds again exactly what penx wrote (its first content too), it is deleted.
    rmSync(join(run, 'checkpoint'), { recursive: true });
    mkdirSync(join(run, 'checkpoint'));
    await fill(join(run, 'checkpoint'));
    const forced = claimFolder(run, { force: true }, 'run');
    forced.release();
    expect(forced.kept).toEqual([]);
    expect(readdirSync(run)).toEqual([MARKER_FILE]);
  });

  it('a run of a comparison holding a file it cannot prove it wrote refuses the comparison’s deletion, named by its path', async () => {
    const cmp = join(root, 'proofs-nested');
    const claimed = claimFolder(cmp, {}, 'comparison');
    const run = claimFolder(join(cmp, 'l1'), {}, 'run');
    await writeFileAtomic(join(cmp, 'l1', 'run.json'), '{"epochs":[]}');
    run.release();
    claimed.release();
    writeFileSync(join(cmp, 'l1', 'run.json'), '{"mine":1}');
    expect(() => claimFolder(cmp, { force: true }, 'comparison')).toThrow(/l1\/run\.json \(its content is not what penalty-explorer wrote there\)/);
    expect(readFileSync(join(cmp, 'l1', 'run.json'), 'utf8')).toBe('{"mine":1}');
  });

  it('a run of a sweep being trained by another process (its lock held) is not deleted with the sweep: refused, nothing deleted', async () => {
    const sweep = join(root, 'sweep-in-use');
    const stop = openFolder(sweep, 'sweep');
    await writeFileAtomic(join(sweep, 'sweep.json'), '{}');
    stop();
    for (const name of ['r1', 'r2']) {
      const run = claimFolder(join(sweep, name), {}, 'run');
      await writeFileAtomic(join(sweep, name, 'run.json'), '{}');
      run.release();
    }
    // r2 is trained by another live process (the test runner's parent stands in for it).
    const lock = JSON.stringify({ pid: process.ppid, host: hostname(), command: 'penx sweep-run', since: 'now', started: processStart(process.ppid) });
    writeFileSync(join(sweep, 'r2', LOCK_FILE), lock);
    const manifest = readFileSync(join(sweep, MARKER_FILE), 'utf8');
    expect(() => removeOwned(sweep)).toThrow(LockedError);
    expect(() => claimFolder(sweep, { force: true }, 'sweep')).toThrow(new RegExp(`r2 is in use by process ${process.ppid} `));
    expect(readdirSync(sweep).sort()).toEqual([MARKER_FILE, 'r1', 'r2', 'sweep.json']);
    expect(readdirSync(join(sweep, 'r1')).sort()).toEqual([MARKER_FILE, 'run.json']);
    expect(readFileSync(join(sweep, MARKER_FILE), 'utf8')).toBe(manifest);
    rmSync(join(sweep, 'r2', LOCK_FILE));
    expect(removeOwned(sweep).removed).toEqual(['sweep.json', 'r1', 'r2']);
    expect(readdirSync(sweep)).toEqual([MARKER_FILE]);
  });

  it('a lock whose pid now belongs to another process (its start time differs) is taken over; a live holder’s lock names how to clear it', () => {
    const dir = join(root, 'recycled');
    mkdirSync(dir);
    // The test runner's parent is alive, but it is not the process that took this lock.
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.ppid, host: hostname(), command: 'penx train', since: 'then', started: 'not-its-start' }),
    );
    lockFolder(dir)();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.ppid, host: hostname(), command: 'penx train', since: 'then', started: processStart(process.ppid) }),
    );
    expect(() => lockFolder(dir)).toThrow(LockedError);
    expect(() => lockFolder(dir)).toThrow(
      new RegExp(`if process ${process.ppid} is not penx .*remove ${join(dir, LOCK_FILE).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );
  });
});

describe('the refusal names unproven files once per reason', () => {
  it('a folder an older penx wrote (every file listed without a proof) is named, its first files and a count said once', () => {
    const old = join(root, 'older-version');
    claimFolder(old, {}, 'comparison').release();
    const names = Array.from({ length: 10 }, (_, i) => `epoch-${String(i).padStart(3, '0')}.png`);
    for (const name of names) writeFileSync(join(old, name), name);
    appendFileSync(join(old, MARKER_FILE), names.map((n) => `${JSON.stringify(n)}\n`).join(''));
    const manifest = readFileSync(join(old, MARKER_FILE), 'utf8');
    expect(() => claimFolder(old, { force: true }, 'comparison')).toThrow(
      `refusing to start ${old} over: an older penx wrote it, and its manifest lists 10 entries by name only (epoch-000.png, epoch-001.png, epoch-002.png, epoch-003.png and 6 more), without the size and SHA-256 this version records, so penalty-explorer cannot prove they are still what it wrote and deletes none of them; nothing was touched; move ${old} out of the way`,
    );
    expect(readdirSync(old).length).toBe(names.length + 1);
    expect(readFileSync(join(old, MARKER_FILE), 'utf8')).toBe(manifest);
  });

  it('unprovenList groups the paths by reason, in order of first appearance', () => {
    expect(
      unprovenList([
        { path: 'a.png', why: 'x' },
        { path: 'b.png', why: 'y' },
        { path: 'c.png', why: 'x' },
      ]),
    ).toBe('a.png, c.png (x); b.png (y)');
  });
});
