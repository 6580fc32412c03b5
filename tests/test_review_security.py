"""The review app against other sites, over real HTTP to a real server: a page under a
foreign DNS name pointed at 127.0.0.1 (DNS rebinding) gets no session, no CSRF token and
cannot post; the token redirect never leads off-site."""
from __future__ import annotations

import socket

import httpx
import pytest
from review_helpers import ReviewClient, review_server, seed_links, write_run

from align.review.security import host_allowed, host_name, local_path, url_host


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return write_run(tmp_path_factory.mktemp("run"), seed_links(4))


@pytest.fixture(scope="module")
def server(run_dir):
    with review_server(run_dir) as (base, _):
        yield base


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil.example:{port}"])
def test_a_foreign_host_gets_no_page_no_session_no_token(server, host):
    port = server.rsplit(":", 1)[1]
    response = httpx.get(server + "/", headers={"Host": host.format(port=port)})
    assert response.status_code == 421
    assert "set-cookie" not in response.headers
    assert 'name="csrf"' not in response.text


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}", "localhost"])
def test_loopback_names_are_served(server, host):
    port = server.rsplit(":", 1)[1]
    response = httpx.get(server + "/", headers={"Host": host.format(port=port)})
    assert response.status_code == 200, response.text


def test_a_foreign_host_cannot_post_even_with_a_valid_token_pair(server):
    """The attacker's page would first need the session and token, which it cannot get;
    even replaying a real browser's cookie and token under the foreign name is refused."""
    browser = ReviewClient(server)
    try:
        response = browser.http.post("/reviewer", data={"csrf": browser.csrf, "name": "mallory"},
                                     headers={"Host": "evil.example"})
        assert response.status_code == 421
        assert browser.post("/reviewer", name="alice").status_code == 303  # the real origin still works
    finally:
        browser.close()


def test_the_token_redirect_stays_on_this_site(run_dir):
    with review_server(run_dir, "--token", "s3cret") as (base, _):
        for path in ("//evil.example/", "//evil.example/flag/0/0", "/\\evil.example/"):
            response = httpx.get(base + path, params={"token": "s3cret"})
            assert response.status_code == 303
            location = response.headers["location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        response = httpx.get(base + "/flag/0/0", params={"token": "s3cret", "queue": "open"})
        assert response.headers["location"] == "/flag/0/0?queue=open"


def test_bound_to_every_interface_the_machine_names_and_addresses_are_served(run_dir):
    with review_server(run_dir, "--token", "t", host="0.0.0.0") as (base, _):
        port = base.rsplit(":", 1)[1]
        for host in (socket.gethostname(), "192.0.2.7", "[2001:db8::1]"):
            assert httpx.get(base + "/", headers={"Host": f"{host}:{port}"}).status_code == 401  # token page
        assert httpx.get(base + "/", headers={"Host": f"evil.example:{port}"}).status_code == 421


def test_host_names_and_urls():
    assert host_name("[::1]:8000") == "::1" and host_name("LocalHost.:80") == "localhost"
    assert host_name("example.org") == "example.org"
    assert host_allowed("review.lan:8000", "review.lan") and not host_allowed("review.lan.evil:80", "review.lan")
    assert not host_allowed(None, "127.0.0.1") and not host_allowed("", "127.0.0.1")
    assert url_host("::") == "[::]" and url_host("::1") == "localhost" and url_host("0.0.0.0") == "0.0.0.0"
    assert local_path("/flag/1/2") == "/flag/1/2"
    assert local_path("//evil.example") == "/" and local_path("/\\evil") == "/" and local_path("https://x") == "/"
