"""`manage.py demo_accounts`: the demo accounts of each role, their password and scope, as a table."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.models import User
from registry.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_URL


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def scope_label(user: User) -> str:
    if user.quota_unit_id:
        return str(user.quota_unit)
    if user.region_id:
        return user.region.name if user.region else ""
    if user.base_id:
        return str(user.base)
    if user.enterprise_id:
        return str(user.enterprise)
    return _("全国") if user.role == "ministry" else "—"


class Command(BaseCommand):
    help = "列出演示账号（账号、密码、角色、范围）。"

    def handle(self, *args: Any, **options: Any) -> None:
        usernames = [a.username for a in DEMO_ACCOUNTS]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=usernames).select_related(
                "quota_unit", "region", "base", "enterprise"
            )
        }
        if not users:
            self.stdout.write(_("尚无演示账号：请先运行 manage.py seed_demo。"))
            return
        header = [_("账号"), _("密码"), _("角色"), _("姓名"), _("范围")]
        rows = []
        for name in usernames:
            user = users.get(name)
            if user is None:
                continue
            # The hash is only compared, never upgraded: listing the accounts writes nothing.
            password = DEMO_PASSWORD if check_password(DEMO_PASSWORD, user.password) else _("（已修改）")
            if not user.is_active:
                password += _("（已停用）")
            rows.append([user.username, password, user.get_role_display(), user.display_name, scope_label(user)])
        widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        rule = "  ".join("-" * w for w in widths)
        self.stdout.write(_("演示账号（所有账号共用同一演示密码，仅供演示）："))
        self.stdout.write("  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip())
        self.stdout.write(rule)
        for row in rows:
            self.stdout.write("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
        self.stdout.write(rule)
        self.stdout.write(_("访问地址：%(url)s") % {"url": DEMO_URL})
        self.stdout.write(
            _(
                "商务部和省级账号在开启动态口令时须在首次登录后按页面提示绑定手机验证器；"
                "make run 本地演示已关闭动态口令。"
            )
        )
