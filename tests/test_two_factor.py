"""Two-factor authentication for the newsroom, over HTTP."""

import pytest
from django.contrib.auth.models import User
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "a long and private passphrase"  # noqa: S105


@pytest.fixture(autouse=True)
def required(settings):
    settings.MINBAR_REQUIRE_2FA = True
    # A wrong code makes the next wait a second (test_wrong_codes_slow_down);
    # the other tests type right after a wrong one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def editor():
    return User.objects.create_superuser("editor", password=PASSWORD)


def log_in(client):
    response = client.post(
        "/newsroom/login/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status_code == 302


def code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}}"


def test_a_new_account_sets_up_its_app_before_using_the_newsroom(client, editor):
    log_in(client)
    response = client.get("/newsroom/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/newsroom/two-factor/setup/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "إعداد التحقق بخطوتين" in html
    device = TOTPDevice.objects.get(user=editor, confirmed=False)

    wrong = client.post(page.request["PATH_INFO"], {"code": "000000"})
    assert wrong.status_code == 200  # the form again, with the reason
    assert "غير صحيح" in wrong.content.decode()
    assert client.get("/newsroom/pages/").status_code == 302

    done = client.post(
        "/newsroom/two-factor/setup/",
        {"code": code(device), "next": "/newsroom/pages/"},
    )
    assert done.status_code == 302 and done["Location"] == "/newsroom/pages/"
    assert client.get("/newsroom/pages/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_every_login_asks_for_a_code(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    log_in(client)
    response = client.get("/newsroom/")
    assert response["Location"].startswith("/newsroom/two-factor/")
    assert not response["Location"].startswith("/newsroom/two-factor/setup/")
    assert client.post("/newsroom/two-factor/", {"code": "123"}).status_code == 200
    assert client.get("/newsroom/").status_code == 302
    ok = client.post("/newsroom/two-factor/", {"code": code(device)})
    assert ok.status_code == 302
    assert client.get("/newsroom/").status_code == 200


def test_a_code_is_not_taken_twice_nor_from_another_site(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    log_in(client)
    used = code(device)
    client.post("/newsroom/two-factor/", {"code": used})
    client.post("/newsroom/logout/")
    log_in(client)
    again = client.post("/newsroom/two-factor/", {"code": used})
    assert again.status_code == 200  # replaying the same code is refused
    evil = client.post(
        "/newsroom/two-factor/",
        {"code": code(device, 1), "next": "https://evil.example/"},
    )
    assert evil.status_code == 302 and evil["Location"] == "/newsroom/"


def test_wrong_codes_slow_down(client, editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    log_in(client)
    client.post("/newsroom/two-factor/", {"code": "000000"})
    right_away = client.post("/newsroom/two-factor/", {"code": code(device)})
    assert right_away.status_code == 200
    assert "انتظر قليلًا" in right_away.content.decode()


def test_the_public_site_asks_nothing(client, editor, newsroom):
    log_in(client)
    assert client.get("/").status_code == 200
