from __future__ import annotations

import pytest

# acme's partner admin, member and finance users, as the people tests name them.
from tests.people.conftest import acme_admin, acme_finance, acme_member  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded logos go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path
