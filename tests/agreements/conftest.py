from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    """Every agreements test stores its documents in a directory of its own."""
