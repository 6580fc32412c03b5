"""scripts/bead_errors.py classes each gold bead the aligner misses by what its links did there."""
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bead_errors", Path(__file__).resolve().parents[1] / "scripts" / "bead_errors.py")
bead_errors = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bead_errors)


def test_a_gold_2_3_cut_into_a_1_1_and_a_1_2_is_split():
    assert bead_errors.miss_kind(((4, 5), (7, 8, 9)), [((4,), (7,)), ((5,), (8, 9)), ((6,), (10,))]) == "split"


def test_a_gold_1_1_inside_a_2_1_link_is_merged():
    assert bead_errors.miss_kind(((3,), (3,)), [((2, 3), (3,)), ((4,), (4,))]) == "merged"


def test_an_untranslated_sentence_folded_into_its_neighbour_is_merged():
    assert bead_errors.miss_kind(((), (5,)), [((4,), (4, 5)), ((5,), (6,))]) == "merged"


def test_a_link_crossing_the_gold_edge_is_shifted():
    assert bead_errors.miss_kind(((1,), (1, 2)), [((1,), (1,)), ((2,), (2, 3))]) == "shifted"


def test_bead_types_count_zh_then_en_sentences():
    assert bead_errors.bead_type(((1, 2), (3, 4, 5))) == "2-3"
    assert bead_errors.bead_type(((), (7,))) == "0-1"
