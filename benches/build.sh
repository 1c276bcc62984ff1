#!/usr/bin/env bash
# Times `dossier build` against Hugo on the same synthetic corpus, in the same run.
#
#   benches/build.sh [PAGES]      (default 10000)
#
# Needs: python3, hyperfine and hugo (Debian packages `hyperfine` and `hugo`), GNU time.
# Writes hyperfine's JSON and the peak-memory figures under target/bench/.
set -euo pipefail

pages=${1:-10000}
repo=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_CORPUS:-$repo/../shared/bench/gen_corpus.py}
out=$repo/target/bench
corpus=$out/corpus-$pages
mkdir -p "$out"

if [ ! -f "$gen" ]; then
  echo "benches/build.sh needs the corpus generator gen_corpus.py, looked for at $gen;" >&2
  echo "set GEN_CORPUS=/path/to/gen_corpus.py (it writes the same site for dossier, Hugo and Zola)" >&2
  exit 1
fi
for tool in hyperfine hugo python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine hugo time)" >&2; exit 1; }
done

if [ ! -d "$corpus/content" ]; then
  python3 "$gen" --pages "$pages" --out "$corpus"
fi
cargo build --release --manifest-path "$repo/Cargo.toml" --quiet
dossier=$repo/target/release/dossier

echo "== rebuild (output folder from the previous run present) =="
hyperfine --warmup 1 --runs "${RUNS:-7}" --export-json "$out/rebuild-$pages.json" \
  -n dossier "$dossier --root $corpus/dossier build" \
  -n hugo "hugo --quiet --source $corpus/hugo"

echo "== cold build (output folder deleted before each run, not timed) =="
hyperfine --warmup 1 --runs "${RUNS:-7}" --export-json "$out/cold-$pages.json" \
  --prepare "rm -rf $corpus/dossier/public $corpus/hugo/public; sync" \
  -n dossier "$dossier --root $corpus/dossier build" \
  -n hugo "hugo --quiet --source $corpus/hugo"

echo "== peak memory (maximum resident set size) =="
for name in dossier hugo; do
  if [ $name = dossier ]; then cmd=("$dossier" --root "$corpus/dossier" build); else cmd=(hugo --quiet --source "$corpus/hugo"); fi
  /usr/bin/time -v "${cmd[@]}" 2>&1 >/dev/null | awk -v n=$name '/Maximum resident/ {printf "%s: %.0f MiB\n", n, $6/1024}'
done

echo "== where dossier's time goes =="
"$dossier" --root "$corpus/dossier" build --timings
