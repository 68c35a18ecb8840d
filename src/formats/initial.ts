import type { RunConfig } from './run.ts';

/**
 * What a run's epoch 0 (its `initial` snapshot, taken before the first batch) is called in the lines
 * and pages that show it: `untrained` for a model whose record names no source — the reference model,
 * a model given to `fit` without `info.modelSource` — and `before training` for one from a source (a
 * module, a saved model's folder), which may have been trained already: epoch 0 is then the model as
 * its source gave it.
 *
 * @example
 * initialWords(record.config)   // 'untrained' (config.model.source absent), 'before training' (e.g. source 'runs/a/checkpoint/model')
 */
export function initialWords(config: Pick<RunConfig, 'model'> | undefined): 'untrained' | 'before training' {
  return config?.model?.source === undefined ? 'untrained' : 'before training';
}
