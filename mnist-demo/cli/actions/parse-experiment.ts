/**
 * Turning the shared options of `penx train` and `penx compare` into a checked Experiment: every
 * value is validated (specs parsed, modules imported and probed) before any data is read or any
 * training starts.
 */
import { resolve } from 'node:path';
import {
  checkRunName,
  isModuleRef,
  loadConstraint,
  loadPenalty,
  optimizerSpec,
  type PenaltyRegularizer,
  type PruneOptions,
  parseSpec,
  splitProxFlag,
  UsageError,
  useQuietCpu,
} from 'penalty-explorer/node';
import type { Experiment, ModelSource } from '../../experiment/types.ts';
import type { ExperimentFlags } from '../experiment-options.ts';
import { listItems } from '../lists.ts';
import { portNumber, wholeNumber, wholeNumbersOf } from '../numbers.ts';
import { givenPath } from '../paths.ts';
import { parseControls } from './controls.ts';
import { givenHost } from './serve.ts';

function modelSource(text: string | undefined): ModelSource {
  if (text === undefined) return { kind: 'reference' };
  if (isModuleRef(text) && /\.[cm]?[jt]s$/.test(text)) return { kind: 'module', path: text };
  return { kind: 'folder', dir: resolve(text) };
}

/**
 * The live dashboard's flags, before anything is read or written: `--serve`'s port, and `--host`
 * (refused when empty, and without `--serve`: it would be ignored).
 */
export function checkServe(flags: { readonly host?: string; readonly serve?: boolean | string }): void {
  givenHost(flags.host);
  if (typeof flags.serve === 'string') portNumber(flags.serve, '--serve');
  if (flags.host !== undefined && (flags.serve === undefined || flags.serve === false))
    throw new UsageError(`--host ${flags.host} is the live dashboard's address: add --serve, or leave --host out`);
}

/** The flags every training command shares, read and checked into an `Experiment`, before any backend is chosen or anything is written. */
export async function parseExperiment(flags: ExperimentFlags): Promise<Experiment> {
  // Checking specs computes on probe tensors before any backend is chosen: no TF.js advert for it.
  await useQuietCpu();
  if (flags.resume && flags.force) throw new UsageError('--resume and --force contradict each other; give one');
  checkServe(flags);
  const out = givenPath(flags.out, '--out', 'the folder the runs go in, e.g. figures/runs');
  givenPath(flags.data, '--data', 'the folder with the four MNIST-format IDX files, or leave --data out for the bundled MNIST');
  givenPath(flags.model, '--model', 'a module (e.g. ./my-model.ts) or a folder with model.json, or leave --model out for the reference CNN');
  if (flags.name !== undefined) checkRunName(flags.name, '--name');
  const constraint = flags.constraint === undefined ? undefined : await loadConstraint(flags.constraint);
  const controls = await parseControls(flags.lrMult, flags.grad);
  const trainSize = wholeNumber(flags.trainSize, '--train-size', 1);
  const testSize = wholeNumber(flags.testSize, '--test-size', 1);
  const epochs = wholeNumber(flags.epochs, '--epochs', 1);
  return {
    model: modelSource(flags.model),
    ...(constraint ? { constraint } : {}),
    penalizeBias: flags.penalizeBias === true,
    portable: flags.portable === true,
    data: {
      ...(flags.data === undefined ? {} : { dir: flags.data }),
      ...(trainSize === undefined ? {} : { trainSize }),
      ...(testSize === undefined ? {} : { testSize }),
    },
    epochs,
    batchSize: wholeNumber(flags.batchSize, '--batch-size', 1),
    seed: wholeNumber(flags.seed, '--seed', 0, Number.MAX_SAFE_INTEGER),
    optimizer: optimizerSpec(flags.optimizer).spec,
    ...(controls ? { controls } : {}),
    trackNorms: flags.trackNorms,
    ...pruneOption(flags.pruneEpochs, epochs),
    figures: flags.figures !== false,
    out,
    resume: flags.resume === true,
    force: flags.force === true,
  };
}

/**
 * A run's penalty from its spec — a built-in, a defined name or a module path — with an optional
 * trailing `,prox` (proximal mode: exact zeros), and the module it came from.
 */
export async function loadRunPenalty(spec: string): Promise<{ penalty: PenaltyRegularizer; module?: string }> {
  const name = parseSpec(splitProxFlag(spec).spec).name;
  return { penalty: await loadPenalty(spec), ...(isModuleRef(name) ? { module: name } : {}) };
}

/** `--prune-epochs`: `last` (default), `all`, `none`, or a list of epochs such as `10,20,40`, each within the run's `last` epochs. */
export function pruneOption(text: string | undefined, last: number): { prune?: PruneOptions } {
  const t = (text ?? 'last').trim();
  if (t === 'none') return {};
  if (t === 'last' || t === 'all') return { prune: { epochs: t } };
  let epochs: number[];
  // An empty item is refused as such (by listItems), the rest by the message below.
  const items = listItems(t, '--prune-epochs');
  try {
    epochs = wholeNumbersOf(items, t, '--prune-epochs', 1);
  } catch {
    throw new UsageError(`--prune-epochs must be last, all, none, or epochs (whole numbers ≥ 1) such as 10,20,40; got '${t}'`);
  }
  const late = epochs.find((e) => e > last);
  if (late !== undefined)
    throw new UsageError(
      `--prune-epochs ${late} is after the last epoch: the run has ${last} epoch${last === 1 ? '' : 's'} (--epochs); give epochs from 1 to ${last}, or last, all or none`,
    );
  return { prune: { epochs } };
}
