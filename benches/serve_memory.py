#!/usr/bin/env python3
"""`carnet serve`'s peak memory with search used, against the build's, on the same corpus.

Issue 19 asks that `serve` stay within 1.5x the build's peak. This runs, on a copy of CORPUS
in a temporary folder (on tmpfs when /dev/shm exists):

- `carnet serve` on 127.0.0.1: the HTML of the first 3,000 pages (sorted by path) asked once,
  then `search/meta.js` (which makes the search index), `llms.txt` and `llms-full.txt`; the
  server's peak resident memory read from its `VmHWM` before it is stopped;
- `carnet build -q --no-cache` of the same copy, its peak from `getrusage` (`ru_maxrss`).

Usage:
    cargo build --release
    python3 /work/shared/tools/gen_corpus.py --pages 10000 --flavor gitbook --out /dev/shm/u10k
    python3 benches/serve_memory.py target/release/carnet /dev/shm/u10k [--runs 2] [--port 8123]

Prints one line per run and the ratio of the medians. Nothing here runs under `cargo test`.
"""
import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

PAGES = 3000


def page_paths(corpus):
    """The site paths of the corpus's pages, as carnet publishes a GitBook export."""
    paths = []
    for root, _, files in os.walk(corpus):
        for name in files:
            if name.endswith(".md") and name != "SUMMARY.md":
                rel = os.path.relpath(os.path.join(root, name), corpus)[:-3]
                paths.append(rel[: -len("README")] if rel.endswith("README") else rel)
    return sorted(paths)


def serve_peak(carnet, site, port, paths):
    server = subprocess.Popen(
        [carnet, "serve", "--port", str(port), site],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"

    def get(path):
        with urllib.request.urlopen(base + path, timeout=120) as response:
            return response.read()

    try:
        for _ in range(1200):
            try:
                get("")
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("the server did not answer within 120 s")
        served = 0
        for path in paths[:PAGES]:
            try:
                get(path)
                served += 1
            except OSError:
                pass
        for extra in ["search/meta.js", "llms.txt", "llms-full.txt"]:
            get(extra)
        with open(f"/proc/{server.pid}/status") as status:
            hwm_kb = int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1))
        return served, hwm_kb / 1024
    finally:
        server.terminate()
        server.wait()


def build_peak(carnet, site):
    """The build's peak, in MB. Run in a Python child of its own (`--build-only`): `ru_maxrss`
    of the children is the largest of any child so far, and the server was one."""
    out = os.path.join(os.path.dirname(site), "out")
    subprocess.run([carnet, "build", "-q", "--no-cache", site, "-o", out], check=True)
    shutil.rmtree(out, ignore_errors=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("carnet")
    parser.add_argument("corpus")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    carnet = os.path.abspath(args.carnet)
    if args.build_only:
        print(build_peak(carnet, args.corpus))
        return
    paths = page_paths(args.corpus)
    parent = "/dev/shm" if os.path.isdir("/dev/shm") else None
    serves, builds = [], []
    for run in range(args.runs):
        work = tempfile.mkdtemp(prefix="carnet-serve-memory-", dir=parent)
        try:
            site = os.path.join(work, "site")
            shutil.copytree(args.corpus, site)
            served, serve_mb = serve_peak(carnet, site, args.port, paths)
            build_mb = float(
                subprocess.run(
                    [sys.executable, __file__, carnet, site, "--build-only"],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        serves.append(serve_mb)
        builds.append(build_mb)
        print(f"run {run + 1}: {served} pages served; serve {serve_mb:.1f} MB, build {build_mb:.1f} MB")
    serve_mb, build_mb = statistics.median(serves), statistics.median(builds)
    print(f"median: serve {serve_mb:.1f} MB, build {build_mb:.1f} MB: {serve_mb / build_mb:.2f}x")


if __name__ == "__main__":
    main()
