"""Running R's glmnet from a test: write the arrays as CSV, run a script, read numbers back.

A test module that uses it sets ``pytestmark = R_MARK``; a script that fails (glmnet missing)
skips the test with R's message. Numbers come back with 17 significant digits."""

import shutil
import subprocess

import numpy as np
import pytest

R_MARK = pytest.mark.skipif(shutil.which("Rscript") is None,
                            reason="Rscript not found (apt-get install r-cran-glmnet)")

#: R helpers every script gets: ``out(name, x)`` prints one line ``name v1 v2 ...``
PRELUDE = """
suppressMessages(library(glmnet))
rd <- function(f) as.matrix(read.csv(f, header=FALSE))
out <- function(name, x) cat(name, sprintf("%.17g", as.numeric(x)), "\\n")
"""


def run_r(tmp_path, script, **arrays):
    """Run ``script`` with each array saved as ``<name>.csv`` in ``tmp_path`` (read in R with
    ``rd("<name>.csv")``; the working directory is ``tmp_path``); returns ``{name: ndarray}``
    from the lines the script printed with ``out``."""
    for name, a in arrays.items():
        np.savetxt(tmp_path / f"{name}.csv", np.atleast_1d(a), delimiter=",")
    res = subprocess.run(["Rscript", "-e", PRELUDE + script], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    if res.returncode != 0:
        pytest.skip(f"R's glmnet did not run: {res.stderr.strip()[:300]}")
    lines = [ln.split() for ln in res.stdout.strip().splitlines() if ln.strip()]
    return {ln[0]: np.array(ln[1:], dtype=float) for ln in lines}
