#!/usr/bin/env python3
"""Edit-to-fresh-page latency of `dossier serve` against `hugo server`.

    benches/serve.py [--pages N] [--edits K] [--tool dossier|hugo|both]
                     [--change body|title|tags|date|new|delete|rename|template|start]

Generates (or reuses) the corpus of benches/build.py, starts the server, then K times
makes one change and polls the page over HTTP until it shows the change:
- body (default): appends a marker paragraph to one analysis (below its summary);
- title: puts the marker in one analysis's title (front matter: its lists, terms and
  feeds change too);
- tags: adds a tag to one analysis (its terms' pages change; the marker goes in its body);
- date: moves one analysis a year back (its place in every list changes; marker in body);
- new: adds a new analysis with the marker in its text (and removes it after);
- delete: deletes one analysis and polls until its address answers 404 (and restores it);
- rename: renames one analysis's file and polls its new address for the marker (and
  renames it back);
- template: puts the marker in the template every analysis page is made with and polls
  one analysis, asked for once before the save as a browser showing it would be
  (dossier: the site's copy of the theme's `partials/page_meta.html`, made before the
  server starts and removed after; Hugo: `layouts/_default/single.html`).
- start: K times starts the server and appends a marker paragraph to one analysis the
  moment the server first answers, as an author saving right after the preview opens
  (the live-reload and memory figures are left out).
Reports the median and quartiles of save → fresh page; for dossier also save → first
`built` event on the live-reload stream (sent when the edited page is fresh) and save →
last `built` event (every output up to date: `serve` renders what shows the page after
the page itself), the time from start to the first answered request, and the server's
resident memory before and after the edits. Each edit waits for the previous one to be
finished (a `built` event without `"more": true`, then none for 0.3 s) before the next
save.
Hugo is $HUGO, else `hugo` on PATH (as for build.py), and edits its own copy of the
content, whose terms are written where Hugo reads them (benches/corpus.py). Standard
library only.
"""
import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time

import corpus as bench_corpus

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def wait_first(port, started, proc):
    while True:
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        try:
            status, _ = get(port, "/")
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.005)


class Events(threading.Thread):
    """Reads dossier's live-reload stream and records when each `built` event arrives."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.times = []
        # Events after which nothing more follows for the same save.
        self.settled = []
        self.lock = threading.Lock()

    def run(self):
        s = socket.create_connection(("127.0.0.1", self.port))
        s.sendall(f"GET /__dossier/events HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        buf = b""
        built = False
        while True:
            data = s.recv(65536)
            if not data:
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.strip()
                if line == b"event: built":
                    built, at = True, time.perf_counter()
                elif built and line.startswith(b"data:"):
                    # `more`: another event follows for the same save (what shows the page).
                    more = bool(json.loads(line[5:]).get("more"))
                    built = False
                    with self.lock:
                        self.times.append(at)
                        if not more:
                            self.settled.append(at)

    def after(self, t):
        with self.lock:
            later = [x for x in self.times if x >= t]
        return later[0] if later else None

    def last_after(self, t, quiet=0.3, limit=30):
        """The last event after `t`, once one said nothing more follows and none has come
        for `quiet` seconds."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            with self.lock:
                later = [x for x in self.times if x >= t]
                done = any(x >= t for x in self.settled)
            if later and done and time.perf_counter() - later[-1] > quiet:
                return later[-1]
            time.sleep(0.01)
        return None


def change(kind, original, marker):
    body = original + f"\n\nParagraph {marker}.\n"
    if kind == "body":
        return body
    if kind == "title":
        return original.replace('title = "', f'title = "{marker} ', 1)
    if kind == "tags":
        return body.replace("tags = [", 'tags = ["bench-tag", ', 1)
    if kind == "date":
        return re.sub(r"date = (\d{4})-", lambda m: f"date = {int(m.group(1)) - 1}-", body, count=1)
    raise ValueError(kind)


def template_of(tool, corpus):
    """The template `--change template` edits, and its text before (None: made for the run)."""
    if tool == "dossier":
        path = os.path.join(corpus, "dossier", "templates", "partials", "page_meta.html")
        theme = os.path.join(ROOT, "themes", "default", "templates", "partials", "page_meta.html")
        if os.path.exists(path):
            return path, open(path, encoding="utf-8").read()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(theme, encoding="utf-8") as f, open(path, "w", encoding="utf-8") as out:
            out.write(f.read())
        return path, None
    path = os.path.join(corpus, "hugo", "layouts", "_default", "single.html")
    return path, open(path, encoding="utf-8").read()


def with_marker(tool, template, marker):
    span = f'<span hidden>{marker}</span>'
    if tool == "dossier":
        return span + template
    return template.replace("<article>", "<article>" + span, 1)


def url_of(content, path):
    return "/" + os.path.relpath(path, content)[: -len(".md")] + "/"


def server(tool, corpus, port):
    """The command that serves the corpus with `tool` on `port`."""
    if tool == "dossier":
        return [os.path.join(ROOT, "target", "release", "dossier"), "--root", os.path.join(corpus, "dossier"),
                "serve", "--port", str(port)]
    return [os.environ.get("HUGO", "hugo"), "server", "-s", os.path.join(corpus, "hugo"), "--port", str(port),
            "--bind", "127.0.0.1", "--baseURL", f"http://127.0.0.1:{port}/", "--disableFastRender=false"]


def wait_for(port, url, marker, t0):
    """Seconds from `t0` until `url` shows `marker`."""
    while True:
        try:
            status, body = get(port, url)
        except (OSError, http.client.HTTPException):
            status, body = 0, b""
        if status == 200 and marker.encode() in body:
            return time.perf_counter() - t0
        if time.perf_counter() > t0 + 30:
            sys.exit(f"no fresh page for {url} after 30 s")
        time.sleep(0.001)


def content_pages(tool, corpus):
    """The content folder `tool` reads (Hugo has its own copy, with its terms where it
    reads them) and its analyses, sorted."""
    content = os.path.join(corpus, "content") if tool == "dossier" else bench_corpus.hugo_content(corpus)
    pages = sorted(
        os.path.join(d, f) for d, _, fs in os.walk(content) for f in fs if f.endswith(".md") and f != "_index.md"
    )
    return content, pages


def measure_start(tool, corpus, starts, seed):
    """`--change start`: per start, the time to the first answer and from a save made
    then to the fresh page."""
    content, pages = content_pages(tool, corpus)
    path = random.Random(seed).choice(pages)
    original = open(path, encoding="utf-8").read()
    firsts, fresh = [], []
    try:
        for i in range(starts):
            port = free_port()
            started = time.perf_counter()
            proc = subprocess.Popen(server(tool, corpus, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                firsts.append(wait_first(port, started, proc))
                marker = f"start-marker-{tool}-{i}-{random.Random(seed + i).randrange(10**9)}"
                t0 = time.perf_counter()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original + f"\n\nParagraph {marker}.\n")
                fresh.append(wait_for(port, url_of(content, path), marker, t0))
            finally:
                proc.terminate()
                proc.wait()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
    return statistics.median(firsts), fresh


def measure(tool, corpus, edits, seed, kind):
    port = free_port()
    cmd = server(tool, corpus, port)
    # The site's own template, there before the server starts, as an author's would be.
    template, template_before = template_of(tool, corpus) if kind == "template" else (None, None)
    template_text = open(template, encoding="utf-8").read() if template else None
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first = wait_first(port, started, proc)
        events = None
        if tool == "dossier":
            events = Events(port)
            events.start()
            time.sleep(0.2)
        rss_before = rss_mib(proc.pid)
        content, pages = content_pages(tool, corpus)
        r = random.Random(seed)
        chosen = [r.choice(pages) for _ in range(min(edits, 50))]
        originals = {p: open(p, encoding="utf-8").read() for p in set(chosen)}
        fresh, notified, settled = [], [], []
        try:
            for i in range(edits):
                path = chosen[i % len(chosen)]
                marker = f"edit-marker-{tool}-{i}-{r.randrange(10**9)}"
                url, expect_gone, moved = url_of(content, path), False, None
                if kind == "new":
                    path = os.path.join(os.path.dirname(path), f"new-{tool}-{i}.md")
                    originals.setdefault(path, None)
                    url = url_of(content, path)
                    text = f'+++\ntitle = "New {i}"\ndate = 2024-06-01\n+++\n\nParagraph {marker}.\n'
                elif kind in ("delete", "rename"):
                    text = None
                elif kind == "template":
                    text = None
                else:
                    text = change(kind, originals[path], marker)
                if kind == "template":
                    # A browser showing the page, as when an author edits the template it is
                    # made with: both servers re-render the pages shown first.
                    get(port, url)
                time.sleep(0.05)  # let the previous save settle, as an author would
                t0 = time.perf_counter()
                if kind == "delete":
                    os.remove(path)
                    expect_gone = True
                elif kind == "template":
                    with open(template, "w", encoding="utf-8") as f:
                        f.write(with_marker(tool, template_text, marker))
                elif kind == "rename":
                    moved = os.path.join(os.path.dirname(path), f"renamed-{tool}-{i}.md")
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(originals[path] + f"\n\nParagraph {marker}.\n")
                    os.rename(path, moved)
                    url = url_of(content, moved)
                else:
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text)
                deadline = t0 + 30
                while True:
                    try:
                        status, body = get(port, url)
                    except http.client.HTTPException:
                        # A server may cut an answer short while it rebuilds: not yet fresh.
                        status, body = 0, b""
                    if (status == 404) if expect_gone else (marker.encode() in body):
                        fresh.append(time.perf_counter() - t0)
                        break
                    if time.perf_counter() > deadline:
                        sys.exit(f"{tool}: no fresh page for {url} after 30 s")
                    time.sleep(0.001)  # leave the cores to the server
                if events:
                    event = None
                    for _ in range(200):
                        event = events.after(t0)
                        if event:
                            break
                        time.sleep(0.001)
                    if event:
                        notified.append(event - t0)
                    last = events.last_after(t0)
                    if last:
                        settled.append(last - t0)
                else:
                    time.sleep(1.0)
                # Put the analysis back as it was before the next edit.
                if kind == "delete" or moved:
                    if moved:
                        os.remove(moved)
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(originals[path])
                    if events:
                        events.last_after(time.perf_counter())
                    else:
                        time.sleep(1.5)
        finally:
            for p, text in originals.items():
                if text is None:
                    if os.path.exists(p):
                        os.remove(p)
                    continue
                with open(p, "w", encoding="utf-8") as f:
                    f.write(text)
            for leftover in [os.path.join(d, f) for d, _, fs in os.walk(content) for f in fs if f.startswith("renamed-")]:
                os.remove(leftover)
        rss_after = rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait()
        if template:
            if template_before is None:
                os.remove(template)
                for folder in ("partials", ""):
                    try:
                        os.rmdir(os.path.join(corpus, "dossier", "templates", folder))
                    except OSError:
                        pass
            else:
                with open(template, "w", encoding="utf-8") as f:
                    f.write(template_before)
    return first, fresh, notified, settled, rss_before, rss_after


def summary(label, xs):
    if not xs:
        return
    q = statistics.quantiles(xs, n=4)
    print(f"  {label}: median {statistics.median(xs) * 1000:.1f} ms "
          f"(quartiles {q[0] * 1000:.1f}-{q[2] * 1000:.1f} ms, max {max(xs) * 1000:.1f} ms, n={len(xs)})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--tool", choices=["dossier", "hugo", "both"], default="both")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--change", choices=["body", "title", "tags", "date", "new", "delete", "rename", "template",
                                         "start"], default="body")
    a = ap.parse_args()
    corpus = bench_corpus.ensure(a.pages)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    tools = ["dossier", "hugo"] if a.tool == "both" else [a.tool]
    for tool in tools:
        if a.change == "start":
            first, fresh = measure_start(tool, corpus, a.edits, a.seed)
            print(f"{tool} ({a.pages} pages, {a.edits} starts, each with an edit at the first answer)")
            print(f"  start to first answered request: {first:.2f} s (median)")
            summary("save at the first answer to fresh page over HTTP", fresh)
            continue
        first, fresh, notified, settled, before, after = measure(tool, corpus, a.edits, a.seed, a.change)
        print(f"{tool} ({a.pages} pages, {a.edits} changes: {a.change})")
        print(f"  start to first answered request: {first:.2f} s")
        summary("save to fresh page over HTTP", fresh)
        summary("save to first live-reload event", notified)
        summary("save to every output up to date (last event)", settled)
        print(f"  resident memory: {before:.0f} MiB before the edits, {after:.0f} MiB after")


if __name__ == "__main__":
    main()
