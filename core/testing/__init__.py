"""Test helpers that belong to core (the generic battery); the test world is in portal.testing."""
