"""The review app as a real server (uvicorn in a subprocess): safety, concurrency, crashes."""
from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import threading

import httpx
from review_helpers import ALIGN, ReviewClient, review_server, seed_links, write_run

from align.review.db import ReviewDB
from align.review.workspace import Workspace


def test_state_changes_need_csrf_same_origin_and_post(tmp_path):
    run = write_run(tmp_path / "run", seed_links())
    with review_server(run) as (base, _):
        client = ReviewClient(base, "Ann")
        assert client.http.get("/flag/0/0/decide").status_code == 405
        assert client.http.post("/flag/0/0/decide", data={"action": "confirm"}).status_code == 403
        assert client.post("/flag/0/0/decide", action="confirm", csrf="0" * 64).status_code == 403
        foreign = client.http.post(
            "/flag/0/0/decide", data={"csrf": client.csrf, "action": "confirm"},
            headers={"Origin": "http://evil.example"},
        )
        assert foreign.status_code == 403
        other = ReviewClient(base, "Bo")  # another browser's token is not valid in this one
        assert client.post("/flag/0/0/decide", action="confirm", csrf=other.csrf).status_code == 403
        nameless = ReviewClient(base)
        assert nameless.post("/flag/0/0/decide", action="confirm").status_code == 400
        assert client.post("/flag/0/0/decide", action="dismiss").status_code == 400  # no reason
        assert client.post("/flag/0/0/decide", action="confirm").status_code == 303
    history = ReviewDB(run / "review.sqlite").all_flag_events()
    assert [(e["action"], e["reviewer"]) for e in history] == [("confirm", "Ann")]


def test_alignment_fixes_posted_from_the_pair_view_change_the_alignment(tmp_path):
    links = seed_links()
    run = write_run(tmp_path / "run", links)
    last = len(links) - 1  # the 2:1 link
    position = next(i for i, f in enumerate(Workspace(run).docs[0].flags) if f.link == last)
    with review_server(run) as (base, _):
        client = ReviewClient(base, "Ann")

        def fix(**fields) -> int:
            return client.post(f"/flag/0/{position}/align", **fields).status_code

        assert fix(action="split", link=str(last), zh_keep="1", en_keep="1") == 303
        assert fix(action="untranslated", link="0", target="zh:0") == 303
        assert fix(action="merge", link="99") == 400
        assert fix(action="split", link="0", zh_keep="0", en_keep="0") == 400
        page = client.http.get(f"/flag/0/{position}").text
    fixed = Workspace(run).current_links(Workspace(run).docs[0])
    assert [(x.zh_ids, x.en_ids) for x in fixed[:2]] == [((0,), ()), ((), (0,))]
    assert [(x.zh_ids, x.en_ids) for x in fixed[-2:]] == [((10,), (10,)), ((11,), ())]
    assert 'data-zh-ids="11" data-en-ids=""' in page
    fixes = ReviewDB(run / "review.sqlite").link_fixes()
    assert [(f["action"], f["reviewer"]) for f in fixes] == [("split", "Ann"), ("untranslated", "Ann")]


def test_nothing_outside_the_run_folder_is_reachable(tmp_path):
    run = write_run(tmp_path / "run", seed_links())
    (tmp_path / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    with review_server(run) as (base, _):
        client = ReviewClient(base)
        for path in (
            "/../secret.txt", "/%2e%2e/secret.txt", "/flag/..%2F..%2Fsecret.txt/0",
            "/static/../../secret.txt", "/flag/0/0/../../../../etc/passwd", "/etc/passwd",
            "/?doc=../../secret.txt", "/flag/-1/0", "/flag/99/0", "/flag/0/9999",
            "/docs", "/openapi.json", "/review.sqlite", "/pairs.jsonl",
        ):
            response = client.http.get(path)
            assert "TOP-SECRET" not in response.text and "root:x:" not in response.text, path
            assert response.status_code in (200, 404, 422), (path, response.status_code)
        assert client.http.get("/review.sqlite").status_code == 404
        assert client.http.get("/flag/0/9999").status_code == 404


def test_off_loopback_the_app_requires_its_token(tmp_path):
    run = write_run(tmp_path / "run", seed_links())
    with review_server(run, host="0.0.0.0") as (base, proc):
        banner = proc.stderr.readline()
        token = banner.split("?token=")[1].split()[0]
        assert httpx.get(base + "/").status_code == 401
        assert httpx.get(base + "/?token=wrong").status_code == 401
        with httpx.Client(base_url=base) as browser:
            first = browser.get(f"/?token={token}")
            assert first.status_code == 303 and "token" not in first.headers["location"]
            assert browser.get("/").status_code == 200  # the cookie now carries it
    with review_server(run, "--token", "s3cret-token") as (base, _):  # an explicit token on loopback
        assert httpx.get(base + "/").status_code == 401
        assert httpx.get(base + "/?token=s3cret-token").status_code == 303


def test_two_clients_deciding_the_same_flag_at_once_lose_nothing(tmp_path):
    run = write_run(tmp_path / "run", seed_links())
    rounds = 200
    with review_server(run) as (base, _):
        clients = {name: ReviewClient(base, name) for name in ("Ann", "Bo")}
        start = threading.Barrier(len(clients))
        failures = []

        def decide(name: str) -> None:
            start.wait()
            for i in range(rounds):
                action = "confirm" if i % 2 else "dismiss"
                response = clients[name].post(
                    "/flag/0/0/decide", action=action, reason="other", note=f"{name}-{i}"
                )
                if response.status_code != 303:
                    failures.append((name, i, response.status_code))

        threads = [threading.Thread(target=decide, args=(name,)) for name in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []
    db = ReviewDB(run / "review.sqlite")
    flag_id = db.all_flag_events()[0]["flag_id"]
    history = db.flag_history(flag_id)
    assert len(history) == 2 * rounds
    for name in ("Ann", "Bo"):
        mine = [(e["action"], e["reason"]) for e in history if e["reviewer"] == name]
        assert mine == [
            ("confirm" if i % 2 else "dismiss", f"other: {name}-{i}") for i in range(rounds)
        ]
    assert [e["id"] for e in history] == sorted(e["id"] for e in history)
    interleaved = [e["reviewer"] for e in history]
    assert any(a != b for a, b in zip(interleaved, interleaved[1:]))  # they really overlapped
    last = history[-1]
    assert db.flag_states()[flag_id].status == {"confirm": "confirmed", "dismiss": "dismissed"}[last["action"]]
    assert db.flag_states()[flag_id].reviewer == last["reviewer"]


def test_killing_the_server_mid_write_keeps_every_acknowledged_decision(tmp_path):
    run = write_run(tmp_path / "run", seed_links())
    acknowledged = []
    with review_server(run) as (base, proc):
        client = ReviewClient(base, "Ann")
        stop = threading.Event()

        def keep_commenting() -> None:
            i = 0
            while not stop.is_set():
                try:
                    response = client.post("/flag/0/1/comment", text=f"note {i}")
                except httpx.TransportError:
                    return
                if response.status_code == 303:
                    acknowledged.append(f"note {i}")
                i += 1

        writer = threading.Thread(target=keep_commenting)
        writer.start()
        while len(acknowledged) < 40:
            threading.Event().wait(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        stop.set()
        writer.join()
    conn = sqlite3.connect(run / "review.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {row[0] for row in conn.execute("SELECT comment FROM flag_events")}
    assert set(acknowledged) <= stored
    assert len(acknowledged) >= 40


def test_a_taken_port_is_a_one_line_error_and_port_0_picks_a_free_one(tmp_path, capsys):
    from align.cli import main

    run = write_run(tmp_path / "run", seed_links())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["review", str(run), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is already in use" in err and "--port 0" in err
    assert "http://" not in err  # no banner for a server that never started
    proc = subprocess.Popen(
        [*ALIGN, "review", str(run), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        banner = proc.stderr.readline()
        url = banner.split("→ ")[1].split()[0]
        assert not url.endswith(":0/")
        page = httpx.get(url, timeout=30)
        assert page.status_code == 200 and "Flags to review" in page.text
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)


def test_refusals_are_html_pages_too(tmp_path):
    run = write_run(tmp_path / "run", seed_links())
    with review_server(run, "--token", "s3cret-token") as (base, _):
        refused = httpx.get(base + "/")
        assert refused.status_code == 401 and refused.headers["content-type"].startswith("text/html")
        assert "?token=" in refused.text
        with httpx.Client(base_url=base) as client:
            client.get("/?token=s3cret-token")
            stale = client.post("/flag/0/0/decide", data={"csrf": "0" * 64, "action": "confirm"})
            assert stale.status_code == 403 and stale.headers["content-type"].startswith("text/html")
            assert "reload the page" in stale.text
