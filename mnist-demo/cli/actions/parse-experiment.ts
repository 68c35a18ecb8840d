/**
 * Turning the shared options of `penx train` and `penx compare` into a checked Experiment: every
 * value is validated (specs parsed, modules imported and probed) before any data is read or any
 * training starts.
 */
import { resolve } from 'node:path';
import { isModuleRef, loadConstraint, optimizerSpec, SpecError } from '../../../src/node.ts';
import type { Experiment, ModelSource } from '../../experiment/types.ts';
import type { ExperimentFlags } from '../experiment-options.ts';
import { wholeNumber } from '../numbers.ts';
import { parseControls } from './controls.ts';

function modelSource(text: string | undefined): ModelSource {
  if (text === undefined) return { kind: 'reference' };
  if (isModuleRef(text) && /\.[cm]?[jt]s$/.test(text)) return { kind: 'module', path: text };
  return { kind: 'folder', dir: resolve(text) };
}

export async function parseExperiment(flags: ExperimentFlags): Promise<Experiment> {
  if (flags.resume && flags.force) throw new SpecError('--resume and --force contradict each other; give one');
  if (flags.name !== undefined && !/^[\w.,:=+-]+$/.test(flags.name)) throw new SpecError(`--name '${flags.name}' must be a plain folder name (letters, digits, . _ - , : = +)`);
  const constraint = flags.constraint === undefined ? undefined : await loadConstraint(flags.constraint);
  const controls = await parseControls(flags.lrMult, flags.grad);
  const trainSize = wholeNumber(flags.trainSize, '--train-size', 1);
  const testSize = wholeNumber(flags.testSize, '--test-size', 1);
  return {
    model: modelSource(flags.model),
    ...(constraint ? { constraint } : {}),
    penalizeBias: flags.penalizeBias === true,
    data: { ...(flags.data === undefined ? {} : { dir: flags.data }), ...(trainSize === undefined ? {} : { trainSize }), ...(testSize === undefined ? {} : { testSize }) },
    epochs: wholeNumber(flags.epochs, '--epochs', 1),
    batchSize: wholeNumber(flags.batchSize, '--batch-size', 1),
    seed: wholeNumber(flags.seed, '--seed', 0),
    optimizer: optimizerSpec(flags.optimizer).spec,
    ...(controls ? { controls } : {}),
    trackNorms: flags.trackNorms,
    out: flags.out,
    resume: flags.resume === true,
    force: flags.force === true,
  };
}

/** A folder name for a penalty spec: `deadzone:1e-4,a=0.25` → `deadzone_1e-4_a=0.25`. */
export function runNameFor(spec: string): string {
  return spec.replace(/[:,]/g, '_');
}
