"""The zip writer behind the workbooks: pieces deflated apart join into one stream that any zip reader inflates."""

from __future__ import annotations

import io
import random
import zipfile
import zlib

from sitegen.publish.zipped import ZipWriter, crc32_combine, deflate


def test_crc32_combine_is_zlibs() -> None:
    """The CRC of A + B from A's, B's and B's length is zlib's CRC of the two together, for lengths 0 to 100,000."""
    rng = random.Random(7)
    for _ in range(300):
        a, b = rng.randbytes(rng.randint(0, 500)), rng.randbytes(rng.choice([0, 1, 2, 3, 255, rng.randint(0, 100_000)]))
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_pieces_deflated_apart_read_back_whole() -> None:
    """A member written as pieces (some deflated before, as a cache keeps them) reads back as their bytes joined,
    its CRC checked by zipfile; the same pieces make the same archive, whether deflated now or before."""
    rng = random.Random(3)
    parts = [rng.randbytes(40) + b"<row>cell</row>" * rng.randint(0, 5000) for _ in range(6)]

    def archive(kept: bool) -> bytes:
        zipped = ZipWriter()
        zipped.write("[Content_Types].xml", b"<Types/>")
        with zipped.member("xl/worksheets/sheet1.xml") as member:
            member.write(b"<sheetData>")
            for part in parts:
                if kept:
                    member.add(deflate(part))  # its CRC combined, not computed from the bytes
                else:
                    member.write(part)
            member.write(b"</sheetData>")
        zipped.write("empty.txt", b"")
        return zipped.bytes()

    made = archive(kept=True)
    assert made == archive(kept=False)
    with zipfile.ZipFile(io.BytesIO(made)) as read:
        assert read.testzip() is None
        assert read.namelist() == ["[Content_Types].xml", "xl/worksheets/sheet1.xml", "empty.txt"]
        assert read.read("xl/worksheets/sheet1.xml") == b"<sheetData>" + b"".join(parts) + b"</sheetData>"
        assert read.read("empty.txt") == b""
        assert {info.date_time for info in read.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in read.infolist()} == {0o644}
