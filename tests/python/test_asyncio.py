# SPDX-License-Identifier: MIT
"""The asyncio layer (sharedpotato_asyncio) on PyGObject 3.42."""

import asyncio
import unittest

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402

import sharedpotato_asyncio as aio  # noqa: E402

EXCLUSIVE = Sharedpotato.LockMode.EXCLUSIVE
SHARED = Sharedpotato.LockMode.SHARED


def io_error(error, code):
    return isinstance(error, GLib.Error) and error.matches(Gio.io_error_quark(), code)


class AsyncioTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.obj = Sharedpotato.SharedObject.new(GObject.TYPE_INT)

    async def test_round_trip(self):
        self.assertEqual(await aio.peek(self.obj), (False, 0))
        waiter = asyncio.ensure_future(aio.get(self.obj, timeout_ms=2000))
        await asyncio.sleep(0)
        self.assertFalse(waiter.done())
        self.assertTrue(await aio.set(self.obj, 5))
        self.assertEqual(await asyncio.wait_for(waiter, 5), 5)
        self.assertEqual(await aio.peek(self.obj), (True, 5))
        self.assertTrue(await aio.clear(self.obj))
        self.assertTrue(await aio.close(self.obj))
        with self.assertRaises(GLib.Error) as ctx:
            await aio.get(self.obj)
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.CLOSED))

    async def test_timeout_is_a_glib_error(self):
        with self.assertRaises(GLib.Error) as ctx:
            await aio.get(self.obj, timeout_ms=5)
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.TIMED_OUT))

    async def test_lock_context_manager_releases_on_error(self):
        await aio.set(self.obj, 1)
        with self.assertRaises(RuntimeError):
            async with aio.lock(self.obj, EXCLUSIVE) as guard:
                guard.set_value(guard.get_value()[1] + 1)
                raise RuntimeError("boom")
        async with aio.lock(self.obj, SHARED) as guard:
            self.assertEqual(guard.get_value(), (True, 2))
        self.assertIsNotNone(self.obj.try_lock(EXCLUSIVE))

    async def test_cancel_that_finds_the_calls_waiting_loses_no_grant(self):
        await aio.set(self.obj, 0)
        holder = self.obj.try_lock(EXCLUSIVE)
        waiting = asyncio.ensure_future(aio.get(self.obj))
        locking = asyncio.ensure_future(aio.call(self.obj.lock_async, self.obj.lock_finish, EXCLUSIVE, 0))
        await asyncio.sleep(0)  # let both tasks make their calls
        waiting.cancel()
        locking.cancel()
        for task in (waiting, locking):
            with self.assertRaises(asyncio.CancelledError):
                await task
        # Both cancellations reached calls that were still queued: nothing
        # was granted to them.
        stats = self.obj.get_stats()
        self.assertEqual(stats.cancellations, 2)
        self.assertEqual(stats.waited_grants, 0)
        self.assertEqual(stats.queue_length, 0)
        holder.release()
        async with aio.lock(self.obj, EXCLUSIVE, timeout_ms=2000) as guard:
            self.assertFalse(guard.is_released())

    async def test_cancel_after_the_grant_gives_the_lock_back(self):
        await aio.set(self.obj, 0)
        holder = self.obj.try_lock(EXCLUSIVE)
        locking = asyncio.ensure_future(aio.call(self.obj.lock_async, self.obj.lock_finish, EXCLUSIVE, 0))
        await asyncio.sleep(0)  # let the task make its call
        holder.release()  # grants the lock to the queued call
        self.assertEqual(self.obj.get_stats().waited_grants, 1)
        locking.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await locking
        async with aio.lock(self.obj, EXCLUSIVE, timeout_ms=2000) as guard:
            self.assertFalse(guard.is_released())

    async def test_views_and_wait_for(self):
        getter = self.obj.get_getter()
        with self.assertRaises(asyncio.TimeoutError):
            await asyncio.wait_for(aio.get(getter), 0.02)
        await aio.set(self.obj.get_setter(), 3)
        self.assertEqual(await aio.get(getter), 3)
        async with aio.lock(self.obj.get_updater()) as guard:
            guard.set_value(4)
        self.assertEqual(await aio.get(getter), 4)

    async def test_many_clients(self):
        await aio.set(self.obj, 0)

        async def client():
            for _ in range(20):
                async with aio.lock(self.obj) as guard:
                    guard.set_value(guard.get_value()[1] + 1)

        await asyncio.wait_for(asyncio.gather(*(client() for _ in range(10))), 20)
        self.assertEqual(await aio.get(self.obj), 200)


if __name__ == "__main__":
    unittest.main(verbosity=2)
