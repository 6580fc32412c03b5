"""Atomic writes: all-or-nothing, and ordinary file permissions."""
import os
import stat

import pytest

from align.fileio import atomic_path, write_text


def test_written_file_has_umask_permissions(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "你好")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert target.read_text(encoding="utf-8") == "你好"


def test_failure_leaves_previous_content_and_no_temp_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]
