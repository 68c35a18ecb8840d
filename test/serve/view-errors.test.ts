/**
 * A view answers for every valid record: the sweep views ("Sparsity / Test accuracy against
 * strength") of a run trained with `l1:1e-4,prox` answered HTTP 500 ("'prox' is not key=value"),
 * their strength read from the spec by a parser that knew no flags. The served folder removed while
 * served is said (the run list answered an empty list: the page showed no run and no why). A range
 * past the recorded histograms of runs without fine ones is refused as past the fine ones is (it was
 * drawn, the weights beyond it as none).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, serveDashboard } from '../../src/serve/index.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const PENALTIES = ['none', 'l1:1e-4', 'l1:1e-4,prox', 'l1:1e-4 + l2:1e-4'];
const dir = mkdtempSync(join(tmpdir(), 'penx-view-errors-'));
let dashboard: Dashboard | undefined;

beforeAll(async () => {
  for (const [i, penalty] of PENALTIES.entries()) {
    mkdirSync(join(dir, `r${i}`));
    writeFileSync(join(dir, `r${i}`, 'run.json'), JSON.stringify(makeRunRecord({ epochs: 1, seed: i, penalty })));
  }
  dashboard = await serveDashboard({ dir });
});

afterAll(async () => {
  await dashboard?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the sweep views of runs with a flagged or combined penalty', () => {
  it.each(['strength-sparsity', 'strength-accuracy'])('%s answers 200, the prox run its own line, the combined one named as not drawn', async (id) => {
    const res = await fetch(`${dashboard!.url}api/view/${id}?runs=r0,r1,r2,r3`);
    const body = await res.text();
    expect(res.status, body).toBe(200);
    expect(body).toContain('l1 (prox)');
    expect(body).toContain('not drawn: ');
    expect(body).toContain("penalty 'l1:1e-4 + l2:1e-4' is several penalties, with no one strength");
  });
});

describe('a range past the histograms of records without fine ones', () => {
  it('is refused (400) saying within what, as past the fine histograms; a range within them is drawn', async () => {
    for (const view of ['overlay', 'heatmap', 'ridgeline']) {
      const res = await fetch(`${dashboard!.url}api/view/${view}?run=r0&run=r1&range=-1.5,1.5`);
      expect([res.status, ((await res.json()) as { error?: string }).error], view).toEqual([
        400,
        'range must be within -1,1, the range of the histograms "r0" recorded (it has no fine histograms) (weights beyond it are counted, not placed); got -1.5,1.5',
      ]);
      expect((await fetch(`${dashboard!.url}api/view/${view}?run=r0&range=-0.5,0.5`)).status, view).toBe(200);
    }
  });
});

describe('the served folder removed while served', () => {
  it('/api/runs says it is gone (the page shows it as its status), and lists the runs again once it is back', async () => {
    const away = `${dir}-away`;
    renameSync(dir, away);
    try {
      const res = await fetch(`${dashboard!.url}api/runs`);
      expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([
        404,
        `the served folder ${dir} is gone (removed or moved while served): make it again, or serve another`,
      ]);
    } finally {
      renameSync(away, dir);
    }
    const back = (await fetch(`${dashboard!.url}api/runs`).then((r) => r.json())) as { runs: unknown[] };
    expect(back.runs.length).toBe(PENALTIES.length);
  });
});
