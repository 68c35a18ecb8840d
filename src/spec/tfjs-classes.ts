/**
 * TF.js serialisation for catalogue entries: one class per entry name, registered with
 * `tf.serialization` as `<prefix><name>`, so a saved model names the entry it used.
 */
import { tf } from '../tf.ts';

export type SerializableCtor = abstract new (...args: never[]) => tf.serialization.Serializable;

/** The (unexported) tfjs-layers base class of `sample`, e.g. Regularizer from `tf.regularizers.l1()`. */
export function tfjsBaseClass(sample: object): abstract new () => tf.serialization.Serializable {
  return Object.getPrototypeOf(sample.constructor) as abstract new () => tf.serialization.Serializable;
}

export class NamedClasses<C extends SerializableCtor & { className: string }> {
  private readonly classes = new Map<string, C>();

  constructor(readonly prefix: string) {}

  /** The class for `name`, made by `make(className)` and registered with TF.js the first time. */
  register(name: string, make: (className: string) => C): C {
    let cls = this.classes.get(name);
    if (!cls) {
      cls = make(`${this.prefix}${name}`);
      tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
      this.classes.set(name, cls);
    }
    return cls;
  }

  get(name: string): C {
    const cls = this.classes.get(name);
    if (!cls) throw new Error(`internal: no TF.js class registered for ${this.prefix}${name}`);
    return cls;
  }
}
