/**
 * run.json as a run in progress writes it after every epoch: exactly `JSON.stringify(record)`, each
 * epoch serialised once however many epochs follow it (before, every epoch was serialised again with
 * every record after it: N(N+1)/2 epochs for N, 41 MB of JSON an epoch by epoch 200 of a 50-layer model).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJson, writeRunJson } from '../../src/folders/records.ts';
import type { EpochRecord, RunRecord } from '../../src/formats/index.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-records-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('writeRunJson after every epoch', () => {
  it('writes JSON.stringify(record) each time, serialising each epoch once', async () => {
    const full = makeRunRecord({ epochs: 6, batchNorms: 3 });
    // Each epoch counts how often it is serialised (JSON calls toJSON each time; its JSON stays the same).
    const serialised = new Map<number, number>();
    const counted = full.epochs.map((e) => ({
      ...e,
      toJSON() {
        serialised.set(e.epoch, (serialised.get(e.epoch) ?? 0) + 1);
        const { toJSON: _, ...plain } = this as EpochRecord & { toJSON: unknown };
        return plain;
      },
    }));
    // As fit makes them: a new record and list after every epoch, the finished epochs shared.
    let record: RunRecord = { ...full, epochs: [], sessions: undefined };
    const dir = join(root, 'run');
    let total = 0;
    for (const e of counted) {
      record = { ...record, epochs: [...record.epochs, e] };
      serialised.clear();
      await writeRunJson(dir, record);
      // Only the new epoch (before: every epoch so far).
      expect(Object.fromEntries(serialised)).toEqual({ [e.epoch]: 1 });
      total += serialised.get(e.epoch) ?? 0;
      expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe(JSON.stringify(record));
    }
    expect(total).toBe(6);
  });

  it('is JSON.stringify for any record: fields in their order, undefined ones left out, an epoch changed as a new object', () => {
    const run = makeRunRecord({ epochs: 3 });
    expect(runJson(run)).toBe(JSON.stringify(run));
    const ended = { endedEarly: { epoch: 3, reason: 'stopped' }, ...run, stopped: undefined };
    expect(runJson(ended)).toBe(JSON.stringify(ended));
    const pruned = { ...run, epochs: [...run.epochs.slice(0, -1), { ...(run.epochs.at(-1) as EpochRecord), seconds: 99 }] };
    expect(runJson(pruned)).toBe(JSON.stringify(pruned));
  });
});
