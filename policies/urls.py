from django.urls import path

from policies.views import applications as apps
from policies.views import facts, funds, packs, whatif

app_name = "policies"

urlpatterns = [
    path("packs/", packs.PackListView.as_view(), name="pack_list"),
    path("packs/add/", packs.PackRegisterView.as_view(), name="pack_register"),
    path("packs/<int:pk>/", packs.PackDetailView.as_view(), name="pack_detail"),
    path("packs/<int:pk>/status/", packs.PackStatusView.as_view(), name="pack_status"),
    path("packs/<int:pk>/funds/", funds.FundSetView.as_view(), name="fund_set"),
    path("packs/<int:pk>/whatif/", whatif.WhatIfView.as_view(), name="whatif"),
    path("whatif/", whatif.WhatIfIndexView.as_view(), name="whatif_index"),
    path("funds/<int:pk>/", funds.FundDetailView.as_view(), name="fund_detail"),
    path("funds/<int:pk>/round/", funds.FundRoundView.as_view(), name="fund_round"),
    path("applications/", apps.ApplicationListView.as_view(), name="application_list"),
    path("applications/new/", apps.ApplicationCreateView.as_view(), name="application_add"),
    path("applications/<int:pk>/", apps.ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/submit/", apps.SubmitView.as_view(), name="application_submit"),
    path("applications/<int:pk>/recompute/", apps.RecomputeView.as_view(), name="application_recompute"),
    path("applications/<int:pk>/evidence/", apps.EvidenceView.as_view(), name="application_evidence"),
    path(
        "applications/<int:pk>/evidence/<int:evidence_pk>/",
        apps.EvidenceDownloadView.as_view(),
        name="evidence_download",
    ),
    path("applications/<int:pk>/correct/", apps.CorrectView.as_view(), name="application_correct"),
    path("applications/<int:pk>/return/", apps.ReturnView.as_view(), name="application_return"),
    path("applications/<int:pk>/approve/", apps.ApproveView.as_view(), name="application_approve"),
    path("applications/<int:pk>/reject/", apps.RejectView.as_view(), name="application_reject"),
    path("applications/<int:pk>/revoke/", apps.RevokeView.as_view(), name="application_revoke"),
    path("applications/<int:pk>/pay/", apps.PayView.as_view(), name="application_pay"),
    path("ledger/", funds.LedgerListView.as_view(), name="ledger_list"),
    path("ledger/<int:pk>/reverse/", funds.LedgerReverseView.as_view(), name="ledger_reverse"),
    path("facts/", facts.FactsView.as_view(), name="facts"),
    path("facts/<str:kind>/", facts.FactFormView.as_view(), name="fact_form"),
]
