"""Masking of personal data in lists and exports for those who do not need it."""

from __future__ import annotations

from typing import Any


def mask_phone(phone: str) -> str:
    digits = phone or ""
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(value: str) -> str:
    text = value or ""
    if len(text) <= 8:
        return "*" * len(text)
    return f"{text[:4]}{'*' * (len(text) - 8)}{text[-4:]}"


MASKS = {"phone": mask_phone, "id_number": mask_id_number}


def mask(kind: str, value: Any) -> str:
    return MASKS[kind](str(value))
