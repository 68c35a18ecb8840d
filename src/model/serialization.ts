/**
 * TF.js serialisation for catalogue entries: one class per entry name, registered with
 * `tf.serialization` as `<prefix><name>`, so a saved model names the entry it used and loading
 * it rebuilds the object through the catalogue (`Catalog.fromConfig`).
 */

import type { Binding, CatalogEntry } from '../registry/index.ts';
import { tfjsCamelCase } from '../registry/index.ts';
import { tf } from '../tf.ts';

type Ctor<T> = abstract new (...args: never[]) => T;

/** The (unexported) tfjs-layers base class of `sample`, e.g. Regularizer from `tf.regularizers.l1()`. */
export function tfjsBaseClass(sample: object): abstract new () => tf.serialization.Serializable {
  return Object.getPrototypeOf(sample.constructor) as abstract new () => tf.serialization.Serializable;
}

/**
 * Whether `obj` is of the very class TF.js registers under its class name, the one its JSON is
 * rebuilt as: false for a user's class that extends a TF.js layer and inherits its name (say
 * Dense, with a call() of its own), which TF.js would rebuild, or a graph compute, as the parent.
 * Example: `isRegisteredClass(tf.layers.dense({ units: 3 }))` is true.
 */
export function isRegisteredClass(obj: tf.serialization.Serializable): boolean {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[obj.getClassName()];
  return registered !== undefined && obj.constructor === registered[0];
}

/** One TF.js-serialisable class per catalogue entry name, subclasses of `base` registered as `<prefix><name>` (see the file's comment). */
export class NamedClasses<C extends Ctor<tf.serialization.Serializable>> {
  private readonly classes = new Map<string, C>();

  constructor(
    readonly prefix: string,
    private readonly base: C,
  ) {}

  /**
   * Register the class for `name` (once): a subclass of the base whose `fromConfig` calls
   * `restore(config)`, which must return an instance of that class.
   */
  register(name: string, restore: (config: tf.serialization.ConfigDict) => tf.serialization.Serializable): C {
    let cls = this.classes.get(name);
    if (!cls) {
      const className = `${this.prefix}${name}`;
      // @ts-expect-error -- a mixin over an abstract constructor type
      cls = class extends this.base {
        static className = className;
        static fromConfig(_ctor: unknown, config: tf.serialization.ConfigDict): tf.serialization.Serializable {
          return restore(config);
        }
      } as unknown as C;
      tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
      // A name with `_` comes back camel-cased when TF.js loads a model: that name restores it too.
      const read = tfjsCamelCase(className);
      if (read !== className) {
        tf.serialization.registerClass(
          class extends (cls as unknown as new () => { getConfig(): tf.serialization.ConfigDict }) {
            static className = read;
          } as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
        );
      }
      this.classes.set(name, cls);
    }
    return cls;
  }
}

/**
 * The `bind` and `onAdd` of a catalogue whose objects are TF.js classes, one per entry name,
 * registered on first use: a definition made by another copy of this package (a user's module
 * loaded apart) gets its class too, and loading a saved model rebuilds through the catalogue, so a
 * re-defined entry is the one used.
 */
export function tfjsBound<E extends CatalogEntry, B extends tf.serialization.Serializable>(
  classes: NamedClasses<new (binding: Binding<E>) => B>,
  catalog: () => { fromConfig(name: string, config: tf.serialization.ConfigDict): B },
): { bind: (b: Binding<E>) => B; onAdd: (e: E) => void } {
  const classFor = (name: string) => classes.register(name, (config) => catalog().fromConfig(name, config));
  return { bind: (b) => new (classFor(b.entry.name))(b), onAdd: (e) => void classFor(e.name) };
}
