/**
 * The run record's schema (zod) and its TypeScript types never drift apart: the type the schema
 * gives equals the `RunRecord` interface (checked by the compiler), real records pass unchanged,
 * and malformed ones are refused with the path of what is wrong.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { RecordFormatError } from '../../src/errors.ts';
import { RUN_FORMAT, type RunRecord } from '../../src/formats/run.ts';
import { readRunRecord } from '../../src/formats/run-read.ts';
import type { runRecordSchema } from '../../src/formats/run-schema.ts';
import type { SweepRecord, sweepRecordSchema } from '../../src/formats/sweep.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { fineRuns } from '../viz/views/fine-runs.ts';

/** Readonly-ness aside, the same type. */
type Mutable<T> = T extends ReadonlyArray<infer U> ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
type Equals<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;

// Fails to compile when a field is added to one and not the other, or differs in type or optionality.
const agree: Equals<Mutable<RunRecord>, Mutable<z.output<typeof runRecordSchema>>> = true;
const sweepAgrees: Equals<Mutable<SweepRecord>, Mutable<z.output<typeof sweepRecordSchema>>> = true;

describe('the run record schema', () => {
  it('agrees with the RunRecord type (and the sweep record’s schema with SweepRecord)', () => {
    expect(agree).toBe(true);
    expect(sweepAgrees).toBe(true);
  });

  it('reads real records unchanged: from fit (fine histograms, prune curve) and the figure fixture', async () => {
    const [run] = await fineRuns(['l1:1e-2'], 2);
    for (const record of [run!, makeRunRecord({ epochs: 3, batchNorms: 4, constraintBounds: { max: 2, axis: 0 } })]) {
      const json = JSON.parse(JSON.stringify(record));
      expect(readRunRecord(json)).toEqual(json);
    }
  }, 60_000);

  it('refuses a malformed record with the path of the first problems', () => {
    const good = JSON.parse(JSON.stringify(makeRunRecord({ epochs: 1 }))) as RunRecord;
    const cases: Array<[unknown, RegExp]> = [
      [{ format: RUN_FORMAT, config: {}, initial: {}, epochs: [] }, /config\.name/],
      [{ ...good, epochs: [{}] }, /epochs\[0\]/],
      [{ ...good, config: { ...good.config, epochs: 'forty' } }, /config\.epochs/],
      [{ ...good, format: 'penalty-explorer/run@9' }, /not a penalty-explorer run record: format "penalty-explorer\/run@9"/],
      [[], /not a run record/],
      // Nested a hundred thousand levels (a hostile file): refused, not a stack overflow.
      [
        { ...good, initial: { ...good.initial, monitors: { deep: JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) } } },
        /initial\.monitors\.deep\[0\]\[0\]\[0\].*… is nested more than 100 levels deep/,
      ],
    ];
    for (const [json, message] of cases) {
      expect(() => readRunRecord(json)).toThrow(RecordFormatError);
      expect(() => readRunRecord(json)).toThrow(message);
    }
  });

  it('upgrades a run@1 record (no loss, no model) to the current format', () => {
    const good = JSON.parse(JSON.stringify(makeRunRecord({ epochs: 1 }))) as { config: Record<string, unknown> };
    const { loss: _loss, model: _model, ...config } = good.config;
    const v1 = readRunRecord({ ...good, format: 'penalty-explorer/run@1', config });
    expect(v1.format).toBe(RUN_FORMAT);
    expect(v1.config.loss).toBe('categoricalCrossentropy');
  });
});
