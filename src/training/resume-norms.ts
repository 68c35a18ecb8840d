/**
 * A resume appends epochs whose channel norms this penx takes (the model's `WeightInfo.normedAxes`)
 * to a record whose earlier epochs hold them as their writer took them, under the record's config
 * (kept as it was); a reader reads a record's norms of a layer by one rule (formats' norms.ts). So a
 * layer's norms must mean the same before and after, or the resume is refused (a ResumeNormsError):
 *
 *   no norms of the layer recorded (an Embedding's, before they had any) ─► resumed: nothing to mix with
 *   the record's reading (recordedNormedWeight, normedAxes, by its norm count)
 *     known    ─► the same weight and axes as this penx's (axes of size 1 aside) ─► resumed, else refused
 *     unknown  ─► resumed only where every writer took them alike: a penx before Dec 4 2026
 *                 (456e407) took the layer's first `…kernel` over every axis but its last (a Conv2D
 *                 of in = out: resumed; a Conv2DTranspose of out = in: refused)
 *
 * E.g. a record of a penx before 456e407 holds a Conv2DTranspose kernel [2, 2, 3, 2]'s 2 norms per
 * input channel (over axis=0+1+2); this penx takes its 3 per output channel (over axis=0+1+3): refused.
 */

import { ResumeNormsError } from '../errors.ts';
import { normedAxes, type RunRecord, recordedNormedWeight, recordedNormsUnknownWhy, type WeightInfo } from '../formats/index.ts';
import { checkSameNames } from './run-config.ts';

/** Which norms of a layer: of which weight, over which of its axes. */
interface Reading {
  readonly weight: Pick<WeightInfo, 'name' | 'shape'>;
  readonly axes: readonly number[];
}

/** The axes of `r` that span more than one index (a norm over one index more is the same norm). */
const spanned = (r: Reading) => [...r.axes].sort((a, b) => a - b).filter((a) => r.weight.shape[a] !== 1);

/** The same norms: of one weight, over the same axes, those of size 1 aside. */
const sameNorms = (a: Reading, b: Reading) => a.weight.name === b.weight.name && spanned(a).join() === spanned(b).join();

/** How many norms `r` takes: one per index of the axes it is not over. */
const countOf = (r: Reading) => r.weight.shape.reduce((n, d, i) => (r.axes.includes(i) ? n : n * d), 1);

/** `r` in words: `of up/kernel [2, 2, 3, 2] over axis=0+1+2 (2 norms)`. */
const words = (r: Reading) => `of ${r.weight.name} [${r.weight.shape.join(', ')}] over axis=${r.axes.join('+')} (${countOf(r)} norms)`;

/** How many channel norms `record` holds of `layer` (its first snapshot with them); undefined without any. */
function recordedCount(record: RunRecord, layer: string): number | undefined {
  for (const s of [record.initial, ...record.epochs]) {
    const found = s.norms.find((n) => n.layer === layer);
    if (found) return found.norms.length;
  }
  return undefined;
}

/** What a penx before Dec 4 2026 (456e407) took of `layer` among `weights`: its first weight named `…kernel`, over every axis but its last. */
function earliest(weights: readonly WeightInfo[], layer: string): Reading | undefined {
  const weight = weights.find((w) => w.layer === layer && /kernel$/.test(w.name));
  return weight && { weight, axes: weight.shape.slice(0, -1).map((_, i) => i) };
}

/**
 * A ResumeNormsError when `was`, the record resumed, holds the channel norms of a layer otherwise
 * than this penx takes them of the model's weights `now` (its weightInfos), or cannot tell how and
 * its writers did not all take them alike (see the file's comment); `where` names the run, as
 * `checkSameNames` does. Call it when an epoch is left to train.
 *
 * @example
 * checkSameNorms(recordOfAPenxBefore456e407, weightInfos(model), 'runs/up')
 * // throws "cannot resume runs/up: its record holds the channel norms of up of up/kernel [2, 2, 3, 2] over axis=0+1+2 (2 norms), this penx takes them of up/kernel [2, 2, 3, 2] over axis=0+1+3 (3 norms); …"
 */
export function checkSameNorms(was: RunRecord, now: readonly WeightInfo[], where: string): void {
  for (const live of now) {
    if (!live.normedAxes) continue;
    const mine: Reading = { weight: live, axes: live.normedAxes };
    // None recorded (an Embedding's, before they had norms): nothing to mix with.
    const channels = recordedCount(was, live.layer);
    if (channels === undefined) continue;
    const weight = recordedNormedWeight(was.config.weights, live.layer, channels);
    const axes = weight && normedAxes(weight, channels);
    if (weight && axes) {
      const recorded = { weight, axes };
      if (!sameNorms(recorded, mine)) throw new ResumeNormsError(where, live.layer, words(recorded), words(mine));
      continue;
    }
    const first = earliest(was.config.weights, live.layer);
    if (first && sameNorms(first, mine)) continue;
    const why = recordedNormsUnknownWhy(was.config.weights, live.layer, channels) ?? 'unknown';
    const before = first ? `; an older penx took them ${words(first)}` : '';
    throw new ResumeNormsError(where, live.layer, `in a way it cannot tell (${why}${before})`, words(mine));
  }
}

/**
 * What a record must agree with the model on for an epoch to be trained onto it: its weights' names
 * (`checkSameNames`) and its channel norms' meaning (`checkSameNorms`); `where` names the run.
 *
 * @example
 * checkTrainsOn(record, weightInfos(model), 'the record continued (from)')
 */
export function checkTrainsOn(was: RunRecord, now: readonly WeightInfo[], where: string): void {
  checkSameNames(was, now, where);
  checkSameNorms(was, now, where);
}
