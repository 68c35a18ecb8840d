/**
 * The query of a view request (`/api/view/overlay?run=a&run=b&epoch=3&layer=all&scale=log&bins=30&range=-0.5,0.5`)
 * read into the runs asked for (`runIdsOf`: each `run=ID` whole, or `runs=a,b` of older links) and the view's options; bad values are refused with a message.
 */
import { numberOrNaN, parseRange } from '../registry/index.ts';
import { runIdsOf, type ViewOptions } from '../viz/index.ts';

/** A query the server refuses (400). */
export class QueryError extends Error {}

function num(q: URLSearchParams, key: string, check: (x: number) => boolean, what: string): number | undefined {
  const text = q.get(key);
  if (text === null || text === '') return undefined;
  const x = numberOrNaN(text);
  if (!Number.isFinite(x) || !check(x)) throw new QueryError(`${key} must be ${what}, got ${JSON.stringify(text)}`);
  return x;
}

function oneOf<T extends string>(q: URLSearchParams, key: string, values: readonly T[]): T | undefined {
  const text = q.get(key);
  if (text === null || text === '') return undefined;
  if (!values.includes(text as T)) throw new QueryError(`${key} must be one of ${values.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

/** A view request's query, read: the run ids asked for and the view's options. */
export interface ViewQuery {
  /** Run ids (`run=a&run=b`, or `runs=a,b`), in the order given. */
  readonly runs: string[];
  readonly options: ViewOptions;
}

/**
 * The runs and view options of a view request's query (see the file's comment); a QueryError saying
 * which value is wrong and what it must be.
 *
 * @example
 * parseViewQuery(new URLSearchParams('run=a&run=b%2Cc&epoch=3&scale=log'))   // { runs: ['a', 'b,c'], options: { epoch: 3, scale: 'log' } }
 */
export function parseViewQuery(q: URLSearchParams): ViewQuery {
  const runs = runIdsOf(q);
  const rangeText = q.get('range');
  const range = rangeText ? parseRange(rangeText) : undefined;
  if (rangeText && !range) throw new QueryError(`range must be lo,hi with lo < hi, got ${JSON.stringify(rangeText)}`);
  const epoch = num(q, 'epoch', (x) => Number.isInteger(x) && x >= 0, 'a whole number ≥ 0');
  const bins = num(q, 'bins', (x) => Number.isInteger(x) && x >= 1 && x <= 2000, 'a whole number from 1 to 2000');
  const smoothing = num(q, 'smoothing', (x) => x >= 0 && x < 1, 'in [0, 1)');
  const scale = oneOf(q, 'scale', ['linear', 'log'] as const);
  const color = oneOf(q, 'color', ['linear', 'log'] as const);
  const layer = q.get('layer') || undefined;
  return {
    runs,
    options: {
      ...(epoch === undefined ? {} : { epoch }),
      ...(bins === undefined ? {} : { bins }),
      ...(range ? { range } : {}),
      ...(smoothing === undefined ? {} : { smoothing }),
      ...(scale ? { scale } : {}),
      ...(color ? { color } : {}),
      ...(layer ? { layer } : {}),
    },
  };
}
