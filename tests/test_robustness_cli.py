"""Bad input at the command line: a non-zero exit, one line on stderr naming the file (and
line), no traceback, and nothing created or changed under ``--out``."""
from __future__ import annotations

import pytest
from conftest import EN_SEED, ZH_SEED

from align.cli import main


def _refused(argv, capsys) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("presegmented", [False, True])
def test_check_refuses_an_overlong_sentence_before_any_encoding(tmp_path, capsys, presegmented):
    """The 20,000-character limit of ``align align`` holds for ``align check`` too, and is
    applied before the model is even loaded: a bogus ``--model`` is never reached."""
    zh_lines = ZH_SEED.read_text(encoding="utf-8").splitlines()[:3]
    sentence = "我国与共建国家的科技合作不断深化" * 1600  # 25,600 characters, no sentence end
    huge = tmp_path / "huge.txt"
    huge.write_text("\n".join([*zh_lines, sentence, *zh_lines]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    argv = ["check", str(huge), str(EN_SEED), "--out", str(out), "--model", str(tmp_path / "no-such-model"), "-q"]
    line = _refused(argv + (["--presegmented"] if presegmented else []), capsys)
    assert line.startswith(f"align: error: {huge}:4:"), line
    assert "too long" in line and "limit 20,000" in line
    assert not out.exists()
