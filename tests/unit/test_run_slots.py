"""wres_app.run_slots: at most N script runs at once; a run waiting outside the interpreter
lock (an upload read in a worker) lets another go; a slot comes back however a run ends."""

from __future__ import annotations

import threading
import time

import pytest

from wres_app import run_slots
from wres_app.run_slots import RunSlots

WAIT = 5.0


def start_runs(slots: RunSlots, count: int, release: threading.Event,
               inside: list[int], peak: list[int], lock: threading.Lock) -> list[threading.Thread]:
    def run() -> None:
        with slots.run_slot():
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            release.wait(WAIT)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.parametrize("size", [1, 2, 3])
def test_no_more_runs_at_once_than_slots(size):
    slots = RunSlots(size)
    release, lock = threading.Event(), threading.Lock()
    inside, peak = [0], [0]
    threads = start_runs(slots, 6, release, inside, peak, lock)
    time.sleep(0.3)
    assert inside[0] == size  # the others wait their turn
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert peak[0] == size and inside[0] == 0


def test_no_limit_with_zero():
    slots = RunSlots(0)
    release, lock = threading.Event(), threading.Lock()
    inside, peak = [0], [0]
    threads = start_runs(slots, 6, release, inside, peak, lock)
    time.sleep(0.3)
    assert inside[0] == 6
    release.set()
    for thread in threads:
        thread.join(WAIT)


def test_a_run_waiting_outside_the_lock_lets_another_go():
    slots = RunSlots(1)
    waiting, other_ran, done = threading.Event(), threading.Event(), threading.Event()

    def upload_run() -> None:
        with slots.run_slot():
            with slots.given_back():  # e.g. waiting for the reader worker
                waiting.set()
                done.wait(WAIT)
            assert slots.holding()  # its slot is back before it draws its page

    def other_run() -> None:
        waiting.wait(WAIT)
        with slots.run_slot():
            other_ran.set()

    threads = [threading.Thread(target=upload_run), threading.Thread(target=other_run)]
    for thread in threads:
        thread.start()
    assert other_ran.wait(WAIT)  # with one slot, it ran while the first waited
    done.set()
    for thread in threads:
        thread.join(WAIT)


def test_a_slot_comes_back_when_a_run_ends_early():
    """A rerun and st.stop end a run with an exception."""
    slots = RunSlots(1)
    with pytest.raises(RuntimeError), slots.run_slot():
        raise RuntimeError("st.stop")
    acquired = []
    thread = threading.Thread(target=lambda: acquired.append(slots.run_slot().__enter__()))
    thread.start()
    thread.join(WAIT)
    assert not thread.is_alive()


def test_a_nested_run_slot_does_not_wait_for_itself():
    slots = RunSlots(1)
    with slots.run_slot(), slots.run_slot():
        assert slots.holding()
    assert not slots.holding()


@pytest.mark.parametrize(("value", "wanted"), [(None, run_slots.DEFAULT_RUNS_AT_ONCE),
                                               ("0", 0), ("4", 4), (" 3 ", 3),
                                               ("many", run_slots.DEFAULT_RUNS_AT_ONCE)])
def test_the_switch(monkeypatch, value, wanted):
    if value is None:
        monkeypatch.delenv(run_slots.RUNS_AT_ONCE_SWITCH, raising=False)
    else:
        monkeypatch.setenv(run_slots.RUNS_AT_ONCE_SWITCH, value)
    assert run_slots.runs_at_once() == wanted
