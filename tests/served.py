"""Run `sitegen serve` as a developer would, in its own process, with every wait bounded in time."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


class Served:
    """A `sitegen serve` process: its URL, and its output as it comes."""

    def __init__(self, project: Path, port: int = 0, *options: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--port", str(port), *options],
                                     cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True, bufsize=1, env={**os.environ, **(env or {})})
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.address = ""
        threading.Thread(target=self.read, daemon=True).start()

    def read(self) -> None:
        """Collect output lines (a thread: readline would block the test)."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        """The first new output line matching pattern, within timeout seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.output.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; output so far:\n{self.text()}")

    def url(self, timeout: float = 120) -> str:
        """The address it serves at, once the first build is done."""
        if not self.address:
            self.address = self.wait_for(r" at (http://\S+:\d+/)", timeout).group(1)
        return self.address

    def port(self, timeout: float = 120) -> int:
        """The port it listens on, once the first build is done."""
        return int(self.url(timeout).rsplit(":", 1)[1].strip("/"))

    def text(self) -> str:
        """Everything it printed so far."""
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return "".join(self.output)

    def interrupt(self, timeout: float = 20) -> int:
        """Ctrl-C, as a developer would press it; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise AssertionError("sitegen serve did not stop on Ctrl-C") from None
