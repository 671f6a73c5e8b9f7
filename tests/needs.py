"""What a test needs from the machine. Missing → skipped with the reason locally; under CI=true, a failure.

The one place that rule lives: a suite that goes green by skipping PostgreSQL, Chromium or the PDF tools
has proved nothing.
"""
import os
import shutil

import pytest


def missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: this must not be skipped)", pytrace=False)
    pytest.skip(reason)


def tool(name: str, debian_package: str) -> str:
    """The path of a command-line tool the test runs."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} not found: install the Debian package {debian_package}")
    return path
