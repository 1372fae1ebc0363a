"""Test settings shared by every app's tests."""

import os

os.environ.setdefault("ECBASE_DEV", "1")
os.environ.setdefault("ECBASE_TASKS_EAGER", "1")
os.environ.setdefault("ECBASE_SECURE_COOKIES", "0")

pytest_plugins = ["portal.testing.fixtures"]
