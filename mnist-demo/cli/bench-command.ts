/** `penx bench`: how fast the reference model trains here (see mnist-demo/bench.ts). */
import type { Command } from 'commander';
import { runBench, type BenchResult } from '../bench.ts';
import { addBackendOptions, startBackend, type BackendFlags } from './backend-options.ts';
import { wholeNumber } from './numbers.ts';
import { table } from './table.ts';

interface BenchFlags extends BackendFlags {
  readonly json?: boolean;
  readonly batchSize: string;
  readonly steps: string;
  readonly cpuBatchSize: string;
  readonly cpuSteps: string;
}

function report(r: BenchResult): string {
  const rows: Array<[string, string]> = [
    ['backend', `${r.backend} (${r.threads} thread${r.threads === 1 ? '' : 's'}${r.threads > 1 ? `, ${r.parallel === 'data' ? 'data-parallel' : "wasm's threaded build"}` : ''})`],
    [`forward, batch ${r.batchSize}`, `${r.forwardMs} ms`],
    [`training step, batch ${r.batchSize}`, `${r.trainStepMs} ms  (${r.stepToForward}× the forward pass)`],
    ['per sample', `${r.msPerSample} ms`],
    ['one epoch (60 000 samples)', `${r.epochSeconds} s`],
    [`cpu backend, batch ${r.cpuBatchSize}`, `${r.cpuMsPerSample} ms per sample`],
    ['speed-up over cpu', `${r.speedupVsCpu}×`],
    ['peak memory (RSS)', `${r.peakRssMb} MB`],
    ['tensors after warm-up / after steps', `${r.tensorsAfterWarmup} / ${r.tensorsAfterSteps}`],
  ];
  return table(['measure', 'value'], rows);
}

export function addBenchCommand(program: Command): void {
  addBackendOptions(
    program
      .command('bench')
      .description('time training the reference model on the selected backend against the stock cpu backend')
      .option('--json', 'print one JSON object instead of a table')
      .option('--batch-size <n>', 'batch size on the selected backend', '128')
      .option('--steps <n>', 'timed steps on the selected backend (median taken)', '20')
      .option('--cpu-batch-size <n>', 'batch size on the cpu backend', '4')
      .option('--cpu-steps <n>', 'timed steps on the cpu backend', '1'),
  ).action(async (flags: BenchFlags) => {
    const options = {
      batchSize: wholeNumber(flags.batchSize, '--batch-size', 1),
      steps: wholeNumber(flags.steps, '--steps', 1),
      cpuBatchSize: wholeNumber(flags.cpuBatchSize, '--cpu-batch-size', 1),
      cpuSteps: wholeNumber(flags.cpuSteps, '--cpu-steps', 1),
      progress: (m: string) => console.error(`… ${m}`),
    };
    const info = await startBackend(flags);
    const result = await runBench(info, options);
    console.log(flags.json ? JSON.stringify(result) : report(result));
  });
}
