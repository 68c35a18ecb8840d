/**
 * `penx compare`: train one run per penalty with the same settings, then draw them side by side.
 *
 *   specs checked ─► data loaded ─► backend ─► run 1 … run n (each a full `penx train` run folder)
 *                 ─► comparison figures + report.html + compare.json in the comparison folder
 */
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isModuleRef, loadPenalty, parseSpec, SpecError, splitSpecList } from '../../src/index.ts';
import { loadMnist } from '../data/mnist.ts';
import { drawComparison } from '../draw.ts';
import type { RunRecord } from '../run-record.ts';
import { startBackend, type BackendFlags } from './backend-options.ts';
import { runTraining } from './run-training.ts';
import { addTrainingOptions, parseTrainingFlags, runNameFor, type TrainingFlags, type TrainingSettings } from './training-options.ts';

export const REFERENCE_PENALTIES = 'none,l1:1e-4,l2:1e-4,l3:1e-4,l4:1e-4,deadzone:1e-4';

interface CompareFlags extends TrainingFlags {
  readonly penalties: string;
}

/** Train every penalty of `specs` into `dir`, then draw the comparison; returns the runs. */
export async function compare(specs: readonly string[], settings: TrainingSettings, dir: string, flags: BackendFlags): Promise<RunRecord[]> {
  const penalties = [];
  for (const spec of specs) penalties.push({ spec, reg: await loadPenalty(spec) });
  const names = penalties.map((p) => runNameFor(p.reg.spec));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new SpecError(`--penalties names ${dup.replace(/_/, ':')} twice; each penalty once`);
  const data = loadMnist({ ...(settings.dataDir ? { dir: settings.dataDir } : {}), ...(settings.trainSize ? { trainSize: settings.trainSize } : {}), ...(settings.testSize ? { testSize: settings.testSize } : {}), seed: settings.seed });
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (settings.force) await rm(dir, { recursive: true, force: true });
    else if (!settings.resume) throw new SpecError(`comparison folder ${dir} already exists; use --resume to continue it or --force to start it over`);
  }
  const backend = await startBackend(flags);
  console.error(`comparing ${penalties.length} penalties on ${data.train.count} images (${data.source}), testing on ${data.test.count}, ${settings.epochs} epochs each → ${dir}`);
  const runs: RunRecord[] = [];
  for (const [i, p] of penalties.entries()) {
    const module = isModuleRef(parseSpec(p.spec).name) ? parseSpec(p.spec).name : undefined;
    const label = `[${i + 1}/${penalties.length} ${p.reg.spec}]`;
    // The comparison folder was cleared above when forced; each run resumes or starts fresh.
    runs.push(await runTraining({ penalty: p.reg, ...(module ? { penaltyModule: module } : {}), name: names[i] as string, dir: join(dir, names[i] as string), label }, { ...settings, force: false, resume: true }, data, backend));
  }
  await drawComparison(dir, runs, names);
  return runs;
}

export function addCompareCommand(program: Command): void {
  addTrainingOptions(
    program
      .command('compare')
      .description('train the reference CNN once per penalty and compare the weight histograms side by side')
      .option('--penalties <list>', 'comma-separated penalty specs', REFERENCE_PENALTIES),
  ).action(async (flags: CompareFlags) => {
    const settings = await parseTrainingFlags(flags);
    const dir = join(settings.out, flags.name ?? 'compare');
    const runs = await compare(splitSpecList(flags.penalties), settings, dir, flags);
    printSummary(runs);
    console.log(`report: ${join(dir, 'report.html')}`);
  });
}

export function printSummary(runs: readonly RunRecord[]): void {
  for (const r of runs) {
    const last = r.epochs.at(-1);
    if (!last) continue;
    console.log(`${r.config.penalty.padEnd(24)} test acc ${last.testAcc.toFixed(4)}  |w|<1e-3 ${(100 * last.sparsity.lt1e3).toFixed(1).padStart(5)}%  |w|<1e-2 ${(100 * last.sparsity.lt1e2).toFixed(1).padStart(5)}%`);
  }
}
