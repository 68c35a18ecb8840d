/**
 * `selectBackend`'s `classModules`, as a library user gives them: imported on this thread at selection
 * (a module that fails to is refused with its own error), kept by `currentBackend()`, checked once, and
 * a shard worker's failure to start told in one line. The modules are written for the test in a
 * temporary folder (removed after it); they take TF.js by `require` from this repository, as the
 * library does under the tests, so they register in the same TF.js.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLine } from '../../src/error-line.ts';
import { currentBackend, gradientsFor, ShardedGradients, selectBackend, tf, UsageError } from '../../src/node.ts';

const REPO = fileURLToPath(new URL('../../package.json', import.meta.url));

/** A module registering layer class `className` (x ↦ 2x, sample by sample); `guard`: code run first at its top level, `built`: in its constructor. */
const layerModule = (className: string, { guard = '', built = '' } = {}) => `
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
const tf = createRequire(${JSON.stringify(REPO)})('@tensorflow/tfjs');
${guard}
class Doubling extends tf.layers.Layer {
  static className = ${JSON.stringify(className)};
  constructor(config) {
    super(config);
    ${built}
  }
  call(inputs) {
    return tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, 2);
  }
}
tf.serialization.registerClass(Doubling);
`;

/** Thrown on a worker thread only, its reason on the second line (as TF.js words its errors). */
const ON_WORKERS = (what: string) => `if (!isMainThread) throw new Error('${what} on the main thread only:\\nthe reason is on this second line');`;

let dir: string;
/** The path of the module `name` written in the temporary folder. */
const at = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'penx-class-modules-'));
  writeFileSync(at('good.mjs'), layerModule('TmpClassModGood'));
  writeFileSync(at('syntax.mjs'), 'export const broken = ;\n');
  writeFileSync(at('throws.mjs'), "throw new Error('cannot load:\\nthe reason is on this second line');\n");
  writeFileSync(at('built-here.mjs'), layerModule('TmpClassModBuiltHere', { built: ON_WORKERS('built') }));
  writeFileSync(at('imported-here.mjs'), layerModule('TmpClassModImportedHere', { guard: ON_WORKERS('imported') }));
  writeFileSync(at('gone.mjs'), layerModule('TmpClassModGone'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  tf.disposeVariables();
});

/** A model of 4 inputs and 3 classes, through a layer of class `className` when given. */
function modelWith(className?: string): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  let x = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  if (className) {
    const Layer = tf.serialization.SerializationMap.getMap().classNameMap[className]![0] as unknown as new (c: object) => tf.layers.Layer;
    x = new Layer({ name: 'doubling' }).apply(x) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: tf.layers.activation({ activation: 'softmax' }).apply(x) as tf.SymbolicTensor });
}

/** The one-thread note `gradientsFor` gives for `m` on `backend` (its strategy closed, `m` disposed). */
async function noteFor(m: tf.LayersModel, backend: Parameters<typeof gradientsFor>[1]): Promise<string | undefined> {
  const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy');
  await chosen.gradients.close();
  m.dispose();
  return chosen.note;
}

describe('errorLine', () => {
  it("joins a message's lines, dropping blank ones and stack frames, not a line starting 'at'", () => {
    const e = new Error('Unknown layer: X.\n\n  at least one of:\n    at f (file:///x.js:3:9)\n    at file:///x.js:4:1\n    at g (native)\n1. the reason');
    expect(errorLine(e)).toBe('Unknown layer: X. at least one of: 1. the reason');
    expect(errorLine('text')).toBe('text');
    expect(errorLine('x'.repeat(700))).toBe(`${'x'.repeat(599)}…`);
  });

  it("drops Node's `Require stack:` of a missing module (the files that asked for it), keeping the reason", () => {
    const missing = (() => {
      try {
        createRequire(import.meta.url)('./no-such-module.js');
      } catch (e) {
        return e;
      }
    })();
    expect((missing as Error).message).toMatch(/\nRequire stack:\n- /);
    expect(errorLine(missing)).toBe("Cannot find module './no-such-module.js'");
  });
});

describe('classModules, on wasm with 2 threads (this one + 1 worker)', () => {
  it('refuses a module that fails to import, with its own error in one line, before any backend starts', async () => {
    // (Node's message for the syntax error, or Vite's under the tests: both say where, in one line.)
    const syntax = (name: string) => new RegExp(`^classModules: module '${at(name)}' failed to load: [^\\n]*Unexpected token[^\\n]*$`);
    for (const [name, why] of [
      ['syntax.mjs', syntax('syntax.mjs')],
      ['throws.mjs', `classModules: module '${at('throws.mjs')}' failed to load: cannot load: the reason is on this second line`],
    ] as const) {
      const refused = selectBackend('wasm', { threads: 2, classModules: [at('good.mjs'), at(name)] });
      await expect(refused).rejects.toThrow(UsageError);
      await expect(refused).rejects.toThrow(why);
    }
    // This test file started none: nothing was selected.
    expect(currentBackend()).toBeUndefined();
    // A caller of ShardedGradients.start, which the library's selection does not check for, is refused alike.
    const direct = ShardedGradients.start(modelWith(), 1, [at('syntax.mjs')]);
    await expect(direct).rejects.toThrow(UsageError);
    await expect(direct).rejects.toThrow(syntax('syntax.mjs'));
    await expect(ShardedGradients.start(modelWith(), 1, [at('none.mjs')])).rejects.toThrow(/^classModules: module '.*none\.mjs' not found/);
  });

  it('imports them here at selection, and currentBackend() keeps them until the next selection', async () => {
    const good = pathToFileURL(at('good.mjs')).href;
    const backend = await selectBackend('wasm', { threads: 2, classModules: [at('good.mjs')] });
    expect(backend.classModules).toEqual([good]);
    // What code starting workers later (an evaluation, a sweep, a resume) reads.
    expect(currentBackend()).toEqual({ name: 'wasm', threads: 2, parallel: 'data', workers: 1, classModules: [good] });
    // Registered on this thread: a model of that class can be built (or loaded) here.
    expect(tf.serialization.SerializationMap.getMap().classNameMap.TmpClassModGood).toBeDefined();
    expect(await selectBackend('wasm', { threads: 2 })).toEqual({ name: 'wasm', threads: 2, parallel: 'data', workers: 1 });
    expect(currentBackend()?.classModules).toBeUndefined();
  });

  it("tells a worker's failure to build the model in one line, its reason from the error's second line", async () => {
    const backend = await selectBackend('wasm', { threads: 2, classModules: [at('built-here.mjs')] });
    expect(await noteFor(modelWith('TmpClassModBuiltHere'), backend)).toBe(
      'one thread: the model cannot be rebuilt on worker threads (a shard worker failed to start: built on the main thread only: the reason is on this second line)',
    );
  });

  it("tells a worker's failure to import a module in one line, its reason from the error's second line", async () => {
    const backend = await selectBackend('wasm', { threads: 2, classModules: [at('imported-here.mjs')] });
    expect(await noteFor(modelWith('TmpClassModImportedHere'), backend)).toBe(
      `one thread: the model cannot be rebuilt on worker threads (a shard worker failed to start: module ${at('imported-here.mjs')}, imported for class TmpClassModImportedHere, fails to load on a worker thread: imported on the main thread only: the reason is on this second line)`,
    );
  });

  // Last: a worker started later in this file for a class it does not know would import gone.mjs, removed here.
  it("checks them once, at selection: selectBackend's list is not checked again where gradientsFor passes it on, a list of the caller's is", async () => {
    const backend = await selectBackend('wasm', { threads: 2, classModules: [at('gone.mjs')] });
    rmSync(at('gone.mjs'));
    const m = modelWith();
    // A caller's own copy of the list is checked: the module is gone.
    await expect(gradientsFor(m, { ...backend, classModules: [...(backend.classModules ?? [])] }, 'categoricalCrossentropy')).rejects.toThrow(
      /^classModules: module '.*gone\.mjs' not found/,
    );
    // What gradientsFor gives ShardedGradients.start: selectBackend's own list, not checked (nor imported) again.
    const sharded = await ShardedGradients.start(m, 0, backend.classModules);
    expect(sharded.threads).toBe(1);
    await sharded.close();
    m.dispose();
  });
});
