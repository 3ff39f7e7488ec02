from __future__ import annotations

import io
import stat
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from hireloop.lib.archive import ArchiveRejected, safe_extract

MB = 1024 * 1024


def zip_bytes(files: dict[str, bytes], *, links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return buffer.getvalue()


def tar_bytes(members: list[tuple[tarfile.TarInfo, bytes]], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        for info, content in members:
            info.size = len(content) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(content) if info.isreg() else None)
    return buffer.getvalue()


def member(name: str, kind: bytes = tarfile.REGTYPE, *, target: str = "", mode: int = 0o644):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    info.mode = mode
    return info


def write(tmp_path: Path, data: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rejected(tmp_path: Path, data: bytes, **limits: int) -> str:
    """Extract ``data``, expect a rejection, and check nothing was left on disk."""
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ArchiveRejected) as caught:
        safe_extract(write(tmp_path, data), out / "sub", **limits)
    assert list(out.iterdir()) == [], "a rejected archive must leave nothing behind"
    return caught.value.message


def test_good_zip_is_unpacked_with_safe_modes_and_inner_links(tmp_path):
    data = zip_bytes(
        {"app/main.py": b"print('hi')\n", "app/README.md": b"# Todo\n", "app/docs/": b""},
        links={"app/readme-link": "README.md"},
    )
    dest = tmp_path / "out" / "submission"
    names = safe_extract(write(tmp_path, data, "named.txt"), dest)
    assert names == ["app/main.py", "app/README.md", "app/readme-link"]
    assert (dest / "app/main.py").read_text() == "print('hi')\n"
    assert (dest / "app/docs").is_dir()
    assert (dest / "app/readme-link").is_symlink()
    assert (dest / "app/readme-link").read_text() == "# Todo\n"
    assert stat.S_IMODE((dest / "app/main.py").stat().st_mode) == 0o644


def test_good_tar_gz_detected_by_content_keeps_exec_bit_drops_setuid(tmp_path):
    data = tar_bytes(
        [
            (member("proj/", tarfile.DIRTYPE, mode=0o755), b""),
            (member("proj/run.sh", mode=0o4755), b"#!/bin/sh\necho hi\n"),
            (member("proj/copy.sh", tarfile.LNKTYPE, target="proj/run.sh"), b""),
            (member("proj/node_modules/.bin/tool", tarfile.SYMTYPE, target="../tool/cli.js"), b""),
            (member("proj/node_modules/tool/cli.js"), b"console.log(1)\n"),
        ]
    )
    dest = tmp_path / "out"
    names = safe_extract(write(tmp_path, data, "submission.zip"), dest)
    assert "proj/copy.sh" in names
    assert stat.S_IMODE((dest / "proj/run.sh").stat().st_mode) == 0o755
    assert (dest / "proj/copy.sh").read_text() == "#!/bin/sh\necho hi\n"
    assert not (dest / "proj/copy.sh").samefile(dest / "proj/run.sh")
    assert (dest / "proj/node_modules/.bin/tool").read_text() == "console.log(1)\n"


def test_stream_source_and_plain_tar(tmp_path):
    data = tar_bytes([(member("a.txt"), b"A")], mode="w")
    assert safe_extract(io.BytesIO(data), tmp_path / "out") == ["a.txt"]
    assert (tmp_path / "out/a.txt").read_text() == "A"


def test_existing_non_empty_destination_is_refused(tmp_path):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        safe_extract(write(tmp_path, zip_bytes({"a": b"1"})), dest)
    assert (dest / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"just some text, not an archive" * 20, "not a zip or tar.gz"),
        (zip_bytes({"a.txt": b"hello" * 1000})[:-30], "damaged"),
        (b"\x1f\x8b" + b"\x00" * 200, "damaged"),
        (zip_bytes({}), "empty"),
    ],
    ids=["text", "truncated-zip", "bad-gzip", "empty-zip"],
)
def test_unreadable_input_is_rejected(tmp_path, data, expected):
    assert expected in rejected(tmp_path, data)


def test_zip_with_parent_traversal_is_rejected(tmp_path):
    message = rejected(tmp_path, zip_bytes({"ok.txt": b"1", "../evil.txt": b"owned"}))
    assert "'../evil.txt'" in message and ".." in message
    assert not (tmp_path / "evil.txt").exists()


def test_zip_with_backslash_traversal_is_rejected(tmp_path):
    assert "..\\..\\evil" in rejected(tmp_path, zip_bytes({"..\\..\\evil": b"x"}))


def test_zip_with_absolute_path_is_rejected(tmp_path):
    message = rejected(tmp_path, zip_bytes({"/etc/cron.d/evil": b"* * * * * root sh"}))
    assert "'/etc/cron.d/evil'" in message and "absolute" in message


def test_tar_symlink_to_etc_passwd_is_rejected(tmp_path):
    data = tar_bytes([(member("passwd", tarfile.SYMTYPE, target="/etc/passwd"), b"")])
    message = rejected(tmp_path, data)
    assert "'passwd'" in message and "/etc/passwd" in message


def test_relative_symlink_leaving_the_tree_is_rejected(tmp_path):
    data = tar_bytes([(member("a/up", tarfile.SYMTYPE, target="../../secrets"), b"")])
    assert "outside" in rejected(tmp_path, data)


def test_symlink_chain_escaping_only_once_resolved_is_rejected(tmp_path):
    # Each target looks harmless on paper; followed through the first link the second one
    # climbs above the root.
    data = tar_bytes(
        [
            (member("deep/er/p", tarfile.SYMTYPE, target="../../z"), b""),
            (member("w", tarfile.SYMTYPE, target="deep/er/p/../../.."), b""),
        ]
    )
    message = rejected(tmp_path, data)
    assert "'w'" in message and "outside" in message


def test_write_through_a_link_is_rejected(tmp_path):
    data = tar_bytes(
        [
            (member("dir", tarfile.SYMTYPE, target="."), b""),
            (member("dir/file.txt"), b"x"),
        ]
    )
    assert "not a folder" in rejected(tmp_path, data)


def test_hardlink_out_of_the_tree_is_rejected(tmp_path):
    data = tar_bytes([(member("shadow", tarfile.LNKTYPE, target="/etc/shadow"), b"")])
    message = rejected(tmp_path, data)
    assert "'shadow'" in message and "hard link" in message


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_devices_and_fifos_are_rejected(tmp_path, kind):
    data = tar_bytes([(member("dev/thing", kind), b"")])
    assert "'dev/thing'" in rejected(tmp_path, data)


def test_duplicate_entries_are_rejected(tmp_path):
    buffer = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("app.py", "good")
        zf.writestr("app.py", "evil")
    message = rejected(tmp_path, buffer.getvalue())
    assert "'app.py'" in message and "more than once" in message


def test_file_then_folder_of_the_same_name_is_rejected(tmp_path):
    assert "'a'" in rejected(tmp_path, zip_bytes({"a": b"file", "a/b": b"inside"}))


def test_too_many_files_are_rejected(tmp_path):
    data = zip_bytes({f"f{i}.txt": b"x" for i in range(11)})
    assert "more than 10 entries" in rejected(tmp_path, data, max_files=10)


def test_declared_size_over_the_limit_is_rejected(tmp_path):
    data = zip_bytes({"big.bin": b"\x00" * (3 * MB)})
    assert "more than 2 MB" in rejected(tmp_path, data, max_bytes=2 * MB, max_ratio=10_000)


def test_highly_compressed_entry_is_rejected_as_a_bomb(tmp_path):
    data = zip_bytes({"zeros.bin": b"\x00" * (5 * MB)})
    message = rejected(tmp_path, data)
    assert "'zeros.bin'" in message and "bomb" in message


def test_tar_gz_bomb_is_rejected_by_overall_ratio(tmp_path):
    data = tar_bytes([(member("zeros.bin"), b"\x00" * (5 * MB))])
    assert "bomb" in rejected(tmp_path, data)


def test_tar_header_declaring_a_huge_file_is_rejected_before_reading_data(tmp_path):
    info = member("huge.bin")
    info.size = 50 * 1024 * MB
    header = info.tobuf(format=tarfile.GNU_FORMAT)
    message = rejected(tmp_path, header + b"\x00" * 1024)
    assert "huge.bin" in message and "more than 20 MB" in message


def test_zip_bomb_with_a_lying_size_header_is_rejected(tmp_path):
    data = bytearray(zip_bytes({"zeros.bin": b"\x00" * (5 * MB)}))
    # Claim 1000 bytes in both the local header and the central directory, so no size or
    # ratio check can see the 5 MB the entry really inflates to.
    struct.pack_into("<I", data, 22, 1000)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0].file_size == 1000
    assert "damaged" in rejected(tmp_path, bytes(data))


def test_oversized_upload_stream_is_refused_without_reading_it_all(tmp_path):
    stream = io.BytesIO(b"\x00" * (3 * MB))
    with pytest.raises(ArchiveRejected, match="larger than 2 MB"):
        safe_extract(stream, tmp_path / "out", max_bytes=2 * MB)
    assert stream.tell() < 3 * MB
    assert not (tmp_path / "out").exists()
