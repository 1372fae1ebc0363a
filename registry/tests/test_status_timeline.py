"""The base's status history is a timeline like the application's and the award's: recorded by
core.workflow with its date and document, shown by the same template, kept across the migration
that made it one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.testing.world import World
from registry.actions.bases import do_change_base_status
from registry.models import BaseStatus, BaseStatusChange


@pytest.mark.django_db
def test_the_base_page_shows_its_status_timeline(world: World, login) -> None:
    base = world.bases["shapingba"]
    ministry = world.user("ministry")
    change = do_change_base_status(
        ministry, base, BaseStatus.DESIGNATED, date=datetime.date(2025, 3, 1), document_no="商电函〔2025〕9号",
        note="经社会公示后认定",
    )  # fmt: skip
    assert (change.actor, change.from_status, change.to_status, change.message) == (
        ministry, "candidate", "designated", "经社会公示后认定"
    )  # fmt: skip
    page = re.sub(r"\s+", " ", login("prov_cq").get(base.get_absolute_url()).content.decode())
    timeline = page.split('id="timeline"', 1)[1].split("</table>", 1)[0]
    assert "<td>2025-03-01</td><td>ministry</td><td>后备园区 → 示范基地</td>" in timeline
    assert "<td>经社会公示后认定；文号：商电函〔2025〕9号</td>" in timeline
    empty = login("prov_cq").get(world.bases["rongchang"].get_absolute_url()).content.decode()
    assert "暂无记录。" in empty.split('id="timeline"', 1)[1]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_history_and_finds_who_recorded_it(world: World) -> None:
    ministry = world.user("ministry")
    do_change_base_status(
        ministry, world.bases["shapingba"], BaseStatus.DESIGNATED, date=datetime.date(2025, 3, 1), note="认定"
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("registry", "0004_base_targets")])
    try:
        old = MigrationExecutor(connection).loader.project_state([("registry", "0004_base_targets")]).apps
        row = old.get_model("registry", "BaseStatusChange").objects.get()
        assert row.note == "认定"
        created = row.created
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    change = BaseStatusChange.objects.get()
    assert (change.message, change.time, change.actor_id) == ("认定", created, ministry.pk)
