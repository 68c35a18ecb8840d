/**
 * What `penx train --model DIR` says when DIR is not a model folder (in-process: modelMaker, as the
 * command calls it before the backend starts): each message says what was given and what would be
 * right — the module of that name with its extension, the folder of a model.json given itself, a run
 * folder's checkpoint/model — where TF.js alone says `ENOENT … DIR/model.json`. A saved model whose
 * penalty of the user's is not defined says which flag imports its module, and how to train it with another
 * penalty (a `--model` module that imports it and loads the folder: that module, written as printed, builds
 * the model through modelMaker as `penx train --model` does). A model TF.js cannot read
 * is refused with TF.js's reason whole (errorLine), here and when `penx prune` reads a run's checkpoint.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointModel } from '../../mnist-demo/cli/actions/prune.ts';
import { modelMaker } from '../../mnist-demo/experiment/model-source.ts';
import { describePenalty, inventory, penalty, saveModel, tf } from '../../src/node.ts';
import { moduleDir } from './module-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-model-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DATA = { shape: [4, 4, 1], classes: 3 } as const;

/** The message modelMaker refuses `dir` with ('' when it takes it). */
async function refusal(dir: string): Promise<string> {
  try {
    await modelMaker({ kind: 'folder', dir }, DATA);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

/** A run folder's checkpoint: `dir/checkpoint/model/model.json` (+ weights) of a model that fits DATA. */
async function saveRun(dir: string, kernelPenalty = 'l1:1e-4'): Promise<string> {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [4, 4, 1] }),
      tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelRegularizer: penalty(kernelPenalty) }),
    ],
  });
  const at = join(dir, 'checkpoint', 'model');
  await saveModel(model, at);
  model.dispose();
  return at;
}

describe('--model DIR that is not a model folder', () => {
  it('a folder that is not there: the module of that name, when there is one, with its extension', async () => {
    writeFileSync(join(root, 'mlp.ts'), 'export default () => undefined;\n');
    expect(await refusal(join(root, 'mlp'))).toBe(
      `model folder ${join(root, 'mlp')}: cannot be loaded as a TF.js model: it does not exist; a module is named with its extension: --model ${join(root, 'mlp.ts')}`,
    );
    expect(await refusal(join(root, 'nope'))).toMatch(
      /: it does not exist; --model takes a folder holding a TF\.js model\.json \(and its weights\), or a module file ending in \.js, \.mjs, \.cjs, \.ts, \.mts or \.cts$/,
    );
  });

  it('a run folder, its checkpoint, or the model.json itself: the folder that holds model.json', async () => {
    const run = join(root, 'run');
    const model = await saveRun(run);
    expect(await refusal(run)).toBe(
      `model folder ${run}: cannot be loaded as a TF.js model: it has no model.json; its checkpoint/model/ has one (a run folder's checkpoint holds the model there): --model ${model}`,
    );
    expect(await refusal(join(run, 'checkpoint'))).toMatch(/: it has no model\.json; its model\/ has one .*: --model \S+\/run\/checkpoint\/model$/);
    expect(await refusal(join(model, 'model.json'))).toBe(
      `model folder ${join(model, 'model.json')}: cannot be loaded as a TF.js model: it is the model.json itself: give the folder that holds it, --model ${model}`,
    );
    expect(await refusal(join(root, 'mlp.ts'))).toMatch(/: it is a file, not a folder; --model takes a folder/);
    expect(await refusal(model)).toBe('');
  });

  it('a saved model whose penalty of the user’s is not defined here: --penalty imports its module, a --model module trains it with another', async () => {
    const model = await saveRun(join(root, 'own'));
    const json = join(model, 'model.json');
    // As a model saved with a penalty of a module this process has not imported names it.
    writeFileSync(json, readFileSync(json, 'utf8').replaceAll('"penx.l1"', '"penx.mylogsum"'));
    const told = await refusal(model);
    expect(told).toMatch(/uses the penalty 'mylogsum', which is not defined in this process; import its module .*\) before loading the model\)/);
    expect(told.slice(told.indexOf('); with penx'))).toBe(
      "); with penx, give the module that defines it in --penalty (e.g. --penalty ./mylogsum.ts:1e-4), which imports it before the model is loaded and makes it the run's penalty; " +
        `to train this model with another penalty, give --model a module that imports it and loads the model (e.g. --model ./my-model.ts, of: import './mylogsum.ts'; import { loadModel } from 'penalty-explorer/node'; export default () => loadModel('${model}');)`,
    );
    mkdirSync(join(root, 'empty'));
    expect(await refusal(join(root, 'empty'))).toMatch(/: it has no model\.json; --model takes a folder/);
  });

  it('the --model module that refusal prints, written as printed beside its penalty module, builds the saved model as penx train --model builds it (no test ran it)', async () => {
    const model = join(root, 'own', 'checkpoint', 'model');
    const [, file, text] = /e\.g\. --model \.\/(\S+), of: (.*)\)$/.exec(await refusal(model)) ?? [];
    expect(text).toMatch(/^import '\.\/mylogsum\.ts'; /);
    // A user's project: 'penalty-explorer' resolves to this package; the penalty's module beside it, as the hint's import has it.
    const here = moduleDir('penx-model-module-');
    try {
      writeFileSync(
        join(here, 'mylogsum.ts'),
        "import { abs, definePenalty, tf } from 'penalty-explorer';\nexport default definePenalty({ name: 'mylogsum', fn: (w) => tf.log1p(abs(w)) });\n",
      );
      writeFileSync(join(here, file!), `${text}\n`);
      const make = await modelMaker({ kind: 'module', path: join(here, file!) }, DATA);
      const built = await make(1);
      try {
        // The saved model, its penalty of the user's loaded with it (the run's --penalty replaces it).
        const kernel = inventory(built).weights.find((w) => w.name === 'out/kernel');
        expect(kernel?.regularizer && describePenalty(kernel.regularizer)).toMatchObject({ spec: 'mylogsum:1e-4', source: 'user' });
      } finally {
        built.dispose();
      }
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  });

  it('a model TF.js cannot read, its reason on the lines after the first: said whole, for --model and for a run prune reads', async () => {
    const model = await saveRun(join(root, 'unknown-layer'));
    const json = join(model, 'model.json');
    // TF.js: 'Unknown layer: Dense9. This may be due to one of the following reasons:' ⏎ '1. The layer is defined in Python, …' ⏎ '2. …'
    writeFileSync(json, readFileSync(json, 'utf8').replaceAll('"Dense"', '"Dense9"'));
    const told = await refusal(model);
    const pruned = await checkpointModel(model).then(
      () => '',
      (err: Error) => err.message,
    );
    const reason = 'Unknown layer: Dense9. This may be due to one of the following reasons: 1. The layer is defined in Python';
    expect(told).toContain(`model folder ${model}: cannot be loaded as a TF.js model (${reason}`);
    expect(told).toMatch(/ 2\. .*registerClass\(\)\.?\)$/);
    expect(pruned).toContain(`${model}: cannot be loaded as a TF.js model (${reason}`);
    expect(pruned).toMatch(/ 2\. .*registerClass\(\)\.?\); train the run again, or give a run whose checkpoint is whole$/);
  });
});
