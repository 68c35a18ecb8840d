/**
 * Adadelta with Keras's update (Zeiler 2012), per weight w with gradient g:
 *
 *   a ← ρ·a + (1−ρ)·g²                      (running mean of squared gradients)
 *   Δ = g · √(u + ε) / √(a + ε)             (uses the NEW a)
 *   u ← ρ·u + (1−ρ)·Δ²                      (running mean of squared updates)
 *   w ← w − lr·Δ
 *
 * TF.js's own `tf.train.adadelta` divides by the OLD a, which is 0 at the first step, so its first
 * update is the raw gradient: with the reference experiment's lr = 1.0 and N(0, 0.25²) weights
 * that throws weights to ~100 and the run to NaN within a few batches.
 *
 * @example
 * const opt = new Adadelta(1.0, 0.95);   // Keras: Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-7)
 */
import { tf } from '../tf.ts';

type NamedTensor = { name: string; tensor: tf.Tensor };

interface Slot {
  readonly originalName: string;
  readonly variable: tf.Variable;
}

export class Adadelta extends tf.Optimizer {
  static className = 'penx.Adadelta';
  private accumulatedGrads: Slot[] = [];
  private accumulatedUpdates: Slot[] = [];

  constructor(
    readonly learningRate = 1.0,
    readonly rho = 0.95,
    readonly epsilon = 1e-7,
  ) {
    super();
    for (const [k, v] of Object.entries({ learningRate, rho, epsilon })) {
      if (!Number.isFinite(v) || v < 0) throw new Error(`Adadelta ${k} must be a finite number ≥ 0, got ${v}`);
    }
    if (rho > 1) throw new Error(`Adadelta rho must be ≤ 1, got ${rho}`);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name] as tf.Variable;
      const slot = (list: Slot[], suffix: string): tf.Variable =>
        (list[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) }).variable;
      const a = slot(this.accumulatedGrads, 'accum_grad');
      const u = slot(this.accumulatedUpdates, 'accum_var');
      const g = Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name];
      if (g == null) return;
      tf.tidy(() => {
        const aNew = tf.add(tf.mul(a, this.rho), tf.mul(tf.square(g), 1 - this.rho));
        const delta = tf.mul(tf.div(tf.sqrt(tf.add(u, this.epsilon)), tf.sqrt(tf.add(aNew, this.epsilon))), g);
        const uNew = tf.add(tf.mul(u, this.rho), tf.mul(tf.square(delta), 1 - this.rho));
        a.assign(aNew);
        u.assign(uNew);
        value.assign(tf.sub(value, tf.mul(delta, this.learningRate)));
      });
    });
    this.incrementIterations();
  }

  override dispose(): void {
    tf.dispose([...this.accumulatedGrads, ...this.accumulatedUpdates].map((s) => s.variable));
    this.accumulatedGrads = [];
    this.accumulatedUpdates = [];
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.accumulatedGrads, ...this.accumulatedUpdates];
    return [await this.saveIterations(), ...slots.map((s) => ({ name: s.originalName, tensor: s.variable as tf.Tensor }))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    const half = values.length / 2;
    this.dispose();
    const toSlot = (v: NamedTensor): Slot => ({ originalName: v.name, variable: v.tensor.variable(false) });
    this.accumulatedGrads = values.slice(0, half).map(toSlot);
    this.accumulatedUpdates = values.slice(half).map(toSlot);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new (cls as unknown as new (lr: number, rho: number, eps: number) => T)(config['learningRate'] as number, config['rho'] as number, config['epsilon'] as number);
  }
}
tf.serialization.registerClass(Adadelta);
