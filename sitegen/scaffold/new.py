"""Write the example project into a new folder: all of it or, on any failure, nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sitegen.errors import SitegenError, report
from sitegen.files import FILESYSTEM_ADVICE

PROJECT = Path(__file__).resolve().parent / "project"
RENAMED = {"gitignore": ".gitignore"}  # a dotfile in the package would be left out of some builds of the wheel


class NotEmpty(SitegenError):
    """The folder is there and holds something: `new` never writes over a user's files."""

    exit_code = 2  # as a usage error: nothing was done


def project_files() -> list[Path]:
    """The example project's files, relative to its folder, in a stable order."""
    return sorted(p.relative_to(PROJECT) for p in PROJECT.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def write_project(folder: Path) -> list[Path]:
    """Write the project into folder (made, or empty); the files written, as the folder holds them."""
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir() or folder.is_symlink():
            raise NotEmpty(f"{folder} is there and is not a folder: name a new folder, nothing was written")
        if any(folder.iterdir()):
            raise NotEmpty(f"{folder} is not empty: name a new or empty folder, nothing was written")
    folder.parent.mkdir(parents=True, exist_ok=True)
    # written beside it, then renamed into place: an interrupted `new` leaves no half project under the name
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-new-", dir=folder.parent))
    try:
        written = []
        for relative in project_files():
            target = staging / relative.parent / RENAMED.get(relative.name, relative.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(PROJECT / relative, target)
            written.append(target.relative_to(staging))
        staging.chmod(0o777 & ~umask())  # mkdtemp's folder is private; the project is the user's, as mkdir makes it
        if folder.is_dir():
            folder.rmdir()  # empty, checked above; fails if a file arrived meanwhile, and nothing is replaced
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def umask() -> int:
    """The process's file mode mask (read by setting it, then put back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def run_new(folder: Path) -> int:
    """`sitegen new FOLDER`: write the project, then say what was written and what to do next."""
    try:
        written = write_project(folder)
    except OSError as exc:  # disk full, read-only, permission denied: one line, and the folder as the user named it
        what = FILESYSTEM_ADVICE.get(exc.errno or 0, (exc.strerror or str(exc), ""))[0]
        raise SitegenError(f"cannot write {folder}: {what}; nothing was written") from None
    listed = "".join(f"\n  {path}{'/' if (folder / path).is_dir() else ''}"
                     for path in sorted({p.parts[0] for p in written}))
    report(f"Wrote a new project in {folder}/ ({len(written)} files, the figures SYNTHETIC):{listed}\n"
           f"Next: sitegen build --project {folder}, then read {folder}/README.md (what to edit first).")
    return 0
