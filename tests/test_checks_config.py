"""Check configuration files, --option parsing and `align checks list`."""
from __future__ import annotations

import json

import pytest

from align.checks import CheckContext, run_checks
from align.cli import main
from align.config import load_config, merge_options, parse_option
from align.errors import InputError
from align.model import Link


def write(tmp_path, text):
    path = tmp_path / "checks.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_file_selects_ignores_and_sets_options(tmp_path):
    path = write(tmp_path, 'select = ["number", "tense"]\nignore = "number.extra"\n\n'
                           '[options."number.mismatch"]\nseverity = "warning"\n')
    config = load_config(path)
    assert config == {"select": ["number", "tense"], "ignore": ["number.extra"],
                      "options": {"number.mismatch": {"severity": "warning"}}}
    link = Link(0, (0,), (0,), "促成签署合作协议 491 项，组织活动 70 场。", "signed 419 agreements and held 70 events, 5 of them online.", 0.9)
    flags = run_checks(CheckContext([link], options=config["options"]),
                       select=config["select"], ignore=config["ignore"])
    assert [(f.check, f.severity) for f in flags] == [("number.mismatch", "warning")]


@pytest.mark.parametrize(
    "text, problem, line",
    [
        ('select = ["numbr"]\n', "unknown check code 'numbr'", None),
        ('selekt = ["number"]\n', "unknown key 'selekt'", None),
        ('[options."tense.plan_vs_done"]\nseverity = "fatal"\n', "severity must be one of", None),
        ('select = ["number"\nignore = []\n', "not valid TOML", 2),
    ],
)
def test_bad_config_names_file_and_problem(tmp_path, text, problem, line):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_config(path)
    assert err.value.path == str(path) and problem in err.value.problem and err.value.line == line


def test_cli_options_override_the_file():
    assert parse_option("omission.low_confidence.ratio=0.5") == ("omission.low_confidence", "ratio", 0.5)
    assert parse_option("number.mismatch.severity=info") == ("number.mismatch", "severity", "info")
    merged = merge_options({"options": {"omission.low_confidence": {"ratio": 0.4}}},
                           ["omission.low_confidence.ratio=0.6"])
    assert merged["options"] == {"omission.low_confidence": {"ratio": 0.6}}
    with pytest.raises(InputError):
        parse_option("ratio=0.5")


def test_checks_list_shows_every_code(capsys):
    assert main(["checks", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    codes = {row["code"] for row in rows}
    for code in ("number.mismatch", "number.missing", "number.extra", "entity.missing", "entity.extra",
                 "omission.unaligned_zh", "omission.unaligned_en", "omission.low_confidence",
                 "omission.partial", "tense.plan_vs_done", "consistency.zh_variants",
                 "consistency.en_variants", "consistency.term_variants", "omission.words", "omission.added_words",
                 "entity.wrong_name", "entity.untranslated_name", "adequacy.score"):
        assert code in codes
    assert all(row["scope"] in ("pair", "document", "summary") and row["description"] for row in rows)
    assert main(["checks", "list"]) == 0
    assert "tense.plan_vs_done" in capsys.readouterr().out
