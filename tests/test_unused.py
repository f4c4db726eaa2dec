"""No dead code: vulture finds nothing unused, tests not counting as a use (as `make lint` checks)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_no_code_is_left_unused() -> None:
    """A function only tests call, or nothing calls, is deleted; a name only a template or a library uses is listed
    in vulture_whitelist.py with what uses it."""
    for paths in (["sitegen", "bench", "scripts"], ["tests"]):
        result = subprocess.run([sys.executable, "-m", "vulture", *paths, "vulture_whitelist.py"], cwd=ROOT,
                                capture_output=True, text=True, check=False, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
