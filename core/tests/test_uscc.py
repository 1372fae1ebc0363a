"""The unified social credit code check (GB 32100-2015) against real codes and corruptions."""

from __future__ import annotations

import pytest

from core import uscc

VALID = ["91110000600037341L", "91110108551385082Q", "91350200776049653A"]
# Letter registration authorities that python-stdnum wrongly rejects.
LETTER_AUTHORITIES = ["A1110000600037341K", "Y1110000600037341Y"]


@pytest.mark.parametrize("code", VALID + LETTER_AUTHORITIES)
def test_real_and_letter_authority_codes_pass(code: str) -> None:
    result = uscc.check(code)
    assert result.ok, result
    assert result.code == code


@pytest.mark.parametrize("code", VALID)
def test_every_single_character_substitution_is_caught(code: str) -> None:
    """A typo in any one position changes the weighted sum mod 31, so the check fails."""
    for i in range(18):
        for c in uscc.ALPHABET:
            if c == code[i]:
                continue
            corrupted = code[:i] + c + code[i + 1 :]
            result = uscc.check(corrupted)
            if i == 0 and c not in uscc.AUTHORITIES:
                assert result.problem == uscc.Problem.AUTHORITY
            else:
                assert not result.ok, corrupted


@pytest.mark.parametrize("code", VALID)
def test_adjacent_transpositions_are_caught(code: str) -> None:
    for i in range(17):
        if code[i] == code[i + 1]:
            continue
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        assert not uscc.check(swapped).ok, swapped


def test_wrong_check_character_reports_the_expected_one() -> None:
    result = uscc.check("91110000600037341M")
    assert result.problem == uscc.Problem.CHECK and result.expected_check == "L"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", uscc.Problem.EMPTY),
        ("91110000600037341", uscc.Problem.LENGTH),
        ("91110000600037341LL", uscc.Problem.LENGTH),
        ("9111000060003734IL", uscc.Problem.ALPHABET),  # I is not in the alphabet
        ("91110000600O37341L", uscc.Problem.ALPHABET),  # nor O
        ("Z1110000600037341L", uscc.Problem.ALPHABET),
        ("B1110000600037341L", uscc.Problem.AUTHORITY),
    ],
)
def test_malformed_codes_name_their_problem(raw: str, problem: str) -> None:
    assert uscc.check(raw).problem == problem


def test_spreadsheet_noise_is_normalised() -> None:
    assert uscc.check(" 91110000600037341l ").ok
    assert uscc.check("９１１１００００６０００３７３４１Ｌ").ok  # full-width digits and letter


def test_organisation_code_check_is_reported_separately() -> None:
    good = uscc.check("91110000600037341L")
    assert good.org_code_ok is True
    # A body whose organisation code fails GB 11714 but whose own check character is right.
    body = "91110000" + "600037342"
    code = uscc.make(body)
    result = uscc.check(code)
    assert result.ok and result.org_code_ok is False


def test_category_comes_from_the_first_two_characters() -> None:
    assert uscc.category("91110000600037341L") == "enterprise"
    assert uscc.category(uscc.make("92500153000000001")) == "individual"
    assert uscc.category(uscc.make("93500153000000001")) == "cooperative"
