#!/usr/bin/env bash
# The reference study (issue 23): every run of it, resumable. Run from the repository's root after
# `npm ci`: `bash figures/reference/run-study.sh`. Stopped at any point (Ctrl-C, a kill, a reboot),
# the same command continues each run from its last finished epoch; finished runs are kept as they are
# (their records, even with the checkpoints removed), and the figures are drawn again from them.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
penx() { node "$repo/mnist-demo/dist/cli.mjs" "$@"; }

# The seven runs: the original study's six penalties at 1e-4 (dead zone a = 0.25) and L1's proximal
# step, 40 epochs on all 60 000 images, the 10 000 test images after every epoch, prune curves after
# epochs 10, 20 and 40. The reference CNN, N(0, 0.25²) kernels, Adadelta (lr 1, rho 0.95), batch 128, seed 42.
penx compare --penalties none,l1:1e-4,l2:1e-4,l3:1e-4,l4:1e-4,deadzone:1e-4,l1:1e-4,prox \
  --epochs 40 --prune-epochs 10,20,40 --seed 42 --out figures/reference --name penalties --resume --no-figures "$@"

# The noise floor: none and L1 with two more seeds, 10 epochs each.
for seed in 43 44; do
  penx compare --penalties none,l1:1e-4 --epochs 10 --prune-epochs 10 --seed "$seed" \
    --out figures/reference --name "seed-$seed" --resume --no-figures "$@"
done

# The study's figures, drawn in a scratch copy of its folders (the runs above draw none: --no-figures), so
# what is not committed (each run's images and report, every SVG) never enters them: bring-back.mjs brings
# back only the files they hold that the drawing changed, and each manifest's new lines proving those. A
# redraw that changes nothing committed leaves the study as it was; its manifests grow only by what is.
# STUDY_DRAWING=<dir> draws there and keeps it (every figure and report, to look at); else it is removed.
folders=(penalties seed-43 seed-44)
drawing=${STUDY_DRAWING:-$(mktemp -d "${TMPDIR:-/tmp}/penx-study-XXXXXX")}
[[ -n ${STUDY_DRAWING:-} ]] || trap 'rm -rf "$drawing"' EXIT
mkdir -p "$drawing/figures/reference"
for f in "${folders[@]}"; do cp -a "figures/reference/$f" "$drawing/figures/reference/"; done
(
  # The same relative paths as here: what a page or figure says of its folder is as committed.
  cd "$drawing"
  # The histogram grid, overlays and prune curves at the epochs the README shows; the noise floor's defaults.
  penx plot figures/reference/penalties --epochs 0,1,2,5,10,20,30,40 --overlay-epochs 1,10,40 --prune-epochs 10,20,40
  penx plot figures/reference/seed-43 figures/reference/seed-44
)
node figures/reference/bring-back.mjs "$drawing/figures/reference" figures/reference "${folders[@]}"
