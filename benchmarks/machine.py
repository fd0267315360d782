"""A description of the machine and software a run was made on."""

from __future__ import annotations

import importlib
import os
import platform


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal"):
                    return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        return None


def _version(name: str) -> str | None:
    try:
        return getattr(importlib.import_module(name), "__version__", "?")
    except ImportError:
        return None


def describe() -> dict:
    """CPU, cores, memory, the BLAS numpy uses (threadpoolctl) and library versions."""
    import numpy  # noqa: F401  (loads the BLAS so threadpoolctl can see it)
    from threadpoolctl import threadpool_info

    libs = {n: _version(n) for n in ("numpy", "scipy", "sklearn", "shrinkage", "threadpoolctl",
                                     "skglm", "glum", "torch")}
    pools = [{k: p.get(k) for k in ("user_api", "internal_api", "version", "num_threads",
                                   "architecture", "threading_layer")}
             for p in threadpool_info()]
    return {"cpu": _cpu_model(), "logical_cores": os.cpu_count(),
            "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "memory_gib": _memory_gib(), "python": platform.python_version(),
            "platform": platform.platform(), "libraries": {k: v for k, v in libs.items() if v},
            "threadpools": pools}


def as_markdown(info: dict, threads: int) -> str:
    libs = ", ".join(f"{k} {v}" for k, v in info["libraries"].items())
    blas = "; ".join(f"{p['internal_api']} {p['version']} ({p['user_api']}, {p['architecture']}, "
                     f"{p['threading_layer']})" for p in info["threadpools"]) or "none found"
    return (f"- CPU: {info['cpu']}, {info['logical_cores']} logical cores "
            f"({info['usable_cores']} usable), {info['memory_gib']} GiB RAM\n"
            f"- Python {info['python']} on {info['platform']}\n"
            f"- BLAS/OpenMP (threadpoolctl): {blas}; all pools pinned to {threads} threads\n"
            f"- Libraries: {libs}\n")
