/**
 * The histogram of all the network's weights at one epoch, titled `epoch=E loss=L acc=A`. A model of
 * several outputs: each output's accuracy, the title in lines of at most TITLE_CHARS characters, an
 * output name too long for one shortened in its middle (`acc(multitask_head_for_mni…_output_layer_weights)=0.9100`,
 * score-notes.ts) and written out in full in the subtitle (on a line of its own where both would not fit one).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord, WeightsSnapshot } from '../../formats/index.ts';
import { barsEncoding } from './axes.ts';
import { binRows, nonTrainableLine, snapshotAt, weightRange } from './data.ts';
import { countsLine, linesOf, scoreParts, shownSpec } from './format.ts';
import { type HistogramScaleOptions, sharedDensity } from './histogram-scale.ts';
import { fullNameLines, outputNames } from './score-notes.ts';
import { BAR_COLOR, CONFIG, figureHead, SIZE } from './theme.ts';

/** A title line's characters: ~540 px of the 560-px chart at 15 px (~9.6 px a character, bold). */
const TITLE_CHARS = 56;
/** A subtitle line's characters: ~550 px at 12 px (~7.2 px a character); a longer full-name line breaks after its `name:`. */
const SUBTITLE_CHARS = 76;

/** A snapshot's title as its single-epoch histogram (`epoch-NNN.png`) and the report write it. */
export interface EpochTitle {
  /** `epoch=E loss=L acc=A`, in lines of at most TITLE_CHARS characters (one for a model of one output). */
  readonly lines: string[];
  /** Subtitle lines naming each output shortened in `lines` in full (`name: full name`; none shortened: none). */
  readonly fullNames: string[];
}

/**
 * The title of snapshot `s` (see the file's comment): its scores in lines of TITLE_CHARS, an output
 * name too long for one shortened in its middle (`outputNames`), the full names in lines of SUBTITLE_CHARS.
 *
 * @example
 * epochTitle(snapshot).lines   // ['epoch=3 loss=0.0412 acc=0.9871']
 * epochTitle(twoLongOutputs)   // { lines: ['epoch=3 loss=0.5120', 'acc(multitask_head_for_mni…_output_layer_weights)=0.9100', …], fullNames: ['multitask_head_for_mni…_output_layer_weights:', 'multitask_head_for_mnist_____classifier_output_layer_weights', …] }
 */
export function epochTitle(s: Pick<WeightsSnapshot, 'epoch' | 'testLoss' | 'testAcc' | 'testMetrics'>): EpochTitle {
  const { named, fullNames } = outputNames([s], TITLE_CHARS);
  return {
    lines: linesOf([`epoch=${s.epoch}`, ...scoreParts(s, named)], TITLE_CHARS),
    fullNames: fullNameLines(fullNames).flatMap((line) => linesOf(line.split(' '), SUBTITLE_CHARS)),
  };
}

/** The subtitle line naming the penalty. */
export function penaltyLine(run: RunRecord): string {
  return `penalty ${run.config.penalty}  (${run.config.penaltyFormula})`;
}

/**
 * The histogram of all of a run's weights at `epoch` (0 = initial), titled with its loss and
 * accuracy; a snapshot the record lacks is an error naming the epochs it has.
 *
 * @example
 * epochHistogramSpec(record, 5)   // a Vega-Lite spec: the density bars of epoch 5
 */
export function epochHistogramSpec(run: RunRecord, epoch: number, options: HistogramScaleOptions = {}): TopLevelSpec {
  const s = snapshotAt(run, epoch);
  const h = s.histogram;
  const title = epochTitle(s);
  return shownSpec({
    ...figureHead(title.lines.length === 1 ? (title.lines[0] as string) : title.lines, [
      penaltyLine(run),
      countsLine(h, s.nonTrainable ? 'trainable weights' : 'weights'),
      ...nonTrainableLine(s),
      ...title.fullNames,
    ]),
    ...SIZE.single,
    data: { values: binRows(h) },
    mark: { type: 'bar', color: BAR_COLOR },
    encoding: barsEncoding(weightRange([h]), sharedDensity([h], options)),
    config: CONFIG,
  });
}
