"""The build step that compiles the numba kernels into the package (metadata: pyproject.toml).

After the sources are copied to the build folder, ``python -m shrinkage._precompile`` runs
there, so that numba's cache files (``__pycache__/*.nbi``, ``*.nbc``) are written beside the
kernels and installed with them: the first fit after ``pip install .`` loads machine code instead
of compiling it (src/shrinkage/_precompile.py explains the cache's keys). The step never fails
the build: where it cannot run, the kernels compile at first use as before. It is skipped for
editable installs and where ``SHRINKAGE_PRECOMPILE=0``.
"""

import os
import subprocess
import sys
import tempfile

from setuptools import setup
from setuptools.command.build_py import build_py

# The warm-up's limit: it takes 10-30 s on 2 cores; past this the build goes on without the
# cache rather than hang.
PRECOMPILE_TIMEOUT_S = 300


class build_py_with_kernels(build_py):
    """``build_py``, then the numba kernels compiled into the build folder's ``__pycache__``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        build_lib = os.path.abspath(self.build_lib)
        # the build folder outlives a build (./build): cache files of an earlier build, perhaps
        # of other sources, must not ship with this one
        for folder, _, names in os.walk(os.path.join(build_lib, "shrinkage")):
            for name in names:
                if name.endswith((".nbi", ".nbc")):
                    os.remove(os.path.join(folder, name))
        if os.environ.get("SHRINKAGE_PRECOMPILE") == "0":
            return
        # no NUMBA_* setting of the builder's: numba writes beside the sources only when no
        # other cache folder is named, and options such as NUMBA_OPT or NUMBA_CPU_NAME change
        # the machine code without being part of the cache's key
        env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
        # the build folder first; the rest of the path stays: pip's isolated build environment
        # reaches its packages (numpy, numba, ...) through PYTHONPATH
        env["PYTHONPATH"] = os.pathsep.join([build_lib] + [p for p in
                                             env.get("PYTHONPATH", "").split(os.pathsep) if p])
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # only numba's files go into the package
        print("shrinkage: precompiling the numba kernels (SHRINKAGE_PRECOMPILE=0 skips this)")
        with tempfile.TemporaryDirectory() as cwd:  # nothing else on the path
            try:
                done = subprocess.run([sys.executable, "-m", "shrinkage._precompile", "--quiet",
                                       "--for-wheel"],
                                      cwd=cwd, env=env, timeout=PRECOMPILE_TIMEOUT_S, check=False)
                ok = done.returncode == 0
            except (OSError, subprocess.SubprocessError) as exc:
                print(f"shrinkage: precompiling the numba kernels failed ({exc!r}); they will "
                      "compile at first use", file=sys.stderr)
                return
        if not ok:
            print("shrinkage: some numba kernels were not precompiled; they will compile at "
                  "first use", file=sys.stderr)


setup(cmdclass={"build_py": build_py_with_kernels})
