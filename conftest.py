"""Test settings shared by every app's tests."""

import os

import pytest

os.environ.setdefault("ECBASE_DEV", "1")
os.environ.setdefault("ECBASE_TASKS_EAGER", "1")
os.environ.setdefault("ECBASE_SECURE_COOKIES", "0")

pytest_plugins = ["portal.testing.fixtures"]

# Property-based tests (hypothesis): the same examples on every run, nothing written to disk.
from hypothesis import settings  # noqa: E402

settings.register_profile("ecbase", derandomize=True, database=None, deadline=None, max_examples=200)
settings.load_profile("ecbase")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep `--dist loadgroup` working: pytest-xdist 3.8 tags a grouped test by setting the item's
    `_nodeid` to "<id>@<group>", which pytest 9 no longer reads (node ids come from `_id`), so each
    group was spread over the workers and a module's world was built again for every stretch of it.
    A no-op where the tag already took effect."""
    if not config.getoption("loadgroup", default=False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        tagged = item.__dict__.get("_nodeid")
        if tagged and item.nodeid != tagged:
            item._id = NodeId.parse(tagged)  # pytest 9 reads the id from here
