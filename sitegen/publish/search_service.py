"""Pagefind's service mode (`pagefind --service`): one index built in memory from the pages given to it.

The `pagefind` Python package speaks the same protocol, but only from asyncio and polling every 0.1 s for each
answer (70 s for the real site's 708 pages): each request here is answered as soon as Pagefind has it."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from typing import Any

from sitegen.errors import SitegenError


def executable() -> str:
    """Path of the Pagefind binary installed with the Python package."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SitegenError("search needs Pagefind: install the project again (`make .venv/bin/sitegen`), which "
                           "brings the `pagefind[bin]` package") from None
    return str(get_executable())


class Service:
    """A running Pagefind service and its one index; a message is base64 JSON, each followed by a comma."""

    def __init__(self) -> None:
        # Pagefind's own environment variables (PAGEFIND_*) would change the index: run it with none of them
        self.process = subprocess.Popen([executable(), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
        self.sent = 0
        self.index = self.ask({"type": "NewIndex", "config": {"force_language": "en", "keep_index_url": True}},
                              "NewIndex")["index_id"]

    def add(self, url: str, html: str) -> None:
        """Index one page's HTML, found at url (from the site's root, as search results link to it)."""
        self.ask({"type": "AddFile", "index_id": self.index, "url": url, "file_path": None, "file_contents": html},
                 "IndexedFile", url)

    def files(self) -> dict[str, bytes]:
        """The search bundle, by path inside it."""
        answer = self.ask({"type": "GetFiles", "index_id": self.index}, "GetFiles")
        return {file["path"]: base64.b64decode(file["content"]) for file in answer["files"]}

    def ask(self, payload: dict[str, Any], expected: str, about: str = "the site") -> dict[str, Any]:
        """Send one request and wait for its answer."""
        assert self.process.stdin is not None and self.process.stdout is not None  # noqa: S101 (made with pipes)
        self.sent += 1
        request = json.dumps({"message_id": self.sent, "payload": payload}).encode()
        try:
            self.process.stdin.write(base64.b64encode(request) + b",")
            self.process.stdin.flush()
        except OSError:
            raise SitegenError(f"Pagefind could not index {about}: it stopped") from None
        answer = bytearray()
        while not answer.endswith(b","):
            more = os.read(self.process.stdout.fileno(), 1 << 20)
            if not more:
                raise SitegenError(f"Pagefind could not index {about}: it stopped")
            answer += more
        reply = payload_of(bytes(answer[:-1]), self.sent)
        if reply.get("type") != expected:
            detail = str(reply.get("message") or "no message").strip().splitlines() or ["no message"]
            raise SitegenError(f"Pagefind could not index {about}: {detail[-1]}")
        return reply

    def close(self) -> None:
        """End the service, once (its index is in memory only: nothing is lost)."""
        if self.process.returncode is None:  # not closed yet
            self.process.kill()
            self.process.communicate()


def payload_of(answer: bytes, sent: int) -> dict[str, Any]:
    """What Pagefind answered to message number sent; an error when that cannot be read."""
    try:
        message = json.loads(base64.b64decode(answer, validate=True))
        if message["message_id"] == sent and isinstance(message["payload"], dict):
            return dict(message["payload"])
    except (ValueError, TypeError, KeyError, RecursionError):
        pass
    return {"type": "Error", "message": "an answer that could not be read"}
