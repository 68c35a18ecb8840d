/**
 * A record is data (issue 20, points 6 and 9): `penx plot`, `penx prune` and `penx serve` read a
 * `run.json` that names a module — a hostile one, which leaves a marker file when imported — and
 * never import it; a user penalty's curve drawn from what training stored in the record. A
 * malformed record is refused by its schema, naming the file and why: `penx plot` exits 2
 * and draws nothing, the dashboard lists the other runs and names the bad one.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDashboard } from '../../src/serve/index.ts';
import { penx, TINY } from './run-penx.ts';
import { tree } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-data-'));
// The hostile module, named in the records by its absolute path: importable from anywhere, were it imported.
const here = mkdtempSync(join(tmpdir(), 'penx-data-modules-'));
const mark = join(root, 'imported.txt');
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(here, { recursive: true, force: true });
});

// With its prune curve: penx prune reads it.
const USER_RUN = ['--epochs', '1', ...TINY, '--prune-epochs', 'last'];
const out = join(root, 'runs');
const user = join(out, 'user');
const hostile = join(out, 'hostile');
const hostileSpec = join(out, 'hostile-spec');
const bad = join(out, 'bad');

/** A copy of the user-penalty run whose run.json is changed by `edit`. */
function edited(dir: string, edit: (record: { config: Record<string, unknown> }) => unknown): void {
  cpSync(user, dir, { recursive: true });
  const record = JSON.parse(readFileSync(join(user, 'run.json'), 'utf8'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify(edit(record) ?? record));
}

beforeAll(async () => {
  writeFileSync(
    join(here, 'evil.mjs'),
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(mark)}, 'imported by ' + process.argv.join(' '));\nexport default {};\n`,
  );
  const t = await penx('train', '--penalty', './mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0.05', ...USER_RUN, '--out', out, '--name', 'user');
  expect(t.code, t.stderr).toBe(0);
  const evil = `${here}/evil.mjs`;
  edited(hostile, (r) => void (r.config.penaltyModule = evil));
  edited(hostileSpec, (r) => {
    r.config.penalty = `${evil}:1e-4`;
    r.config.penaltyModule = evil;
  });
  edited(bad, () => ({ format: 'penalty-explorer/run@2', config: {}, initial: {}, epochs: [] }));
}, 120_000);

describe('reading a record never imports code', () => {
  it('training stored the user penalty’s curve in the record', () => {
    const record = JSON.parse(readFileSync(join(user, 'run.json'), 'utf8'));
    const curve = record.config.penaltyCurves.find((c: { spec: string }) => c.spec === 'logsum:1e-4,eps=0.05');
    expect(curve.formula).toBe('λ·Σ log(1 + |w|/eps)');
    // λ·log(1 + |w|/eps) at w = 0.5: one weight.
    const at = curve.points.find((p: { w: number }) => p.w === 0.5);
    expect(at.value).toBeCloseTo(1e-4 * Math.log1p(0.5 / 0.05), 6);
  });

  it('penx plot draws the user penalty from the record, importing nothing', async () => {
    for (const dir of [hostile, hostileSpec]) {
      const r = await penx('plot', dir);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(mark), existsSync(mark) ? readFileSync(mark, 'utf8') : '').toBe(false);
    }
    expect(readFileSync(join(hostile, 'penalty.svg'), 'utf8')).toContain('logsum');
  }, 120_000);

  it('penx prune loads the checkpoint of a user-penalty run without importing anything', async () => {
    const r = await penx('prune', hostile, '--max-drop', '50');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(mark)).toBe(false);
    expect(existsSync(join(hostile, 'pruned', 'model', 'model.json'))).toBe(true);
  }, 60_000);

  it('the dashboard’s penalty view (reachable from any page by an <img>) imports nothing; a malformed run is skipped and named', async () => {
    const board = await serveDashboard({ dir: out });
    try {
      const view = await fetch(new URL('/api/view/penalty?runs=hostile,hostile-spec', board.url));
      expect(view.status, await view.clone().text()).toBe(200);
      expect(JSON.stringify(await view.json())).toContain('logsum');
      expect(existsSync(mark)).toBe(false);
      const runs = await fetch(new URL('/api/runs', board.url));
      expect(runs.status).toBe(200);
      const body = (await runs.json()) as { runs: Array<{ id: string }>; skipped: Array<{ id: string; reason: string }> };
      expect(body.runs.map((r) => r.id).sort()).toEqual(['hostile', 'hostile-spec', 'user']);
      expect(body.skipped).toEqual([{ id: 'bad', path: 'bad/run.json', reason: expect.stringMatching(/^not a valid run record: .*config\.name/) }]);
    } finally {
      await board.close();
    }
  }, 60_000);
});

describe('a malformed record is refused on read, naming the file and why', () => {
  it('penx plot: exit 2, the file and the first problem named, nothing drawn (the good run’s folder untouched too)', async () => {
    const before = tree(user);
    const r = await penx('plot', user, bad);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(join(bad, 'run.json'));
    expect(r.stderr).toMatch(/config\.name/);
    expect(r.stderr).not.toMatch(/TypeError|^\s+at /m);
    expect(tree(user)).toEqual(before);
  }, 60_000);
});
