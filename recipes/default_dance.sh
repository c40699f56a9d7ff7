#!/usr/bin/env bash
# The default dance model in one command: the two synthetic corpora, the five cross-validation folds
# by Tang song and the model to ship (trained side by side on one GPU), then the pooled held-out
# figures, recorded in the shipped model's card. Every step resumes: a rerun skips what is done.
#
#   bash recipes/default_dance.sh WORK [TANG_DIR]
#
# Env: STEPS (8000), DEVICE (cuda), CORPORA (space-separated corpus folders to use instead of
# rendering the two), EXTRA (more recipes/default_dance.py options). The model to ship: WORK/ship.
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:?usage: bash recipes/default_dance.sh WORK [TANG_DIR]}
TANG=${2:-../shared/data/tang_dance}
[ -d "$TANG" ] || { echo "error: Tang folder not found: $TANG" >&2; exit 2; }
mkdir -p "$W"
if [ -z "${CORPORA:-}" ]; then
  dancekit synth "$W/c1" --per-dance 130 --duration 20 --no-other --seed 1
  dancekit synth "$W/c2" --per-dance 256 --duration 20 --no-other --seed 5
  CORPORA="$W/c1 $W/c2"
fi
read -r -a corpora <<< "$CORPORA"
read -r -a extra <<< "${EXTRA:-}"
args=(--corpus "${corpora[@]}" --tang "$TANG" --tang-folds 5 --steps "${STEPS:-8000}" --batch 32 --half
      --device "${DEVICE:-cuda}" "${extra[@]}")
pids=()
for name in f0 f1 f2 f3 f4 ship; do
  [ -f "$W/$name/model.json" ] && continue
  fold=(); [ "$name" = ship ] || fold=(--tang-fold "${name#f}")
  python recipes/default_dance.py "${args[@]}" "${fold[@]}" --out "$W/$name" > "$W/$name.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || { echo "error: a training run failed; see $W/*.log" >&2; exit 1; }
done
python benchmarks/tang_crossval.py "$W"/f0 "$W"/f1 "$W"/f2 "$W"/f3 "$W"/f4 --tang "$TANG" --card "$W/ship" --device "${DEVICE:-cuda}" \
  --out "$W/tang_crossval.json"
