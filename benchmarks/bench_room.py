"""Benchmark: a workshop room of N people using one server at once.

Run from the repository root:

    python benchmarks/bench_room.py [--users 30] [--per-browser 5] [--port 8603]
                                    [--rows 5000] [--spread 0] [--think 0] [--pin]
                                    [--nice] [--url URL] [--warm wait|off]
                                    [--browsers K] [--app SCRIPT] [--chromium PATH]

It starts ``streamlit run app.py`` (unless ``--url`` names a running server), launches
headless Chromium (/usr/bin/chromium, Playwright) with ``--per-browser`` contexts each (one
context = one person, with their own Streamlit session) and lets all N people arrive at once
(within ``--spread`` seconds) and each, as fast as the app answers (or, with ``--think``,
pausing a random 0.5 to 1.5 times that many seconds before each step, as a person reading
the page would):

1. open the app (the progression funnel of the synthetic sample),
2. change the trust in the sidebar,
3. open the peer comparison,
4. open the Data page,
5. upload their own staff-level CSV of about ``--rows`` rows (one synthetic trust each,
   generated with ``wres_core.synthetic``),
6. open the progression funnel again, now of their own trust.

Each step is timed from the action (navigation, key press, click, file chosen) to the page
drawn: the element that step must show is there and Streamlit's script run has finished. It
prints p50 / p95 / max per step, the errors (exceptions shown, timeouts) and the server's
peak resident memory (VmHWM). The browsers run on the same machine as the server, so on a
small machine their rendering competes with the server for the CPU: the figures are an upper
bound for a room where every person has their own computer. As a baseline measured in the
same run, step 1 is also timed for one person alone before the room arrives.

``--pin`` gives the server one CPU of its own and the browsers the other(s); ``--nice`` runs
the browsers at the lowest priority instead, so that the server has the CPU whenever it needs
it: two models of a real room, where each person's browser runs on their own computer and the
server's CPU is not taken by thirty renderers. With ``--nice`` the browsers' step times are
their own starved drawing; the server's own run times, printed last, are what a room waits
for the server.

``--browsers K`` gives only K of the people a Chromium page; the others speak Streamlit's own
protocol over its websocket with no browser (``room_protocol.py``: the same messages, the same
upload route), costing the machine milliseconds where a Chromium page of this app costs
seconds. That is the room as the server sees it when every person's browser runs on their own
computer: the protocol people's times are the server's answers, the K browsers' times are
pages drawn while the server answers the whole room. ``--app benchmarks/room_floor_app.py``
serves a near-empty app that draws what each step waits for and nothing else: what N real
browsers cost on this machine whatever the app, the floor under our figures.

Nothing is asserted; the target from issue 11 is p95 under 3 s per step with no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))  # room_protocol

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 1000}
DONE = "[data-testid=stApp][data-test-script-state=notRunning]"
MAIN = "[data-testid=stMainBlockContainer]"
EXCEPTION = "[data-testid=stException]"
NAV = "[data-testid=stSidebarNav] a"
STEPS = ("open funnel", "change trust", "open peers", "open data", "upload", "funnel again")
STEP_TIMEOUT_MS = 120_000
TARGET_P95 = 3.0


@dataclass
class Person:
    number: int
    csv: Path
    org_name: str
    browser: bool = True  # a Chromium page; False: a protocol client (room_protocol.py)
    times: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def staff_csv(number: int, rows: int, folder: Path) -> tuple[Path, str]:
    """A staff-level extract of about ``rows`` rows for one synthetic trust of its own."""
    from wres_core import synthetic

    seed = 1000 + number
    while True:
        workforce = synthetic.generate_workforce(1, years=(2024,), seed=seed)
        if workforce["headcount"].sum() >= rows:
            break
        seed += 1000
    staff = synthetic.staff_level_rows(workforce, seed=seed, messy=True)
    staff = staff.head(rows)
    name = str(workforce["org_name"].iloc[0])
    path = folder / f"person_{number:02d}_esr.csv"
    staff.to_csv(path, index=False)
    return path, name


def start_server(port: int, cpus: set[int] | None = None, warm: str = "wait",
                 run_log: Path | None = None, app: str = "app.py",
                 checkout: Path = REPO) -> subprocess.Popen:
    """``streamlit run app.py`` (or ``app``) in ``checkout``; on ``cpus`` only when given (its
    upload readers too); with ``warm`` "off", without the warm-up of every trust's first pages
    (``wres_app.warmup``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", app, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
             **({"WRES_WARM_PAGES": "off"} if warm == "off" else {}),
             **({"WRES_RUN_LOG": str(run_log)} if run_log else {})},
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("streamlit did not start") from None
            time.sleep(0.25)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of the process and its finished children (the upload readers),
    from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int, quiet: float = 3.0, limit: float = 900.0) -> float:
    """Wait until the server has used less than 2% of a CPU for ``quiet`` seconds (its
    warm-up done, as on a workshop server started before the room arrives); seconds waited."""
    start = time.monotonic()
    last = cpu_seconds(pid) or 0.0
    while time.monotonic() - start < limit:
        time.sleep(quiet)
        now = cpu_seconds(pid) or last
        if now - last < 0.02 * quiet:
            break
        last = now
    return time.monotonic() - start


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} CPUs"


def peak_memory_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def drawn(page, selector: str, text: str | None = None) -> None:
    """The step's element is there and the script run that drew it has finished."""
    locator = page.locator(selector, has_text=text) if text else page.locator(selector)
    await locator.first.wait_for(timeout=STEP_TIMEOUT_MS)
    await page.wait_for_timeout(50)
    await page.locator(DONE).wait_for(state="attached", timeout=STEP_TIMEOUT_MS)


async def timed(person: Person, page, step: str, action, selector: str,
                text: str | None = None) -> bool:
    start = time.perf_counter()
    try:
        await action()
        await drawn(page, selector, text)
    except Exception as error:  # a timeout or a closed page: count it, go on to the report
        person.errors.append(f"person {person.number}, {step}: {type(error).__name__}: "
                             f"{str(error).splitlines()[0][:160]}")
        return False
    person.times[step] = time.perf_counter() - start
    if await page.locator(EXCEPTION).count():
        person.errors.append(f"person {person.number}, {step}: exception shown on the page")
    return True


async def nav(page, title: str) -> None:
    await page.locator(NAV, has_text=title).first.click()


async def choose_trust(page, code: str) -> None:
    select = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(
        has_text="Organisation")
    await select.click()
    await page.keyboard.type(code)
    await page.keyboard.press("Enter")


async def one_person(browser, url: str, person: Person, delay: float, think: float,
                     rng: random.Random) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    code = trust_code(person)
    try:
        steps = [
            ("open funnel", lambda: page.goto(url), f"{MAIN} h1", "Progression funnel:"),
            ("change trust", lambda: choose_trust(page, code),
             f"{MAIN} [data-testid=stCaptionContainer]", code),
            ("open peers", lambda: nav(page, "Peer comparison"), f"{MAIN} h1",
             "Peer comparison"),
            ("open data", lambda: nav(page, "Data"), f"{MAIN} h1", "Data"),
            ("upload", lambda: page.set_input_files("input[type=file]", str(person.csv)),
             f"{MAIN} [data-testid=stAlertContentSuccess]", "Ready:"),
            ("funnel again", lambda: nav(page, "Progression funnel"), f"{MAIN} h1",
             person.org_name),
        ]
        for number, (step, action, selector, text) in enumerate(steps):
            if think and number:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            if not await timed(person, page, step, action, selector, text):
                break
    finally:
        await context.close()


async def one_protocol_person(url: str, person: Person, delay: float, think: float,
                              rng: random.Random) -> None:
    """The same six steps as ``one_person``, over Streamlit's websocket with no browser
    (``room_protocol.py``): each timed to the server's last message of the run that drew
    the step's element."""
    from room_protocol import ProtocolPerson

    await asyncio.sleep(delay)
    client = ProtocolPerson(url, STEP_TIMEOUT_MS / 1000)
    code = trust_code(person)
    name = person.org_name
    steps = [
        ("open funnel", client.open_app),
        ("change trust", lambda: client.choose_trust(code)),
        ("open peers", lambda: client.open_page("Peer comparison", "Peer comparison")),
        ("open data", lambda: client.open_page("Data", "Data")),
        ("upload", lambda: client.upload(person.csv, "Ready:")),
        ("funnel again", lambda: client.open_page(
            "Progression funnel", "Progression funnel:",
            lambda text: name in text.replace("\\", ""))),
    ]
    try:
        for number, (step, action) in enumerate(steps):
            if think and number:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            start = time.perf_counter()
            try:
                await action()
            except Exception as error:  # a timeout, an exception shown: count it, go on
                person.errors.append(f"person {person.number} (protocol), {step}: "
                                     f"{type(error).__name__}: {str(error)[:160]}")
                break
            person.times[step] = time.perf_counter() - start
    finally:
        await client.close()


def trust_code(person: Person) -> str:
    """The sample trust each person switches to (spread over the 215)."""
    return f"SYN{2 + (person.number * 7) % 200:03d}"


def processes_cpu_seconds(*names: str) -> float:
    """CPU time used so far by every process whose name holds one of ``names``."""
    return sum(seconds for key, seconds in cpu_by_process_name().items()
               if any(part in key.rsplit(":", 1)[0] for part in names))


def cpu_by_process_name() -> dict[str, float]:
    """CPU time used so far per process name (pid included, so that the difference of two
    readings counts only processes alive at both or started between them)."""
    found: dict[str, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.find("(") + 1:text.rfind(")")]
        fields = text.rsplit(")", 1)[1].split()
        found[f"{name}:{stat.parent.name}"] = (sum(int(f) for f in fields[11:13])
                                               / os.sysconf("SC_CLK_TCK"))
    return found


def browser_cpu_seconds() -> float:
    """CPU time used so far by every Chromium process on the machine (renderers included)."""
    return processes_cpu_seconds("chrom")


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all CPUs, all processes), from /proc/stat."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def run_room(url: str, people: list[Person], per_browser: int, spread: float,
                   think: float) -> float:
    """Run the room; returns the CPU time the browsers used meanwhile."""
    from playwright.async_api import async_playwright

    with_browser = [person for person in people if person.browser]
    async with async_playwright() as playwright:
        browsers = [await playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                    for _ in range((len(with_browser) + per_browser - 1) // per_browser)]
        rng = random.Random(11)
        before = browser_cpu_seconds()
        self_before = processes_cpu_seconds("node", "python3", "python")  # driver + script
        busy_before = machine_busy_seconds()
        names_before = cpu_by_process_name()
        await asyncio.gather(
            *(one_person(browsers[i // per_browser], url, person, rng.uniform(0, spread),
                         think, random.Random(100 + person.number))
              for i, person in enumerate(with_browser)),
            *(one_protocol_person(url, person, rng.uniform(0, spread), think,
                                  random.Random(100 + person.number))
              for person in people if not person.browser))
        used = browser_cpu_seconds() - before
        RUN_CPU["machine busy"] = machine_busy_seconds() - busy_before
        by_name: dict[str, float] = {}
        for key, seconds in cpu_by_process_name().items():
            name = key.rsplit(":", 1)[0]
            by_name[name] = by_name.get(name, 0.0) + seconds - names_before.get(key, 0.0)
        for name, seconds in sorted(by_name.items(), key=lambda kv: -kv[1])[:6]:
            RUN_CPU[f"  processes named {name!r}"] = seconds
        RUN_CPU["python and node (server, this script, Playwright's driver)"] = (
            processes_cpu_seconds("node", "python3", "python") - self_before)
        for browser in browsers:
            await browser.close()
        return used


async def alone(url: str, browser: bool = True) -> float:
    """Baseline: one person opening the funnel with nobody else about (in Chromium, or with
    ``browser`` False over the protocol)."""
    if not browser:
        from room_protocol import ProtocolPerson

        client = ProtocolPerson(url, STEP_TIMEOUT_MS / 1000)
        start = time.perf_counter()
        await client.open_app()
        took = time.perf_counter() - start
        await client.close()
        return took

    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                   args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport=VIEWPORT)
        start = time.perf_counter()
        await page.goto(url)
        await drawn(page, f"{MAIN} h1", "Progression funnel:")
        took = time.perf_counter() - start
        await browser.close()
        return took


#: Other CPU figures of the last room run (filled by run_room, printed by report).
RUN_CPU: dict[str, float] = {}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def report(people: list[Person], wall: float, baselines: dict[bool, float], peak: float | None,
           first_alone: float, server_cpu: float | None, loads: tuple[str, str],
           browser_cpu: float) -> None:
    alone_text = "; ".join(f"{'in Chromium' if browser else 'over the protocol'} "
                           f"{seconds:.2f} s" for browser, seconds in baselines.items())
    print(f"\n{len(people)} people, whole run {wall:.1f} s; one person alone, before: open "
          f"funnel {alone_text} (first visitor of the fresh server: {first_alone:.2f} s)")
    print(f"load average (1/5/15 min) before {loads[0]}, after {loads[1]}")
    if server_cpu is not None:
        print(f"server CPU time during the room (upload readers included): {server_cpu:.1f} s "
              f"({server_cpu / wall:.0%} of one CPU over the run)")
    print(f"browsers' CPU time during the room (all Chromium processes): {browser_cpu:.1f} s "
          f"({browser_cpu / wall:.0%} of one CPU)")
    for what, seconds in RUN_CPU.items():
        print(f"{what}: {seconds:.1f} s of CPU ({seconds / wall:.0%} of one CPU; the machine "
              f"has {os.cpu_count()})")
    worst = 0.0
    for browser, who in ((True, "with a Chromium page (action to page drawn)"),
                         (False, "on the protocol, no browser (action to the server's last "
                                 "message of the run)")):
        group = [p for p in people if p.browser == browser]
        if not group:
            continue
        print(f"{len(group)} people {who}:")
        times = {step: [p.times[step] for p in group if step in p.times] for step in STEPS}
        baseline = baselines[browser]
        worst = max(worst, step_table(times, "p95 / alone",
                                      lambda step, p95, alone=baseline: f"{p95 / alone:5.1f}"))
    errors = [e for p in people for e in p.errors]
    if peak is not None:
        print(f"server peak resident memory (VmHWM): {peak:,.0f} MB")
    verdict(worst, errors)


def step_table(times: dict[str, list[float]], last_heading: str,
               last_value: Callable[[str, float], str]) -> float:
    """Print p50 / p95 / max per step (and a last column of the caller's); the worst p95."""
    print(f"{'step':<14} {'n':>3} {'p50 s':>7} {'p95 s':>7} {'max s':>7}  {last_heading}")
    worst = 0.0
    for step in STEPS:
        values = times.get(step, [])
        if not values:
            print(f"{step:<14} {0:>3}")
            continue
        p95 = percentile(values, 0.95)
        worst = max(worst, p95)
        print(f"{step:<14} {len(values):>3} {statistics.median(values):7.2f} {p95:7.2f} "
              f"{max(values):7.2f}  {last_value(step, p95)}")
    return worst


def server_runs(run_log: Path, offset: int) -> dict[str, list[float]]:
    """The server's own run times per page from its run log (``wres_app/run_log.py``), from
    byte ``offset`` on (the room's runs only)."""
    runs: dict[str, list[float]] = {}
    if not run_log.exists():
        return runs
    with run_log.open("rb") as log:
        log.seek(offset)
        for line in log.read().decode().splitlines():
            page, _, seconds = line.rpartition(" ")
            runs.setdefault(page, []).append(float(seconds))
    return runs


def runs_table(runs: dict[str, list[float]]) -> None:
    """p50 / p95 / max of the server's script runs, page by page (wall time in the server,
    waiting for the interpreter lock included; the browsers' drawing not)."""
    print("the server's own script runs (each rerun of a page, from its start to its end):")
    print(f"{'page':<14} {'runs':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for page, values in sorted(runs.items(), key=lambda kv: -len(kv[1])):
        print(f"{page:<14} {len(values):>5} {statistics.median(values):7.3f} "
              f"{percentile(values, 0.95):7.3f} {max(values):7.3f}")


def verdict(worst: float, errors: list[str], where: str = "") -> None:
    """The errors (the first 20) and the verdict against issue 11's target."""
    print(f"errors: {len(errors)}")
    for error in errors[:20]:
        print(f"  {error}")
    met = "meets" if worst < TARGET_P95 and not errors else "MISSES"
    print(f"worst step p95 {worst:.2f} s: {met} the target (p95 < {TARGET_P95:.0f} s, "
          f"no errors){where}")


def main() -> None:
    global CHROMIUM
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--per-browser", type=int, default=5)
    parser.add_argument("--port", type=int, default=8603)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--spread", type=float, default=0.0,
                        help="people arrive at random within this many seconds (0: at once)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause in seconds before each step after the first "
                             "(0: each step as soon as the last is drawn)")
    parser.add_argument("--pin", action="store_true",
                        help="run the server on one CPU and the browsers on the other(s)")
    parser.add_argument("--nice", action="store_true",
                        help="run the browsers (and this script) at the lowest CPU priority, "
                             "the server at normal priority: the server answers as if each "
                             "person's browser ran on their own computer, and its own run "
                             "times (printed last) are the room's wait for the server")
    parser.add_argument("--browsers", type=int, default=None,
                        help="how many of the people have a real Chromium page (default: "
                             "all); the others speak Streamlit's protocol with no browser "
                             "(room_protocol.py), as people whose browsers run on their own "
                             "computers load only the server")
    parser.add_argument("--app", default="app.py",
                        help="the script to serve (benchmarks/room_floor_app.py: the floor, "
                             "what any Streamlit app costs here)")
    parser.add_argument("--chromium", default=None,
                        help="the browser (Debian's chromium, or its chromium-headless-shell)")
    parser.add_argument("--url", help="use this running server instead of starting one")
    parser.add_argument("--warm", choices=("wait", "off"), default="wait",
                        help="wait: the room arrives once the server's warm-up of every "
                             "trust's first pages is done (a server started before the "
                             "workshop); off: a server started without it")
    args = parser.parse_args()

    CHROMIUM = args.chromium or CHROMIUM
    browsers = args.users if args.browsers is None else min(args.browsers, args.users)
    # Spread the browsers over the room (person numbers set the trust and the file).
    with_browser = {int(j * args.users / browsers) for j in range(browsers)}
    folder = Path(tempfile.mkdtemp(prefix="bench_room_"))
    people = []
    for number in range(args.users):
        path, name = staff_csv(number, args.rows, folder)
        people.append(Person(number, path, name, browser=number in with_browser))
    print(f"{args.users} staff-level files of {args.rows:,} rows in {folder}; arrivals within "
          f"{args.spread:g} s, think time {args.think:g} s; {browsers} people in Chromium "
          f"({CHROMIUM}), {args.users - browsers} over the protocol; serving {args.app}")

    server_cpus = browser_cpus = None
    if args.pin:
        # A model of a room where the server has a CPU of its own and every person's browser
        # runs elsewhere: here the browsers share the other CPU(s).
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            raise SystemExit("--pin needs at least 2 CPUs")
        server_cpus, browser_cpus = {cpus[0]}, set(cpus[1:])
        os.sched_setaffinity(0, browser_cpus)  # the browsers inherit it
        print(f"server on CPU {cpus[0]}; browsers and this script on CPU(s) "
              f"{', '.join(map(str, sorted(browser_cpus)))}")
    run_log = folder / "server_runs.log"
    server = None if args.url else start_server(args.port, server_cpus, args.warm, run_log,
                                                     args.app)
    url = args.url or f"http://127.0.0.1:{args.port}"
    if args.nice:
        os.nice(19)  # after the server started: it keeps its priority, the browsers inherit
        print("browsers and this script at nice 19, the server at 0")
    try:
        any_browser = bool(with_browser)
        first_alone = asyncio.run(alone(url, any_browser))  # it starts the warm-up
        if server is not None and args.warm == "wait":
            waited = wait_until_idle(server.pid)
            print(f"warm-up: the server went idle {waited:.0f} s after the first visit")
        baselines = {kind: asyncio.run(alone(url, kind))
                     for kind in (True, False) if any(p.browser == kind for p in people)}
        cpu_before = cpu_seconds(server.pid) if server else None
        log_offset = run_log.stat().st_size if run_log.exists() else 0
        load_before = load_average()
        start = time.perf_counter()
        browser_cpu = asyncio.run(run_room(url, people, args.per_browser, args.spread,
                                           args.think))
        wall = time.perf_counter() - start
        peak = peak_memory_mb(server.pid) if server else None
        server_cpu = None
        if server is not None and cpu_before is not None:
            server_cpu = (cpu_seconds(server.pid) or cpu_before) - cpu_before
        report(people, wall, baselines, peak, first_alone, server_cpu,
               (load_before, load_average()), browser_cpu)
        if server is not None:
            runs_table(server_runs(run_log, log_offset))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
