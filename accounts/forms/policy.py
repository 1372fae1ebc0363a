"""The security policy's form (the security administrator's)."""

from __future__ import annotations

from django import forms

from accounts.models import SecurityPolicy


class SecurityPolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = (
            "min_length", "classes_required", "expiry_days", "history_count", "failure_limit", "lockout_minutes",
            "idle_minutes", "token_max_hours", "second_factor",
        )  # fmt: skip
