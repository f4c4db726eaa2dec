"""The data packages at a git revision: resolve it, list the commits that touched them, export them."""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from sitegen.config import Config

GIT_TIMEOUT = 60  # seconds: a local repository answers at once; a hung git must not hang a build


@dataclass(frozen=True)
class Commit:
    """One commit that touched the data: full hash, committer time (epoch seconds), subject and body."""

    sha: str
    time: int
    subject: str
    body: str
    parent: str  # first parent's hash, "" for a root commit


def git(root: Path, *args: str) -> bytes | None:
    """Run git in root; its stdout, or None when git is missing or the command fails."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=GIT_TIMEOUT,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def text(out: bytes | None) -> str | None:
    """Git's output as stripped text."""
    return None if out is None else out.decode("utf-8", "replace").strip()


def in_repository(root: Path) -> bool:
    """Whether root lies inside a git work tree."""
    return text(git(root, "rev-parse", "--is-inside-work-tree")) == "true"


def is_shallow(root: Path) -> bool:
    """Whether the clone is shallow: its oldest commits' parents are missing, so history is partial."""
    return text(git(root, "rev-parse", "--is-shallow-repository")) == "true"


def resolve(root: Path, revision: str) -> str | None:
    """The full hash of a commit-ish, or None when it names no commit."""
    if revision.startswith("-"):
        return None  # never let a revision be read as an option
    return text(git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"))


def repo_path(root: Path, folder: Path) -> str:
    """folder's path inside the repository (git archive and log take repository paths)."""
    prefix = text(git(root, "rev-parse", "--show-prefix")) or ""
    return (prefix + folder.resolve().relative_to(root.resolve()).as_posix()).strip("/")


SEP = "\x1f"  # unit separator: never in a commit message we would publish
END = "\x1e"


def data_commits(root: Path, folder: Path) -> list[Commit]:
    """Every commit that touched folder, newest first (first-parent order, so merges count once)."""
    fmt = SEP.join(["%H", "%ct", "%P", "%s", "%b"]) + END
    out = git(root, "log", "--first-parent", f"--format={fmt}", "--", repo_path(root, folder)) or b""
    commits = []
    # not text(): str.strip() counts the separators as whitespace
    for record in out.decode("utf-8", "replace").split(END):
        parts = record.strip("\n").split(SEP)
        if len(parts) == 5:
            sha, time, parents, subject, body = parts
            commits.append(Commit(sha, int(time), subject, body.strip(), (parents.split() or [""])[0]))
    return commits


def export(root: Path, sha: str, folder: Path, dest: Path) -> Path:
    """Write folder as it was at commit sha under dest; return where it landed (empty when absent)."""
    inside = repo_path(root, folder)
    target = dest / inside
    target.mkdir(parents=True, exist_ok=True)
    out = git(root, "archive", "--format=tar", sha, "--", inside)
    if out:
        with tarfile.open(fileobj=io.BytesIO(out)) as archive:
            archive.extractall(dest, filter=within)
    return target


def within(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """tarfile's data filter, but a link or path leaving dest is left out (and so read as missing), not an error."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


NO_REPOSITORY = "This copy of the project is not a git repository (a download or tarball), so its history is unknown."


SHALLOW = ("This copy of the project is a shallow git clone, so its history is incomplete and is not shown; "
           "clone it with its whole history (fetch-depth: 0) to list the data releases.")


def why_no_history(config: Config) -> str:
    """Why git cannot give this project's history, or "" when it can."""
    if not in_repository(config.root):
        return NO_REPOSITORY
    if is_shallow(config.root):
        return SHALLOW
    return ""


def commits_key(config: Config) -> str:
    """What the history depends on, cheaply: the data commits' hashes (for the no-change stamp)."""
    missing = why_no_history(config)
    if missing:
        return missing
    return " ".join(c.sha for c in data_commits(config.root, config.root / config.datapackages_dir))
