"""The package passes bandit, and the repository holds no secret."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GIT = shutil.which("git")

SECRETS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "Django secret key": re.compile(
        r"SECRET_KEY\s*=\s*[\"'](?![^\"']*not-secret)[^\"']{20,}[\"']"
    ),
    "password in a URL": re.compile(r"://[\w.-]+:[^@\s/]{6,}@"),
}


def test_bandit_reports_nothing_at_medium_severity_or_above():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-ll", "-r", str(REPO / "minbar"), "-q"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(
    GIT is None or not (REPO / ".git").exists(),
    reason="not a git checkout",
)
def test_no_secret_is_committed():
    tracked = (
        subprocess.run(
            [GIT, "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
        )
        .stdout.decode()
        .split("\0")
    )
    found = []
    for name in filter(None, tracked):
        path = REPO / name
        if not path.is_file() or path.suffix in {".mo", ".png", ".jpg", ".woff2"}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [f"{name}: {kind}" for kind, p in SECRETS.items() if p.search(text)]
    assert found == []
