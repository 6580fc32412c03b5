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


def command_paths(command, path=()):
    """Every command of the CLI as its argv prefix (``("glossary", "suggest")``)."""
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, (*path, name))


def test_every_help_text_is_clean_and_documents_every_option(capsys, monkeypatch):
    import re

    from align.cli import build_command

    monkeypatch.setenv("COLUMNS", "200")
    root = build_command()
    paths = list(command_paths(root))
    assert ("glossary", "suggest") in paths and ("review", "serve") in paths
    for path in paths:
        assert main([*path, "--help"]) == 0
        out = capsys.readouterr().out
        usage = next(line for line in out.splitlines() if "Usage:" in line)
        assert "{" not in usage and "}" not in usage, usage  # no `{zh}` placeholders
        assert not re.search(r"<(bool|path|str|int|float|list)\b", out, re.I), (path, out)
    assert main(["check", "--help"]) == 0
    usage = next(line for line in capsys.readouterr().out.splitlines() if "Usage:" in line)
    assert usage.split("Usage:")[1].split() == ["align", "check", "[OPTIONS]", "ZH", "[EN]"]  # EN: none for a bilingual file

    def undocumented(command, path=()):
        for param in command.params:
            if not param.help:
                yield " ".join(path), param.name
        for name, sub in getattr(command, "commands", {}).items():
            yield from undocumented(sub, (*path, name))

    assert list(undocumented(root)) == []


def test_root_help_offers_shell_completion(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--install-completion" in out and "--show-completion" in out
