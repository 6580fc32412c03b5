"""Number extraction and the number.* checks, on sentence shapes from the seed report and
the Bible sets, with every Chinese number form the issue lists."""
from __future__ import annotations

import pytest

from align.checks import CheckContext, run_checks
from align.model import Link
from align.text.numbers import en_quantities, zh_quantities


def values(quantities):
    return [(q.value, q.approx or None) for q in quantities if not q.soft]


def assert_reads(found, text, expected):
    """The quantities found are the expected (value, approximation) pairs, spans exact."""
    assert values(found) == [(pytest.approx(v), a) for v, a in expected]
    assert all(text[q.start:q.end] == q.text for q in found)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("计划于2019 年发射升空", [(2019, None)]),  # Arabic year with a PDF space
        ("对接项目超 1900 项", [(1900, "over")]),
        ("对接项目超１，９００项", [(1900, "over")]),  # full-width digits and comma
        ("五届大会", [(5, None)]),  # 五
        ("十九个国家", [(19, None)]),  # 十九
        ("二〇一九年", [(2019, None)]),  # 二〇一九
        ("二零一九年", [(2019, None)]),
        ("共1900名代表", [(1900, None)]),  # 1900
        ("投资3亿元", [(300_000_000, None)]),  # 3亿元 = 300 million
        ("培训1.5万人次", [(15_000, None)]),  # 1.5万
        ("一百二十岁", [(120, None)]),
        ("两国", [(2, None)]),
        ("第二届论坛", [(2, None)]),
        ("百分之五十的企业", [(50, None)]),
        ("增长50%", [(50, None)]),
        ("三分之一", [(1 / 3, None)]),
        ("20 多名代表", [(20, "over")]),  # 多
        ("1900余项", [(1900, "over")]),  # 余
        ("近 150 名中外代表", [(150, "under")]),  # 近
        ("上百名员工", [(100, "vague")]),  # 上百
        ("数百名员工", [(100, "vague")]),
        ("约150人左右", [(150, "about")]),
        ("2019年 4月 25日下午", [(2019, None), (4, None), (25, None)]),
        ("一百七十五岁", [(175, None)]),
        ("十五万七千六百名", [(157_600, None)]),
    ],
)
def test_chinese_number_forms(text, expected):
    assert_reads(zh_quantities(text), text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "一是坚持扩大开放，共创科技愿景；二是坚持伙伴精神",  # list numbering
        "一、高、新、尖成为“一带一路”互通新元素",
        "三、互学互助创新“一带一路”协作新模式",
        "1 探索建立“一带一路”共建国家之间可持续的科技创新合作模式。",
        "这十分重要，我们千方百计，三三两两地来",  # idioms, not quantities
        "又献上百姓的供物",  # 上 + 百姓 is not 上百
        "并且地上万国必因你的后裔得福",
        "南非 PMC 公司建设 5G 网络",  # 5G is a name
        "进一步推进“一带一路”建设",  # 一 in fixed words is soft at most
    ],
)
def test_chinese_non_quantities(text):
    assert values(zh_quantities(text)) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("On the afternoon of April 25, 2019", [(4, None), (25, None), (2019, None)]),
        ("helped match more than 1,900 projects", [(1900, "over")]),
        ("About 150 delegates from China and 33 countries", [(150, "about"), (33, None)]),
        ("the 21st-century Maritime Silk Road", [(21, None)]),
        ("twenty-one delegates", [(21, None)]),
        ("five national-level platforms", [(5, None)]),
        ("nine ASEAN countries", [(9, None)]),
        ("300 million yuan", [(300_000_000, None)]),
        ("hundreds of thousands of people", [(100_000, "vague")]),
        ("50 percent of firms", [(50, None)]),
        ("And Adam lived an hundred and thirty years", [(130, None)]),
        ("threescore and ten", [(70, None)]),
        ("two and thirty years", [(32, None)]),
        ("nearly 20 projects", [(20, "under")]),
    ],
)
def test_english_number_forms(text, expected):
    assert_reads(en_quantities(text), text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "First is to stick to opening-up; second is to uphold partnership; third is to put in place",
        "1 Explore on building sustainable STI cooperation mode",
        "I. High, new and cutting-edge technologies",
        "5G, G20 and COVID-19",
        "May God bless the march of science",
    ],
)
def test_english_non_quantities(text):
    assert values(en_quantities(text)) == []


def flags(zh: str, en: str):
    link = Link(0, (0,), (0,), zh, en, 0.9)
    return run_checks(CheckContext([link]), select=["number"])


def codes(zh: str, en: str):
    return sorted(f.check for f in flags(zh, en))


def test_changed_number_is_a_mismatch_with_spans_on_both_sides():
    zh = "中国已与东盟 9 个国家建立了“双边技术转移”工作机制，成功举办 6 届中国-东盟技术转移和创新合作大会。"
    en = "China has established working mechanisms with seven ASEAN countries and held six forums."
    [flag] = flags(zh, en)
    assert flag.check == "number.mismatch" and flag.severity == "error"
    assert zh[slice(*flag.zh_span)] == "9" and en[slice(*flag.en_span)] == "seven"
    assert flag.evidence["zh"]["value"] == 9 and flag.evidence["en"]["value"] == 7


def test_missing_and_extra_numbers_both_directions():
    assert codes("促成签署合作协议 491 项。", "contributed to signing of cooperation agreements.") == ["number.missing"]
    assert codes("促成签署合作协议。", "contributed to signing of 491 cooperation agreements.") == ["number.extra"]


def test_approximations_rendered_as_approximations_are_not_flagged():
    assert codes("共有来自 33 个国家的近 150 名中外代表参会。", "About 150 delegates from 33 countries attended.") == []
    assert codes("上百名员工就会面临失业。", "over 100 staff would lose their jobs.") == []
    assert codes("上百名员工就会面临失业。", "hundreds of staff would lose their jobs.") == []
    assert codes("有来自10多个国家的 20 多名代表", "more than 20 representatives of over 10 countries") == []


def test_conflicting_approximations_are_flagged():
    assert codes("近 150 名代表参会。", "More than 150 delegates attended.") == ["number.approximation"]


def test_dates_and_large_units_compare_by_value():
    assert codes("2019年4月25日下午举行。", "It was held on the afternoon of April 25, 2019.") == []
    assert codes("2019年4月26日下午举行。", "It was held on the afternoon of April 25, 2019.") == ["number.mismatch"]
    assert codes("投资3亿元。", "An investment of 300 million yuan.") == []
    assert codes("培训1.5万人次。", "Training for 15,000 people.") == []


def test_list_numbering_is_not_compared():
    zh = "一是坚持扩大开放，共创科技愿景；二是坚持伙伴精神，加强对话交流。"
    en = "First is to stick to opening-up and create a vision; second is to uphold partnership."
    assert codes(zh, en) == []


def test_one_sided_link_is_left_to_omission_checks():
    assert codes("促成签署合作协议 491 项。", "") == []


def test_fraction_rendered_as_ordinal_is_the_same_number():
    zh = "凡你所赐给我的，我必将十分之一献给你。"
    assert codes(zh, "and of all that thou shalt give me I will surely give the tenth unto thee.") == []
    assert codes(zh, "and of all that thou shalt give me I will surely give the fifth unto thee.") == ["number.mismatch"]


def test_grammar_numbers_without_counterpart_are_not_flagged():
    # 两个儿子 ↔ "his sons Isaac and Ishmael"; a repeated "seven"; "captains of thousands" (an office)
    assert codes("他两个儿子以撒，以实玛利把他埋葬在麦比拉洞里。", "And his sons Isaac and Ishmael buried him.") == []
    assert codes("这细弱的穗子吞了那七个又肥大又饱满的穗子。",
                 "And the seven thin ears devoured the seven rank and full ears.") == []
    assert codes("千夫长，百夫长，就近前来。", "And the officers which were over thousands came near.") == []
    # near-miss: a spelled-out number above two with no counterpart is still reported
    assert codes("你要用十幅幔子作帐幕。", "Thou shalt make the tabernacle with curtains.") == ["number.missing"]


def test_english_number_spelled_by_an_uncounted_chinese_numeral_is_not_extra():
    assert codes("他用皂荚木作闩，为帐幕这面的板作五闩，", "And he made bars of shittim wood; five for the boards,") == []
    assert codes("一个金盂，重十舍客勒，盛满了香。", "One golden spoon of ten shekels, full of incense:") == []
    assert codes("一个金盂，盛满了香。", "One golden spoon of ten shekels, full of incense:") == ["number.extra"]
    assert codes("他必赔还四倍。", "he shall restore the lamb fourfold.") == []
    assert codes("他必赔还四倍。", "he shall restore the lamb.") == ["number.missing"]


def test_king_james_additive_numbers_with_articles():
    zh = "凡属以法莲营，按着军队被数的，共有十万零八千一百名。"
    en = "All that were numbered of the camp of Ephraim were an hundred thousand and eight thousand and an hundred."
    assert codes(zh, en) == []
    assert [q.value for q in en_quantities("a hundred and a thousand")] == [100, 1000]


@pytest.mark.parametrize(
    "zh, en, wrong_en",
    [
        # a unit written once for both ends of a range or an alternative
        ("销量达400万至600万台。", "Sales reached 4 to 6 million units.", "Sales reached 4 to 7 million units."),
        ("比例为60%或65%。", "The share was 60 or 65 percent.", "The share was 60 or 75 percent."),
        ("增长百分之六十到七十。", "It grew by 60 to 70 percent.", "It grew by 60 to 80 percent."),
        # 十年 ↔ decade, 三十年 ↔ three decades, 百年 ↔ a century
        ("过去十年，中国发展迅速。", "Over the past decade, China developed rapidly.", None),
        ("三十年来，双方合作不断深化。", "For three decades the two sides have deepened cooperation.",
         "For two decades the two sides have deepened cooperation."),
        # an approximation before the unit: 500余万 = "more than 5 million"
        ("共有500余万人参加。", "More than 5 million people took part.", "More than 6 million people took part."),
        ("投资300多亿元。", "Over 30 billion yuan was invested.", "Over 3 billion yuan was invested."),
        # dates in every English order and abbreviation; 90年代 = the 1990s
        ("会议于2月11日举行。", "The meeting was held on February 11th.", "The meeting was held on February 12th."),
        ("会议于2月11日举行。", "The meeting was held on Feb. 11.", "The meeting was held on Mar. 11."),
        ("12月的数据显示增长放缓。", "December's figures showed slower growth.", None),
        ("上世纪90年代，该厂开始出口。", "In the 1990s the plant began to export.", "In the 1980s the plant began to export."),
    ],
)
def test_general_number_renderings_are_not_flagged_and_a_changed_value_still_is(zh, en, wrong_en):
    assert codes(zh, en) == []
    if wrong_en is not None:
        assert "number.mismatch" in codes(zh, wrong_en) or "number.missing" in codes(zh, wrong_en)


def test_score_counts_twenty_only_as_the_archaic_number():
    assert codes("我们的得分很高。", "Our score was high.") == []
    assert codes("他考了90分。", "He got a score of 90.") == []
    assert [q.value for q in en_quantities("a score of years")] == [20]
    assert [q.value for q in en_quantities("threescore and ten")] == [70]
    assert [q.value for q in en_quantities("four score and seven years ago")] == [87]


# ---------------------------------------------------------------- precision (issue 10)
# Sentences from the WMT23 MQM development set (shared/bench/mqm-wmt23-zhen), with a
# constructed changed value beside each false alarm so the true flag stays.

def test_unit_written_once_for_both_ends_of_a_range():
    zh = "入境旅客达630万人次，超越旅游局早前预估的400万至600万人次。"
    assert codes(zh, "Visitor arrivals reached 6.3 million, surpassing the board's earlier estimate of "
                     "4 to 6 million.") == []
    assert codes(zh, "Visitor arrivals reached 6.3 million, surpassing the board's earlier estimate of "
                     "3 to 6 million.") == ["number.mismatch"]
    revenue = "预计2022年全年旅游收入可达138亿至143亿新元。"
    assert codes(revenue, "Tourism revenue for 2022 can reach S$13.8 to S$14.3 billion.") == []
    assert codes("增长率为60%或65%。", "The growth rate was 60 or 65 percent.") == []
    assert codes("增长率为60至65%。", "The growth rate was 60% to 65%.") == []
    assert codes("增长率为60%或65%。", "The growth rate was 50 or 65 percent.") == ["number.mismatch"]
    # only a bare number takes the unit, and only across a range word
    assert [q.value for q in en_quantities("2 or 3 people, 4 to 6 million")] == [2, 3, 4_000_000, 6_000_000]
    assert [q.value for q in zh_quantities("4至6万")] == [40_000, 60_000]


def test_approximate_myriads_and_decades():
    zh = "目前美国劳动力市场尚有500余万的供给缺口。"
    assert codes(zh, "Currently, there is still a supply gap of more than 5 million in the US labor market.") == []
    assert codes(zh, "Currently, there is still a supply gap of more than 6 million in the US labor market.") \
        == ["number.mismatch"]
    assert codes("上世纪80年代，郑永刚担任国营棉纺厂的厂长。", "In the 1980s, Zheng Yonggang ran a cotton mill.") == []
    assert codes("上世纪80年代，郑永刚担任国营棉纺厂的厂长。", "In the 1970s, Zheng Yonggang ran a cotton mill.") \
        == ["number.mismatch"]
    assert codes("过去十年，经济快速增长。", "Over the past decade, the economy grew fast.") == []
    assert codes("过去二十年，经济快速增长。", "Over the past two decades, the economy grew fast.") == []
    assert codes("过去三十年，经济快速增长。", "Over the past two decades, the economy grew fast.") == ["number.mismatch"]
    assert codes("近年来，经济快速增长。", "Over the past decade, the economy grew fast.") == []  # a span, not a count
    assert codes("国民党拒绝接受九二共识。", 'The KMT refused to accept the "1992 Consensus".') == []


def test_score_is_twenty_only_as_a_count():
    assert codes("他们得分很高。", "They got a high score.") == []
    assert codes("他考了95分。", "He received a score of 95.") == []
    assert codes("他活了二十岁。", "He lived a score of years.") == []
    assert codes("他活了六十岁。", "He lived a score of years.") == ["number.mismatch"]
    assert codes("八十七年前", "Four score and seven years ago") == []


def test_dates_with_day_first_or_abbreviated_months():
    zh = "新华社北京2月11日电"
    assert codes(zh, "Xinhua News Agency, Beijing, 11 February") == []
    assert codes(zh, "Beijing, Feb. 11 (Xinhua)") == []
    assert codes("2月11日，法国工会再次发起罢工。", "11 February: French unions went on strike again.") == []
    assert codes(zh, "Beijing, Feb. 12 (Xinhua)") == ["number.mismatch"]
    assert codes("我们的数据", "The Mar data") == []  # an abbreviation only next to a day or year


def test_decade_shorthand_and_prefixed_years():
    assert codes("上世纪80年代，郑永刚担任厂长。", "In the 80s of last century, Zheng Yonggang was the director.") == []
    assert codes("上世纪80年代，郑永刚担任厂长。", "In the 70s of last century, Zheng Yonggang was the director.") \
        == ["number.mismatch"]
    assert codes("已恢复到2019年疫情前的水平。", "It has recovered to pre-2019 levels.") == []
    assert codes("已恢复到2018年疫情前的水平。", "It has recovered to pre-2019 levels.") == ["number.mismatch"]
    assert codes("新冠疫情", "the COVID-19 pandemic") == []  # still a name, not a number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("two thirds of the member states", [(2 / 3, None)]),
        ("three-quarters of the firms", [(0.75, None)]),
        ("three tenth deals unto every bullock", [(0.3, None)]),  # KJV Numbers 29:14
        ("two third-party vendors", [(2, None), (3, None)]),  # a compound adjective, not 2/3
    ],
)
def test_english_fractions(text, expected):
    assert_reads(en_quantities(text), text, expected)


def test_a_fraction_rendered_as_a_count_of_parts_matches_and_a_wrong_one_does_not():
    zh = "同献的素祭用调油的细面。为那十三只公牛，每只要献伊法十分之三。为那两只公羊，每只要献伊法十分之二。"
    en = ("And their meat offering shall be of flour mingled with oil, three tenth deals unto every bullock of "
          "the thirteen bullocks, two tenth deals to each ram of the two rams,")
    assert flags(zh, en) == []
    [flag] = flags("三分之二的成员国支持该决议。", "Three quarters of the member states supported the resolution.")
    assert flag.check == "number.mismatch"
