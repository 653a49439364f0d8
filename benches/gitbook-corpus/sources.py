#!/usr/bin/env python3
"""Check a built GitBook space against its own sources, independently of carnet's code.

    python3 benches/gitbook-corpus/sources.py SITE OUT [--json]

- SUMMARY entries published: every `SUMMARY.md` entry whose file exists has a page in OUT.
- Fragment agreement: every `page.md#fragment` (and same-page `#fragment`) link written in the
  sources, whose target page was written, lands on an element with that id in the target's HTML.
  The sources were written against GitBook's heading ids, so this measures how far carnet's ids
  agree with GitBook's.

Where a space's pages sit in OUT is found, not assumed: each space (a folder holding a SUMMARY.md,
or the root named by a .gitbook.yaml) is matched to the output folder prefix under which most of
its SUMMARY entries are found, so docs.yaml paths and folder spaces need no special case.
"""
import argparse, collections, json, os, re, sys, urllib.parse
from html.parser import HTMLParser

SKIP_DIRS = {".git", "node_modules", ".carnet-cache"}
MD_LINK = re.compile(r"\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


class Ids(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if k == "name" and v and tag == "a":
                self.ids.add(v)


def gitbook_yaml(folder):
    """(root, readme, summary) of a .gitbook.yaml, read with regexes (no YAML library needed)."""
    path = os.path.join(folder, ".gitbook.yaml")
    root, readme, summary = ".", "README.md", "SUMMARY.md"
    if os.path.exists(path):
        text = open(path, encoding="utf-8", errors="replace").read().replace("\u200b", "")
        m = re.search(r"^root:\s*['\"]?([^'\"\n#]+)", text, re.M)
        if m:
            root = m.group(1).strip()
        m = re.search(r"^\s+readme:\s*['\"]?([^'\"\n#]+)", text, re.M)
        if m:
            readme = m.group(1).strip()
        m = re.search(r"^\s+summary:\s*['\"]?([^'\"\n#]+)", text, re.M)
        if m:
            summary = m.group(1).strip()
    return os.path.normpath(os.path.join(folder, root)), readme, summary


def find_spaces(site):
    """Every space root with its readme and summary file names."""
    spaces = {}
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not (d.startswith(".") and d != ".gitbook")]
        if ".gitbook.yaml" in filenames:
            root, readme, summary = gitbook_yaml(dirpath)
            if os.path.exists(os.path.join(root, summary)):
                spaces[root] = (readme, summary)
        if "SUMMARY.md" in filenames and dirpath not in spaces:
            spaces[dirpath] = ("README.md", "SUMMARY.md")
    if not spaces:
        spaces[site] = ("README.md", "SUMMARY.md")
    return spaces


def url_of(rel, readme):
    """GitBook's URL of a page, relative to its space: a/b.md → a/b/, a/README.md → a/."""
    rel = rel.replace(os.sep, "/")
    if rel.lower() == readme.lower():
        return ""
    stem = rel[:-3] if rel.lower().endswith(".md") else rel
    base = stem.rsplit("/", 1)
    if base[-1].lower() == "readme":
        return (base[0] + "/") if len(base) == 2 else ""
    return stem + "/"


def strip_code(text):
    out, fence = [], None
    for line in text.split("\n"):
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append("")
            continue
        if m:
            fence = m.group(1)
            out.append("")
            continue
        out.append(re.sub(r"`[^`\n]*`", "", line))
    return "\n".join(out)


def summary_targets(space_root, summary):
    path = os.path.join(space_root, summary)
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return []
    targets = []
    for m in MD_LINK.finditer(strip_code(text)):
        t = m.group(1).strip("<>")
        if re.match(r"^[a-z][a-z0-9+.-]*:", t, re.I) or t.startswith("#"):
            continue
        t = urllib.parse.unquote(t.split("#")[0]).replace("\\", "")
        full = os.path.normpath(os.path.join(os.path.dirname(path), t))
        if os.path.isfile(full) and full.lower().endswith(".md"):
            targets.append(full)
    return targets


class Output:
    def __init__(self, out):
        self.out = out
        self.pages = set()
        for dirpath, _, filenames in os.walk(out):
            for f in filenames:
                if f == "index.html":
                    rel = os.path.relpath(os.path.join(dirpath, f), out).replace(os.sep, "/")
                    self.pages.add(rel)
        self.by_suffix = collections.defaultdict(list)
        self._ids = {}

    def exists(self, url):
        return (url + "index.html") in self.pages

    def ids(self, url):
        if url not in self._ids:
            p = Ids()
            try:
                p.feed(open(os.path.join(self.out, url + "index.html"), encoding="utf-8", errors="replace").read())
            except OSError:
                pass
            self._ids[url] = p.ids
        return self._ids[url]


def space_prefix(output, space_root, readme, entries):
    """The output folder under which this space's pages were written (the prefix most entries agree on)."""
    votes = collections.Counter()
    urls = [url_of(os.path.relpath(e, space_root), readme) for e in entries[:40]]
    urls = [u for u in urls if u]
    for page in output.pages:
        for u in urls:
            tail = u + "index.html"
            if page.endswith(tail) and (len(page) == len(tail) or page[-len(tail) - 1] == "/"):
                votes[page[: -len(tail)]] += 1
    if not votes:
        return ""
    return votes.most_common(1)[0][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("out")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    site = os.path.abspath(a.site)
    output = Output(os.path.abspath(a.out))
    spaces = find_spaces(site)
    # file → (output URL) for every page of every space
    page_url = {}
    unpublished, checked, ok, misses = [], 0, 0, []
    for root, (readme, summary) in sorted(spaces.items()):
        entries = summary_targets(root, summary)
        prefix = space_prefix(output, root, readme, entries)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
            if dirpath != root and dirpath in spaces:
                dirnames[:] = []
                continue
            for f in filenames:
                if f.lower().endswith(".md") and f != "SUMMARY.md":
                    full = os.path.join(dirpath, f)
                    page_url.setdefault(full, prefix + url_of(os.path.relpath(full, root), readme))
        readme_path = os.path.join(root, readme)
        for e in [readme_path] + entries:
            if os.path.isfile(e) and not output.exists(prefix + url_of(os.path.relpath(e, root), readme)):
                unpublished.append(os.path.relpath(e, site))
    unpublished = sorted(set(unpublished))
    for src, url in sorted(page_url.items()):
        if not output.exists(url):
            continue
        text = strip_code(open(src, encoding="utf-8", errors="replace").read())
        links = [m.group(1).strip("<>") for m in MD_LINK.finditer(text)]
        links += [m.group(1) or m.group(2) or "" for m in HREF.finditer(text)]
        for link in links:
            if "#" not in link or re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I) or link.startswith("/"):
                continue
            path, frag = link.split("#", 1)
            frag = urllib.parse.unquote(frag)
            if not frag or frag in ("top",):
                continue
            path = urllib.parse.unquote(path).replace("\\", "")
            if path == "":
                target = src
            else:
                target = os.path.normpath(os.path.join(os.path.dirname(src), path))
                if os.path.isdir(target):
                    for r in ("README.md", "readme.md"):
                        if os.path.isfile(os.path.join(target, r)):
                            target = os.path.join(target, r)
                            break
            turl = page_url.get(target)
            if turl is None or not output.exists(turl):
                continue
            checked += 1
            if frag in output.ids(turl):
                ok += 1
            else:
                misses.append(f"{os.path.relpath(src, site)} → {link}")
    res = {"spaces": len(spaces), "summary_unpublished": len(unpublished), "fragments_checked": checked,
           "fragments_ok": ok, "unpublished": unpublished, "fragment_misses": misses}
    if a.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(f"spaces {len(spaces)}, SUMMARY entries not published {len(unpublished)}, "
              f"fragments landing {ok}/{checked}")
        for u in unpublished[:50]:
            print("  unpublished:", u)
        for m in misses[:200]:
            print("  miss:", m)


if __name__ == "__main__":
    main()
