"""Unpack a candidate's zip or tar archive without trusting anything written inside it.

The format is recognised from the content, never from the file name. Every entry is checked
before a byte is written: its path must stay inside the destination, it must be a plain file,
a folder or an allowed link, and the declared sizes must respect the limits. While writing,
the bytes are counted again, because headers can lie.

Links: a symbolic link is kept when its target is relative and, once everything is unpacked,
resolves to a place inside the tree (``node_modules/.bin`` is full of them). Links are created
last, so no entry is ever written through one. A hard link is kept only when it names an
earlier regular file of the same archive, and is written as a copy of it. Anything else,
including device files and fifos, rejects the whole archive.

Nothing is left behind on rejection: the archive is unpacked into a temporary folder beside
``dest`` and renamed into place only when every entry has been written. ``dest`` itself ends up
private to the current user (mode 0700); files inside are 0644, or 0755 when the archive marks
them executable, never setuid.
"""

from __future__ import annotations

import lzma
import os
import posixpath
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, BinaryIO, Literal

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
DEFAULT_MAX_FILES = 2000
DEFAULT_MAX_RATIO = 100
# Compression ratios are only judged above this size: a small file of blanks compresses a
# thousandfold and is harmless, a bomb has to be big to do harm.
RATIO_FLOOR = MB
MAX_LINK_TARGET = 1024
_CHUNK = 64 * 1024

_GZIP = b"\x1f\x8b"
_BZIP2 = b"BZh"
_XZ = b"\xfd7zXZ\x00"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_DRIVE = re.compile(r"^[A-Za-z]:")

# What the archive libraries raise on damaged input. OSError is only taken as damage when it
# carries no errno (gzip and bz2 report bad data that way); a full disk is not the archive's fault.
_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    tarfile.TarError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    UnicodeDecodeError,
)

Kind = Literal["file", "dir", "symlink", "hardlink"]


class ArchiveRejected(Exception):
    """The archive is unsafe or unreadable; ``message`` can be shown to the uploader as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Entry:
    name: str  # cleaned relative path with "/" separators
    raw: str  # the name as written in the archive, for messages
    kind: Kind
    size: int
    mode: int
    target: str = ""
    opener: Callable[[], IO[bytes]] | None = None


def safe_extract(
    source: Path | BinaryIO,
    dest: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_files: int = DEFAULT_MAX_FILES,
    max_ratio: int = DEFAULT_MAX_RATIO,
) -> list[str]:
    """Unpack ``source`` into ``dest`` and return the paths of the files and links written.

    ``dest`` must not exist yet, or be an empty folder. Raises ``ArchiveRejected`` with a
    message naming the offending entry when the archive is unsafe or damaged; ``dest`` is then
    left as it was.
    """
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} already exists and is not an empty folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _open_source(source, max_bytes) as stream:
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
        try:
            names = _extract(stream, staging, max_bytes, max_files, max_ratio)
            os.replace(staging, dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return names


def _open_source(source: Path | BinaryIO, max_bytes: int) -> IO[bytes]:
    """A seekable handle on the archive, refusing archives larger than the unpacked limit."""
    if isinstance(source, Path | str):
        handle: IO[bytes] = open(source, "rb")  # noqa: SIM115 - the caller closes it
        size = os.fstat(handle.fileno()).st_size
    else:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
        size = 0
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                break
            handle.write(chunk)
        handle.seek(0)
    if size > max_bytes:
        handle.close()
        raise ArchiveRejected(
            f"The archive is larger than {_human(max_bytes)}, the most that can be uploaded."
        )
    return handle


def _extract(
    stream: IO[bytes], root: Path, max_bytes: int, max_files: int, max_ratio: int
) -> list[str]:
    packed_size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    head = stream.read(512)
    stream.seek(0)
    try:
        if head.startswith(_ZIP):
            return _unpack(
                _zip_entries(stream, max_ratio), root, packed_size, max_bytes, max_files, max_ratio
            )
        if head.startswith((_GZIP, _BZIP2, _XZ)) or head[257:262] == b"ustar":
            with tarfile.open(fileobj=stream, mode="r:*") as tar:
                return _unpack(
                    _tar_entries(tar), root, packed_size, max_bytes, max_files, max_ratio
                )
        # A zip can carry a prefix (self-extracting archives): its directory sits at the end.
        if zipfile.is_zipfile(stream):
            stream.seek(0)
            return _unpack(
                _zip_entries(stream, max_ratio), root, packed_size, max_bytes, max_files, max_ratio
            )
    except _DAMAGE as exc:
        raise ArchiveRejected(f"The archive is damaged and cannot be read ({exc}).") from None
    except OSError as exc:
        if exc.errno is not None:
            raise
        raise ArchiveRejected(f"The archive is damaged and cannot be read ({exc}).") from None
    raise ArchiveRejected("This file is not a zip or tar.gz archive.")


def _zip_entries(stream: IO[bytes], max_ratio: int) -> Iterator[_Entry]:
    archive = zipfile.ZipFile(stream)
    for info in archive.infolist():
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        if info.flag_bits & 0x1:
            raise ArchiveRejected(f"'{info.filename}' is encrypted; upload an unencrypted archive.")
        if info.file_size >= RATIO_FLOOR and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            raise ArchiveRejected(
                f"'{info.filename}' compresses more than {max_ratio}:1, which is how archive "
                "bombs look; it was not unpacked."
            )
        fmt = stat.S_IFMT(mode)
        if info.is_dir():
            kind: Kind = "dir"
        elif fmt == stat.S_IFLNK:
            kind = "symlink"
        elif fmt in (0, stat.S_IFREG):
            kind = "file"
        else:
            raise ArchiveRejected(
                f"'{info.filename}' is a device or special file, which is not allowed."
            )
        target = ""
        if kind == "symlink":
            if info.file_size > MAX_LINK_TARGET:
                raise ArchiveRejected(f"The link '{info.filename}' has an overlong target.")
            target = archive.read(info).decode()
        yield _Entry(
            name=_clean(info.filename),
            raw=info.filename,
            kind=kind,
            size=info.file_size if kind == "file" else 0,
            mode=mode,
            target=target,
            opener=partial(archive.open, info),
        )


def _tar_entries(tar: tarfile.TarFile) -> Iterator[_Entry]:
    # Iterating reads one header at a time, so a hostile header is refused before the data
    # behind it is decompressed.
    for member in tar:
        if member.isdir():
            kind: Kind = "dir"
        elif member.isreg():
            kind = "file"
        elif member.issym():
            kind = "symlink"
        elif member.islnk():
            kind = "hardlink"
        else:
            raise ArchiveRejected(
                f"'{member.name}' is a device, fifo or special file, which is not allowed."
            )
        yield _Entry(
            name=_clean(member.name),
            raw=member.name,
            kind=kind,
            size=member.size if kind == "file" else 0,
            mode=member.mode,
            target=member.linkname,
            opener=partial(_tar_reader, tar, member),
        )


def _tar_reader(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    reader = tar.extractfile(member)
    if reader is None:
        raise ArchiveRejected(f"'{member.name}' cannot be read as a file.")
    return reader


def _clean(raw: str) -> str:
    """The entry's path relative to the archive root, or ArchiveRejected if it could escape."""
    name = raw.replace("\\", "/")
    if "\x00" in name:
        raise ArchiveRejected(f"'{raw}' has a NUL character in its name.")
    if name.startswith("/") or _DRIVE.match(name):
        raise ArchiveRejected(f"'{raw}' has an absolute path; entries must be relative.")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ArchiveRejected(f"'{raw}' contains '..' and would be written outside the folder.")
    return "/".join(parts)


def _unpack(
    entries: Iterator[_Entry],
    root: Path,
    packed_size: int,
    max_bytes: int,
    max_files: int,
    max_ratio: int,
) -> list[str]:
    accepted = _validate(entries, max_bytes, max_files)
    declared = sum(entry.size for entry in accepted)
    if declared >= RATIO_FLOOR and declared > max_ratio * max(packed_size, 1):
        raise ArchiveRejected(
            f"The archive unpacks to {_human(declared)} from {_human(packed_size)}, more than "
            f"{max_ratio}:1, which is how archive bombs look; it was not unpacked."
        )
    written = 0
    names: list[str] = []
    for entry in accepted:
        path = root / entry.name
        if entry.kind == "dir":
            path.mkdir(parents=True, exist_ok=True)
            continue
        if entry.kind == "symlink":
            names.append(entry.name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if entry.kind == "hardlink":
            original = root / _hardlink_target(entry)
            written += original.stat().st_size
            if written > max_bytes:
                raise ArchiveRejected(f"The archive unpacks to more than {_human(max_bytes)}.")
            shutil.copyfile(original, path)
        else:
            written = _write(entry, path, written, max_bytes)
        path.chmod(0o755 if entry.mode & 0o111 else 0o644)
        names.append(entry.name)
    # Links come last, so nothing above was written through one; they are judged on where
    # they end up once the whole tree exists.
    links = [entry for entry in accepted if entry.kind == "symlink"]
    for entry in links:
        (root / entry.name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(entry.target, root / entry.name)
    real_root = os.path.realpath(root)
    for entry in links:
        real = os.path.realpath(root / entry.name)
        if real != real_root and not real.startswith(real_root + os.sep):
            raise ArchiveRejected(
                f"The link '{entry.raw}' points outside the archive (to '{entry.target}')."
            )
    return names


def _validate(entries: Iterator[_Entry], max_bytes: int, max_files: int) -> list[_Entry]:
    """Check paths, kinds, counts and declared sizes of every entry before anything is written."""
    accepted: list[_Entry] = []
    kinds: dict[str, Kind] = {}
    declared = 0
    for entry in entries:
        if len(accepted) >= max_files:
            raise ArchiveRejected(f"The archive holds more than {max_files} entries.")
        if entry.name == "":
            if entry.kind == "dir":
                continue
            raise ArchiveRejected(f"'{entry.raw}' has no usable name.")
        declared += entry.size
        if declared > max_bytes:
            raise ArchiveRejected(
                f"The archive unpacks to more than {_human(max_bytes)} (reached at '{entry.raw}')."
            )
        parts = entry.name.split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            if kinds.setdefault(parent, "dir") != "dir":
                raise ArchiveRejected(
                    f"'{entry.raw}' sits inside '{parent}', which is not a folder."
                )
        previous = kinds.get(entry.name)
        if previous is not None and not (previous == entry.kind == "dir"):
            raise ArchiveRejected(f"'{entry.raw}' appears more than once in the archive.")
        if entry.kind == "symlink":
            _check_symlink(entry)
        if entry.kind == "hardlink" and kinds.get(_hardlink_target(entry)) != "file":
            raise ArchiveRejected(
                f"The hard link '{entry.raw}' points to '{entry.target}', which is not an "
                "earlier file of the archive."
            )
        kinds[entry.name] = entry.kind
        accepted.append(entry)
    if not any(entry.kind != "dir" for entry in accepted):
        raise ArchiveRejected("The archive is empty.")
    return accepted


def _hardlink_target(entry: _Entry) -> str:
    """The cleaned path of an earlier entry the hard link names, or "" when it names none."""
    try:
        return _clean(entry.target)
    except ArchiveRejected:
        return ""


def _check_symlink(entry: _Entry) -> None:
    target = entry.target
    if not target or "\x00" in target or len(target) > MAX_LINK_TARGET:
        raise ArchiveRejected(f"The link '{entry.raw}' has an unusable target.")
    if target.startswith("/") or _DRIVE.match(target):
        raise ArchiveRejected(f"The link '{entry.raw}' points to an absolute path ('{target}').")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(entry.name), target))
    if resolved == ".." or resolved.startswith("../"):
        raise ArchiveRejected(f"The link '{entry.raw}' points outside the archive (to '{target}').")


def _write(entry: _Entry, path: Path, written: int, max_bytes: int) -> int:
    assert entry.opener is not None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    with entry.opener() as member, open(os.open(path, flags, 0o600), "wb") as out:
        size = 0
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            written += len(chunk)
            if size > entry.size:
                raise ArchiveRejected(f"'{entry.raw}' holds more data than its header declares.")
            if written > max_bytes:
                raise ArchiveRejected(f"The archive unpacks to more than {_human(max_bytes)}.")
            out.write(chunk)
    return written


def _human(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.0f} MB"
    return f"{size / 1024:.0f} kB"
