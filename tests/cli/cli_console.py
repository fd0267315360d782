"""How the CLI tests start the command line (the installed ``shrinkage`` console script in a
subprocess, exactly as a person types it) and open its HTML reports (headless Chromium)."""

import os
import re
import shutil
import subprocess
import sys


def console_command() -> list:
    """``[path/to/shrinkage]``: the console script of the environment running the tests (its
    ``bin/`` beside the interpreter comes first, so a different install elsewhere on PATH is not
    picked up), else the first one on PATH. Only where neither exists, i.e. a source checkout
    whose package was never installed (no entry point was generated), fall back to
    ``python -m shrinkage``, which runs the same ``main()``."""
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    script = shutil.which("shrinkage", path=path)
    return [script] if script else [sys.executable, "-m", "shrinkage"]


def run_cli(*args, cwd=None, timeout=180):
    """Run ``shrinkage ARGS…``; return the CompletedProcess (text stdout/stderr, exit code)."""
    cmd = console_command()
    env = dict(os.environ)
    env.pop("SHRINKAGE_DEBUG", None)              # errors as a user sees them: one line
    if cmd[0] == sys.executable:                  # the fallback imports from the test's path
        env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                          check=False, timeout=timeout, env=env, cwd=cwd)


#: Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it where it can)
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium")
                                        else None)
NO_CHROMIUM = "chromium is not installed (apt-get install chromium; .ci/run does it where it can)"


def render_in_chromium(page, profile):
    """Open the HTML file ``page`` in headless Chromium with a fresh ``profile`` folder; return
    ``(status, console)``: the ``data-*`` attributes that the report's own script wrote into
    ``#shrinkage-status`` once the page loaded (figures decoded, JavaScript errors), and the
    browser's console lines."""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--no-first-run",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=5000", "--dump-dom", page.as_uri()]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    status = re.search(r'<p[^>]*id="shrinkage-status"[^>]*>', out.stdout)
    assert status, out.stdout[-2000:]
    attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', status.group(0)))
    return attrs, [line for line in out.stderr.splitlines() if ":CONSOLE" in line]
