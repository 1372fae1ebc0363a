"""Form of a demonstration city."""

from __future__ import annotations

from typing import Any

from django import forms

from regions.forms.fields import RegionCodeField
from regions.models import DemoCity, Region


class DemoCityForm(forms.ModelForm):
    region_code = RegionCodeField()

    class Meta:
        model = DemoCity
        fields = ("name", "year_named", "batch", "document_no", "revoked_in")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region.code

    def clean_region_code(self) -> Region:
        region = self.cleaned_data["region_code"]
        self.instance.region = region
        return region
