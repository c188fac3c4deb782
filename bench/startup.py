#!/usr/bin/env python3
"""Cold start and idle memory of `lienket serve`, against a baseline measured in the same run.

Measures, over N runs each:
  - lienket serve on a fresh SQLite data directory (migrations included) until the first
    200 on /healthz;
  - lienket serve on an existing database (the everyday restart);
  - baseline: `python3 -m http.server` until its first 200 (a trivial server on the same machine).
Then the resident memory (VmRSS) of each after one idle second, and the release binary size.

Usage: bench/startup.py [--runs 10] [--binary target/release/lienket]
Loopback only; every process is stopped at the end.
"""
import argparse, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def wait_200(url, proc, limit=10.0):
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if proc.poll() is not None:
            raise SystemExit(f"process exited early: {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.001)
    raise SystemExit(f"no 200 from {url} within {limit}s")

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

def run_once(cmd, url, env=None, cwd=None):
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    try:
        wait_200(url, proc)
        elapsed = (time.perf_counter() - t0) * 1000
        time.sleep(1.0)
        rss = rss_kib(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill(); proc.wait()
    return elapsed, rss

def summary(name, samples):
    ms = [s[0] for s in samples]; rss = [s[1] for s in samples]
    return {"name": name, "median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms),
            "rss_mib": statistics.median(rss) / 1024}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--binary", default="target/release/lienket")
    a = ap.parse_args()
    if not os.path.exists(a.binary):
        raise SystemExit(f"{a.binary} missing: cargo build --release -p lienket")
    env = dict(os.environ, LIENKET_LOG="warn")
    work = tempfile.mkdtemp(prefix="lienket-bench-")
    results = []
    try:
        fresh = []
        for i in range(a.runs):
            d = os.path.join(work, f"fresh{i}"); port = free_port()
            fresh.append(run_once([a.binary, "serve", "--data-dir", d, "--bind", f"127.0.0.1:{port}"],
                                  f"http://127.0.0.1:{port}/healthz", env))
        results.append(summary("lienket serve, fresh SQLite (migrations)", fresh))
        existing = []
        d = os.path.join(work, "fresh0")
        for i in range(a.runs):
            port = free_port()
            existing.append(run_once([a.binary, "serve", "--data-dir", d, "--bind", f"127.0.0.1:{port}"],
                                     f"http://127.0.0.1:{port}/healthz", env))
        results.append(summary("lienket serve, existing SQLite", existing))
        base = []
        for i in range(a.runs):
            port = free_port()
            base.append(run_once([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                                 f"http://127.0.0.1:{port}/", env, cwd=work))
        results.append(summary("baseline: python3 -m http.server", base))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    b = results[-1]
    print(f"{'what':<44} {'median ms':>10} {'min':>7} {'max':>7} {'RSS MiB':>8} {'start ×base':>11} {'RSS ×base':>9}")
    for r in results:
        print(f"{r['name']:<44} {r['median_ms']:>10.1f} {r['min_ms']:>7.1f} {r['max_ms']:>7.1f} {r['rss_mib']:>8.1f}"
              f" {r['median_ms']/b['median_ms']:>11.2f} {r['rss_mib']/b['rss_mib']:>9.2f}")
    size = os.path.getsize(a.binary)
    print(f"release binary: {size/1024/1024:.1f} MiB ({a.binary})")

if __name__ == "__main__":
    main()
