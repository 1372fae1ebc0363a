"""The landing page: what the signed-in user is responsible for, at a glance."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.acting import acting_user
from core.scoping import VIEW, can, restrict
from registry.models import Base, BaseStatus, Enterprise


class HomeView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        context: dict[str, Any] = {"title": _("首页")}
        if can(user, Base, VIEW):
            context["base_counts"] = restrict(Base.objects.all(), user, VIEW).aggregate(
                designated=Count("id", filter=Q(status=BaseStatus.DESIGNATED)),
                candidate=Count("id", filter=Q(status=BaseStatus.CANDIDATE)),
                warned=Count("id", filter=Q(status=BaseStatus.WARNED)),
                rectifying=Count("id", filter=Q(status=BaseStatus.RECTIFYING)),
            )
        if can(user, Enterprise, VIEW):
            context["enterprise_count"] = restrict(Enterprise.objects.all(), user, VIEW).count()
        return render(request, "portal/home.html", context)
