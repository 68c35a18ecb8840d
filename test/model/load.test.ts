/**
 * loadModelFrom: a saved model loaded from a URL, as a browser loads it — served over HTTP here —
 * gets its penalties and constraints back (a portable folder too) and every constrained weight
 * exactly as saved, where TF.js's own loadLayersModel moves them (it sets each through its
 * constraint again). A source no TF.js loader takes is refused by name.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constraint, loadModelFrom, modelFromArtifacts, penalty, SpecError, saveModel, tf } from '../../src/node.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-load-'));
const server = createServer((req, res) => {
  try {
    res.end(readFileSync(join(root, (req.url ?? '').replace(/^\/+/, ''))));
  } catch {
    res.statusCode = 404;
    res.end();
  }
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

/** Weights well inside their max-norm bound: the constraint changes nothing but, in float32, rounding. */
function constrained(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({
        name: 'a',
        units: 16,
        inputShape: [12],
        kernelRegularizer: penalty('deadzone:1e-3,a=0.1'),
        kernelConstraint: constraint('maxnorm:m=2'),
        kernelInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 3 }),
      }),
      tf.layers.dense({ name: 'b', units: 4, kernelConstraint: tf.constraints.maxNorm({ maxValue: 2 }), kernelRegularizer: penalty('l1:1e-4') }),
    ],
  });
  return m;
}

/** The saved weights, by name, as weights.bin holds them. */
function savedWeights(dir: string): Record<string, Float32Array> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const decoded = tf.io.decodeWeights(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    json.weightsManifest.flatMap((m) => m.weights),
  );
  return Object.fromEntries(Object.entries(decoded).map(([name, t]) => [name, t.dataSync() as Float32Array]));
}

const weightsOf = (m: tf.LayersModel) => Object.fromEntries(m.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));

describe('loadModelFrom', () => {
  it.each([false, true])('a model saved (portable: %s) loads from its URL with its penalties and constraints, every weight as saved', async (portable) => {
    const dir = join(root, portable ? 'portable' : 'plain');
    const original = constrained();
    await saveModel(original, dir, { portable });
    const saved = savedWeights(dir);
    const url = `${base}/${portable ? 'portable' : 'plain'}/model.json`;

    const model = await loadModelFrom(url);
    expect(model.getLayer('a').getConfig().kernelRegularizer).toMatchObject({ className: 'penx.deadzone' });
    expect(model.getLayer('a').getConfig().kernelConstraint).toMatchObject({ className: 'penx.constraint.maxnorm' });
    expect(model.getLayer('b').getConfig().kernelRegularizer).toMatchObject({ className: 'penx.l1' });
    expect(weightsOf(model)).toEqual(saved);

    // TF.js's own loading (of the plain folder: the portable one names no class of ours) moves constrained weights.
    if (!portable) {
      const tfjs = weightsOf(await tf.loadLayersModel(url));
      expect(tfjs['a/kernel']).not.toEqual(saved['a/kernel']);
      expect(tfjs['b/kernel']).not.toEqual(saved['b/kernel']);
      expect(tfjs['a/bias']).toEqual(saved['a/bias']);
    }
  });

  it('takes an IOHandler, and the artifacts themselves, the same way', async () => {
    const dir = join(root, 'plain');
    const saved = savedWeights(dir);
    const handler = tf.io.http(`${base}/plain/model.json`);
    expect(weightsOf(await loadModelFrom(handler))).toEqual(saved);
    expect(weightsOf(await modelFromArtifacts(await handler.load!(), 'plain/model.json'))).toEqual(saved);
  });

  it('refuses a source no TF.js loader takes, naming it and what would be right', async () => {
    const refused = loadModelFrom('figures/runs/l1/checkpoint/model');
    await expect(refused).rejects.toThrow(SpecError);
    await expect(loadModelFrom('figures/runs/l1/checkpoint/model')).rejects.toThrow(
      /"figures\/runs\/l1\/checkpoint\/model": no TF\.js loader for it; give an http\(s\):\/\/ URL of a model\.json/,
    );
  });
});
