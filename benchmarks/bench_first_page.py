"""Benchmark: the server's CPU for a new session's first funnel page (issue 11).

A workshop room opens the app at once, so what one new session's first page costs the server
sets how long the thirtieth person waits. This starts a server, lets its warm-up finish (as on
a workshop server started before the room arrives), then opens ``--sessions`` new sessions
one after another over Streamlit's own protocol (``room_protocol.ProtocolPerson``) and prints
the server's CPU time per first page (user + system, from ``/proc``) and the wall time.
``--against DIR`` does the same for another checkout (for example main before a change) in
the same run, so the two figures share the machine's state.

    python benchmarks/bench_first_page.py [--sessions 30] [--against DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_room import REPO, cpu_seconds, load_average, start_server, wait_until_idle
from room_protocol import ProtocolPerson

TIMEOUT = 120.0


async def open_sessions(url: str, count: int) -> None:
    """``count`` new sessions' first pages, one after another; all kept open to the end."""
    people = []
    for _ in range(count):
        person = ProtocolPerson(url, TIMEOUT)
        await person.open_app()
        people.append(person)
    for person in people:
        await person.close()


def first_page_cost(checkout: Path, port: int, sessions: int) -> tuple[float, float]:
    """Server CPU seconds per first page and wall seconds for all, for ``checkout``."""
    server = start_server(port, checkout=checkout)
    url = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(open_sessions(url, 1))  # the first visit starts the warm-up
        wait_until_idle(server.pid)
        before = cpu_seconds(server.pid)
        start = time.perf_counter()
        asyncio.run(open_sessions(url, sessions))
        wall = time.perf_counter() - start
        after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    if before is None or after is None:
        raise SystemExit("could not read the server's CPU time from /proc")
    return (after - before) / sessions, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--port", type=int, default=8620)
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout measured the same way, in the same run")
    args = parser.parse_args()
    print(f"bench_first_page: load average {load_average()}, {os.cpu_count()} CPUs")
    checkouts = [("this checkout", REPO)]
    if args.against is not None:
        checkouts.append((str(args.against), args.against))
    figures = {}
    for number, (label, checkout) in enumerate(checkouts):
        figures[label] = first_page_cost(checkout, args.port + number, args.sessions)
    print(f"{args.sessions} new sessions' first funnel pages, one after another, on a warmed "
          "server:")
    for label, (cpu, wall) in figures.items():
        print(f"   {label:30s} server CPU {cpu * 1000:6.1f} ms a first page; "
              f"all {args.sessions} in {wall:5.2f} s")
    if args.against is not None:
        ours, theirs = figures["this checkout"][0], figures[str(args.against)][0]
        print(f"   ratio (this checkout / --against): {ours / theirs:.2f}")
    print(f"   (load average {load_average()})")


if __name__ == "__main__":
    main()
