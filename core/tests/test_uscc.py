"""The unified social credit code check (GB 32100-2015) against real codes and corruptions."""

from __future__ import annotations

import random

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


# ---- many codes at once (check_many) ------------------------------------------------------------


def _corpus() -> list[object]:
    """Valid codes, each corrupted in one place, typed with spreadsheet noise, and malformed."""
    rnd = random.Random(7)
    codes: list[object] = []
    for _ in range(3000):
        alphabet = uscc.ALPHABET if rnd.random() < 0.8 else uscc.ALPHABET + "IOZSVa"
        body = rnd.choice("159ANYX0") + "".join(rnd.choice(alphabet) for _ in range(16))
        good = uscc.make(body) if all(c in uscc.ALPHABET for c in body) else body + "0"
        codes.append(good if rnd.random() < 0.5 else good[:17] + rnd.choice(uscc.ALPHABET))
    codes += [c.lower() for c in VALID] + [f" {c}\u3000" for c in VALID]
    codes += ["９１１１００００６０００３７３４１Ｌ", "", None, 12, "123", "91110000600037341LL", "Z1110000600037341L"]
    codes += ["B1110000600037341L", "9111000060003734IL", "91110000600037341é", *LETTER_AUTHORITIES]
    return codes


def test_check_many_agrees_with_check_on_every_code() -> None:
    codes = _corpus()
    many = uscc.check_many(codes)
    assert len(many) == len(codes)
    for i, raw in enumerate(codes):
        assert many.result(i) == uscc.check(raw), raw
    assert 500 < int(many.ok.sum()) < len(codes) - 500  # both kinds are there


def test_check_many_of_normalised_codes_needs_no_normalisation_and_agrees() -> None:
    """normalized=True (an import's clean column): a code passes exactly when `check` passes it
    and leaves it as it was; a code that needs normalising fails here, to be sent to `check`."""
    codes = [c for c in _corpus() if isinstance(c, str)]
    many = uscc.check_many(codes, normalized=True)
    for i, text in enumerate(codes):
        result = uscc.check(text)
        assert bool(many.ok[i]) == (result.ok and result.code == text), text
        if many.ok[i]:
            assert bool(many.org_code_ok[i]) == result.org_code_ok, text
    assert not uscc.check_many([VALID[0].lower()], normalized=True).ok[0]


def test_check_many_of_nothing() -> None:
    many = uscc.check_many([])
    assert len(many) == 0 and many.ok.shape == (0,)
