"""Test settings shared by every app's tests."""

import os

os.environ.setdefault("ECBASE_DEV", "1")
os.environ.setdefault("ECBASE_TASKS_EAGER", "1")
os.environ.setdefault("ECBASE_SECURE_COOKIES", "0")

pytest_plugins = ["portal.testing.fixtures"]

# Property-based tests (hypothesis): the same examples on every run, nothing written to disk.
from hypothesis import settings  # noqa: E402

settings.register_profile("ecbase", derandomize=True, database=None, deadline=None, max_examples=200)
settings.load_profile("ecbase")
