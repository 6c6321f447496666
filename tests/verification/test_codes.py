"""The codes: unguessable tokens, short codes whose check character catches typing mistakes."""

import pytest

from verification import codes


def test_tokens_carry_256_bits_and_never_repeat():
    tokens = {codes.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(codes.is_token(t) and len(t) == 43 for t in tokens)


def test_short_codes_use_the_unambiguous_alphabet_in_groups():
    for _ in range(200):
        code = codes.new_short_code()
        assert len(code) == 12 and set(code) <= set(codes.ALPHABET)
        shown = codes.display(code)
        assert len(shown) == 14 and shown[4] == shown[9] == "-"
        assert codes.parse(shown) == (code, None)
    assert not set("01ILOU") & set(codes.ALPHABET)
    # 11 random characters of 30: more than 2^53 codes.
    assert codes.BASE**codes.RANDOM_LENGTH > 2**53


def test_every_single_mistake_and_swap_is_caught():
    for _ in range(300):
        code = codes.new_short_code()
        for i in range(len(code)):
            for c in codes.ALPHABET:
                if c != code[i]:
                    wrong = code[:i] + c + code[i + 1 :]
                    assert codes.parse(wrong) == (None, "check"), (code, wrong)
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert codes.parse(swapped) == (None, "check"), (code, swapped)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "empty"),
        ("   - -", "empty"),
        ("ABCD-EFGH-JKM", "length"),
        ("ABCD-EFGH-JKMN-P", "length"),
        ("ABCD-EFGH-JK0N", "characters"),
        ("ABCD-EFGH-JKÑN", "characters"),
    ],
)
def test_malformed_codes_say_why(typed, problem):
    assert codes.parse(typed) == (None, problem)


def test_case_spaces_and_dashes_do_not_matter():
    code = codes.new_short_code()
    assert codes.parse(" " + code.lower()[:5] + " – " + code[5:] + "\n") == (code, None)
