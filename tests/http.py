"""A plain HTTP client for attack tests against the live server: real sockets, real cookies,
redirects not followed (a test reads each answer as an attacker's script would)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _LocalhostPolicy(http.cookiejar.DefaultCookiePolicy):
    """Secure cookies go back over plain HTTP to the loopback address, as browsers treat it."""

    def return_ok_secure(self, cookie, request):  # noqa: ANN001
        return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class HttpClient:
    """One browser: its own cookie jar, and optionally the address a proxy says it has."""

    def __init__(self, base_url: str, forwarded_for: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.forwarded_for = forwarded_for
        self.cookies = http.cookiejar.CookieJar(_LocalhostPolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base_url + path, data=body, method=method, headers=headers or {}
        )
        request.add_header("Accept-Language", "en")
        if self.forwarded_for:
            request.add_header("X-Forwarded-For", self.forwarded_for)
        if method == "POST":
            request.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:  # 304 and 4xx/5xx come here
            status, headers, raw = error.code, error.headers, error.read()
        return Answer(status, {k.lower(): v for k, v in headers.items()}, raw.decode("utf-8"))

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict[str, str], form_page: str | None = None) -> Answer:
        """POST as a browser would: first GET the page with the form for its CSRF token."""
        page = self.get(form_page or path)
        found = _CSRF.search(page.text)
        token = found.group(1) if found else self.cookie("csrftoken")
        return self.request("POST", path, {"csrfmiddlewaretoken": token or "", **data})

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def login(self, email: str, password: str) -> Answer:
        return self.post_form("/accounts/login/", {"username": email, "password": password})
