"""Which requests `sitegen serve` answers: those addressed to it by its own name, for the site's own files."""

from __future__ import annotations

import ipaddress
import stat
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})  # every way this machine's browser names itself


def bracketed(host: str) -> str:
    """A host as it is written in a URL or a Host header: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def is_address(name: str) -> bool:
    """Whether name is an IP address (never a name, so never one a DNS rebinding could point anywhere)."""
    try:
        ipaddress.ip_address(name.removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Hosts:
    """The Host headers answered: the loopback names and the --host given, with the port; when listening on every
    address, any IP address too (other machines ask by this one's address; a rebinding page always sends a name)."""

    listening: str  # the --host given, e.g. 127.0.0.1, localhost, 0.0.0.0, ::1 or a name
    port: int
    every_address: bool = False

    def allow(self, header: str | None) -> bool:
        """Whether a request with this Host header is answered."""
        if not header:
            return False
        name, port = split_host(header.strip().lower())
        if name is None or port != self.port:
            return False
        return name in LOOPBACK_NAMES | {bracketed(self.listening.lower())} or (self.every_address and
                                                                               is_address(name))


def split_host(header: str) -> tuple[str | None, int | None]:
    """Name and port of a Host header (80 when it names none); (None, None) when it is malformed."""
    if header.startswith("["):
        name, _, rest = header.partition("]")
        name += "]"
    else:
        name, _, rest = header.partition(":")
        rest = ":" + rest if _ else ""
    if not rest:
        return name, 80
    if not rest.startswith(":") or not rest[1:].isdigit() or not rest[1:].isascii():
        return None, None
    return name, int(rest[1:])


class BadPath(Exception):
    """A request path that can never name a file (a NUL or another control character)."""


def site_path(target: str) -> list[str] | None:
    """The parts of a request's path, decoded; BadPath for a control character; None when a part starts with a dot
    (a dotfile such as .sitegen-output, or `..`): nothing of that kind is ever served."""
    path = urllib.parse.unquote(target.split("?", 1)[0].split("#", 1)[0], errors="surrogateescape")
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise BadPath(path)
    parts = [part for part in path.split("/") if part]
    return None if any(part.startswith(".") for part in parts) else parts


def site_file(root: Path, parts: list[str], slash: bool) -> Path | str | None:
    """The regular file of the site a path names (a folder's index.html), resolved inside root; "redirect" for a
    folder with an index asked for without its slash; None for anything else: missing, a folder without an index
    (no listing), a device or pipe, a link out of the site or to one of its dotfiles."""
    try:
        top = root.resolve(strict=True)
        found = inside(top, top.joinpath(*parts))
        if found is not None and found.is_dir():
            index = inside(top, found / "index.html")
            if index is None or index.is_dir():
                return None
            return index if slash or not parts else "redirect"
        return found
    except (OSError, ValueError, RuntimeError):  # missing, an unencodable name, a loop of links
        return None


def inside(top: Path, path: Path) -> Path | None:
    """path resolved, when it is a regular file or a folder inside top and no dotfile; else None."""
    found = path.resolve(strict=True)
    if not found.is_relative_to(top) or any(part.startswith(".") for part in found.relative_to(top).parts):
        return None
    mode = found.stat().st_mode
    return found if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else None
