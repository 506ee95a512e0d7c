"""Time budgets for parsers that have no limits of their own (trafilatura, html.parser, feedparser).

A hostile page can hold a parser for minutes: 400 KB of unclosed ``<!--`` makes html.parser quadratic, and a flat
10 MB DOM kept trafilatura busy for 272 s. :func:`within_budget` runs one parse with a deadline. When the deadline
passes, a watchdog thread raises an exception *in the parsing thread* (CPython's ``PyThreadState_SetAsyncExc``),
which works in any thread, unlike ``SIGALRM``, which only reaches the main thread and not at all on Windows. The
exception is delivered between Python bytecodes, so a parser stuck in one long C call is only stopped when that call
returns; that is why the kit's own regular expressions are written to run in linear time.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from osintkit.errors import InputTimeoutError

__all__ = ["DEFAULT_TIME_BUDGET", "within_budget"]

# Seconds per parse step. A real news page takes trafilatura well under a second; the budget only stops pathologies.
DEFAULT_TIME_BUDGET = 3.0

T = TypeVar("T")

_active = threading.local()


class _Expired(BaseException):
    """Raised inside the parsing thread. A BaseException, so a third-party ``except Exception`` cannot swallow it."""


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> int:
    return int(ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc)))


class _Watchdog:
    def __init__(self, thread_id: int, seconds: float) -> None:
        self._thread_id = thread_id
        self._lock = threading.Lock()
        self._done = False
        self.fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if not self._done:
                self.fired = _set_async_exc(self._thread_id, _Expired) == 1

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True
            if self.fired:
                # The exception may still be pending (the work ended before the next bytecode check): withdraw it so
                # it cannot surface later in unrelated code. Passing NULL clears the pending exception.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread_id), None)


def within_budget(work: Callable[[], T], seconds: float | None, *, what: str, path: str | None) -> T:
    """Run ``work()``; raise :class:`InputTimeoutError` naming ``path`` if it takes longer than ``seconds``.

    ``seconds=None`` runs without a budget. A budget inside another budget on the same thread runs under the outer
    one: one watchdog per thread at a time.
    """
    if seconds is None or getattr(_active, "on", False):
        return work()
    started = time.perf_counter()
    dog = _Watchdog(threading.get_ident(), seconds)
    _active.on = True
    try:
        try:
            dog.start()
            result = work()
        finally:
            dog.stop()
        # The stop can land where Python swallows it (a weakref or __del__ callback run by the garbage collector
        # mid-parse), and the work then finishes late: the deadline, not where the exception fell, decides.
        if dog.fired:
            raise _Expired
        return result
    except _Expired:
        elapsed = time.perf_counter() - started
        raise InputTimeoutError(
            f"{what} ran past its time budget of {seconds:g} s (stopped after {elapsed:.1f} s); the input looks "
            "built to stall a parser",
            path=path,
        ) from None
    finally:
        _active.on = False
