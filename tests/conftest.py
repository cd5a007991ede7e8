"""Shared fixtures: the demo newsroom and the seed page, loaded once per session."""

from pathlib import Path

import pytest
from django.core.management import call_command

from minbar.core.templatetags import minbar_images
from minbar.delivery import kept

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED_TEXT = SHARED / "seed" / "article-33234.txt"
SEED_BUNDLE = SHARED / "seed" / "bundle"
DEMO_BUNDLE = REPO / "minbar" / "demo" / "bundle"


@pytest.fixture(autouse=True)
def nothing_kept():
    """Each test starts with nothing kept in memory by the app (a test's
    database is rolled back behind it, without the purges a change makes)."""
    kept.forget()
    minbar_images.forget()
    yield
    kept.forget()
    minbar_images.forget()


def require_seed():
    if not SEED_BUNDLE.is_dir():
        pytest.skip(
            f"the seed page is not here ({SEED_BUNDLE}): "
            "these tests need ../shared/seed/"
        )


@pytest.fixture(scope="session")
def newsroom(django_db_setup, django_db_blocker):
    """The demo bundle, plus the seed bundle where ../shared/seed/ exists."""
    with django_db_blocker.unblock():
        call_command(
            "load", str(DEMO_BUNDLE), verbosity=0, stdout=open("/dev/null", "w")
        )
        if SEED_BUNDLE.is_dir():
            call_command(
                "load", str(SEED_BUNDLE), verbosity=0, stdout=open("/dev/null", "w")
            )
    yield
