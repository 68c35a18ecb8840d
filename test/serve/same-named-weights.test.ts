/**
 * Two nested models whose layers share a name (`encoder1/dense`, `encoder2/dense`) have weights of
 * the same name (`dense/kernel` both): the record keeps both, each under its own layer, and the
 * dashboard lists each by its path (`encoder1/dense/kernel`, `encoder2/dense/kernel`) and draws the
 * one chosen — before, it listed `dense/kernel` once and drew the first for either. The record is
 * made from a real model's weights; the dashboard is served in-process and asked over HTTP.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/formats/run.ts';
import { weightStatistics } from '../../src/monitor/index.ts';
import { type Dashboard, serveDashboard } from '../../src/serve/index.ts';
import { tf } from '../../src/tf.ts';
import { selectWeights } from '../../src/viz/figures/index.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'penx-same-named-'));
let dashboard: Dashboard | undefined;
let record: RunRecord;

/** A nested model `name` of one Dense layer named `dense` (3 → 2) whose kernel is all `value`. */
function encoder(name: string, value: number): tf.LayersModel {
  const input = tf.input({ shape: [3] });
  const dense = tf.layers.dense({ units: 2, name: 'dense', useBias: false });
  const model = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor, name });
  dense.setWeights([tf.fill([3, 2], value)]);
  return model;
}

beforeAll(async () => {
  const input = tf.input({ shape: [3] });
  const [a, b] = [encoder('encoder1', 0.5), encoder('encoder2', -0.5)];
  const out = tf.layers.concatenate().apply([a.apply(input), b.apply(input)] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const fixture = makeRunRecord({ epochs: 0 });
  record = { ...fixture, config: { ...fixture.config, name: 'nested' }, initial: { epoch: 0, testLoss: null, testAcc: null, ...weightStatistics(model) } };
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'nested', 'run.json'), JSON.stringify(record));
  dashboard = await serveDashboard({ dir });
}, 60_000);

afterAll(async () => {
  await dashboard?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (path: string) => fetch(new URL(path, dashboard!.url));

/** The overlay's CSV rows of `layer` at epoch 0 in 2 bins over [−1, 1]: the densities of its step line (the last bin's again at the right edge). */
async function densities(layer: string): Promise<number[]> {
  const r = await get(`/api/csv/overlay?runs=nested&epoch=0&layer=${encodeURIComponent(layer)}&bins=2&range=-1,1`);
  expect(r.status).toBe(200);
  const lines = (await r.text()).split('\n');
  const head = (lines[0] ?? '').split(',');
  return lines.filter((l) => l.startsWith('bin,')).map((l) => Number(l.split(',')[head.indexOf('density')]));
}

describe('weights of the same name in two nested models', () => {
  it('the record keeps both, each under its own layer', () => {
    expect(record.initial.layers.map((l) => [l.name, (l.weights ?? []).map((w) => w.name)])).toEqual([
      ['encoder1/dense', ['dense/kernel']],
      ['encoder2/dense', ['dense/kernel']],
    ]);
  });

  it('the dashboard lists each by its path and draws the one chosen', async () => {
    const runs = ((await (await get('/api/runs')).json()) as { runs: Array<{ id: string; weights: string[] }> }).runs;
    expect(runs.find((r) => r.id === 'nested')?.weights).toEqual(['encoder1/dense/kernel', 'encoder2/dense/kernel']);
    // All six weights at 0.5 (encoder1) or at −0.5 (encoder2): all in the upper or the lower bin (density 1 / width 1).
    expect(await densities('encoder1/dense/kernel')).toEqual([0, 1, 1]);
    expect(await densities('encoder2/dense/kernel')).toEqual([1, 0, 0]);
  });

  it('a weight name two weights share picks neither; a unique one still selects its weight', () => {
    expect(selectWeights(record.initial, 'dense/kernel')).toBeUndefined();
    const one = { ...record.initial, layers: record.initial.layers.slice(1) };
    expect(selectWeights(one, 'dense/kernel')?.[0]?.percentiles?.[0]).toBeCloseTo(-0.5, 6);
  });
});
