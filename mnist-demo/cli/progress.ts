/**
 * Training progress: a bar with ETA, losses and accuracy on a terminal; on a pipe or file, one
 * plain line at every tenth of an epoch.
 */
import cliProgress from 'cli-progress';
import type { BatchProgress, TrainHooks } from '../train/trainer.ts';

const fmt = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

export function progressHooks(label: string, stream: NodeJS.WriteStream = process.stderr): Pick<TrainHooks, 'onBatch'> & { stop(): void } {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} epoch {epoch}/{epochs} [{bar}] {percentage}% | ETA {eta_formatted} | loss {loss} | penalty {pen} | acc {acc}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let epochShown = 0;
    return {
      onBatch: (p: BatchProgress) => {
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
    onBatch: (p: BatchProgress) => {
      if (p.batch === 1) {
        t0 = performance.now();
        lastTenth = -1;
      }
      const tenth = Math.floor((10 * p.batch) / p.batches);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      const eta = ((performance.now() - t0) / p.batch) * (p.batches - p.batch) / 1000;
      stream.write(`${label} epoch ${p.epoch}/${p.epochs} ${String(Math.round((100 * p.batch) / p.batches)).padStart(3)}% eta ${eta.toFixed(0)}s loss ${fmt(p.dataLoss)} penalty ${fmt(p.penaltyLoss, 5)} acc ${fmt(p.accuracy, 3)}\n`);
    },
    stop: () => undefined,
  };
}
