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
