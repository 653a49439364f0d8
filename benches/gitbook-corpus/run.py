#!/usr/bin/env python3
"""Build every space of the GitBook corpus with carnet and print one row per space.

Each space of `spaces.tsv` is extracted at its pinned commit from a mirror (a bare clone, as the
`fetch` tool leaves them in /work/.mirror/<owner>+<name>/repo), built with the release carnet,
and its output checked by ../shared/tools/check_site.py and by `sources.py` (SUMMARY entries
published, `page.md#fragment` links of the sources that land on an id). Nothing here runs under
`cargo test`; the spaces are never committed.

    cargo build --release
    python3 benches/gitbook-corpus/run.py                     # every space but the held-out ones
    python3 benches/gitbook-corpus/run.py mariadb wandb       # some spaces
    python3 benches/gitbook-corpus/run.py --holdout           # the held-out spaces only
    python3 benches/gitbook-corpus/run.py --save before.json  # keep the figures to compare
    python3 benches/gitbook-corpus/run.py --show mariadb      # print the findings of a space

Columns: pages (HTML pages written), exit (carnet's status), s (seconds), warn (warnings by
code), links / anchors (broken in the output, by check_site.py), raw (pages with a raw `{%`
GitBook tag outside code), moji (pages with mojibake), panic (a Rust panic), summ (SUMMARY
entries whose page was not written), frag (source `#fragment` links that land, of those
checked).
"""
import argparse, collections, json, os, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
CHECK_SITE = os.path.normpath(os.path.join(REPO, "..", "..", "shared", "tools", "check_site.py"))
if not os.path.exists(CHECK_SITE):
    CHECK_SITE = "/work/shared/tools/check_site.py"


def read_spaces(path):
    spaces = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        name, repo, commit, sub = cols[:4]
        note = cols[4] if len(cols) > 4 else ""
        spaces.append({"name": name, "repo": repo, "commit": commit, "sub": sub, "note": note})
    return spaces


def mirror_of(mirrors, repo):
    for cand in (os.path.join(mirrors, repo.replace("/", "+"), "repo"),
                 os.path.join(mirrors, repo.replace("/", "+")),
                 os.path.join(mirrors, repo.split("/")[1] + ".git")):
        if os.path.isdir(cand):
            return cand
    return None


def extract(space, mirrors, work):
    """The space's tree at its commit, in work/src/<name> (kept between runs)."""
    dest = os.path.join(work, "src", space["name"])
    stamp = os.path.join(work, "src", space["name"] + ".commit")
    want = space["commit"] + " " + space["sub"]
    if os.path.isdir(dest) and os.path.exists(stamp) and open(stamp).read() == want:
        return os.path.join(dest, space["sub"]) if space["sub"] != "." else dest
    git_dir = mirror_of(mirrors, space["repo"])
    if git_dir is None:
        raise RuntimeError(f"no mirror of {space['repo']} under {mirrors}")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    missing = write_tree(git_dir, space["commit"], space["sub"], dest)
    if missing:
        print(f"{space['name']}: {missing} files absent from the mirror (large files), written empty", file=sys.stderr)
    open(stamp, "w").write(want)
    return os.path.join(dest, space["sub"]) if space["sub"] != "." else dest


def write_tree(git_dir, commit, sub, dest):
    """Write the tree of `commit` (under `sub`) into dest, blob by blob: mirrors lack their largest
    files, which `git archive` refuses; each is written as an empty file (the name is what links
    need) and counted."""
    ls = ["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", "--full-tree", commit]
    if sub != ".":
        ls.append(sub)
    entries = []
    for item in subprocess.run(ls, capture_output=True, check=True).stdout.split(b"\0"):
        if not item:
            continue
        meta, path = item.split(b"\t", 1)
        mode, kind, sha = meta.split(b" ")
        if kind == b"blob":
            entries.append((mode, sha, path))
    cat = subprocess.Popen(["git", "--git-dir", git_dir, "cat-file", "--batch"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE)
    missing = 0
    for mode, sha, path in entries:
        cat.stdin.write(sha + b"\n")
        cat.stdin.flush()
        header = cat.stdout.readline().split()
        target = os.path.join(dest.encode(), path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if len(header) < 3 or header[1] == b"missing":
            # the file existed in the repository: an empty stand-in keeps links to it whole
            missing += 1
            open(target, "wb").close()
            continue
        data = cat.stdout.read(int(header[2]))
        cat.stdout.read(1)
        if mode == b"120000":
            try:
                os.symlink(data, target)
            except OSError:
                pass
        else:
            with open(target, "wb") as f:
                f.write(data)
    cat.stdin.close()
    cat.wait()
    return missing


def build(carnet, site, out):
    shutil.rmtree(out, ignore_errors=True)
    t = time.monotonic()
    p = subprocess.run([carnet, "build", site, "-o", out, "--format", "json"], capture_output=True, text=True)
    secs = time.monotonic() - t
    findings = []
    for line in p.stdout.splitlines():
        try:
            findings.append(json.loads(line))
        except ValueError:
            pass
    return p.returncode, secs, findings, p.stderr


def check(out):
    p = subprocess.run([sys.executable, CHECK_SITE, out, "--json", "--show", "1000000"], capture_output=True, text=True)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {}


def sources(site, out):
    p = subprocess.run([sys.executable, os.path.join(HERE, "sources.py"), site, out, "--json"],
                       capture_output=True, text=True)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {"error": p.stderr[-500:]}


def short_codes(counter):
    abbrev = {"broken-link": "bl", "missing-anchor": "ma", "missing-image": "mi", "not-in-summary": "nis",
              "link-to-unpublished": "ltu", "summary-missing-page": "smp", "gitbook-block": "gb",
              "interactive-block": "ib", "invalid-front-matter": "ifm", "broken-redirect": "br",
              "mojibake": "moj", "duplicate-url": "DUP", "summary-duplicate": "sd", "missing-file": "mf",
              "include-remote": "ir", "include-failed": "IF", "redirect": "rd", "not-in-space": "nsp",
              "link-to-html": "lth"}
    return " ".join(f"{abbrev.get(k, k)}:{v}" for k, v in counter.most_common())


def run_space(space, args):
    site = extract(space, args.mirrors, args.work)
    out = os.path.join(args.work, "out", space["name"])
    status, secs, findings, stderr = build(args.carnet, site, out)
    codes = collections.Counter(f.get("code", "?") for f in findings)
    errors = [f for f in findings if f.get("severity") == "error"]
    panic = "panicked at" in stderr
    site_check = check(out) if os.path.isdir(out) else {}
    src_check = sources(site, out) if os.path.isdir(out) else {}
    return {"name": space["name"], "status": status, "secs": round(secs, 2), "codes": dict(codes),
            "errors": errors[:20], "panic": panic, "stderr_tail": stderr[-2000:] if panic or status not in (0, 1) else "",
            "check": site_check, "sources": src_check}


def row(r):
    c = r["check"]
    s = r["sources"]
    frag = f"{s.get('fragments_ok', '?')}/{s.get('fragments_checked', '?')}"
    return [r["name"], str(c.get("html_pages", "-")), str(r["status"]), f"{r['secs']:.1f}",
            str(c.get("broken_links", "-")), str(c.get("broken_anchors", "-")), str(c.get("pages_with_raw_tags", "-")),
            str(c.get("pages_with_mojibake", "-")), "PANIC" if r["panic"] else "-",
            str(s.get("summary_unpublished", "?")), frag,
            short_codes(collections.Counter(r["codes"]))]


def print_table(results):
    head = ["space", "pages", "exit", "s", "links", "anchors", "raw", "moji", "panic", "summ", "frag", "warnings by code"]
    rows = [head] + [row(r) for r in results]
    widths = [max(len(x[i]) for x in rows) for i in range(len(head) - 1)]
    for x in rows:
        print("  ".join(x[i].ljust(widths[i]) for i in range(len(head) - 1)) + "  " + x[-1])
    tot = collections.Counter()
    for r in results:
        c = r["check"]
        tot["pages"] += c.get("html_pages", 0)
        tot["links"] += c.get("broken_links", 0)
        tot["anchors"] += c.get("broken_anchors", 0)
        tot["raw"] += c.get("pages_with_raw_tags", 0)
        tot["frag_ok"] += r["sources"].get("fragments_ok", 0)
        tot["frag"] += r["sources"].get("fragments_checked", 0)
        tot["summ"] += r["sources"].get("summary_unpublished", 0)
        tot["nonzero"] += r["status"] != 0
    pct = 100.0 * tot["frag_ok"] / tot["frag"] if tot["frag"] else 0
    print(f"\ntotal: {tot['pages']} pages, {tot['nonzero']} builds exit non-zero, {tot['links']} broken links, "
          f"{tot['anchors']} broken anchors, {tot['raw']} pages with raw tags, {tot['summ']} SUMMARY pages not published, "
          f"source #fragments landing: {tot['frag_ok']}/{tot['frag']} ({pct:.2f} %)")


def show(r):
    print(json.dumps({k: r[k] for k in ("name", "status", "codes", "errors", "stderr_tail")}, indent=1, ensure_ascii=False))
    ex = r["check"].get("examples", {})
    for k in ("broken", "broken_anchor", "raw_tags", "mojibake"):
        for e in ex.get(k, [])[:60]:
            print(f"  {k}: {e}")
    for k, v in r["sources"].items():
        if isinstance(v, list):
            for e in v[:60]:
                print(f"  {k}: {e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="spaces to run (default: all but the held-out ones)")
    ap.add_argument("--spaces", default=os.path.join(HERE, "spaces.tsv"))
    ap.add_argument("--holdout", action="store_true", help="run the held-out spaces (holdout.tsv)")
    ap.add_argument("--carnet", default=os.path.join(REPO, "target", "release", "carnet"))
    ap.add_argument("--mirrors", default="/work/.mirror")
    ap.add_argument("--work", default=os.path.join(REPO, "target", "gitbook-corpus"))
    ap.add_argument("--save", help="write the full results (JSON) to this file")
    ap.add_argument("--show", action="store_true", help="print each space's findings and examples")
    args = ap.parse_args()
    spaces = read_spaces(os.path.join(HERE, "holdout.tsv") if args.holdout else args.spaces)
    if args.names:
        spaces = [s for s in spaces if s["name"] in args.names]
    results = []
    for space in spaces:
        try:
            r = run_space(space, args)
        except Exception as e:  # a missing mirror: say so and go on
            print(f"{space['name']}: {e}", file=sys.stderr)
            continue
        results.append(r)
        if args.show:
            show(r)
    print_table(results)
    if args.save:
        json.dump(results, open(args.save, "w"), ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
