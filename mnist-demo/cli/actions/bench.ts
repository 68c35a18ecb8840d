/** `penx bench`: how fast the reference model trains here, as `penx train` runs it (see mnist-demo/bench.ts); `--all`: every backend side by side, and PyTorch when it can run. */

import os from 'node:os';
import { type BackendInfo, optimizerSpec, PenaltyExplorerError, selectBackend } from 'penalty-explorer/node';
import { type PeerResult, pytorchPeer } from '../../bench/pytorch.ts';
import { type BenchOptions, type BenchResult, cpuReference, runBench } from '../../bench.ts';
import { REFERENCE_OPTIMIZER } from '../../experiment/reference.ts';
import { counted } from '../../words.ts';
import type { BackendFlags } from '../backend-options.ts';
import { type BenchNumberFlags, benchValues } from '../flag-values.ts';
import { printJson } from '../json.ts';
import { table } from '../table.ts';
import { describeBackend, startBackend } from './backend.ts';

/** The flags of `penx bench`, as commander gives them (text: the numbers checked before the library loads, flag-values.ts; the rest by the action). */
export interface BenchFlags extends BackendFlags, BenchNumberFlags {
  readonly json?: boolean;
  readonly all?: boolean;
  readonly optimizer?: string;
}

/** The backends `--all` tries, fastest kind first (cpu is the reference every row is compared with). */
const ALL_BACKENDS = ['tensorflow', 'onnxruntime', 'wasm'] as const;

function threadsLabel(r: BenchResult): string {
  const how =
    r.threads === 1 ? '' : r.parallel === 'data' ? ', data-parallel' : r.backend === 'wasm' ? ", wasm's threaded build" : `, ${r.backend}'s own threads`;
  return `${counted(r.threads, 'thread')}${how}`;
}

/** The reference experiment's optimiser as specs are recorded (normalised: every parameter given). */
const referenceOptimizer = (): string => optimizerSpec(REFERENCE_OPTIMIZER).spec;

/** A bench result or PyTorch's (which lacks the cpu comparison and the tensor counts). */
type Column = BenchResult | PeerResult;

const isPeer = (r: Column): r is PeerResult => r.backend === 'pytorch';

/**
 * The table `penx bench` prints: the measures of each result, one column per result ('—' where a
 * column has no such measure, 'not timed' for the cpu reference left out).
 */
export function benchTable(results: readonly Column[]): string {
  const first = results[0]!;
  const cpuBatch = results.find((r): r is BenchResult => !isPeer(r))?.cpuBatchSize ?? '';
  const row = (label: string, cell: (r: BenchResult) => string, peer: (r: PeerResult) => string = () => '—'): string[] => [
    label,
    ...results.map((r) => (isPeer(r) ? peer(r) : cell(r))),
  ];
  const rows = [
    row('threads', threadsLabel, (r) => `${r.threads} (PyTorch ${r.version})`),
    row('optimiser', (r) => r.optimizer, referenceOptimizer),
    row(
      'gradients',
      (r) => (r.gradients === 'fused' ? 'one fused graph per step' : 'kernel by kernel'),
      () => 'autograd',
    ),
    row(
      `forward, batch ${first.batchSize}`,
      (r) => `${r.forwardMs} ms`,
      (r) => `${r.forwardMs} ms`,
    ),
    row(
      `training step, batch ${first.batchSize}`,
      (r) => `${r.trainStepMs} ms`,
      (r) => `${r.trainStepMs} ms`,
    ),
    row(
      'step / forward',
      (r) => `${r.stepToForward}×`,
      (r) => `${r.stepToForward}×`,
    ),
    row(
      'mean step (the epoch is projected from it)',
      (r) => `${r.meanStepMs} ms`,
      (r) => `${r.meanStepMs} ms`,
    ),
    row('CPU time per step (cores kept busy)', (r) => `${r.stepCpuTimeMs} ms (${r.coresBusy})`),
    row('first step (sessions built)', (r) => `${r.firstStepMs} ms`),
    row(
      'per sample',
      (r) => `${r.msPerSample} ms`,
      (r) => `${r.msPerSample} ms`,
    ),
    row(
      'evaluation of 10 000 test images',
      (r) => `${r.evalSeconds} s`,
      (r) => `${r.evalSeconds} s`,
    ),
    row('weight snapshot', (r) => `${r.snapshotSeconds} s`),
    row(
      'one epoch (60 000 samples, evaluation, snapshot)',
      (r) => `${r.epochSeconds} s`,
      (r) => `${r.epochSeconds} s`,
    ),
    row(`cpu backend, batch ${cpuBatch}`, (r) => (r.cpuMsPerSample === undefined ? 'not timed (--cpu-steps 0)' : `${r.cpuMsPerSample} ms per sample`)),
    row('speed-up over cpu', (r) => (r.speedupVsCpu === undefined ? '—' : `${r.speedupVsCpu}×`)),
    row(results.length > 1 ? 'peak memory (RSS, process so far)' : 'peak memory (RSS)', (r) => `${r.peakRssMb} MB`),
    row('tensors after warm-up / after steps', (r) => `${r.tensorsAfterWarmup} / ${r.tensorsAfterSteps}`),
  ];
  return table(['measure', ...results.map((r) => r.backend)], rows);
}

/** Bench every backend that starts, in this process; the cpu reference is timed once; PyTorch last, when it can run. */
async function benchAll(flags: BenchFlags, options: BenchOptions): Promise<Column[]> {
  const threads = benchValues(flags).threads;
  const cpuMs = await cpuReference(options);
  const results: Column[] = [];
  for (const name of ALL_BACKENDS) {
    let info: BackendInfo;
    try {
      info = await selectBackend(name, { parallel: flags.parallel, ...(threads === undefined ? {} : { threads }) });
    } catch (e) {
      if (!(e instanceof PenaltyExplorerError)) throw e;
      console.error(`backend ${name}: skipped (${e.message})`);
      continue;
    }
    console.error(`backend: ${describeBackend(info)}`);
    results.push(await runBench(info, options, cpuMs));
  }
  if (options.optimizer !== undefined && options.optimizer !== referenceOptimizer()) {
    console.error(`pytorch: skipped (bench/pytorch-peer.py trains with the reference's ${referenceOptimizer()} only)`);
    return results;
  }
  options.progress?.(`pytorch: ${options.steps} training steps at batch ${options.batchSize} (bench/pytorch-peer.py)`);
  const peer = await pytorchPeer(threads ?? os.availableParallelism(), options.batchSize, options.steps, options.evalImages);
  if (typeof peer === 'string') console.error(`pytorch: skipped (${peer})`);
  else results.push(peer);
  return results;
}

/** `penx bench` (see the file's comment): the timings printed as a table, or one JSON document with `--json`. */
export async function bench(flags: BenchFlags): Promise<void> {
  // The numbers first (the command line checked them before loading the library: flag-values.ts).
  const { threads: _, ...numbers } = benchValues(flags);
  const options: BenchOptions = {
    ...numbers,
    optimizer: optimizerSpec(flags.optimizer ?? REFERENCE_OPTIMIZER).spec,
    progress: (m: string) => console.error(`… ${m}`),
  };
  if (flags.all) {
    const results = await benchAll(flags, options);
    if (flags.json) printJson(results, 0);
    else console.log(benchTable(results));
    return;
  }
  const result = await runBench(await startBackend(flags), options);
  if (flags.json) printJson(result, 0);
  else console.log(benchTable([result]));
}
