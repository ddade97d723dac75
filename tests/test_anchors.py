import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doclint.model.anchors import Slugger, fragment_target, match_key, resolves, slug


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.Playground V2模型有哪些特点？", "1playground-v2模型有哪些特点"),
        ("3.直接写？", "3直接写"),
        ("a  b", "a--b"),  # no collapsing
        (" lead", "-lead"),  # no trimming
        ("snake_case (Pc stays)", "snake_case-pc-stays"),
        ("全角（括号）：逗号，顿号、", "全角括号逗号顿号"),
        ("x²①", "x"),  # No is dropped
        ("tab\there\u3000ideographic", "tabhereideographic"),
        ("emoji 🚀 rocket", "emoji--rocket"),
        ("Ⅻ roman", "ⅻ-roman"),  # Nl is kept (and lower-cased)
        ("C++ & C#", "c--c"),
    ],
)
def test_slug_follows_github_slugger(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_slugger_numbers_repeats_like_github_slugger() -> None:
    slugger = Slugger()
    assert [slugger.slug(t) for t in ("a", "a", "a-1", "a")] == ["a", "a-1", "a-1-1", "a-2"]


def test_fragment_target_decodes_and_drops_user_content() -> None:
    assert fragment_target("user-content-%E6%A0%87") == "标"
    assert fragment_target("%E6%A0%87") == "标"
    assert fragment_target("user-content-x") == "x"
    assert fragment_target("100%") == "100%"


def test_top_of_page_always_resolves() -> None:
    assert resolves("", set()) and resolves("top", set())
    assert not resolves("Top", set())


def test_match_key_ignores_width_case_punctuation_and_spacing() -> None:
    assert match_key("问题2：Transformer 位置编码是什么？") == match_key(
        "问题2:transformer位置编码是什么?"
    )
    assert match_key("ＡＢＣ　１２３") == "abc123"


@settings(max_examples=3_000)
@given(st.text(alphabet=st.sampled_from("，？：（）！；\u3000a中Ａ\u0301\u0327…①ﬁ ,.")) | st.text())
def test_quick_nfkc_is_nfkc(text: str) -> None:
    import unicodedata

    from doclint.model.anchors import nfkc

    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=2_000)
@given(st.text(alphabet=st.sampled_from("a中Ａ。，…·-.!? \t\u3000\u2003\n（）")) | st.text())
def test_list_entry_key_drops_spacing_and_the_punctuation_it_ends_with(text: str) -> None:
    import unicodedata

    from doclint.rules.duplicate_list_entry import _PUNCTUATION, normalise

    # The rule's definition, step by step: strip spacing and punctuation from the end
    # until neither is left, then remove all spacing.
    expected = unicodedata.normalize("NFKC", text).casefold()
    while expected.rstrip().rstrip(_PUNCTUATION) != expected:
        expected = expected.rstrip().rstrip(_PUNCTUATION)
    assert normalise(text) == "".join(expected.split())
