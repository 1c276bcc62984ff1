"""The synthetic corpus that benches/build.py and benches/serve.py time, made once per size.

`../shared/bench/gen_corpus.py` ($GEN_CORPUS) writes one `content/` for all three tools,
with each analysis's terms in a `[taxonomies]` table of its front matter, as Zola and
dossier read them. Hugo reads terms from top-level keys (`tags = [...]`) and takes the
table for a custom parameter: given the shared folder, it makes no term page and lists
no tag on an analysis, and so does less than the layouts it is given ask for. So Hugo
gets a copy of the content (`hugo/content`, where the generator leaves a link to the
shared folder) with the `[taxonomies]` line dropped from each front matter, which makes
its `tags` and `regions` top-level keys. `check_hugo_terms` fails a run whose Hugo
output has no term pages.

The generator's `hugo.toml` also ends with `paginate = 20` after its
`[markup.goldmark.renderer]` table, which makes it a key of that table: Hugo paged its
lists by its default of 10, so it wrote twice the list pages dossier writes. `hugo_config`
pages them by 20, for current Hugo (`[pagination] pagerSize`) and for 0.111 (top-level
`paginate`).
Standard library only.
"""
import os
import shutil
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure(pages):
    """The corpus of `pages` analyses under target/bench/, made if absent; its path."""
    corpus = os.path.join(ROOT, "target", "bench", f"corpus-{pages}")
    if not os.path.isdir(os.path.join(corpus, "content")):
        gen = os.environ.get("GEN_CORPUS", os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py"))
        if not os.path.isfile(gen):
            sys.exit(f"the benchmarks need gen_corpus.py, looked for at {gen}; set GEN_CORPUS=/path/to/it")
        subprocess.run([sys.executable, gen, "--pages", str(pages), "--out", corpus], check=True)
    hugo_content(corpus)
    hugo_config(corpus)
    return corpus


def hugo_config(corpus):
    """Hugo's configuration with its lists paged by 20 (see the top of this file)."""
    path = os.path.join(corpus, "hugo", "hugo.toml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if "[pagination]" in text:
        return
    lines = [line for line in text.split("\n") if line.strip() != "paginate = 20"]
    first_table = next(i for i, line in enumerate(lines) if line.startswith("["))
    lines.insert(first_table, "paginate = 20")
    text = "\n".join(lines).rstrip("\n") + "\n[pagination]\npagerSize = 20\n"
    with open(path + ".partial", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".partial", path)


def hugo_terms(text):
    """A content file's text with its front matter's `[taxonomies]` header line dropped."""
    if not text.startswith("+++\n"):
        return text
    end = text.find("\n+++\n", 3)
    if end < 0:
        return text
    head = text[: end + 1]
    lines = head.split("\n")
    if "[taxonomies]" not in lines:
        return text
    # The generator writes the table last, so the keys after it become top-level keys.
    lines.remove("[taxonomies]")
    return "\n".join(lines) + text[end + 1 :]


def hugo_content(corpus):
    """Hugo's own copy of the content (see the top of this file), made if it is still the
    generator's link."""
    own = os.path.join(corpus, "hugo", "content")
    if os.path.isdir(own) and not os.path.islink(own):
        return own
    if os.path.lexists(own):
        os.remove(own)
    copy_content(os.path.join(corpus, "content"), own, lambda _, text: hugo_terms(text))
    return own


def copy_content(shared, own, transform, extra=None):
    """Copies the content folder `shared` to `own`, each Markdown file's text through
    `transform(path relative to shared, text)`, and writes the files of `extra` (name:
    text) at its top; made beside it and renamed, so that an interrupted copy is never
    taken for a finished one."""
    partial = own + ".partial"
    if os.path.exists(partial):
        shutil.rmtree(partial)
    for folder, _, names in os.walk(shared):
        target = os.path.join(partial, os.path.relpath(folder, shared))
        os.makedirs(target, exist_ok=True)
        for name in names:
            if not name.endswith(".md"):
                shutil.copyfile(os.path.join(folder, name), os.path.join(target, name))
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            relative = os.path.relpath(os.path.join(folder, name), shared)
            with open(os.path.join(target, name), "w", encoding="utf-8") as f:
                f.write(transform(relative, text))
    for name, text in (extra or {}).items():
        with open(os.path.join(partial, name), "w", encoding="utf-8") as f:
            f.write(text)
    os.rename(partial, own)


# The cited corpus: every analysis cites two of this many sources.
SOURCES = 200


def sources_yml():
    """A Hayagriva bibliography of `SOURCES` works, each by its own author."""
    kinds = ["Report", "Article", "Web", "Book"]
    entries = []
    for k in range(SOURCES):
        entries.append(
            f"src-{k:03}:\n"
            f"  type: {kinds[k % len(kinds)]}\n"
            f"  title: Assessment number {k} of the regional situation\n"
            f"  author: {{ name: \"Research Institute {k:03}\" }}\n"
            f"  date: {2010 + k % 15}-{1 + k % 12:02}-{1 + k % 28:02}\n"
        )
    return "".join(entries)


def cite(relative, text):
    """An analysis's text with a paragraph citing two sources (one with a page) added at
    its end; which two follows from its path, so the corpus is the same every time."""
    if os.path.basename(relative) == "_index.md":
        return text
    n = zlib.crc32(relative.encode())
    a = n % SOURCES
    b = (a + 1 + (n // SOURCES) % (SOURCES - 1)) % SOURCES
    return f"{text.rstrip()}\n\nAs reported at the time [@src-{a:03}, p. {1 + n % 300}], and since [@src-{b:03}].\n"


def cited_site(corpus):
    """The corpus as a site whose every analysis cites two of `SOURCES` sources (build.py's
    `cited` case): `dossier-cited/`, with its own copy of the content and the
    bibliography in it; its name under `corpus`."""
    site = os.path.join(corpus, "dossier-cited")
    content = os.path.join(site, "content")
    if not os.path.isdir(content):
        os.makedirs(site, exist_ok=True)
        copy_content(os.path.join(corpus, "content"), content, cite, {"sources.yml": sources_yml()})
    with open(os.path.join(corpus, "dossier", "config.toml"), encoding="utf-8") as f:
        config = f.read()
    with open(os.path.join(site, "config.toml"), "w", encoding="utf-8") as f:
        f.write(config.rstrip("\n") + '\n\n[sources]\nbibliography = "sources.yml"\nstyle = "chicago-author-date"\n')
    return "dossier-cited"


def hugo_path(corpus, path):
    """Where Hugo's copy of the shared content file `path` is."""
    return os.path.join(corpus, "hugo", "content", os.path.relpath(path, os.path.join(corpus, "content")))


def write_both(corpus, path, text):
    """Writes a content file's new text to the shared content and to Hugo's copy."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    with open(hugo_path(corpus, path), "w", encoding="utf-8") as f:
        f.write(hugo_terms(text))


def check_hugo_terms(output):
    """Exits if a Hugo output folder has no term page: the terms were not read."""
    tags = os.path.join(output, "tags")
    terms = [n for n in os.listdir(tags) if os.path.isdir(os.path.join(tags, n))] if os.path.isdir(tags) else []
    if not terms:
        sys.exit(f"Hugo made no term page in {output}: it did not read the corpus's tags (see benches/corpus.py)")
