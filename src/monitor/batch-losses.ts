/**
 * The data loss and λ·penalty of every batch of an epoch, for the record's `batchLosses` (the
 * curves figure draws them raw and smoothed). Four significant digits: about 10 bytes a batch and
 * loss, so 469 batches of a 60 000-image epoch add about 9 KB to run.json.
 *
 * @example
 * const log = new BatchLosses();
 * log.add(2.3012, 0.0123);   // after each batch
 * entry.batchLosses = log.take();   // { data: [2.301], penalty: [0.0123] }, and the log starts over
 */
const short = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

export class BatchLosses {
  private data: number[] = [];
  private penalty: number[] = [];

  add(dataLoss: number, penaltyLoss: number): void {
    this.data.push(short(dataLoss));
    this.penalty.push(short(penaltyLoss));
  }

  /** The epoch's values; the log is empty afterwards. */
  take(): { data: number[]; penalty: number[] } {
    const out = { data: this.data, penalty: this.penalty };
    this.data = [];
    this.penalty = [];
    return out;
  }
}
