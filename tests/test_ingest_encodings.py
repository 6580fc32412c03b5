"""Encoding detection that reads what the text says, not just whether bytes decode:
GBK seed text is never taken for Big5, Big5 never for GB18030, and Korean or Japanese
files are refused by name (in their own encodings and in UTF-8)."""
from __future__ import annotations

import pytest
from conftest import EN_SEED, SHARED, ZH_SEED

from align.cli import main
from align.text.ingest import common_han_share, decode_bytes

ZH_PARAGRAPHS = [p.strip() for p in ZH_SEED.read_text(encoding="utf-8").splitlines() if p.strip()]
# Traditional Chinese typed for the tests (sentences of the seed 003), as in test_ingest.
TRADITIONAL = [
    "第二屆「一帶一路」國際合作高峰論壇「創新之路」分論壇在北京國家會議中心舉行。",
    "科技部部長王志剛出席會議並作主旨發言。",
    "中國是科技全球化的參與者、受益者，也是推動更廣泛創新合作的貢獻者、引領者。",
]
# Korean and Japanese renderings of seed sentences, written for these tests.
KOREAN = (
    "제2차 일대일로 국제협력 정상포럼 혁신의 길 분과포럼이 베이징 국가회의센터에서 열렸다. "
    "과학기술부 장관이 회의에 참석하여 기조연설을 했다. 중국은 과학기술 세계화의 참여자이자 "
    "수혜자이며, 더 넓은 혁신 협력을 추진하는 기여자이자 선도자이다.\n"
)
JAPANESE = (
    "第二回「一帯一路」国際協力ハイレベルフォーラム「イノベーションの道」分科会が北京の国家会議"
    "センターで開かれた。科学技術部の部長が会議に出席し、基調講演を行った。中国は科学技術の"
    "グローバル化の参加者であり、受益者でもある。\n"
)


def test_every_seed_paragraph_in_gbk_reads_as_itself():
    """Before: 5 of the seed's paragraphs in GBK were read as Big5 garbage."""
    wrong = []
    for paragraph in ZH_PARAGRAPHS:
        text, encoding = decode_bytes(paragraph.encode("gbk"))
        if text != paragraph:
            wrong.append((encoding, paragraph))
    assert not wrong


def test_every_bible_line_in_gbk_reads_as_itself():
    lines = SHARED.joinpath("bench", "bible-zh-en", "zh.txt").read_text(encoding="utf-8").splitlines()
    wrong = [line for line in lines[:2000] if decode_bytes(line.encode("gbk"))[0] != line]
    assert not wrong


@pytest.mark.parametrize("text", ["（来源：科技部）", *TRADITIONAL, "".join(TRADITIONAL)])
def test_gbk_wins_when_it_also_decodes_as_big5(text):
    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")


@pytest.mark.parametrize("text", [*TRADITIONAL, "".join(TRADITIONAL)])
def test_big5_is_read_as_big5_though_it_decodes_as_gb18030(text):
    data = text.encode("big5")
    data.decode("gb18030")  # decodes cleanly, into nonsense
    assert decode_bytes(data) == (text, "big5")


def test_common_character_share_tells_right_from_wrong_reading():
    whole = "".join(TRADITIONAL).encode("big5")
    assert common_han_share(whole.decode("big5"))[0] == 1.0
    assert common_han_share(whole.decode("gb18030"))[0] < 0.5


def _refused(tmp_path, capsys, data: bytes, lang: str) -> str:
    path = tmp_path / f"doc-{lang}.txt"
    path.write_bytes(data)
    out = tmp_path / "segments.jsonl"
    code = main(["segment", str(path), "--lang", lang, "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"align: error: {path}: ")
    assert not out.exists()
    return err


@pytest.mark.parametrize("encoding", ["euc_kr", "utf-8", "utf-16"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_korean_is_refused_as_korean(tmp_path, capsys, encoding, lang):
    err = _refused(tmp_path, capsys, (KOREAN * 3).encode(encoding), lang)
    assert "the text is Korean" in err and "no letters" not in err


@pytest.mark.parametrize("encoding", ["shift_jis", "euc_jp", "utf-8"])
def test_japanese_is_refused_as_japanese(tmp_path, capsys, encoding):
    err = _refused(tmp_path, capsys, (JAPANESE * 3).encode(encoding), "zh")
    assert "the text is Japanese" in err


def test_a_few_korean_or_japanese_names_do_not_make_a_file_foreign(tmp_path, capsys):
    english = EN_SEED.read_text(encoding="utf-8") + "\nDelegates from 서울대학교 and 東京大学のチーム attended.\n"
    path = tmp_path / "en.txt"
    path.write_text(english, encoding="utf-8")
    assert main(["segment", str(path), "--lang", "en", "--out", str(tmp_path / "s.jsonl")]) == 0
