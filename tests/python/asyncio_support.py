# SPDX-License-Identifier: MIT
"""What the asyncio test files share: a test case whose every test is
bounded in time, and bounded waits for a condition. The files that run on
GLib's loop call sharedpotato_asyncio.install() themselves (python3-gbulb,
or PyGObject 3.50+, provides it); the thread mode's does not.
"""

import asyncio
import functools
import time
import unittest

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib  # noqa: E402

TEST_LIMIT = 30.0  # seconds, for a whole test
WAIT_LIMIT = 5.0  # seconds, for one awaited event


def io_error(error, code):
    return isinstance(error, GLib.Error) and error.matches(Gio.io_error_quark(), code)


async def until(condition, limit=WAIT_LIMIT, what="condition"):
    """Lets the loop run until condition() holds; fails after @limit s."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("%s not reached in %.1f s" % (what, limit))
        await asyncio.sleep(0)


async def waiters(obj, n, limit=WAIT_LIMIT):
    """Lets the loop run until @obj has @n calls waiting in its queue."""
    await until(lambda: obj.get_stats().queue_length == n, limit, "%d waiters" % n)


def bounded(aw, limit=WAIT_LIMIT):
    return asyncio.wait_for(aw, limit)


class BoundedTestCase(unittest.IsolatedAsyncioTestCase):
    """Every async test_* of a subclass fails after TEST_LIMIT seconds
    instead of hanging."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, test in list(vars(cls).items()):
            if name.startswith("test") and asyncio.iscoroutinefunction(test):
                setattr(cls, name, cls._bounded(test))

    @staticmethod
    def _bounded(test):
        @functools.wraps(test)
        async def run(self):
            await asyncio.wait_for(test(self), TEST_LIMIT)

        return run
