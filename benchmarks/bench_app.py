"""Benchmark: re-rendering the funnel page when the organisation changes.

Run from the repository root:

    python benchmarks/bench_app.py [--reruns 20] [--browser]

With the bundled national sample loaded, it drives ``app.py`` with Streamlit's AppTest (the
script runs in this process, as the server would run it) and times

* the first, cold run of the default page (loading and analysing every trust in the sample,
  both cached with ``st.cache_resource`` afterwards),
* reruns with nothing changed (the floor: drawing the page from cached results),
* ``--reruns`` reruns, each choosing a different organisation in the sidebar (the target is a
  median under 0.5 s),

and prints each time, the medians and the ratio of the organisation-change median to the
no-change median. AppTest's own overhead (running the script in a thread, parsing the element
tree) is included in every figure alike.

``--browser`` also times the same in headless Chromium against ``streamlit run app.py``: from
choosing the organisation in the sidebar to the page's title showing it with the script run
finished (Playwright and /usr/bin/chromium needed). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET = 0.5


def _title(at) -> str:
    return at.main.title[0].value if len(at.main.title) else ""


def _check(at, code: str | None = None) -> None:
    if at.exception:
        raise SystemExit(f"the app raised: {[e.value for e in at.exception]}")
    if code is not None and at.main.caption and not at.main.caption[0].value.startswith(code):
        raise SystemExit(f"the page does not show {code}: {at.main.caption[0].value[:80]}")


def bench_apptest(reruns: int) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    _check(at)
    print(f"AppTest, national sample, default page (funnel), {len(_codes(at))} organisations")
    print(f"  cold first run:            {cold:7.3f} s")

    still = []
    for _ in range(5):
        start = time.perf_counter()
        at.run()
        still.append(time.perf_counter() - start)
        _check(at)
    print("  rerun, nothing changed:    " + ", ".join(f"{t:.3f}" for t in still) + " s")
    no_change = statistics.median(still)
    print(f"    median                   {no_change:7.3f} s")

    # Organisation codes spread through the list, never the one already shown.
    codes = [c for c in _codes(at) if c != at.session_state["org_code"]]
    step = max(len(codes) // reruns, 1)
    chosen = codes[::step][:reruns]
    times = []
    print(f"  {len(chosen)} reruns, each with a different organisation:")
    for code in chosen:
        start = time.perf_counter()
        at.selectbox(key="org_code").set_value(code).run()
        elapsed = time.perf_counter() - start
        _check(at, code)
        times.append(elapsed)
        print(f"    {code}  {elapsed:.3f} s")
    median = statistics.median(times)
    verdict = "meets" if median < TARGET else "MISSES"
    print(f"  median organisation change: {median:.3f} s ({verdict} the {TARGET} s target); "
          f"min {min(times):.3f}, max {max(times):.3f}")
    print(f"  ratio median / no-change rerun: {median / no_change:.2f}")
    print(f"  ratio cold first run / median:  {cold / median:.1f}")


def _codes(at) -> list[str]:
    """The organisation codes the sidebar offers (from the results the sidebar chose)."""
    return at.session_state["selection"].results.organisations["org_code"].astype(str).tolist()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_browser(changes: int) -> None:
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("\nBrowser: skipped (playwright not installed)")
        return
    if not chromium.exists():
        print(f"\nBrowser: skipped ({chromium} missing)")
        return
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"})
    done = "[data-testid=stApp][data-test-script-state=notRunning]"
    title = "[data-testid=stMainBlockContainer] h1"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("streamlit did not start") from None
                time.sleep(0.25)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--no-first-run", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1500, "height": 3200})
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(title, timeout=120_000)
            page.wait_for_selector(done, state="attached", timeout=120_000)
            first = time.perf_counter() - start
            print(f"\nBrowser (headless Chromium, streamlit run app.py on port {port})")
            print(f"  first page load (cold server): {first:7.3f} s")
            select = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(
                has_text="Organisation")
            times = []
            for number in range(2, 2 + changes * 10, 10):
                code = f"SYN{number:03d}"
                select.click()
                page.keyboard.type(code)
                start = time.perf_counter()
                page.keyboard.press("Enter")
                page.locator("[data-testid=stMainBlockContainer] [data-testid=stCaptionContainer]",
                             has_text=code).first.wait_for()
                page.wait_for_selector(done, state="attached")
                times.append(time.perf_counter() - start)
                print(f"    {code}  {times[-1]:.3f} s")
            print(f"  median organisation change (choice to page drawn): "
                  f"{statistics.median(times):.3f} s")
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reruns", type=int, default=20)
    parser.add_argument("--browser", action="store_true",
                        help="also time organisation changes in headless Chromium")
    parser.add_argument("--browser-changes", type=int, default=10)
    args = parser.parse_args()
    bench_apptest(args.reruns)
    if args.browser:
        bench_browser(args.browser_changes)


if __name__ == "__main__":
    main()
