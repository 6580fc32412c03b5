"""The registry: every check declares its codes, options and severities, and every flag
goes through the one constructor that applies the user's settings."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from conftest import SEED_GLOSSARY

from align.checks import CheckContext, all_codes, check_of, run_checks
from align.cli import main
from align.config import load_config
from align.glossary.files import load_glossaries
from align.model import SEVERITIES, Link

CHECKS_DIR = Path(__file__).resolve().parents[1] / "align" / "checks"


def links_of(pairs, scores=None):
    scores = scores or [0.9] * len(pairs)
    return [Link(i, (i,) if zh else (), (i,) if en else (), zh, en, score)
            for i, ((zh, en), score) in enumerate(zip(pairs, scores))]


BIBLE = [
    ("他拉生亚伯兰，拿鹤，哈兰。哈兰生罗得。", "Terah begat Abram, Nahor, and Haran; and Haran begat Lot."),
    ("亚伯兰就照着耶和华的吩咐去了。罗得也和他同去。", "So Abram departed, as the LORD had spoken unto him; and Lot went with him."),
    ("亚伯兰和罗得分开以后，耶和华对亚伯兰说", "And the LORD said unto Abram, after that Lot was separated from him"),
    ("罗得举目看见约旦河的全平原", "And Abram lifted up his eyes, and beheld all the plain of Jordan"),  # Lot → Abram
    ("亚伯兰住在迦南地", "Abram dwelled in the land of Canaan"),
    ("罗得出去，告诉娶了他女儿的女婿们说", "And Lot went out, and spake unto his sons in law"),
    ("罗得正坐在所多玛城门口", "and Lot sat in the gate of Sodom"),
    ("罗得的两个女儿都从她父亲怀了孕", "Thus were both the daughters of Lot with child by their father"),
]
ZH = "中国是科技全球化的参与者、受益者，也是推动更广泛创新合作的贡献者、引领者。"
EN_1 = ("China is a participant and beneficiary of S&T globalization and contributor and leader of "
        "extensive innovation cooperation.")
EN_2 = ("China is not only a player and beneficiary of S&T globalization, but also contributor and "
        "leader of more extensive innovation cooperation.")
SUGGESTIONS = ("一是坚持扩大开放，共创科技愿景；二是坚持伙伴精神，加强对话交流；三是坚持前瞻布局，挖掘增长动力；"
               "四是坚持普惠共享，促进民生改善。",
               "First is to stick to opening-up and create a vision of science and technology; second is to "
               "uphold partnership and strengthen exchanges; third is to put in place forward-looking layout; "
               "fourth is to insist on sharing for universal benefits and improve people’s well-being.")


def documents():
    """Small documents that between them raise every code of the registry."""
    pairs = [
        ("促成签署合作协议 491 项，组织活动 70 场。", "signed 419 agreements and held 70 events, 5 of them online."),
        ("共有 33 个国家参加。", "Many countries took part."),
        ("近 150 名代表参会。", "More than 150 delegates attended."),
        ("南非 PMC 公司表示，环境污染情况时常发生。", "The company said environmental pollution was frequent."),
        ("两国将在人工智能、机器人等方面开展合作。", "The two countries will cooperate on AI, robotics and 5G."),
        ("中国科学院将在泰国启动东盟创新中心。", "CAS has established the ASEAN Innovation Center in Thailand."),
        ("科技部主办了本次论坛。", "The forum was hosted by the ministry."),
        ("双方签署了合作倡议。", "The two sides signed the Cooperation Proposal for Silk Road Innovation."),
        ("会议在北京召开。", "The Ministry of Science and Technology held the meeting in Beijing."),
        ("大道致远，携手远航。", ""),
        ("", "(Source: MOST)"),
        (ZH, EN_1), ("当下，全球范围内新一轮科技革命和产业变革加速演进。", "Today, a new round of scientific revolution is accelerating."),
        (ZH.replace("，", ", "), EN_2),
        ("中国是科技全球化的参与者。", EN_1),
        SUGGESTIONS,
        ("西订谷就是盐海。", "All these were joined together in the vale of Siddim, which is the salt sea."),
        ("东方航空公司宣布将恢复上海至曼谷的航线。", "Air China announced that it will resume the Shanghai-Bangkok route."),
        ("美国总统拜登与法国总统马克龙在华盛顿会晤。", "US President Biden met the French president in Washington."),
    ]
    low = [("中国科学院将在泰国启动东盟创新中心。", "CAS will launch an ASEAN innovation center in Thailand."),
           ("本次分论坛共有近150名中外代表参会。", "About 150 delegates attended the thematic forum."),
           ("与会代表通过务实高效的交流，达成了广泛共识。", "Through pragmatic exchanges, delegates reached broad consensus."),
           ("双方都实现了科技资源共享和优势互补。", "Both sides realized sharing of S&T resources."),
           ("南非失业率较高，中国项目提供了更多工作机会。", "Unemployment is high, and Chinese projects provided more jobs."),
           ("北京矿冶科技集团有限公司总经理韩龙表示，过去由于冶炼技术落后，环境污染情况时常发生。",
            "Mr. Han Long said so."),
           # free and shortened, with an addition no clause rule catches: the adequacy score does
           ("当前，新一轮科技革命和产业变革深入发展，技术进步成为推动经济社会发展的核心动力，各国都在加快布局新兴产业，"
            "力争在未来竞争中占据有利位置。",
            "At present, a new round of technological revolution is developing and countries are speeding up "
            "their plans in emerging industries.")]
    terms = [
        ("知识产权保护很重要。", "Intellectual property protection matters."),
        ("加强知识产权合作。", "Strengthen intellectual property cooperation."),
        ("我们重视知识产权。", "We value intellectual property."),
        ("完善知识产权制度。", "Improve the IP system."),
        ("知识产权人才培养。", "Training IP professionals."),
    ] + [(f"第{i}项科技合作顺利开展。", f"Science cooperation project {i} went well.") for i in range(1, 21)]
    # (links, whether the seed glossary applies): 知识产权 is a glossary term, so the
    # term-variant document runs without it
    return [(links_of(pairs), True), (links_of(low, [0.98, 0.97, 0.99, 0.95, 0.96, 0.30, 0.60]), True),
            (links_of(BIBLE), True), (links_of(terms), False)]


def run_all(encoder, glossary, options=None):
    return [f for links, with_glossary in documents()
            for f in run_checks(CheckContext(links, glossary=glossary if with_glossary else None, encoder=encoder,
                                             options=options or {}))]


def test_every_check_declares_codes_severities_and_options():
    for code in all_codes():
        info = check_of(code)
        assert code in info.codes and info.severity[code] in SEVERITIES and info.description
        assert all(isinstance(key, str) and key != "severity" for key in info.options)


def test_a_severity_in_the_config_changes_the_flags_of_every_code(encoder, tmp_path):
    """The reproduced bug: ``options."glossary.missing_term".severity = "info"`` was accepted
    and the flags stayed errors. Now, for every code of the registry, a configured severity
    is the severity of each of its flags, and nothing else about the flags changes."""
    glossary = load_glossaries([SEED_GLOSSARY])
    before = run_all(encoder, glossary)
    assert {f.check for f in before} == set(all_codes())  # the documents reach every code
    wanted = {code: "info" if check_of(code).severity[code] != "info" else "error" for code in all_codes()}
    config = tmp_path / "checks.toml"
    config.write_text("".join(f'[options."{code}"]\nseverity = "{s}"\n' for code, s in wanted.items()),
                      encoding="utf-8")
    after = run_all(encoder, glossary, load_config(config)["options"])
    assert [(f.check, f.link, f.zh_span, f.en_span, f.message) for f in after] == \
        [(f.check, f.link, f.zh_span, f.en_span, f.message) for f in before]
    assert all(f.severity == wanted[f.check] for f in after)
    for code in all_codes():
        assert any(f.severity != wanted[code] for f in before if f.check == code), code


def test_options_come_from_the_declaration_unless_the_user_sets_them():
    ctx = CheckContext([], options={"omission.low_confidence": {"ratio": 0.5}})
    assert ctx.option("omission.low_confidence", "ratio") == 0.5
    assert ctx.option("omission.low_confidence", "length_factor") == check_of("omission.low_confidence").options["length_factor"]
    with pytest.raises(KeyError):
        ctx.option("omission.low_confidence", "ratoi")


def test_memo_computes_once_per_context():
    calls = []
    ctx = CheckContext([])
    assert ctx.memo("k", lambda: calls.append(1) or "v") == "v"
    assert ctx.memo("k", lambda: calls.append(1) or "w") == "v"
    assert CheckContext([]).memo("k", lambda: "fresh") == "fresh"
    assert calls == [1]


@pytest.mark.parametrize("toml, problem", [
    ('[options."glossary.missing_term"]\nseverity = "info"\nseverty = "info"\n',
     "unknown option options.glossary.missing_term.severty"),
    ('[options."glossary.missing_trem"]\nseverity = "info"\n', "unknown check code 'glossary.missing_trem'"),
    ('[options."omission.low_confidence"]\nratio = "high"\n', "options.omission.low_confidence.ratio must be a number"),
    ('[options."number.approximation"]\nexact_vs_approximate = 1\n', "must be true or false"),
    ('[options."number"]\nseverity = "info"\n', "unknown check code 'number'"),
])
def test_config_with_an_unknown_code_or_key_exits_2_with_one_line(tmp_path, capsys, toml, problem):
    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    code = main(["check", "seeds/003_61e2e90163225e43.txt", "seeds/000_1deec09b464cf72e.txt",
                 "--config", str(config), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert str(config) in err and problem in err
    assert not (tmp_path / "out").exists()


def test_option_flag_on_check_changes_severity(tmp_path, monkeypatch):
    repo = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(repo)
    args = ["check", "seeds/003_61e2e90163225e43.txt", "seeds/000_1deec09b464cf72e.txt",
            "--glossary", "glossaries/seed.csv", "--select", "glossary", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "plain")]) == 0
    assert main([*args, "--out", str(tmp_path / "info"), "--option", "glossary.missing_term.severity=info",
                 "--option", "glossary.forbidden_term.severity=warning"]) == 0

    def read(name):
        return [json.loads(line) for line in (tmp_path / name / "flags.jsonl").read_text("utf-8").splitlines()]

    plain, info = read("plain"), read("info")
    assert any(f["check"] == "glossary.missing_term" and f["severity"] == "error" for f in plain)
    assert [f["id"] for f in plain] == [f["id"] for f in info]
    expected = {"glossary.missing_term": "info", "glossary.forbidden_term": "warning"}
    assert all(f["severity"] == expected.get(f["check"], p["severity"]) for f, p in zip(info, plain))
    assert main([*args, "--out", str(tmp_path / "bad"), "--option", "glossary.missing_term.severty=info"]) == 2


MUTATORS = {"append", "extend", "update", "setdefault", "add", "clear", "pop", "popitem", "insert", "remove",
            "discard", "__setitem__"}


def _module_state_writes(tree: ast.Module) -> list[str]:
    """Module-level names that code inside a function writes to (``X[k] = …``, ``X.update(…)``,
    ``global X``): per-run state kept in module globals."""
    module_names = {t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    if isinstance(t, ast.Name)}
    writes = []
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.Global):
                writes += node.names
            elif isinstance(node, (ast.Assign, ast.AugAssign)):
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                            and target.value.id in module_names:
                        writes.append(target.value.id)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in module_names \
                    and node.func.attr in MUTATORS:
                writes.append(node.func.value.id)
    return writes


def test_no_check_module_imports_another_or_keeps_module_level_state():
    """Check modules import shared helpers (``align.text``), never each other, and keep
    per-run state on the context (``ctx.memo``), never in module globals or caches."""
    for path in CHECKS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("align.checks."):
                assert node.module == "align.checks.registry", f"{path.name} imports {node.module}"
        if path.stem in ("registry", "__init__"):
            continue  # the registry itself is filled once, as the modules are imported
        assert _module_state_writes(tree) == [], path.name
    assert not (CHECKS_DIR / "common.py").exists()


def test_checks_list_prints_every_option_with_its_default(capsys):
    assert main(["checks", "list"]) == 0
    out = capsys.readouterr().out
    for code in all_codes():
        assert code in out
        for key, default in check_of(code).options.items():
            assert f"{key} = {json.dumps(default)}" in out
    assert main(["checks", "list", "--json"]) == 0
    rows = {r["code"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["omission.low_confidence"]["options"]["ratio"] == 0.4
    assert rows["glossary.missing_term"]["severity"] == "error"
