/**
 * A shard worker: its own single-threaded backend (the main thread's kind) and a copy of the model's layers.
 *
 *   start: backend ─► model from the bare topology ─► 'ready'
 *   each request: weights (if sent) ─► forward (+ backward) on the shard ─► reply
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../backends/select.ts';
import { tf } from '../tf.ts';
import type { Reply, Request, WorkerSetup } from './protocol.ts';
import { assignFlat, evaluateFlat, flatTensors, shardGradients } from './shard-math.ts';

const port = parentPort;
if (!port) throw new Error('worker-main.ts runs in a worker thread');
const post = (r: Reply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);

async function setUp(setup: WorkerSetup) {
  await selectBackend(setup.backend, { threads: 1, parallel: 'threads' });
  const model = await tf.models.modelFromJSON({ modelTopology: setup.topology as tf.io.ModelJSON['modelTopology'] });
  return { model, vars: model.trainableWeights.map((w) => w.read() as tf.Variable) };
}

function handle(model: tf.LayersModel, vars: tf.Variable[], m: Request): void {
  if (m.weights) assignFlat(vars, m.weights);
  if (m.type === 'eval') {
    post({ id: m.id, ...evaluateFlat(model, m.x, m.y, m.n, m.chunk) });
    return;
  }
  const inputShape = (model.inputs[0]?.shape ?? []).slice(1) as number[];
  const x = tf.tensor(m.x, [m.n, ...inputShape], 'float32');
  const y = tf.tensor2d(m.y, [m.n, m.y.length / m.n]);
  try {
    const { grads, lossSum, correct } = shardGradients(model, vars, x, y, m.scale);
    const flat = flatTensors(vars.map((v) => grads[v.name]!));
    tf.dispose(Object.values(grads));
    post({ id: m.id, lossSum, correct, grads: flat }, [flat.buffer]);
  } finally {
    tf.dispose([x, y]);
  }
}

try {
  const { model, vars } = await setUp(workerData as WorkerSetup);
  port.on('message', (m: Request) => {
    try {
      handle(model, vars, m);
    } catch (e) {
      post({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
