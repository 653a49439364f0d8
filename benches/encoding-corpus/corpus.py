#!/usr/bin/env python3
"""Encoding repair measured on real Markdown: clean files must stay as they are, damaged ones
must come back as they were.

The sources are listed in `sources.tsv` (repository, pinned commit, folder, language, set); the
files themselves are not kept in this repository. Commands:

  corpus.py fetch  [--set tune|heldout|all]   materialise the files under WORK/files/
  corpus.py clean  [--set …]                  `carnet fix-encoding --check` over them: how many
                                              are flagged (must be none), and how many notes
  corpus.py damage [--set …] [--per-lang N]   damage a sample of them the ways mojibake happens
                                              (every code page, whole file or one paragraph,
                                              lost bytes), repair with `fix-encoding --write`,
                                              and count the files that come back byte for byte

Options: --work DIR (default /tmp/carnet-encoding-corpus), --carnet BIN (default
target/release/carnet), --mirrors DIR (folders `owner+name/repo` holding a clone, as left by
the tool that fetched them; otherwise each repository is cloned from GitHub, blobs on demand).
Needs python3 and git; nothing else.
"""

import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))

# The code pages carnet undoes, by Python's codec names, in the order carnet lists them.
PAGES = {
    "Windows-1252": "cp1252",
    "Windows-1254": "cp1254",
    "Latin-1": "latin-1",
    "Windows-1250": "cp1250",
    "Windows-1251": "cp1251",
    "Windows-1257": "cp1257",
    "ISO-8859-2": "iso8859_2",
    "Mac Roman": "mac_roman",
    "CP437": "cp437",
}


def read_sources(which):
    sources = []
    with open(os.path.join(HERE, "sources.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            repo, commit, folder, lang, subset = line.rstrip("\n").split("\t")
            if which in ("all", subset):
                sources.append((repo, commit, folder, lang, subset))
    return sources


def git_dir(repo, commit, args):
    """A git directory holding `commit` of `repo`: a mirror, or a fresh partial clone."""
    if args.mirrors:
        mirrored = os.path.join(args.mirrors, repo.replace("/", "+"), "repo")
        if os.path.isdir(mirrored):
            return mirrored
    clone = os.path.join(args.work, "clones", repo.replace("/", "+"))
    if not os.path.isdir(clone):
        subprocess.run(
            ["git", "clone", "--quiet", "--bare", "--filter=blob:none",
             f"https://github.com/{repo}.git", clone],
            check=True,
        )
    subprocess.run(["git", "-C", clone, "fetch", "--quiet", "origin", commit], check=False)
    return clone


def source_dir(args, repo, folder, lang):
    name = repo.replace("/", "+") + ("" if folder == "." else "+" + folder.replace("/", "+"))
    return os.path.join(args.work, "files", lang, name)


def markdown_blobs(gitdir, commit, folder):
    """(path, bytes) of every `.md` file under `folder` at `commit` (other files, which a
    mirror may lack, are never read)."""
    listing = subprocess.run(
        ["git", "-C", gitdir, "ls-tree", "-r", "-z", commit, "--", folder],
        check=True, capture_output=True,
    ).stdout.split(b"\0")
    wanted = []
    for entry in listing:
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, blob = meta.split()
        if kind == b"blob" and mode != b"120000" and path.endswith(b".md"):
            wanted.append((path.decode("utf-8", "surrogateescape"), blob.decode()))
    batch = subprocess.run(
        ["git", "-C", gitdir, "cat-file", "--batch"],
        input="".join(blob + "\n" for _, blob in wanted).encode(),
        check=True, capture_output=True,
    ).stdout
    at = 0
    for path, _ in wanted:
        header_end = batch.index(b"\n", at)
        size = int(batch[at:header_end].split()[2])
        yield path, batch[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1


def fetch(args):
    total = 0
    for repo, commit, folder, lang, _ in read_sources(args.set):
        dest = source_dir(args, repo, folder, lang)
        if os.path.isdir(dest):
            count = sum(len(f) for _, _, f in os.walk(dest))
            total += count
            continue
        gitdir = git_dir(repo, commit, args)
        count = 0
        for rel, data in markdown_blobs(gitdir, commit, folder):
            path = os.path.join(dest, os.path.relpath(rel, folder))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            count += 1
        total += count
        print(f"{repo} {folder}: {count} files", file=sys.stderr)
    print(f"{total} files under {os.path.join(args.work, 'files')}", file=sys.stderr)


def run_fix_encoding(args, paths, write=False):
    """One JSON object per file, from `carnet fix-encoding`."""
    command = [args.carnet, "fix-encoding", "--format", "json"]
    if write:
        command.append("--write")
    out = subprocess.run(command + paths, capture_output=True, text=True)
    if out.returncode == 2:
        sys.exit(f"fix-encoding failed: {out.stderr}")
    return [json.loads(line) for line in out.stdout.split("\n") if line.strip()]


def clean(args):
    per_lang = collections.defaultdict(lambda: [0, 0, 0, 0])
    flagged = []
    for repo, _, folder, lang, _ in read_sources(args.set):
        dest = source_dir(args, repo, folder, lang)
        if not os.path.isdir(dest):
            sys.exit(f"{dest} is missing: run `corpus.py fetch` first")
        for report in run_fix_encoding(args, [dest]):
            counts = per_lang[lang]
            counts[0] += 1
            counts[1] += report["needs_repair"]
            counts[2] += bool(report.get("possible"))
            counts[3] += non_ascii(report["file"])
            if report["needs_repair"]:
                flagged.append(report)
    print(f"{'language':<10} {'files':>7} {'non-ASCII':>9} {'flagged':>8} {'with notes':>10}")
    totals = [0, 0, 0, 0]
    for lang in sorted(per_lang):
        files, bad, noted, wide = per_lang[lang]
        totals = [a + b for a, b in zip(totals, per_lang[lang])]
        print(f"{lang:<10} {files:>7} {wide:>9} {bad:>8} {noted:>10}")
    print(f"{'all':<10} {totals[0]:>7} {totals[3]:>9} {totals[1]:>8} {totals[2]:>10}")
    for report in flagged[: args.show]:
        print(f"\n{report['file']}:")
        for repair in report["repairs"][:5]:
            print(f"  {repair['line']}:{repair['column']} {repair['damaged']!r} → {repair['repaired']!r}")
    return 1 if totals[1] else 0


def non_ascii(path):
    with open(path, "rb") as f:
        return any(b >= 0x80 for b in f.read())


def misread(data, codec):
    """`data` (UTF-8 bytes) read with `codec` as a sloppy decoder does: a byte the code page
    leaves undefined reads as the C1 control of the same value."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def lose_holes(text, codec, marker):
    """`text` with the C1 controls that stand for undefined bytes replaced by `marker`."""
    def defined(c):
        try:
            bytes([ord(c)]).decode(codec)
            return True
        except UnicodeDecodeError:
            return False
    return "".join(
        marker if 0x80 <= ord(c) <= 0x9F and not defined(c) and codec != "latin-1" else c
        for c in text
    )


def damage_variants(text, rng):
    """(mode, page, damaged text) for each way `text` is damaged."""
    data = text.encode("utf-8")
    paragraphs = [p for p in text.split("\n\n") if any(ord(c) > 0x7F for c in p)]
    for page, codec in PAGES.items():
        whole = misread(data, codec)
        yield "whole", page, whole
        if paragraphs:
            chosen = rng.choice(paragraphs)
            yield "paragraph", page, text.replace(chosen, misread(chosen.encode(), codec), 1)
        lost = lose_holes(whole, codec, "")
        if lost != whole:
            yield "lost-dropped", page, lost
            yield "lost-replaced", page, lose_holes(whole, codec, "\ufffd")


def damage(args):
    rng = random.Random(args.seed)
    root = os.path.join(args.work, "damaged")
    shutil.rmtree(root, ignore_errors=True)
    originals = {}
    by_lang = collections.defaultdict(list)
    for repo, _, folder, lang, _ in read_sources(args.set):
        dest = source_dir(args, repo, folder, lang)
        for base, _, files in os.walk(dest):
            for name in files:
                by_lang[lang].append(os.path.join(base, name))
    for lang, files in sorted(by_lang.items()):
        files.sort()
        candidates = [f for f in files if non_ascii(f)]
        for path in rng.sample(candidates, min(args.per_lang, len(candidates))):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for mode, page, damaged in damage_variants(text, rng):
                if damaged == text:
                    continue
                rel = os.path.relpath(path, os.path.join(args.work, "files"))
                out = os.path.join(root, mode, page.replace(" ", "-"), rel)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with open(out, "w", encoding="utf-8", newline="") as f:
                    f.write(damaged)
                originals[out] = text
    run_fix_encoding(args, [root], write=True)
    results = collections.defaultdict(lambda: [0, 0])
    failures = []
    for out, text in originals.items():
        with open(out, encoding="utf-8", newline="") as f:
            repaired = f.read()
        mode, page, lang = os.path.relpath(out, root).split(os.sep)[:3]
        key = (mode, page, lang)
        results[key][0] += 1
        results[key][1] += repaired == text
        if repaired != text:
            failures.append((out, text, repaired))
    summary = collections.defaultdict(lambda: [0, 0])
    for (mode, page, lang), (n, ok) in results.items():
        for key in [(mode, "*", "*"), (mode, page, "*"), (mode, "*", lang)]:
            summary[key][0] += n
            summary[key][1] += ok
    print(f"{'mode':<14} {'page':<13} {'lang':<5} {'files':>6} {'repaired':>9}")
    for key in sorted(summary):
        n, ok = summary[key]
        if args.detail or "*" in key[1:] and key.count("*") == 2 or key[1] != "*":
            print(f"{key[0]:<14} {key[1]:<13} {key[2]:<5} {n:>6} {ok:>9} ({100 * ok / n:.1f} %)")
    for out, text, repaired in failures[: args.show]:
        print(f"\n{out}")
        for a, b in zip(text.splitlines(), repaired.splitlines()):
            if a != b:
                print(f"  want {a[:160]!r}\n  got  {b[:160]!r}")
                break


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["fetch", "clean", "damage"])
    parser.add_argument("--set", default="all", choices=["tune", "heldout", "all"])
    parser.add_argument("--work", default="/tmp/carnet-encoding-corpus")
    parser.add_argument("--carnet", default=os.path.join(REPO_ROOT, "target/release/carnet"))
    parser.add_argument("--mirrors", default=os.environ.get("CARNET_MIRRORS"))
    parser.add_argument("--per-lang", type=int, default=40)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--show", type=int, default=20)
    parser.add_argument("--detail", action="store_true")
    args = parser.parse_args()
    if args.command == "fetch":
        fetch(args)
    elif args.command == "clean":
        sys.exit(clean(args))
    else:
        damage(args)


if __name__ == "__main__":
    main()
