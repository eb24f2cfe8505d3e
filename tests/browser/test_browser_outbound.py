"""Nothing leaves the machine, and an upload leaves no trace on disk or in the log.

One server is started as a user starts it (the repository's .streamlit/config.toml, no
``--server.address``), under tests/browser/netwatch.py, which refuses and records every network
call the server process makes outside this machine, and with its own temporary and home
directories. A person visits every page, uploads a file carrying a unique marker (in the
organisation name, a label that gets echoed as "not recognised", and the file name) and visits
every page again. Then:

- every request the browser made went to the app's own host and port;
- the server made no network call outside the machine (start-up included);
- the marker is in no line of the server's log and in no file written during the run under
  the repository, the server's temporary and home directories or the system's temporary
  directory (the test's own copy of the upload excepted).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_helpers import REPO, go, nav_links, open_app, settle, shot, upload
from conftest import NETWATCH

MAX_SCANNED_BYTES = 50_000_000
LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.fixture(scope="module")
def room_run(start_server, browser, tmp_path_factory):
    """Run the visit once; the tests below check its different traces."""
    from conftest import new_page

    base = tmp_path_factory.mktemp("outbound")
    marker = f"QZMARK{uuid.uuid4().hex[:12].upper()}QZ"
    upload_dir = base / "upload"
    upload_dir.mkdir()
    upload_file = upload_dir / f"extract_{marker}.csv"
    upload_file.write_text(
        "Organisation code,Organisation name,Year,Pay band,Ethnicity,Headcount\n"
        f"RMK,Trust {marker},2024,Band 5,White British,40\n"
        f"RMK,Trust {marker},2024,Band 5,Indian,20\n"
        f"RMK,Trust {marker},2024,Band 6,White British,30\n"
        f"RMK,Trust {marker},2024,Band 6,Indian,10\n"
        f"RMK,Trust {marker},2024,Band {marker},Indian,3\n", encoding="utf-8")
    server_tmp, server_home = base / "server-tmp", base / "server-home"
    server_tmp.mkdir()
    server_home.mkdir()
    network_log = base / "network.log"
    network_log.touch()
    started = time.time()
    server = start_server(pin_address=False, watch_network=network_log,
                          env={"TMPDIR": str(server_tmp), "HOME": str(server_home)})
    since = server.log_size()

    page = new_page(browser)
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    open_app(page, server.url)
    links = nav_links(page)
    for link in links:
        go(page, link)
    upload(page, upload_file)
    assert marker in page.locator("[data-testid=stMainBlockContainer]").inner_text()
    for link in links:
        go(page, link)
        shot(page, f"outbound-{link.lower().replace(' ', '-')}")
    settle(page)
    page.context.close()
    return {"server": server, "since": since, "marker": marker, "requests": requests,
            "network_log": network_log, "started": started, "upload_dir": upload_dir,
            "scan": (REPO, server_tmp, server_home, Path(tempfile.gettempdir()))}


def test_the_netwatch_catches_an_outbound_call(tmp_path):
    """The watch used below does see (and refuse) the calls it is there to catch."""
    log = tmp_path / "self-test.log"
    subprocess.run([sys.executable, str(NETWATCH), str(log), "--self-test"], check=True,
                   timeout=60)
    assert log.read_text().splitlines() == ["connect ('8.8.8.8', 1)",
                                            "getaddrinfo 'checkip.amazonaws.com'"]


def test_the_page_requests_only_the_apps_own_host(room_run):
    own = urlsplit(room_run["server"].url).netloc
    assert room_run["requests"], "no request recorded"
    elsewhere = sorted({url for url in room_run["requests"]
                        if urlsplit(url).scheme not in LOCAL_SCHEMES
                        and urlsplit(url).netloc != own})
    assert not elsewhere, elsewhere


def test_the_server_makes_no_outbound_call(room_run):
    assert room_run["network_log"].read_text() == ""
    assert not room_run["server"].errors(room_run["since"])


def test_the_log_never_holds_an_uploaded_value(room_run):
    log = room_run["server"].log.read_bytes()
    assert log, "the server wrote no log at all"
    assert room_run["marker"].encode() not in log


def files_written_since(roots, since: float, skip: tuple[Path, ...]):
    for root in roots:
        for folder, dirs, files in os.walk(root):
            here = Path(folder)
            dirs[:] = [d for d in dirs if d != ".git" and not d.startswith("playwright")
                       and not any((here / d).is_relative_to(s) for s in skip)]
            for name in files:
                path = here / name
                try:
                    stat = path.stat()
                except OSError:
                    continue
                if stat.st_mtime >= since and stat.st_size <= MAX_SCANNED_BYTES:
                    yield path


def test_no_file_written_during_the_run_holds_an_uploaded_value(room_run):
    marker = room_run["marker"].encode()
    holding = []
    for path in files_written_since(room_run["scan"], room_run["started"] - 1,
                                    skip=(room_run["upload_dir"],)):
        try:
            if marker in path.read_bytes():
                holding.append(str(path))
        except OSError:
            continue
    assert not holding, holding
