/**
 * A record naming a run folder by a name penx never makes — here with U+202E, which shows
 * `l1\u202egnp.exe` as `l1exe.png` — is refused by the commands that read it, as `--name` is
 * (`runNameProblem`, one rule): the built `penx plot` of a comparison whose compare.json names it,
 * `penx summary` of a sweep whose sweep.json names it and of a comparison in progress whose
 * manifest names it. Exit 2, one message naming the file and the name escaped (no raw control on
 * the terminal), nothing changed. Before, the name was read and used: the folders drawn into and
 * their names printed.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markFolder } from '../../src/folders/owner.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { penx } from './run-penx.ts';
import { tree } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-record-names-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RLO = 'l1\u202egnp.exe';
const SHOWN = "'l1\\u202egnp.exe' contains the bidirectional control U+202E, which shows the name reordered: expected one plain folder name, e.g. l1_1e-4";
/** What a terminal must never be sent: a control character (but the line end) or a bidirectional control. */
const HIDDEN = /[^\P{Cc}\n]|\p{Bidi_Control}/u;

/** A folder of penx's of `kind` (its marker written) holding the run folders `runs`, each penx's with a run.json. */
function toolFolder(name: string, kind: 'comparison' | 'sweep', runs: readonly string[]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  markFolder(dir, kind);
  for (const run of runs) {
    mkdirSync(join(dir, run));
    markFolder(join(dir, run), 'run');
    writeFileSync(join(dir, run, 'run.json'), JSON.stringify(makeRunRecord({ epochs: 2 })));
  }
  return dir;
}

describe('a run folder named with a bidirectional control in a record', () => {
  it('penx plot of a comparison whose compare.json names it: exit 2, the file and the name escaped, nothing drawn', async () => {
    const dir = toolFolder('cmp', 'comparison', ['none', RLO]);
    writeFileSync(join(dir, 'compare.json'), JSON.stringify({ format: 'penalty-explorer/compare@1', runs: ['none', RLO] }));
    const before = tree(dir);
    const r = await penx('plot', dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      `penx: error: ${join(dir, 'compare.json')}: cannot be read as a comparison record (not a valid penalty-explorer/compare@1 record: runs[1]: ${SHOWN})\n`,
    );
    expect(r.stderr + r.stdout).not.toMatch(HIDDEN);
    expect(tree(dir)).toEqual(before);
  }, 60_000);

  it('penx summary of a sweep whose sweep.json names it, and of a comparison in progress whose manifest names it: exit 2, the file named', async () => {
    const sweep = toolFolder('sweep', 'sweep', ['l1_1e-4_seed=1', RLO]);
    const runs = ['l1_1e-4_seed=1', RLO].map((name, i) => ({ name, penalty: 'l1:1e-4', strength: 1e-4, seed: i + 1 }));
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1, 2] };
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ format: 'penalty-explorer/sweep@1', name: 'sweep', grid, settings: { epochs: '2' }, runs }));
    const unfinished = toolFolder('cmp-in-progress', 'comparison', ['none', RLO]);
    appendFileSync(join(unfinished, '.penx-folder.jsonl'), ['none', RLO].map((n) => `${JSON.stringify(n)}\n`).join(''));
    const before = { sweep: tree(sweep), unfinished: tree(unfinished) };

    const s = await penx('summary', sweep);
    expect(s.code, s.stderr).toBe(2);
    expect(s.stderr).toBe(
      `penx: error: ${join(sweep, 'sweep.json')}: cannot be read as a sweep record (not a valid penalty-explorer/sweep@1 record: runs[1].name: ${SHOWN})\n`,
    );
    const c = await penx('summary', unfinished);
    expect(c.code, c.stderr).toBe(2);
    expect(c.stderr).toBe(`penx: error: ${join(unfinished, '.penx-folder.jsonl')}: lists the run folder ${SHOWN}\n`);
    for (const r of [s, c]) expect(r.stderr + r.stdout).not.toMatch(HIDDEN);
    expect({ sweep: tree(sweep), unfinished: tree(unfinished) }).toEqual(before);
  }, 60_000);
});
