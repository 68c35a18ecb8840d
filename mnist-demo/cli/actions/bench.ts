/** `penx bench`: how fast the reference model trains here (see mnist-demo/bench.ts); `--all`: every backend side by side. */
import { PenaltyExplorerError, selectBackend, type BackendInfo } from 'penalty-explorer/node';
import { cpuReference, runBench, type BenchOptions, type BenchResult } from '../../bench.ts';
import type { BackendFlags } from '../backend-options.ts';
import { describeBackend, startBackend } from './backend.ts';
import { wholeNumber } from '../numbers.ts';
import { table } from '../table.ts';

export interface BenchFlags extends BackendFlags {
  readonly json?: boolean;
  readonly all?: boolean;
  readonly batchSize: string;
  readonly steps: string;
  readonly cpuBatchSize: string;
  readonly cpuSteps: string;
}

/** The backends `--all` tries, fastest kind first (cpu is the reference every row is compared with). */
const ALL_BACKENDS = ['tensorflow', 'onnxruntime', 'wasm'] as const;

function threadsLabel(r: BenchResult): string {
  const how = r.threads === 1 ? '' : r.parallel === 'data' ? ', data-parallel' : r.backend === 'wasm' ? ", wasm's threaded build" : `, ${r.backend}'s own threads`;
  return `${r.threads} thread${r.threads === 1 ? '' : 's'}${how}`;
}

/** The measures of each result, one column per result. */
function report(results: readonly BenchResult[]): string {
  const first = results[0]!;
  const row = (label: string, cell: (r: BenchResult) => string): string[] => [label, ...results.map(cell)];
  const rows = [
    row('threads', threadsLabel),
    row(`forward, batch ${first.batchSize}`, (r) => `${r.forwardMs} ms`),
    row(`training step, batch ${first.batchSize}`, (r) => `${r.trainStepMs} ms`),
    row('step / forward', (r) => `${r.stepToForward}×`),
    row('per sample', (r) => `${r.msPerSample} ms`),
    row('one epoch (60 000 samples)', (r) => `${r.epochSeconds} s`),
    row(`cpu backend, batch ${first.cpuBatchSize}`, (r) => `${r.cpuMsPerSample} ms per sample`),
    row('speed-up over cpu', (r) => `${r.speedupVsCpu}×`),
    row(results.length > 1 ? 'peak memory (RSS, process so far)' : 'peak memory (RSS)', (r) => `${r.peakRssMb} MB`),
    row('tensors after warm-up / after steps', (r) => `${r.tensorsAfterWarmup} / ${r.tensorsAfterSteps}`),
  ];
  return table(['measure', ...results.map((r) => r.backend)], rows);
}

/** Bench every backend that starts, in this process; the cpu reference is timed once. */
async function benchAll(flags: BenchFlags, options: BenchOptions): Promise<BenchResult[]> {
  const threads = wholeNumber(flags.threads, '--threads', 1);
  const cpuMs = await cpuReference(options);
  const results: BenchResult[] = [];
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
  return results;
}

export async function bench(flags: BenchFlags): Promise<void> {
  const options: BenchOptions = {
    batchSize: wholeNumber(flags.batchSize, '--batch-size', 1),
    steps: wholeNumber(flags.steps, '--steps', 1),
    cpuBatchSize: wholeNumber(flags.cpuBatchSize, '--cpu-batch-size', 1),
    cpuSteps: wholeNumber(flags.cpuSteps, '--cpu-steps', 1),
    progress: (m: string) => console.error(`… ${m}`),
  };
  if (flags.all) {
    const results = await benchAll(flags, options);
    console.log(flags.json ? JSON.stringify(results) : report(results));
    return;
  }
  const result = await runBench(await startBackend(flags), options);
  console.log(flags.json ? JSON.stringify(result) : report([result]));
}
