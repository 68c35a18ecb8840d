/**
 * Drawing a sweep's figures and report into its folder, from its record and its run folders:
 *
 *   sweep.json + each run's run.json ─► finished runs ─► sparsity.png/.svg, accuracy.png/.svg
 *   (score against strength, one line per penalty, seeds as a band); each view your monitors bring
 *   (`--monitor`) over the finished runs, one line per run ─► monitor-NAME.png/.svg ─► report.html:
 *   the figures inline (the monitors' a card each, as `penx compare`'s report shows them), the grid
 *   and its settings, one row per run (state, scores, a link to its report when it has one)
 *
 * report.html has no script: it opens from a file, offline. Drawing again (after every finished
 * run) replaces it; a figure is drawn again only when its spec changed (a run finished since).
 * The figures and the report are all drawn first and then written together (`writeFilesAtomic`):
 * a drawing stopped partway (a second Ctrl-C) leaves the previous one whole, never figures of one
 * moment next to a report of another.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DrawnFigure, drawFigure, figureFiles, type RunRecord, type SweepRecord, writeFilesAtomic } from 'penalty-explorer/node';
import { esc, escText, MONITOR_VIEW, monitorViewSpec, monitorViews, PAGE_STYLE, type SweepMetric, sweepSpec, table } from 'penalty-explorer/viz';
import { counted } from '../words.ts';
import { type RunState, sweepStates } from './sweep-state.ts';

const METRICS: readonly SweepMetric[] = ['sparsity', 'accuracy'];
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '' : `${(100 * x).toFixed(2)}%`);

/** A run's row: its state and, when it has one, its scores after the last epoch; its name links to its report when it has one (`drawn`). */
function runRow(record: SweepRecord, i: number, state: RunState, drawn: boolean): string[] {
  const run = record.runs[i]!;
  const scores = state.state === 'done' || state.state === 'failed' ? state.record?.epochs.at(-1) : undefined;
  const what =
    state.state === 'done'
      ? 'done'
      : state.state === 'failed'
        ? `failed: ${escText(state.reason)}`
        : state.state === 'partial'
          ? `${state.epochs} of ${record.settings.epochs} epochs`
          : 'not started';
  const link = !drawn ? escText(run.name) : `<a href="${esc(encodeURIComponent(run.name))}/report.html">${escText(run.name)}</a>`;
  return [
    link,
    `<code>${escText(run.penalty)}</code>`,
    run.strength === null ? '—' : escText(run.strength),
    escText(run.seed),
    what,
    scores?.testAcc?.toFixed(4) ?? '',
    pct(scores?.sparsity.lt1e3),
    pct(scores?.sparsity.lt1e2),
  ];
}

/** A monitor's figure over the finished runs: its name and the drawn SVG (headed by its view's title). */
interface MonitorFigure {
  readonly name: string;
  readonly svg: string;
}

/** The monitors' cards (none when no finished run has a monitor with a view). */
function monitorsSection(figures: readonly MonitorFigure[]): string {
  if (figures.length === 0) return '';
  const cards = figures.map(
    (f) =>
      `<div class="card" id="${esc(MONITOR_VIEW + f.name)}"><p class="note">your monitor ${escText(f.name)}: its section after each epoch, one line per finished run</p>${f.svg}</div>`,
  );
  return `<h2>Your monitors</h2>\n<section class="cards figures">\n${cards.join('\n')}\n</section>\n`;
}

function page(
  record: SweepRecord,
  states: readonly RunState[],
  svgs: readonly string[],
  drawn: ReadonlySet<string>,
  monitors: readonly MonitorFigure[],
): string {
  const { penalties, strengths, seeds } = record.grid;
  const count = (s: RunState['state']) => states.filter((x) => x.state === s).length;
  const grid = [
    `${counted(penalties.length, 'penalty', 'penalties')} (${penalties.map((p) => `<code>${escText(p)}</code>`).join(', ')})`,
    `${counted(strengths.length, 'strength')} (${strengths.map((s) => escText(s)).join(', ')})`,
    `${counted(seeds.length, 'seed')} (${seeds.map((s) => escText(s)).join(', ')})`,
  ].join(' × ');
  const progress = `${count('done')} done, ${count('partial')} under way, ${count('failed')} failed, ${count('new')} not started`;
  const settings = Object.entries(record.settings)
    .map(([k, v]) => `${escText(k)}=<code>${escText(String(v))}</code>`)
    .join(' · ');
  const rows = states.map((s, i) => runRow(record, i, s, drawn.has(record.runs[i]!.name)));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>penalty-explorer sweep: ${escText(record.name)}</title>
<style>${PAGE_STYLE} td:first-child, td:nth-child(2), td:nth-child(5), th:first-child, th:nth-child(2), th:nth-child(5) { text-align: left; } .figures svg { max-width: 100%; height: auto; }</style>
</head>
<body>
<header><h1>penalty-explorer sweep: ${escText(record.name)}</h1>
<p class="sub">${grid} = ${counted(record.runs.length, 'run')}: ${progress}</p>
<p class="note">${settings}</p></header>
<h2>Scores against strength</h2>
<section class="charts figures">${svgs.length ? svgs.map((s) => `<div>${s}</div>`).join('\n') : '<p class="note">No run has finished yet.</p>'}</section>
${monitorsSection(monitors)}<h2>Runs</h2>
${table(['run', 'penalty', 'λ', 'seed', 'state', 'test acc', '|w| &lt; 1e-3', '|w| &lt; 1e-2'], rows)}
</body>
</html>
`;
}

/**
 * How the sweep's figures are written: one whose spec did not change since it was drawn (no run
 * finished since: a failed run, the last redraw, a sweep resumed with nothing to train) is kept as it is.
 */
const DRAWN = { svg: true, keepUnchanged: true } as const;
const REPORT = 'report.html';

/** A figure of the sweep: its file (without extension), its spec, and the monitor it shows (none: a score against strength). */
interface SweepFigure {
  readonly file: string;
  readonly spec: () => ReturnType<typeof sweepSpec>;
  readonly monitor?: string;
}

/** The sweep's figures over the `finished` runs (drawn once one has finished). */
function sweepFigures(finished: RunRecord[]): SweepFigure[] {
  return [
    ...METRICS.map((metric) => ({ file: metric, spec: () => sweepSpec(finished, metric) })),
    ...monitorViews(finished).map(({ name }) => ({ file: `${MONITOR_VIEW}${name}`, spec: () => monitorViewSpec(finished, name), monitor: name })),
  ];
}

const finishedOf = (states: readonly RunState[]): RunRecord[] => states.flatMap((s) => (s.state === 'done' ? [s.record] : []));

/**
 * The files `drawSweep` writes into the sweep folder `dir` as its runs stand (the scores' figures
 * too before a run has finished: they are drawn after the first does), for a check before the sweep
 * starts. `monitors`: the names of the monitors with a view that the runs it trains record (their
 * `--monitor` modules, loaded by the sweep before it starts): their figures are drawn once such a run
 * has finished, so they are named while a run is left to train, though no finished run has them yet.
 *
 * @example
 * sweepFiles('runs/lambda', record)   // ['sparsity.png', 'sparsity.svg', 'accuracy.png', 'accuracy.svg', 'report.html']
 * sweepFiles('runs/lambda', record, ['meanAbs'])   // … 'accuracy.svg', 'monitor-meanAbs.png', 'monitor-meanAbs.svg', 'report.html' (a run left to train)
 */
export function sweepFiles(dir: string, record: SweepRecord, monitors: readonly string[] = []): string[] {
  const states = sweepStates(dir, record);
  const figures = sweepFigures(finishedOf(states)).map((f) => f.file);
  const toTrain = states.some((s) => s.state === 'partial' || s.state === 'new');
  const upcoming = toTrain ? monitors.map((name) => `${MONITOR_VIEW}${name}`).filter((file) => !figures.includes(file)) : [];
  return [...[...figures, ...upcoming].flatMap((file) => figureFiles(file, DRAWN)), REPORT];
}

/**
 * Draw the sweep in `dir` (its figures from the finished runs, and report.html); returns the states
 * of its runs. `failures`: the runs that failed in this sitting, by name, with why.
 */
export async function drawSweep(dir: string, record: SweepRecord, failures: ReadonlyMap<string, string> = new Map()): Promise<RunState[]> {
  const states = sweepStates(dir, record, failures);
  const finished = finishedOf(states);
  const svgs: string[] = [];
  const monitors: MonitorFigure[] = [];
  const drawings: DrawnFigure[] = [];
  for (const f of finished.length > 0 ? sweepFigures(finished) : []) {
    const figure = await drawFigure(join(dir, f.file), f.spec(), DRAWN);
    drawings.push(figure);
    if (f.monitor === undefined) svgs.push(figure.svg);
    else monitors.push({ name: f.monitor, svg: figure.svg });
  }
  // A run trained with --no-figures (or not started) has no report to link to.
  const drawn = new Set(record.runs.filter((r) => existsSync(join(dir, r.name, 'report.html'))).map((r) => r.name));
  await writeFilesAtomic([...drawings.flatMap((d) => d.files), [join(dir, REPORT), page(record, states, svgs, drawn, monitors)]]);
  return states;
}
