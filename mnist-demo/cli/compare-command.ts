/**
 * `penx compare`: train one run per penalty with the same settings, then draw them side by side.
 *
 *   specs checked ─► data loaded ─► backend ─► run 1 … run n (each a full `penx train` run folder)
 *                 ─► comparison figures + report.html + compare.json in the comparison folder
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { isModuleRef, loadPenalty, optimizerSpec, parseSpec, SpecError, splitSpecList } from '../../src/index.ts';
import { loadMnist } from '../data/mnist.ts';
import { drawComparison } from '../draw.ts';
import type { RunRecord } from '../run-record.ts';
import { claimFolder } from '../train/run-folder.ts';
import { startBackend, type BackendFlags } from './backend-options.ts';
import { runTraining } from './run-training.ts';
import { addTrainingOptions, parseTrainingFlags, runNameFor, type TrainingFlags, type TrainingSettings } from './training-options.ts';

export const REFERENCE_PENALTIES = 'none,l1:1e-4,l2:1e-4,l3:1e-4,l4:1e-4,deadzone:1e-4';

interface CompareFlags extends TrainingFlags {
  readonly penalties: string;
  readonly optimizers?: string;
}

/**
 * Train every penalty of `specs` (under every optimiser of `optimizers`, default the settings'
 * one) into `dir`, then draw the comparison; returns the runs.
 */
export async function compare(specs: readonly string[], settings: TrainingSettings, dir: string, flags: BackendFlags, optimizers: readonly string[] = [settings.optimizer]): Promise<RunRecord[]> {
  const opts = optimizers.map((o) => optimizerSpec(o).spec);
  const penalties = [];
  for (const spec of specs) {
    const reg = await loadPenalty(spec);
    for (const optimizer of opts) penalties.push({ spec, reg, optimizer });
  }
  const names = penalties.map((p) => runNameFor(p.reg.spec) + (opts.length > 1 ? `__${runNameFor(p.optimizer)}` : ''));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new SpecError(`--penalties names ${dup.replace(/_/, ':')} twice; each penalty once`);
  const data = loadMnist({ ...(settings.dataDir ? { dir: settings.dataDir } : {}), ...(settings.trainSize ? { trainSize: settings.trainSize } : {}), ...(settings.testSize ? { testSize: settings.testSize } : {}), seed: settings.seed });
  await claimFolder(dir, settings, 'comparison folder');
  const backend = await startBackend(flags);
  console.error(`comparing ${penalties.length} penalties on ${data.train.count} images (${data.source}), testing on ${data.test.count}, ${settings.epochs} epochs each → ${dir}`);
  const runs: RunRecord[] = [];
  for (const [i, p] of penalties.entries()) {
    const module = isModuleRef(parseSpec(p.spec).name) ? parseSpec(p.spec).name : undefined;
    const label = `[${i + 1}/${penalties.length} ${p.reg.spec}${opts.length > 1 ? ` ${p.optimizer.split(':')[0]}` : ''}]`;
    // The comparison folder was cleared above when forced; each run resumes or starts fresh.
    runs.push(await runTraining({ penalty: p.reg, ...(module ? { penaltyModule: module } : {}), name: names[i] as string, dir: join(dir, names[i] as string), label }, { ...settings, optimizer: p.optimizer, force: false, resume: true }, data, backend));
  }
  await drawComparison(dir, runs, names);
  return runs;
}

export function addCompareCommand(program: Command): void {
  addTrainingOptions(
    program
      .command('compare')
      .description('train the reference CNN once per penalty and compare the weight histograms side by side')
      .option('--penalties <list>', 'comma-separated penalty specs', REFERENCE_PENALTIES)
      .option('--optimizers <list>', "semicolon-separated optimiser specs; every penalty is trained under each, e.g. 'adam:lr=1e-3;adamw:lr=1e-3,wd=1e-4'"),
  ).action(async (flags: CompareFlags) => {
    const settings = await parseTrainingFlags(flags);
    const dir = join(settings.out, flags.name ?? 'compare');
    const optimizers = flags.optimizers?.split(';').map((o) => o.trim()).filter(Boolean);
    const runs = await compare(splitSpecList(flags.penalties), settings, dir, flags, optimizers);
    printSummary(runs);
    console.log(`report: ${join(dir, 'report.html')}`);
  });
}

export function printSummary(runs: readonly RunRecord[]): void {
  for (const r of runs) {
    const last = r.epochs.at(-1);
    if (!last) continue;
    const label = runs.some((o) => o.config.optimizer !== r.config.optimizer) ? `${r.config.penalty} ${r.config.optimizer.split(',')[0]}` : r.config.penalty;
    console.log(`${label.padEnd(24)} test acc ${last.testAcc.toFixed(4)}  |w|<1e-3 ${(100 * last.sparsity.lt1e3).toFixed(1).padStart(5)}%  |w|<1e-2 ${(100 * last.sparsity.lt1e2).toFixed(1).padStart(5)}%`);
  }
}
