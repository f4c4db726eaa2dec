"""A zip archive written from deflated pieces: each piece ends on a byte boundary and refers to nothing before it, so a
piece deflated by an earlier build (a chunk of a workbook's rows, kept in the cache) is copied in, not deflated
again; the same pieces in the same order make the same bytes."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

LEVEL = 6  # zlib's default, as zipfile deflates
FINAL = b"\x03\x00"  # an empty final block: it closes the stream the pieces make
LIMIT = 0xFFFF_FFFF  # sizes and offsets above need ZIP64: a million figures' sheet is a sixth of it (750 bytes a row)
DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1 January 1980, the zip format's first day: no build clock in the bytes
UNIX_FILE = 0o644 << 16  # external attributes: rw-r--r--, as in every other download
MADE_BY = (3 << 8) | 20  # made on Unix, to version 2.0 of the format (deflate)


@dataclass(frozen=True)
class Piece:
    """Bytes deflated on their own: their length and CRC-32 before, and the deflated bytes."""

    length: int
    crc: int
    deflated: bytes


def deflate(data: bytes) -> Piece:
    """A piece of data, deflated by a compressor of its own and flushed to a byte boundary (not final)."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return Piece(len(data), zlib.crc32(data), compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH))


class Member:
    """One file of the archive being written, piece by piece."""

    def __init__(self, out: io.BytesIO) -> None:
        self.out = out
        self.length = self.size = self.crc = 0

    def write(self, data: bytes) -> None:
        """Deflate data as a piece of its own and add it (nothing for no data)."""
        if data:
            self.add(deflate(data), data)

    def add(self, piece: Piece, data: bytes | None = None) -> None:
        """Add a piece deflated before (data: its bytes before, if at hand: their CRC is quicker than combining)."""
        self.crc = zlib.crc32(data, self.crc) if data is not None else crc32_combine(self.crc, piece.crc,
                                                                                       piece.length)
        self.length += piece.length
        self.size += len(piece.deflated)
        self.out.write(piece.deflated)


class ZipWriter:
    """A zip archive in memory: members added in order, each deflated, with one fixed date and mode."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.central: list[bytes] = []

    @contextmanager
    def member(self, name: str) -> Iterator[Member]:
        """A member to write piece by piece; its header is written again once its sizes and CRC are known."""
        offset, encoded = self.out.tell(), name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x800  # the name in UTF-8
        self.out.write(local_header(encoded, flags, 0, 0, 0))
        member = Member(self.out)
        yield member
        self.out.write(FINAL)
        size = member.size + len(FINAL)
        if max(size, member.length, offset) > LIMIT:
            raise ValueError(f"{name} is too large for a zip without ZIP64 ({member.length:,} bytes)")
        end = self.out.tell()
        self.out.seek(offset)
        self.out.write(local_header(encoded, flags, member.crc, size, member.length))
        self.out.seek(end)
        self.central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, MADE_BY, 20, flags, 8, 0, DOS_DATE,
                                        member.crc, size, member.length, len(encoded), 0, 0, 0, 0, UNIX_FILE,
                                        offset) + encoded)

    def write(self, name: str, data: bytes) -> None:
        """A member of data deflated whole."""
        with self.member(name) as member:
            member.write(data)

    def bytes(self) -> bytes:
        """The archive: its members, then the central directory."""
        start = self.out.tell()
        directory = b"".join(self.central)
        if start + len(directory) > LIMIT or len(self.central) > 0xFFFF:
            raise ValueError("too large for a zip without ZIP64")
        return self.out.getvalue() + directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(self.central),
                                                             len(self.central), len(directory), start, 0)


def local_header(name: bytes, flags: int, crc: int, size: int, length: int) -> bytes:
    """A member's local header: deflated, on the fixed date."""
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, DOS_DATE, crc, size, length, len(name), 0) + name


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from those of A and B and the length of B (zlib's crc32_combine, which Python lacks)."""
    return multiply(power_of_x(8 * length2), crc1) ^ crc2


def multiply(a: int, b: int) -> int:
    """a times b modulo the CRC-32 polynomial (bit-reversed, as CRC-32 keeps its values)."""
    m, product = 1 << 31, 0
    while m:
        if a & m:
            product ^= b
            if not a & (m - 1):
                break
        m >>= 1
        b = (b >> 1) ^ POLY if b & 1 else b >> 1
    return product


def power_of_x(n: int) -> int:
    """x to the power n, modulo the CRC-32 polynomial."""
    product, k = 1 << 31, 0  # 1
    while n:
        if n & 1:
            product = multiply(SQUARES[k], product)
        n >>= 1
        k += 1
    return product


def squares() -> tuple[int, ...]:
    """x to the power 2**k, for k from 0 (x itself) to 63, each the square of the one before."""
    found = [1 << 30]
    while len(found) < 64:
        found.append(multiply(found[-1], found[-1]))
    return tuple(found)


POLY = 0xEDB88320
SQUARES = squares()
