"""Newsroom logins: throttled after repeated failures (django-axes)."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

LOGIN = "/newsroom/login/"
PASSWORD = "a long and private passphrase"  # noqa: S105


@pytest.fixture
def editor():
    return User.objects.create_user("editor", password=PASSWORD, is_staff=True)


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_five_failures_lock_the_account_from_that_address(client, editor):
    assert log_in(client, "editor", PASSWORD).status_code == 302  # it works
    client.logout()
    for _ in range(5):
        refused = log_in(client, "editor", "guess")
    locked = log_in(client, "editor", PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "محاولات" in page and 'dir="rtl"' in page
    assert "_auth_user_id" not in client.session
    assert refused.status_code in {200, 429}


def test_the_lock_does_not_reach_other_accounts_or_addresses(client, editor):
    User.objects.create_user("writer", password=PASSWORD, is_staff=True)
    for _ in range(5):
        log_in(client, "editor", "guess")
    assert log_in(client, "writer", PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "editor", PASSWORD, address="198.51.100.9").status_code == 302


def test_a_success_resets_the_count(client, editor):
    for _ in range(4):
        log_in(client, "editor", "guess")
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "editor", "guess")
    assert log_in(client, "editor", PASSWORD).status_code == 302
