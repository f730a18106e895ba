# SPDX-License-Identifier: MIT
"""The second choice: the thread mode of sharedpotato_asyncio, for an
asyncio loop that is not GLib's (asyncio's own here). A daemon thread
iterates GLib's default main context; callbacks complete the futures
through call_soon_threadsafe, and signal handlers run in that thread.

Its own process: the helper thread owns the default main context."""

import asyncio
import threading
import unittest

from asyncio_support import BoundedTestCase, until

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402

import sharedpotato_asyncio as aio  # noqa: E402

Sp = Sharedpotato
EXCLUSIVE = Sp.LockMode.EXCLUSIVE
WAIT = 5.0


class ThreadModeTest(BoundedTestCase):
    @classmethod
    def setUpClass(cls):
        aio.start_glib_thread()

    async def asyncSetUp(self):
        self.assertNotIn("glib", type(asyncio.get_running_loop()).__module__.lower())

    async def test_every_type(self):
        obj = Sp.SharedObject.new(GObject.TYPE_INT)
        threads = []
        obj.connect("changed", lambda *_: threads.append(threading.current_thread().name))
        waiter = asyncio.ensure_future(obj.get(timeout=WAIT))
        await obj.set(1)
        self.assertEqual(await asyncio.wait_for(waiter, WAIT), 1)
        async with obj.lock(timeout=WAIT) as guard:
            guard.set_value(2)
        self.assertEqual(await obj.get(), 2)
        # The helper thread emits the signals after the changes, on its
        # own time: wait for the second one.
        await until(lambda: len(threads) == 2, what="two changed signals")
        self.assertEqual(threads, ["sharedpotato-glib"] * 2)

        q = Sp.SharedQueue.new(GObject.TYPE_STRING, 1)
        pop = asyncio.ensure_future(q.pop(timeout=WAIT))
        await q.push("a", timeout=WAIT)
        self.assertEqual(await asyncio.wait_for(pop, WAIT), "a")
        await q.push("b", timeout=WAIT)
        await q.close(timeout=WAIT)
        self.assertEqual([item async for item in q], ["b"])

        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        self.assertTrue(await s.add("x", timeout=WAIT))
        self.assertEqual(await s.snapshot(timeout=WAIT), ["x"])
        await s.close(timeout=WAIT)

        with self.assertRaises(TimeoutError):
            holder = obj.try_lock(EXCLUSIVE)
            try:
                await obj.get(timeout=0.01)
            finally:
                holder.release()

    async def test_cancel_after_the_grant_gives_the_lock_back(self):
        obj = Sp.SharedObject.new_full(GObject.TYPE_INT, None, 0, None)
        holder = obj.try_lock(EXCLUSIVE)
        locking = asyncio.ensure_future(obj.lock(timeout=WAIT))
        await until(lambda: obj.get_stats().queue_length == 1)
        holder.release()  # grants the lock to the queued call
        locking.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await locking
        async with obj.lock(timeout=WAIT) as guard:
            self.assertFalse(guard.is_released())
        self.assertFalse(obj.get_stats().current_writer)

    async def test_cancelled_pop_gives_the_item_back(self):
        q = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        for _ in range(50):
            reader = asyncio.ensure_future(q.pop(timeout=WAIT))
            await until(lambda: q.get_stats().queue_length == 1)
            q.try_push(1)
            reader.cancel()
            try:
                self.assertEqual(await reader, 1)  # (it cannot be: a queue pop gives back)
            except asyncio.CancelledError:
                pass
            self.assertEqual(q.try_pop(), 1)

    async def test_coroutine_initializer_runs_on_the_served_loop(self):
        # The initializer is called in the helper thread; its coroutine
        # runs on the asyncio loop that made the calls, in its thread.
        loop = asyncio.get_running_loop()
        obj = Sp.SharedObject.new(GObject.TYPE_STRING)
        ran = []

        async def load(obj, guard):
            ran.append((threading.current_thread() is threading.main_thread(), asyncio.get_running_loop() is loop))
            await asyncio.sleep(0)  # some asynchronous work, holding the guard
            guard.set_value("theme=light")

        obj.set_initializer(load)
        values = await asyncio.wait_for(asyncio.gather(obj.get(timeout=WAIT), obj.get(timeout=WAIT)), WAIT)
        self.assertEqual(values, ["theme=light"] * 2)
        self.assertEqual(ran, [(True, True)])
        self.assertFalse(obj.get_stats().current_writer)

        # An exception reaches the gets, as in GLib's loop mode.
        failing = Sp.SharedObject.new(GObject.TYPE_INT)

        async def broken(obj, guard):
            await asyncio.sleep(0)
            raise FileNotFoundError("no config.ini")

        failing.set_initializer(broken)
        with self.assertRaises(GLib.Error) as ctx:
            await failing.get(timeout=WAIT)
        self.assertTrue(ctx.exception.matches(Sp.error_quark(), Sp.Error.FAILED))
        self.assertEqual(ctx.exception.message, "FileNotFoundError: no config.ini")

    async def test_close_handler_runs_on_the_served_loop(self):
        loop = asyncio.get_running_loop()
        obj = Sp.SharedObject.new_full(GObject.TYPE_STRING, "config", "dark", None)
        seen = []

        async def save(obj, final_value):
            await asyncio.sleep(0)
            seen.append((final_value, asyncio.get_running_loop() is loop))

        aio.on_closed(obj, save)
        await obj.close(timeout=WAIT)
        self.assertEqual(seen, [("dark", True)])  # done before the close completed

    async def test_any_gio_call(self):
        stream = Gio.MemoryInputStream.new_from_bytes(GLib.Bytes.new(b"tater"))
        data = await aio.call(stream.read_bytes_async, stream.read_bytes_finish, 5, GLib.PRIORITY_DEFAULT)
        self.assertEqual(data.get_data(), b"tater")


if __name__ == "__main__":
    unittest.main(verbosity=2)
