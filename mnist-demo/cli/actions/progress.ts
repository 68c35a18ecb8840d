/**
 * Training progress as `fit` callbacks: a bar with ETA, losses and accuracy on a terminal (plain
 * lines at every tenth of an epoch on a pipe or file), a line every few evaluations of the prune
 * curve, and one line per finished epoch — epoch 0's marked `(untrained)`, or `(before training)` for
 * a model from a module or a folder, which may be trained already (initialWords).
 *
 * The two penalties differ as the weights move, and each line says which it gives: the bar's
 * `penalty (mean)` is the epoch's mean so far of λ·penalty at each batch's weights, before its update
 * (`BatchProgress.penaltyLoss`), beside the mean data loss; the epoch line's `penalty at end` is the
 * record's `penaltyLoss`, at the weights after the epoch, beside `train loss`, the epoch's mean:
 *
 *   [l1:1e-4] epoch 2/2 100% eta 0s loss 0.3929 penalty (mean) 9.04535 acc 0.880
 *   [l1:1e-4] epoch 2: test loss 0.3612 acc 0.8950 | train loss 0.3929 penalty at end 8.57193 | 3.1 s | |w|<1e-3: 0.4%
 */
import cliProgress from 'cli-progress';
import { accuraciesOf, initialWords, type Metrics } from 'penalty-explorer';
import type { BatchProgress, FitCallback } from 'penalty-explorer/node';

const fmt = (x: number | null, d = 4) => (x !== null && Number.isFinite(x) ? x.toFixed(d) : String(x));

/**
 * A snapshot's test accuracy as a line shows it: the model's, or each output's for a model of
 * several outputs (its `testAcc` is null), `n/a` without either.
 *
 * @example
 * accuracyText({ testAcc: 0.9666 })   // 'acc 0.9666'
 * accuracyText({ testAcc: null, testMetrics: { digit_loss: 1, parity_loss: 1, digit_acc: 0.65625, parity_acc: 0.9896 } })
 * // 'acc(digit) 0.6563 acc(parity) 0.9896'
 */
export function accuracyText(s: { readonly testAcc: number | null; readonly testMetrics?: Metrics }): string {
  const accs = accuraciesOf(s);
  if (accs.length === 0) return 'acc n/a';
  return accs.map((a) => `acc${a.output === undefined ? '' : `(${a.output})`} ${a.acc === null ? 'n/a' : fmt(a.acc)}`).join(' ');
}

/** The bar (or lines) during an epoch; `stop()` ends a bar before other output. */
function batchProgress(label: string, stream: NodeJS.WriteStream): { onBatch(p: BatchProgress): void; stop(): void } {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} epoch {epoch}/{epochs} [{bar}] {percentage}% | ETA {eta_formatted} | loss {loss} | penalty (mean) {pen} | acc {acc}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let epochShown = 0;
    return {
      onBatch: (p) => {
        const payload = { epoch: p.epoch, epochs: p.epochs, loss: fmt(p.dataLoss), pen: fmt(p.penaltyLoss, 5), acc: fmt(p.accuracy, 3) };
        if (p.epoch !== epochShown) {
          if (epochShown !== 0) bar.stop();
          bar.start(p.batches, p.batch, payload);
          epochShown = p.epoch;
        } else bar.update(p.batch, payload);
      },
      stop: () => bar.stop(),
    };
  }
  let t0 = performance.now();
  let lastTenth = -1;
  return {
    onBatch: (p) => {
      if (p.batch === 1) {
        t0 = performance.now();
        lastTenth = -1;
      }
      const tenth = Math.floor((10 * p.batch) / p.batches);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      // Timed from the end of batch 1 (what came before it — evaluation, figures — is not training):
      // unknown until a second batch has ended.
      const eta = p.batch > 1 ? `${((((performance.now() - t0) / (p.batch - 1)) * (p.batches - p.batch)) / 1000).toFixed(0)}s` : '?';
      stream.write(
        `${label} epoch ${p.epoch}/${p.epochs} ${String(Math.round((100 * p.batch) / p.batches)).padStart(3)}% eta ${eta} loss ${fmt(p.dataLoss)} penalty (mean) ${fmt(p.penaltyLoss, 5)} acc ${fmt(p.accuracy, 3)}\n`,
      );
    },
    stop: () => undefined,
  };
}

/** Callbacks showing a run's progress under `label` (e.g. `[2/6 l1:1e-4]`) on stderr. */
export function progressCallbacks(label: string, stream: NodeJS.WriteStream = process.stderr): FitCallback {
  const bar = batchProgress(label, stream);
  let pruneStart = performance.now();
  return {
    onTrainBegin: ({ config, resumedAfter }) => {
      // A resume of a run with every epoch asked for: fit trains none (its folder only brought in line).
      const all = config.epochs === 1 ? 'its 1 epoch' : `all ${config.epochs} epochs`;
      if (resumedAfter >= config.epochs) stream.write(`${label} run already finished ${all}; nothing to train\n`);
      else if (resumedAfter > 0) stream.write(`${label} resuming after epoch ${resumedAfter}\n`);
    },
    onBatchEnd: (p) => bar.onBatch(p),
    onPruneProgress: ({ epoch, done, total }) => {
      bar.stop();
      if (done === 1) pruneStart = performance.now();
      // Every fourth evaluation and the last: a line every few seconds on the reference model.
      if (done % 4 !== 0 && done !== total) return;
      const eta = (((performance.now() - pruneStart) / done) * (total - done)) / 1000;
      stream.write(`${label} prune curve after epoch ${epoch}: ${done}/${total} evaluations, eta ${eta.toFixed(0)}s\n`);
    },
    onEpochEnd: (epoch, record) => {
      bar.stop();
      const last = record.epochs.at(-1);
      const snap = epoch === 0 ? record.initial : last!;
      stream.write(
        `${label} epoch ${snap.epoch}: test loss ${fmt(snap.testLoss)} ${accuracyText(snap)}` +
          (epoch > 0 && last
            ? ` | train loss ${fmt(last.trainLoss)} penalty at end ${fmt(last.penaltyLoss, 5)} | ${last.seconds.toFixed(1)} s`
            : ` (${initialWords(record.config)})`) +
          ` | |w|<1e-3: ${(100 * snap.sparsity.lt1e3).toFixed(1)}%\n`,
      );
    },
  };
}
