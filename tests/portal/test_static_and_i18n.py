"""Everything the pages need is shipped; every text is translated into Russian and Kazakh."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_no_page_loads_anything_from_another_site():
    external = re.compile(r"""(src|href)=["'](https?:)?//""", re.IGNORECASE)
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if template.parts[-2] == "emails" or "emails" in template.parts:
            continue  # e-mails link back to the portal by absolute address
        for line in template.read_text().splitlines():
            if external.search(line):
                offenders.append(f"{template.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []
    css = (ROOT / "static").rglob("*.css")
    for sheet in css:
        assert not re.search(r"url\((['\"])?https?://", sheet.read_text()), sheet


def test_collectstatic_and_whitenoise_serve_hashed_files_in_production(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "STATIC_ROOT": str(tmp_path),
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    hashed = list(tmp_path.glob("vendor/bootstrap/bootstrap.min.*.css"))
    assert hashed and hashed[0].with_suffix(".css.gz").exists()
    code = (
        "from django.test import Client;"
        "c = Client();"
        "html = c.get('/').content.decode();"
        'import re; href = re.search(r\'href="(/static/vendor/bootstrap/[^"]+)"\', html)[1];'
        "r = c.get(href); print(href, r.status_code, r.headers.get('Cache-Control'))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    href, status, *cache = result.stdout.split()
    assert re.search(r"bootstrap\.min\.[0-9a-f]{12}\.css$", href), result.stdout + result.stderr
    assert status == "200" and "max-age" in " ".join(cache)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_text_is_translated(language):
    po = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text()
    header, *entries = po.split("\n\n")
    assert "#, fuzzy" not in header  # a fuzzy header is ignored, and plural forms with it
    missing = []
    for entry in entries:
        if "#, fuzzy" in entry:
            missing.append(entry)
            continue
        strings = re.findall(r'^msgstr(?:\[\d\])? (".*"(?:\n".*")*)', entry, re.MULTILINE)
        if any(s.replace('"', "").replace("\n", "") == "" for s in strings):
            missing.append(entry)
    assert missing == [], f"{len(missing)} untranslated entries, first: {missing[:1]}"
    # The compiled catalogue is what Django reads: it must say the same as the .po file.
    from django.utils import translation

    first = re.search(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, re.MULTILINE)
    with translation.override(language):
        assert translation.gettext(first[1]) == first[2]
