# SPDX-License-Identifier: MIT
"""Programs whose main thread runs a GLib main loop (Gio.Application.run,
GLib.MainLoop.run) await sharedpotato calls from coroutines, and their
signal handlers run on the main thread, where asyncio's loop is running.

Each test is a whole program: a watchdog quits its main loop (and fails
the test) if it does not finish in time.
"""

import asyncio
import threading
import unittest

from asyncio_support import until

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402

import sharedpotato_asyncio as aio  # noqa: E402

aio.install()
Sp = Sharedpotato
LIMIT_S = 10
WAIT = 5.0


def on_main_thread_with_asyncio():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return threading.current_thread() is threading.main_thread()


async def work(log):
    """Awaits get, set, lock, push, pop and add; signal handlers log the
    thread they run in and whether asyncio's loop is running there."""
    config = Sp.SharedObject.new(GObject.TYPE_STRING)
    config.connect("changed", lambda _o, _old, new: log.append(("changed", new, on_main_thread_with_asyncio())))
    waiter = asyncio.ensure_future(config.get(timeout=WAIT))
    await config.set("theme=dark")
    log.append(("get", await asyncio.wait_for(waiter, WAIT)))
    async with config.lock(timeout=WAIT) as guard:
        guard.set_value(guard.get_value()[1] + "; volume=11")
    log.append(("get", await config.get(timeout=WAIT)))

    jobs = Sp.SharedQueue.new(GObject.TYPE_INT, 2)
    jobs.connect("closed", lambda _q: log.append(("closed", on_main_thread_with_asyncio())))

    async def produce():
        for i in range(5):
            await jobs.push(i, timeout=WAIT)
        await jobs.close(timeout=WAIT)

    producer = asyncio.ensure_future(produce())
    log.append(("popped", [await jobs.pop(timeout=WAIT) for _ in range(2)] + [i async for i in jobs]))
    await asyncio.wait_for(producer, WAIT)

    users = Sp.SharedSet.new(GObject.TYPE_STRING)
    users.connect("item-added", lambda _s, item: log.append(("added", item, on_main_thread_with_asyncio())))
    log.append(("add", await users.add("ada", timeout=WAIT), await users.add("ada", timeout=WAIT)))

    # A handler that starts a coroutine: asyncio is usable from signals.
    started = asyncio.get_running_loop().create_future()

    def on_initialized(obj):
        task = asyncio.get_running_loop().create_task(obj.get(timeout=WAIT))
        task.add_done_callback(lambda t: started.set_result(t.result()))

    flag = Sp.SharedObject.new(GObject.TYPE_BOOLEAN)
    flag.connect("initialized", on_initialized)
    await flag.set(True)
    log.append(("from handler", await asyncio.wait_for(started, WAIT)))
    await config.close()
    # Signals are emitted in the main context after the change, in a later
    # iteration than the call that made it: wait for the last ones.
    await until(lambda: len(log) == len(EXPECTED))


EXPECTED = [
    ("changed", "theme=dark", True),
    ("get", "theme=dark"),
    ("changed", "theme=dark; volume=11", True),
    ("get", "theme=dark; volume=11"),
    ("closed", True),
    ("popped", [0, 1, 2, 3, 4]),
    ("add", True, False),
    ("added", "ada", True),
    ("from handler", True),
]


class MainLoopProgramsTest(unittest.TestCase):
    def watchdog(self, quit_func, state):
        def too_long():
            state["hung"] = True
            quit_func()
            return GLib.SOURCE_REMOVE

        return GLib.timeout_add_seconds(LIMIT_S, too_long)

    def check(self, state, log):
        self.assertNotIn("hung", state, "the program did not finish in %d s" % LIMIT_S)
        if "error" in state:
            raise state["error"]
        self.assertEqual(sorted(log, key=repr), sorted(EXPECTED, key=repr))
        self.assertLess(log.index(("get", "theme=dark")), log.index(("get", "theme=dark; volume=11")))

    def run_work(self, log, state, finished):
        task = asyncio.get_running_loop().create_task(work(log))

        def done(task):
            if not task.cancelled() and task.exception() is not None:
                state["error"] = task.exception()
            finished()

        task.add_done_callback(done)
        state["task"] = task  # keeps it alive

    def test_gio_application(self):
        app = Gio.Application(flags=Gio.ApplicationFlags.NON_UNIQUE)
        log, state = [], {}

        def on_activate(app):
            app.hold()
            self.run_work(log, state, app.release)

        app.connect("activate", on_activate)
        watchdog = self.watchdog(app.quit, state)
        status = aio.run_application(app, [])
        if "hung" not in state:
            GLib.source_remove(watchdog)
        self.assertEqual(status, 0)
        self.check(state, log)

    def test_glib_main_loop(self):
        main_loop = GLib.MainLoop()
        log, state = [], {}
        GLib.idle_add(lambda: self.run_work(log, state, main_loop.quit) or GLib.SOURCE_REMOVE)
        watchdog = self.watchdog(main_loop.quit, state)
        aio.run_main_loop(main_loop)
        if "hung" not in state:
            GLib.source_remove(watchdog)
        self.check(state, log)

    def test_running_around_the_programs_own_loop(self):
        # A program that runs its main loop itself (Gtk.main, a loop in a
        # library) marks asyncio running around it.
        main_loop = GLib.MainLoop()
        log, state = [], {}
        GLib.idle_add(lambda: self.run_work(log, state, main_loop.quit) or GLib.SOURCE_REMOVE)
        watchdog = self.watchdog(main_loop.quit, state)
        with aio.running():
            main_loop.run()
        if "hung" not in state:
            GLib.source_remove(watchdog)
        self.check(state, log)
        # Afterwards no asyncio loop is marked running.
        with self.assertRaises(RuntimeError):
            asyncio.get_running_loop()

    def test_asyncio_run_in_the_same_program(self):
        # asyncio.run (a GLib loop on the same default main context) works
        # before and after the application ran.
        log = []
        asyncio.run(asyncio.wait_for(work(log), LIMIT_S))
        self.assertEqual(sorted(log, key=repr), sorted(EXPECTED, key=repr))


if __name__ == "__main__":
    unittest.main(verbosity=2)
