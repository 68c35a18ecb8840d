/**
 * The views user monitors bring (`config.monitors[].view`, see the Monitor interface): the
 * monitor's Vega-Lite spec, given as data in the record, drawn over rows of its sections.
 *
 *   record.config.monitors ─► monitorViews (one per name across the runs)
 *   snapshots' monitors[name] ─► monitorRows ─► the spec's data ─► monitorViewSpec
 *
 * The rows of a section, each with `run` (its label) and `epoch`:
 *   a number (or null)                 one row   { value }
 *   an object of numbers (or null)     a row per key   { key, value }
 *   a list of objects                  a row per element, its fields spread
 *   a list of numbers                  a row per element   { index, value }
 */
import type { TopLevelSpec } from 'vega-lite';
import { type JsonValue, type MonitorInfo, type MonitorView, type RunRecord, snapshots } from '../../formats/index.ts';
import { runLabels, shownSpec } from './format.ts';
import { emptyFigure } from './norms-grid.ts';
import { CONFIG, figureHead, SIZE } from './theme.ts';

/** One data row of a monitor's view: the run's label, the epoch, and the fields taken from its section (see the file's comment). */
export type MonitorRow = { readonly run: string; readonly epoch: number } & Record<string, JsonValue>;

/** The monitors of `runs` that bring a view, by name (the first run's view of a name). */
export function monitorViews(runs: readonly RunRecord[]): Array<MonitorInfo & { readonly view: MonitorView }> {
  const seen = new Map<string, MonitorInfo & { readonly view: MonitorView }>();
  for (const run of runs) for (const m of run.config.monitors ?? []) if (m.view && !seen.has(m.name)) seen.set(m.name, { name: m.name, view: m.view });
  return [...seen.values()];
}

function rowsOf(section: JsonValue, at: { run: string; epoch: number }): MonitorRow[] {
  if (section === null || typeof section !== 'object') return [{ ...at, value: section }];
  if (Array.isArray(section)) {
    return section.map((x, index) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? { ...x, ...at } : { ...at, index, value: x }));
  }
  return Object.entries(section).map(([key, value]) => ({ ...at, key, value }));
}

/** The rows of monitor `name`'s sections in every snapshot of `runs` (epoch 0 included). */
export function monitorRows(runs: readonly RunRecord[], name: string): MonitorRow[] {
  const labels = runLabels(runs);
  return runs.flatMap((run, i) =>
    snapshots(run).flatMap((s) => {
      const section = s.monitors?.[name];
      return section === undefined ? [] : rowsOf(section, { run: labels[i] as string, epoch: s.epoch });
    }),
  );
}

/** The figure of monitor `name` over `runs`: its view's spec over its rows; a note where no run has that view or section. */
export function monitorViewSpec(runs: readonly RunRecord[], name: string): TopLevelSpec {
  const info = monitorViews(runs).find((m) => m.name === name);
  if (!info) return emptyFigure(`Monitor ${name}`, `no run chosen has a monitor '${name}' with a view`);
  const values = monitorRows(runs, name);
  if (!values.length) return emptyFigure(info.view.title, `no run chosen recorded a section '${name}'`);
  const spec = info.view.spec as Record<string, unknown>;
  return shownSpec({
    ...figureHead(info.view.title, `monitor ${name}, after each epoch (0 = initial)`),
    ...SIZE.line,
    ...spec,
    data: { values },
    config: { ...CONFIG, ...((spec['config'] as object | undefined) ?? {}) },
  } as TopLevelSpec);
}
