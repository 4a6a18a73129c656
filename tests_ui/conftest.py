"""In CI (`IMI_REQUIRE_BROWSER=1`, set by `.ci/run`) a browser test that skips is a failure: a missing Chromium or
Playwright must not pass for a green run."""
import os
import pytest

REQUIRED = os.environ.get("IMI_REQUIRE_BROWSER") == "1"

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if REQUIRED and rep.skipped:
        reason = rep.longrepr[-1] if isinstance(rep.longrepr, tuple) else rep.longrepr
        rep.outcome, rep.longrepr = "failed", f"skipped where the browser tests are required (IMI_REQUIRE_BROWSER=1): {reason}"
