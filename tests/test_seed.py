"""The seed page, served by Minbar, passes the shared seedcheck tool: 10 of 10."""

import importlib.util
import io
import sys
from contextlib import redirect_stdout

import pytest

from .conftest import SHARED, require_seed

pytestmark = pytest.mark.django_db

SEEDCHECK = SHARED / "tools" / "seedcheck.py"


class _Response(io.BytesIO):
    def __init__(self, status, content):
        super().__init__(content)
        self.status = status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def run_seedcheck(client, monkeypatch) -> tuple[str, int]:
    """The shared seedcheck tool run on /33234, served by the test client."""
    require_seed()
    spec = importlib.util.spec_from_file_location("seedcheck", SEEDCHECK)
    seedcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seedcheck)

    def urlopen(url, timeout=None):
        response = client.get(url.removeprefix("http://testserver"))
        return _Response(response.status_code, response.content)

    monkeypatch.setattr(seedcheck.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(sys, "argv", ["seedcheck.py", "http://testserver/33234"])
    output = io.StringIO()
    with redirect_stdout(output), pytest.raises(SystemExit) as exit_info:
        seedcheck.main()
    return output.getvalue(), exit_info.value.code


def test_seed_page_passes_seedcheck(client, newsroom, monkeypatch):
    output, code = run_seedcheck(client, monkeypatch)
    assert "seed page fidelity: 10/10 checks" in output, output
    assert code == 0
