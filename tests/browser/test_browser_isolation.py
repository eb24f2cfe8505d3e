"""Two people in one room, one server: neither browser is ever sent the other's data, a third
person arriving later gets only the sample, and one person's slow, hostile upload does not stop
another person's pages from being drawn.

Each browser context is a separate person (its own cookies, its own Streamlit session). What a
person was sent is every WebSocket frame their page received (browser_helpers.Received).
"""

from __future__ import annotations

import gzip
import time

from browser_helpers import Received, go, nav_links, open_app, settle, shot, upload

from tests.room_support import PEOPLE, Person

#: A hostile file for the slow-upload test: a gzip file of a few hundred kB that unpacks to
#: 200 MB of one repeated row, to keep the server's reader busy.
BOMB_ROWS = 4_000_000
#: Another person's page switch must finish in this time while the bomb is being read (a
#: generous bound on a busy 2-core machine; unhindered, a switch takes about a second).
OTHER_PAGE_TIMEOUT_MS = 45_000


def write_upload(tmp_path, who: Person):
    path = tmp_path / who.file
    path.write_bytes(who.csv())
    return path


def assert_clean(received: Received, mine: Person | None, where: str) -> None:
    sent = received.all()
    for other in PEOPLE:
        if other is not mine:
            leaked = other.found_in(sent)
            assert not leaked, f"{where}: was sent {other.code}'s {leaked}"


def test_two_browsers_never_receive_each_others_uploads(server, pages, tmp_path):
    since = server.log_size()
    people = []
    for who in PEOPLE:
        page = pages()
        received = Received().attach(page)
        open_app(page, server.url)
        people.append((page, received, who))
    for page, _, who in people:
        upload(page, write_upload(tmp_path, who))
    links = nav_links(people[0][0])
    for round_ in range(2):
        for link in links:
            for page, received, who in people:
                go(page, link)
                assert_clean(received, who, f"{who.code} on {link}")
                if round_ == 0:
                    shot(page, f"isolation-{who.code}-{link.lower().replace(' ', '-')}")
    for page, received, who in people:
        go(page, links[0])
        title = page.locator("[data-testid=stMainBlockContainer] h1").first.inner_text()
        assert who.name in title, title
        assert who.name.encode() in received.all()

    fresh = pages()
    received = Received().attach(fresh)
    open_app(fresh, server.url)
    for link in links:
        go(fresh, link)
    assert_clean(received, None, "a fresh session")
    assert b"(synthetic)" in received.all()
    assert not server.errors(since)


def gzip_bomb(path) -> None:
    row = b"RZZ,Zip Trust,2024,Band 5,White British,1\n"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"Organisation code,Organisation name,Year,Pay band,Ethnicity,Headcount\n")
        block = row * 10_000
        for _ in range(BOMB_ROWS // 10_000):
            out.write(block)


def test_a_slow_hostile_upload_does_not_stop_another_persons_pages(server, pages, tmp_path):
    bomb = tmp_path / "huge.csv.gz"
    gzip_bomb(bomb)
    since = server.log_size()
    attacker, other = pages(), pages()
    open_app(attacker, server.url)
    open_app(other, server.url)
    go(attacker, "Data")

    # Setting the file returns once the browser has it; the upload and the reading go on in
    # the attacker's session on the server while the other person keeps switching pages.
    attacker.set_input_files("input[type=file]", str(bomb))
    attacker.wait_for_selector("[data-testid=stApp][data-test-script-state=running]",
                               state="attached", timeout=30_000)
    switches = []
    links = nav_links(other)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline or len(switches) < len(links):
        link = links[len(switches) % len(links)]
        start = time.monotonic()
        other.locator("[data-testid=stSidebarNav] a", has_text=link).first.click()
        other.wait_for_timeout(200)
        other.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for(
            state="attached", timeout=OTHER_PAGE_TIMEOUT_MS)
        switches.append((link, time.monotonic() - start))
    shot(other, "hostile-upload-other-session")
    assert other.locator("[data-testid=stException]").count() == 0
    # The attacker's session gets its answer too (a message, not a crash).
    settle(attacker)
    shot(attacker, "hostile-upload-own-session")
    assert attacker.locator("[data-testid=stException]").count() == 0
    assert not server.errors(since)
    print("page switches while the bomb was read:",
          ", ".join(f"{link} {took:.1f} s" for link, took in switches))
