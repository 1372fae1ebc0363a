from django.urls import path
from rest_framework.routers import SimpleRouter

from policies.api import views
from policies.api.whatif import WhatIfView
from policies.models import FACT_MODELS

router = SimpleRouter()
router.register("packs", views.PackViewSet, basename="policy-pack")
router.register("funds", views.FundViewSet, basename="policy-fund")
router.register("applications", views.ApplicationViewSet, basename="award-application")
router.register("ledger", views.LedgerViewSet, basename="ledger-entry")
for kind, model in FACT_MODELS.items():
    router.register(f"facts/{kind}", views.fact_viewset(kind, model), basename=f"policy-fact-{kind}")

urlpatterns = [path("whatif/", WhatIfView.as_view(), name="policy-whatif"), *router.urls]
