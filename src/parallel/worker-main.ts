/**
 * A shard worker: its own single-threaded backend (the main thread's kind) and a copy of the model's layers.
 *
 *   start: backend ─► the user's modules imported when the topology names a class TF.js does not know
 *          ─► model from the bare topology (the main thread's weight layout, or 'failed') ─► 'ready' (with those classes)
 *   each request: the trainable weights (and the frozen ones, when sent) ─► forward (+ backward) on the shard ─► reply
 */

import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../backends/index.ts';
import { errorLine } from '../error-line.ts';
import { applyTrainable, outputNamesOf } from '../model/index.ts';
import { tf } from '../tf.ts';
import { batchGradients, evaluateChunked, type Objective, objectiveOf, trainableVariables } from '../training/index.ts';
import { importUserModule } from '../user-modules/index.ts';
import { assignFlat, flatTensors, frozenVariables, unknownClasses, weightLayout } from './flat.ts';
import type { Reply, Request, WorkerSetup } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('worker-main runs in a worker thread');
const post = (r: Reply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);

/**
 * The classes `topology` names that TF.js does not know here, once the user's `modules` are imported
 * for them (none imported when it names none); an Error naming a module that fails to import, and an
 * `UnknownClassesError` when a class stays unknown once they are.
 */
async function importFor(topology: unknown, modules: readonly string[]): Promise<string[]> {
  const unknown = unknownClasses(topology);
  if (unknown.length === 0) return [];
  for (const url of modules)
    await importUserModule(url).catch((e: unknown) => {
      throw new Error(`module ${fileURLToPath(url)}, imported for class ${unknown.join(', ')}, fails to load on a worker thread: ${errorLine(e)}`);
    });
  const still = unknownClasses(topology);
  if (still.length > 0) throw new UnknownClassesError(still);
  return unknown;
}

/**
 * Classes the model's JSON names that no module given to this worker registers: one line saying so and
 * what fixes it, a reason the model stays on one thread. Worded for every caller (an app gives the
 * workers its users' modules through the library too), so it names the library's option only.
 */
class UnknownClassesError extends Error {
  constructor(classes: readonly string[]) {
    const [one, it] = classes.length === 1 ? ['class', 'it'] : ['classes', 'them'];
    super(
      `${one} ${classes.join(', ')} of the model ${it === 'it' ? 'is' : 'are'} unknown to the worker threads: no module given to them registers ${it} (give them the one that does, e.g. in selectBackend's classModules)`,
    );
  }
}

async function setUp(setup: WorkerSetup) {
  await selectBackend(setup.backend, { threads: 1, parallel: 'threads' });
  const userClasses = await importFor(setup.topology, setup.modules);
  const model = applyTrainable(await tf.models.modelFromJSON({ modelTopology: setup.topology as tf.io.ModelJSON['modelTopology'] }), setup.topology);
  const layout = weightLayout(model);
  if (layout !== setup.layout) throw new Error(`the model rebuilt here has other weights (${layout}) than the main thread's (${setup.layout})`);
  return { model, vars: trainableVariables(model), frozen: frozenVariables(model), userClasses };
}

/** The objective a request names, rebuilt once per distinct one. */
const objectives = new Map<string, Objective>();
function objectiveFor(model: tf.LayersModel, o: Request['objective']): Objective {
  const key = JSON.stringify(o);
  let objective = objectives.get(key);
  if (!objective) {
    const metrics = Object.fromEntries(outputNamesOf(model).map((name, i) => [name, o.metrics.filter((m) => m.output === i).map((m) => m.spec)]));
    objectives.set(key, (objective = objectiveOf(model, o.losses as never, metrics)));
  }
  return objective;
}

/** `vars`: the trainable variables (weights sent every time, gradients), `frozen`: the others (sent when changed). */
function handle(model: tf.LayersModel, vars: tf.Variable[], frozen: tf.Variable[], m: Request): void {
  assignFlat(vars, m.weights);
  if (m.frozen) assignFlat(frozen, m.frozen);
  const x = tf.tensor(m.x, m.xShape, 'float32');
  const y = tf.tensor(m.y, m.yShape, 'float32');
  const batch = { xs: [x], ys: [y] };
  const objective = objectiveFor(model, m.objective);
  try {
    if (m.type === 'eval') {
      const r = evaluateChunked(model, batch, objective, m.chunk, m.predictions === true);
      post(
        { id: m.id, ...r },
        (r.predictions ?? []).map((p) => p.buffer as ArrayBuffer),
      );
      return;
    }
    const { grads, scores, n } = batchGradients(model, batch, objective, m.scale, m.seed);
    const flat = flatTensors(vars.map((v) => grads[v.name]!));
    tf.dispose(Object.values(grads));
    post({ id: m.id, scores, n, grads: flat }, [flat.buffer]);
  } finally {
    tf.dispose([x, y]);
  }
}

try {
  const { model, vars, frozen, userClasses } = await setUp(workerData as WorkerSetup);
  port.on('message', (m: Request) => {
    try {
      handle(model, vars, frozen, m);
    } catch (e) {
      post({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
  post({ type: 'ready', userClasses });
} catch (e) {
  if (e instanceof UnknownClassesError) post({ type: 'failed', error: e.message, unshardable: true });
  // Its message, whole: the main thread tells it in one line (`errorLine`), which a stack's frames would not help.
  else post({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
}
