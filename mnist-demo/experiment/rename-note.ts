/**
 * What a run says of the layer names penx counted in a module's model (attachToKernels' `countNames`:
 * `dense_Dense7 → dense_Dense1`, TF.js having counted the layers made in the process):
 *
 *   the renamed layers ─► a pattern of the run's (`--lr-mult`, `--grad`) selecting another set of them
 *   than it would by their names as built? ─► yes: the whole note, those layers first; no: one short line
 *
 * Counted names are, for a module making its layers in the model's order, those they get when it is
 * built alone in a fresh process (the user's own session, usually): a rename no pattern of the run
 * notices changes nothing the run does, and run.json records the counted names.
 */
import { type LayerControls, matcher } from 'penalty-explorer/node';

/** Renamed layers a note lists before `and N more`. */
const SHOWN = 4;

/** The patterns of the run's per-layer controls, each with its flag: `[['dense_Dense1', '--lr-mult'], ['conv*', '--grad']]`. */
function patternsOf(controls: LayerControls | undefined): Array<[pattern: string, flag: string]> {
  return [
    ...(controls?.lrMult ?? []).map((c): [string, string] => [c.pattern, '--lr-mult']),
    ...(controls?.grad ?? []).map((c): [string, string] => [c.pattern, '--grad']),
    ...(controls?.freeze ?? []).map((p): [string, string] => [p, '--grad']),
  ];
}

/**
 * The renamed layers (`was → now`) whose rename changes what a pattern of `controls` selects (it
 * matches the layer by one name and not by the other), each with the pattern: a weight pattern
 * (`dense_Dense1/kernel`) is taken by its layer part.
 *
 * @example
 * namedRenames(['dense_Dense3 → dense_Dense1', 'dense_Dense4 → dense_Dense2'], { freeze: ['dense_Dense1'] })
 * // ["dense_Dense3 → dense_Dense1 (--grad dense_Dense1)"]
 * namedRenames(['dense_Dense3 → dense_Dense1'], { freeze: ['dense*'] })   // []: dense* selects it by either name
 */
export function namedRenames(renamed: readonly string[], controls: LayerControls | undefined): string[] {
  return noticed(renamed, patternsOf(controls)).named;
}

/**
 * The renamed layers split, in order, into those whose rename changes what one of `patterns`
 * selects (each with the patterns, as `namedRenames` gives them) and the others (as given).
 */
function noticed(renamed: readonly string[], patterns: ReadonlyArray<readonly [pattern: string, flag: string]>): { named: string[]; others: string[] } {
  const named: string[] = [];
  const others: string[] = [];
  for (const pair of renamed) {
    const [was, now] = pair.split(' → ') as [string, string];
    const by = patterns.filter(([p]) => {
      const selects = matcher(p.split('/')[0]!);
      return selects(was) !== selects(now);
    });
    if (by.length) named.push(`${pair} (${by.map(([p, flag]) => `${flag} ${p}`).join(', ')})`);
    else others.push(pair);
  }
  return { named, others };
}

const listed = (items: readonly string[]) => `${items.slice(0, SHOWN).join(', ')}${items.length > SHOWN ? `, and ${items.length - SHOWN} more` : ''}`;

/**
 * The note on the layer names penx counted in the model: the whole of it when a pattern of the run's
 * selects other layers than by their names as built (namedRenames, listed first), else one short line.
 *
 * @example
 * renamedNote('model module ./m.ts', ['dense_Dense7 → dense_Dense1'], undefined)
 * // "model module ./m.ts: 1 layer name counted in the model: dense_Dense7 → dense_Dense1"
 * renamedNote('model module ./m.ts', ['dense_Dense7 → dense_Dense1'], { lrMult: [{ pattern: 'dense_Dense7', factor: 0.1 }] })
 * // "model module ./m.ts: layers named as TF.js names unnamed ones (…), counting across the process, are named by their count
 * //  in the model, the same in every run, and your patterns select them by these names: dense_Dense7 → dense_Dense1 (--lr-mult dense_Dense7); …"
 */
export function renamedNote(what: string, renamed: readonly string[], controls: LayerControls | undefined): string {
  const { named, others } = noticed(renamed, patternsOf(controls));
  if (named.length === 0) return `${what}: ${renamed.length} layer name${renamed.length === 1 ? '' : 's'} counted in the model: ${listed(renamed)}`;
  return `${what}: layers named as TF.js names unnamed ones (dense_Dense<n>, input<n>, sequential_<n>, …), counting across the process, are named by their count in the model, the same in every run, and your patterns select them by these names: ${listed([...named, ...others])}; a name given in that form is renamed too (give another to keep it)`;
}
