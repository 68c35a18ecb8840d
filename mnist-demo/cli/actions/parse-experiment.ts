/**
 * Turning the shared options of `penx train` and `penx compare` into a checked Experiment: every
 * value is validated (the flags that need no library by ../flag-values.ts, first; then specs parsed,
 * modules imported and probed) before any data is read or any training starts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  isModuleRef,
  loadConstraint,
  loadMonitor,
  loadPenalty,
  type Monitor,
  optimizerSpec,
  type PenaltyRegularizer,
  parsePenaltySpec,
  UsageError,
  useQuietCpu,
} from 'penalty-explorer/node';
import type { Experiment, ModelSource } from '../../experiment/types.ts';
import type { ExperimentFlags } from '../experiment-options.ts';
import { experimentValues, isModelModule } from '../flag-values.ts';
import { parseControls } from './controls.ts';

function modelSource(text: string | undefined): ModelSource {
  if (text === undefined) return { kind: 'reference' };
  if (isModelModule(text)) return { kind: 'module', path: text };
  return { kind: 'folder', dir: resolve(text) };
}

/** What an earlier check of the same flags found, for a run to hold its own load to (a sweep's run, against the sweep's check). */
export interface CheckedBefore {
  /** Each `--monitor` module's SHA-256 (by its path as given) when the sweep checked it: `Experiment.monitorDigests`. */
  readonly monitorDigests?: Readonly<Record<string, string>>;
}

/**
 * The flags every training command shares, read and checked into an `Experiment`, before any backend is chosen or anything is written.
 * `before`: what the sweep's check of them found; a monitor module that differs now is refused (UsageError), before training.
 */
export async function parseExperiment(flags: ExperimentFlags, before: CheckedBefore = {}): Promise<Experiment> {
  // Checking specs computes on probe tensors before any backend is chosen: no TF.js advert for it.
  await useQuietCpu();
  // The flags that need no library first (the command line checked them before loading it: flag-values.ts).
  const { out, trainSize, testSize, epochs, batchSize, seed, prune, monitors: monitorPaths } = experimentValues(flags);
  const constraint = flags.constraint === undefined ? undefined : await loadConstraint(flags.constraint);
  const controls = await parseControls(flags.lrMult, flags.grad);
  const { monitors, digests } = await loadMonitors(monitorPaths, before.monitorDigests);
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
    batchSize,
    seed,
    optimizer: optimizerSpec(flags.optimizer).spec,
    ...(controls ? { controls } : {}),
    ...(monitors.length ? { monitors, monitorDigests: digests } : {}),
    trackNorms: flags.trackNorms,
    ...(prune ? { prune } : {}),
    figures: flags.figures !== false,
    out,
    resume: flags.resume === true,
    force: flags.force === true,
  };
}

/**
 * A run's penalty from its spec — a built-in, a defined name or a module path — with an optional
 * `,prox` item (proximal mode: exact zeros), and the module it came from.
 */
export async function loadRunPenalty(spec: string): Promise<{ penalty: PenaltyRegularizer; module?: string }> {
  const name = parsePenaltySpec(spec).name;
  return { penalty: await loadPenalty(spec), ...(isModuleRef(name) ? { module: name } : {}) };
}

/**
 * The monitors of `--monitor`'s modules, each the module's default export (loadMonitor: a UsageError
 * naming the module and what it exports when it is not a monitor), and each module's SHA-256 as read
 * just before it is imported; a UsageError when two have one name (their sections would share it), or
 * when a module's SHA-256 is not the one `checked` recorded for it (it changed since, or this machine's
 * copy differs from the one a queued sweep checked: nothing imported). Only the module's own file is
 * hashed, not what it imports.
 */
async function loadMonitors(
  paths: readonly string[],
  checked: Readonly<Record<string, string>> = {},
): Promise<{ monitors: Monitor[]; digests: Record<string, string> }> {
  const monitors: Monitor[] = [];
  const digests: Record<string, string> = {};
  for (const [i, path] of paths.entries()) {
    const digest = createHash('sha256')
      .update(readFileSync(resolve(path)))
      .digest('hex');
    const was = checked[path];
    if (was !== undefined && was !== digest)
      throw new UsageError(
        `monitor module '${path}' is not the one the sweep checked (SHA-256 ${was} then, ${digest} here: edited since, or another copy on this worker's machine); ` +
          'this run was not trained and nothing of it was written; leave the module as it is while a sweep runs (a queued sweep: the same file for every worker), ' +
          'or run the sweep again (it checks the module anew and resumes)',
      );
    digests[path] = digest;
    const monitor = await loadMonitor(path);
    const first = monitors.findIndex((m) => m.name === monitor.name);
    if (first >= 0)
      throw new UsageError(
        `--monitor: ${paths[first]} and ${path} both export a monitor named '${monitor.name}' (item ${first + 1} and ${i + 1}); each monitor's name is its section in run.json: give each module once, and each monitor its own name`,
      );
    monitors.push(monitor);
  }
  return { monitors, digests };
}
