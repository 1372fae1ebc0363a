"""core.tasks.gc_paused: the collector is off while any paused job runs and back as it was after."""

from __future__ import annotations

import gc
import threading

from core.tasks import gc_paused


def test_overlapping_pauses_resume_the_collector_when_the_last_one_ends() -> None:
    assert gc.isenabled()
    first_in, second_out = threading.Event(), threading.Event()
    states: list[bool] = []

    def other_job() -> None:
        with gc_paused():
            first_in.set()
            second_out.wait(5)
            states.append(gc.isenabled())

    thread = threading.Thread(target=other_job)
    thread.start()
    first_in.wait(5)
    with gc_paused():
        states.append(gc.isenabled())
    states.append(gc.isenabled())  # the other job still runs
    second_out.set()
    thread.join(5)
    assert states == [False, False, False]
    assert gc.isenabled()


def test_a_pause_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
