"""torchbench.py — what the PyTorch sides of the benchmarks share (bench/rnn_torch.py,
bench/gpt_torch.py): key=value options, the peak resident set, the thread settings, and which BLAS
the process really mapped (the configurations themselves are chosen from outside, by
bench/lib/torch.sh).

Threads: torch.set_num_threads(n) sizes torch's OpenMP pool, which an OpenMP build of OpenBLAS
shares; one inter-op thread (nothing here runs operations concurrently).
"""
import os
import resource

import torch


def opts(argv):
    d = {}
    for a in argv:
        if "=" in a:
            k, v = a.split("=", 1)
            d[k] = v
    return d


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def median_best(ms):
    ms = sorted(ms)
    n = len(ms)
    return (ms[n // 2] if n % 2 else 0.5 * (ms[n // 2 - 1] + ms[n // 2])), ms[0]


def set_threads(n):
    torch.set_num_threads(n)
    torch.set_num_interop_threads(1)


def blas_info():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in p or "lapack" in p or "libgomp" in p or "mkl" in p:
                libs.add(p)
    blas = sorted(p for p in libs if "openblas" in p and os.path.basename(p).startswith("libopenblas"))
    ref = sorted(p for p in libs if "/blas/" in p)
    if blas:
        return "OpenBLAS %s (%s)" % (os.path.basename(os.path.dirname(blas[0])), blas[0])
    if ref:
        return "reference BLAS (%s)" % ref[0]
    return "?"


def info():
    """One line: torch's version, the BLAS mapped, the thread settings."""
    torch.zeros(64, 64) @ torch.zeros(64, 64)      # make sure the BLAS is loaded
    return ("torch %s; %s; torch.get_num_threads()=%d, interop threads=%d, OMP_NUM_THREADS=%s, "
            "OPENBLAS_NUM_THREADS=%s"
            % (torch.__version__, blas_info(), torch.get_num_threads(), torch.get_num_interop_threads(),
               os.environ.get("OMP_NUM_THREADS", "unset"), os.environ.get("OPENBLAS_NUM_THREADS", "unset")))
