from hypothesis import given
from hypothesis import strategies as st

from tracker.names.normalize import clean_display, normalize_name


def test_case_accents_and_punctuation_are_ignored():
    assert normalize_name("MSC-Derna") == normalize_name("msc derna") == "msc derna"
    assert normalize_name("M.S.C. Derna") == "msc derna"
    assert normalize_name("Trípoli") == normalize_name("TRIPOLI")
    assert normalize_name("Al-Qa'ida") == normalize_name("al qaida")


def test_arabic_diacritics_and_hamza_forms_are_folded():
    assert normalize_name("الدولة الإسلامية") == normalize_name("الدولة الاسلامية")
    assert normalize_name("دَرْنَة") == normalize_name("درنة")


def test_terminal_escapes_are_shown_not_run():
    assert clean_display("evil\x1b[31mred") == "evil\\x1b[31mred"


@given(st.text(max_size=50))
def test_normalization_is_idempotent(text):
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert once == once.strip()
    assert "  " not in once
