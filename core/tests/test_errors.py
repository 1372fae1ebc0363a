"""Error codes per domain: enumerations with a Chinese message each, used by every refusal, listed
in docs/api.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from core.errors import ActionError, CoreErrorCode, ErrorCode, NotAllowedError, codes_markdown, domains
from core.management.commands.error_codes import END, START

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
# Refusals that carry a code as their first argument.
CODED = {"ActionError", "UploadRefused"}


def every_code() -> list[ErrorCode]:
    return [member for enums in domains().values() for enum in enums for member in enum]


def test_every_domain_declares_its_codes() -> None:
    assert set(domains()) >= {"core", "registry", "selection", "policies"}


@pytest.mark.parametrize("code", every_code(), ids=lambda c: f"{type(c).__name__}.{c.value}")
def test_every_code_has_a_chinese_message(code: ErrorCode) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9_]*", code.value)
    with translation.override("zh-hans"):
        message = code.render(**dict.fromkeys(code.parameters, "某"))
    assert CJK.search(message), code  # never the English label Django would make up from the name
    assert "%(" not in message and code.label != code.name.replace("_", " ").title(), message


def test_a_code_is_not_declared_twice_in_a_domain() -> None:
    for enums in domains().values():
        values = [m.value for enum in enums for m in enum.__members__.values()]  # aliases included
        assert len(values) == len(set(values)), values


def test_a_refusal_renders_its_code_with_the_parameters() -> None:
    error = ActionError(CoreErrorCode.TOO_LARGE, limit="20 MB", field="file")
    assert (error.code, error.message, error.field) == ("too_large", "文件超过大小上限 20 MB，已拒绝。", "file")
    assert NotAllowedError().message == "您无权办理此事项。" and NotAllowedError().code == "not_allowed"
    with pytest.raises(TypeError):
        ActionError("too_large", "文件过大")  # type: ignore[arg-type]  # a free string is what this refuses
    with pytest.raises(TypeError):
        ActionError(CoreErrorCode.TOO_LARGE, "文件过大", limit="20 MB")  # a message of its own is complete


def literal_codes(tree: ast.AST) -> list[int]:
    """Lines of `ActionError("code", …)` / `UploadRefused(f"…", …)`: a code that is not an enumeration."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        literal = isinstance(first, ast.JoinedStr) or (isinstance(first, ast.Constant) and isinstance(first.value, str))
        if name in CODED and literal:
            lines.append(node.lineno)
    return lines


def test_no_refusal_passes_a_free_string_as_its_code() -> None:
    sample = 'raise ActionError("not_draft", _("申报已报送。"))\nerrors.ActionError(f"x")'
    assert literal_codes(ast.parse(sample)) == [1, 2]
    skipped = {".venv", "node_modules", "migrations", "var", "static"}
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in ROOT.rglob("*.py")
        if not skipped & set(path.relative_to(ROOT).parts) and path != Path(__file__)
        for line in literal_codes(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "declare the code in the domain's errors.py and pass the member"


def test_the_api_document_lists_every_code_as_declared() -> None:
    text = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    documented = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert documented == codes_markdown().strip(), (
        "docs/api.md is out of date: ECBASE_DEV=1 .venv/bin/python manage.py error_codes --write docs/api.md"
    )
    for code in every_code():
        assert f"| `{code.value}` |" in documented
