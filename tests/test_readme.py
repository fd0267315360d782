"""The README's Python examples run as written (smoke test: they assert nothing themselves)."""

import pathlib
import re

import matplotlib

matplotlib.use("Agg")

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_smoke(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt
    monkeypatch.chdir(tmp_path)               # the examples save figures into the working folder
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 3
    namespace: dict = {}
    for block in blocks:                      # later blocks use names from earlier ones
        exec(compile(block, str(README), "exec"), namespace)
    plt.close("all")
