"""The build stamp: what the last build read and wrote, so an unchanged project is not built again, and finding that
out costs a look at the files' status (os.stat), not a read of the inputs or of the output.

Inputs. The stamp keeps each input file's hash beside its status when it was hashed: size, modification and change
times (nanoseconds) and inode. A file whose status is as recorded is not read again; any other is hashed. An edit,
whether in place, by rename or by copy (`cp -p`, rsync and `touch -r` can put back the time but not the change
time, which only the kernel sets), changes that status. The one blind spot is an edit in the same tick of the
file system's clock as the hashing, after it ("racy git"): a file changed less than RACY_NS before it was hashed
(2 s where the file system keeps whole seconds) is not remembered, so the next build hashes it again.

Code. The hash of sitegen's code and library versions is kept with the status of the files it reads
(sitegen.cache.code_status): while that is unchanged, the code is not read again, nor importlib.metadata loaded.

Output. See sitegen.build.manifest.as_left: the status of every file and folder the build wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sitegen.build.manifest import STAMP, as_left, output_path, site_status
from sitegen.files import MAX_BYTES_LIMIT, file_part, read_state, status_key, write_atomic
from sitegen.history.git import commits_key

if TYPE_CHECKING:
    from pathlib import Path

    from sitegen.config import Config

FORMAT = 2  # what the stamp holds: a stamp of another format is not trusted (the build runs)
RACY_NS = 50_000_000  # 50 ms: many ticks of a nanosecond file system's clock (Linux's is at most 10 ms)
RACY_WHOLE_NS = 2_000_000_000  # a time in whole seconds: FAT keeps 2 s, ext3 and HFS+ 1 s
Seen = dict[str, list[Any]]  # input path -> [size, mtime_ns, ctime_ns, inode, hash hex]


@dataclass(frozen=True)
class InputDigest:
    """One hash of everything a build reads, and the status of each input file it hashed (and of the code's files,
    with the code's hash: [status, hash], or [] when too recent to trust), for the next build."""

    digest: str
    seen: Seen = field(default_factory=dict, compare=False)
    code: list[str] = field(default_factory=list, compare=False)


def read_stamp(config: Config) -> dict[str, Any]:
    """The last build's stamp, or nothing (missing, garbled, or of another format)."""
    body = read_state(config.root / config.cache_dir / STAMP)
    return body if isinstance(body, dict) and body.get("format") == FORMAT else {}


def input_digest(config: Config, builtin_templates: Path, code: str, last: dict[str, Any] | None = None,
                 code_status: str = "") -> InputDigest:
    """Everything a build reads: data, content, templates, settings, our code and library versions (code:
    sitegen.cache.code_digest, its files' status code_status), the date. Files whose status is as the last stamp
    (last) saw it are not read."""
    known = last.get("seen") if last else None
    looker = Looker(known if isinstance(known, dict) else {})
    root = config.root
    folders = [root / config.datapackages_dir, root / config.content_dir, root / config.templates_dir]
    parts: list[Any] = [looker.tree(folder, fence=root) for folder in folders]  # nothing outside the project read
    parts.append(looker.tree(builtin_templates, fence=builtin_templates))
    parts.append(code)
    parts.append(file_part(config.settings_file, root).hex())
    parts.append(os.environ.get("SOURCE_DATE_EPOCH", ""))
    parts.append([config.base_url, config.repository_url])  # they can come from the command line
    parts.append(commits_key(config))  # a new data commit changes the changelog even if the files do not
    return InputDigest(hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest(), looker.seen,
                       [code_status, code] if code_status else [])


class Looker:
    """Hashes of files, reused from the last stamp for a file whose status has not changed since."""

    def __init__(self, known: Seen) -> None:
        self.known = known
        self.seen: Seen = {}
        self.now = time.time_ns()  # before any file is hashed: a file changed after this is racy

    def tree(self, folder: Path, fence: Path) -> str:
        """sitegen.files.tree_digest (the same hash), reading only files that changed since the last stamp."""
        fence = fence.resolve()
        digest = hashlib.sha256()
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            part = self.part(path, fence)
            if part:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + part)
        return digest.hexdigest()

    def part(self, path: Path, fence: Path) -> bytes:
        """sitegen.files.file_part of path: remembered for a regular file (not a link) whose status is as seen."""
        name = str(path)
        try:
            status = os.lstat(name)
        except OSError:
            return file_part(path, fence)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_BYTES_LIMIT:
            return file_part(path, fence)  # a link, folder or huge file: as tree_digest does, never remembered
        key = status_key(status)
        entry = self.known.get(name)
        if isinstance(entry, list) and entry[:4] == key and isinstance(entry[4], str):
            part = bytes.fromhex(entry[4])
        else:
            part = file_part(path, fence)
        changed = max(status.st_mtime_ns, status.st_ctime_ns)
        racy = RACY_WHOLE_NS if changed % 1_000_000_000 == 0 else RACY_NS
        if len(part) == hashlib.sha256().digest_size and self.now - changed > racy:
            self.seen[name] = [*key, part.hex()]
        return part


def unchanged(config: Config, inputs: InputDigest, last: dict[str, Any]) -> dict[str, Any] | None:
    """The last build's stamp (last) if its inputs are these and its output is still exactly as it was written."""
    if not last or last.get("inputs") != inputs.digest or last.get("path") != str(output_path(config)):
        return None
    return last if as_left(config.root / config.output_dir, last.get("site")) else None


def remember(config: Config, last: dict[str, Any], inputs: InputDigest) -> None:
    """Keep, in the stamp of a build found up to date, the status of inputs (and code) it had to hash (changed too
    recently before the last build to trust their time then): the next check reads them no more. Nothing else
    changes."""
    if inputs.seen == last.get("seen") and inputs.code == last.get("code"):
        return
    body = json.dumps({**last, "seen": inputs.seen, "code": inputs.code}, sort_keys=True, separators=(",", ":"))
    with contextlib.suppress(OSError):  # a cache that cannot be written (read-only): it costs the next check time
        write_atomic(config.root / config.cache_dir / STAMP, body, durable=False)


def manifest_digest(files: dict[str, list[Any]]) -> str:
    """One hash of an output manifest."""
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def save_stamp(config: Config, inputs: InputDigest, pages: int, charts: int, files: dict[str, list[Any]]) -> None:
    """Record what this build read and wrote (written whole, or not at all), once the site is swapped in."""
    path = config.root / config.cache_dir / STAMP
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"format": FORMAT, "inputs": inputs.digest, "output": manifest_digest(files), "pages": pages,
            "charts": charts, "path": str(output_path(config)), "seen": inputs.seen, "code": inputs.code,
            "site": site_status(config.root / config.output_dir, files)}
    write_atomic(path, json.dumps(body, sort_keys=True, separators=(",", ":")))


def forget_stamp(config: Config, inputs: InputDigest) -> None:
    """Drop the last build's stamp (build/ now holds a preview, which the next build must complete), keeping only
    the status and hash of each input it read: the next build hashes again only the files changed since (14 MB
    of data on the real site, at every edit in `sitegen serve`)."""
    path = config.root / config.cache_dir / STAMP
    path.unlink(missing_ok=True)  # no build is up to date from here, whatever follows
    body = json.dumps({"format": FORMAT, "seen": inputs.seen, "code": inputs.code}, sort_keys=True,
                      separators=(",", ":"))
    with contextlib.suppress(OSError):  # a cache that cannot be written (read-only): it costs the next build time
        write_atomic(path, body, durable=False)
