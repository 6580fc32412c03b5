"""The root command: help lists every area, and an AlignError is one line + exit 2."""
import subprocess
import sys

from align.cli import main


def test_help_lists_command_groups(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "bench" in out


def test_console_script_runs_as_module():
    proc = subprocess.run([sys.executable, "-m", "align", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "Usage" in proc.stdout


def test_usage_error_exits_2_without_traceback(capsys):
    assert main(["segment", "seeds/003_61e2e90163225e43.txt", "--lang", "fr"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "fr" in err


def test_align_error_is_one_line_exit_2(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["segment", str(empty), "--lang", "zh"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("align: error: ") and str(empty) in err
