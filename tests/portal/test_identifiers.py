import ast
from pathlib import Path

import pytest

from portal.core.identifiers import check_digit, is_valid_bin


@pytest.mark.parametrize("number", ["180340021791", "000000000000", "937483457802"])
def test_it_accepts_valid_numbers(number):
    assert is_valid_bin(number)


@pytest.mark.parametrize(
    "number",
    [
        "180340021792",
        "18034002179",
        "1803400217910",
        "18034002179a",
        "",
        "１８０３４００２１７９１",
    ],
)
def test_it_refuses_wrong_check_digit_length_or_characters(number):
    assert not is_valid_bin(number)


def test_it_uses_the_second_weights_when_the_first_give_ten():
    # Find 11 digits whose first-weight remainder is 10, and check the second pass decides.
    first = "00000000001"  # weights 1..11: 1*11 = 11 % 11 = 0 -> not 10
    assert check_digit(first) == 0
    digits = "00000000010"  # 1*10 = 10 -> second weights: 1*1=1... position 10 weight 1
    assert check_digit(digits) == 1


def test_it_refuses_numbers_whose_second_pass_gives_ten_again():
    # Search the space for a prefix with no valid check digit; it must make every digit invalid.
    for n in range(10**5):
        prefix = f"{n:011d}"
        if check_digit(prefix) is None:
            assert not any(is_valid_bin(prefix + str(d)) for d in range(10))
            return
    pytest.fail("no invalid prefix found")


def test_it_imports_nothing_from_django():
    source = Path(__file__).resolve().parents[2] / "portal" / "core" / "identifiers.py"
    tree = ast.parse(source.read_text())
    names = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
    names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names if n.startswith("django")]
