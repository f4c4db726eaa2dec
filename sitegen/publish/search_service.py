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
    """A running Pagefind service and its one index; a message is base64 JSON, each followed by a comma.

    Pages are sent without waiting for each answer: Pagefind reads its input in a thread of its own and answers
    each message in the order sent (its service handles one at a time), so the index is the same as when each
    waited, and Pagefind works while the build writes the next page. The answers are read when the files are."""

    def __init__(self) -> None:
        # Pagefind's own environment variables (PAGEFIND_*) would change the index: run it with none of them
        self.process = subprocess.Popen([executable(), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
        self.sent = 0
        self.unread = bytearray()  # answers read but not yet taken
        self.pending: list[tuple[int, str]] = []  # pages sent, each with its message number
        self.index = self.ask({"type": "NewIndex", "config": {"force_language": "en", "keep_index_url": True}},
                              "NewIndex")["index_id"]

    def add(self, url: str, html: str) -> None:
        """Send one page's HTML, found at url (from the site's root, as search results link to it), to index."""
        sent = self.send({"type": "AddFile", "index_id": self.index, "url": url, "file_path": None,
                          "file_contents": html}, url)
        self.pending.append((sent, url))

    def files(self) -> dict[str, bytes]:
        """The search bundle, by path inside it, once every page sent is indexed."""
        for sent, url in self.pending:
            self.answer(sent, "IndexedFile", url)
        self.pending.clear()
        answer = self.ask({"type": "GetFiles", "index_id": self.index}, "GetFiles")
        return {file["path"]: base64.b64decode(file["content"]) for file in answer["files"]}

    def ask(self, payload: dict[str, Any], expected: str, about: str = "the site") -> dict[str, Any]:
        """Send one request and wait for its answer (every request sent before it answered already)."""
        return self.answer(self.send(payload, about), expected, about)

    def send(self, payload: dict[str, Any], about: str) -> int:
        """Send one request; its message number."""
        assert self.process.stdin is not None  # noqa: S101 (made with pipes)
        self.sent += 1
        request = json.dumps({"message_id": self.sent, "payload": payload}).encode()
        try:
            self.process.stdin.write(base64.b64encode(request) + b",")
            self.process.stdin.flush()
        except OSError:
            raise SitegenError(f"Pagefind could not index {about}: it stopped") from None
        return self.sent

    def answer(self, sent: int, expected: str, about: str) -> dict[str, Any]:
        """The next answer, which is to message number sent: an error unless it is of the type expected."""
        assert self.process.stdout is not None  # noqa: S101 (made with pipes)
        while (end := self.unread.find(b",")) < 0:
            more = os.read(self.process.stdout.fileno(), 1 << 20)
            if not more:
                raise SitegenError(f"Pagefind could not index {about}: it stopped")
            self.unread += more
        reply = payload_of(bytes(self.unread[:end]), sent)
        del self.unread[:end + 1]
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
