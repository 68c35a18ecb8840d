/**
 * The sweep's report.html shows a record's text as text: control and bidirectional characters in a
 * setting, a penalty spec or a failure's reason appear as their escapes (as `printable` shows them
 * on the terminal), so they cannot reorder what the page shows; no run drawn, no link.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drawSweep } from '../../mnist-demo/experiment/sweep-draw.ts';
import { SWEEP_FORMAT, type SweepRecord } from '../../src/node.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-sweep-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a sweep's report.html", () => {
  it('escapes control and bidi characters of its record in the page text', async () => {
    const record: SweepRecord = {
      format: SWEEP_FORMAT,
      name: 's',
      grid: { penalties: ['./my\u202eenalty.ts'], strengths: [1e-4], seeds: [1] },
      settings: { epochs: '2', data: 'sets/\u2067mnist\u0007' },
      runs: [{ name: 'r1', penalty: './my\u202eenalty.ts:1e-4', strength: 1e-4, seed: 1 }],
    };
    await drawSweep(root, record, new Map([['r1', 'failed: \u001b[31mboom']]));
    const html = readFileSync(join(root, 'report.html'), 'utf8');
    for (const raw of ['\u202e', '\u2067', '\u0007', '\u001b']) expect(html).not.toContain(raw);
    for (const shown of ['./my\\u202eenalty.ts', 'sets/\\u2067mnist\\u0007', '\\u001b[31mboom']) expect(html).toContain(shown);
    expect(html).not.toContain('href=');
  });
});
