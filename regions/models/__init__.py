"""Administrative divisions (GB/T 2260), quota units of notice 767, demonstration cities (one
module each; Django finds the models through this package)."""

from regions.models.cities import DemoCity
from regions.models.divisions import Region, RegionLevel, regions_within
from regions.models.quota_units import QuotaUnit, QuotaUnitKind
from regions.models.reference import ReferenceData

__all__ = ["DemoCity", "QuotaUnit", "QuotaUnitKind", "ReferenceData", "Region", "RegionLevel", "regions_within"]
