# SPDX-License-Identifier: MIT
"""The asyncio API of every type, on GLib's main loop (sharedpotato_asyncio
with gbulb on PyGObject 3.42, gi.events from 3.50).

Every test runs on an asyncio loop that iterates GLib's default main
context in the main thread, and is bounded in time (asyncio_support)."""

import asyncio
import math
import threading
import time
import unittest

from asyncio_support import BoundedTestCase, bounded, io_error, until, waiters

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402

import sharedpotato_asyncio as aio  # noqa: E402

aio.install()
Sp = Sharedpotato
EXCLUSIVE = Sp.LockMode.EXCLUSIVE
SHARED = Sp.LockMode.SHARED


class ObjectTest(BoundedTestCase):
    async def asyncSetUp(self):
        self.obj = Sp.SharedObject.new(GObject.TYPE_INT)

    async def test_round_trip(self):
        self.assertEqual(await self.obj.peek(), (False, 0))
        waiter = asyncio.ensure_future(self.obj.get(timeout=WAIT))
        # asyncio runs callbacks in the order they were scheduled: one
        # yield lets the task make its call.
        await asyncio.sleep(0)
        self.assertFalse(waiter.done())
        self.assertIsNone(await self.obj.set(5))
        self.assertEqual(await bounded(waiter), 5)
        self.assertEqual(await self.obj.peek(), (True, 5))
        self.assertIsNone(await self.obj.clear())
        self.assertEqual(await self.obj.peek(), (False, 0))
        self.assertIsNone(await self.obj.close())
        self.assertIsNone(await self.obj.close())  # closing twice succeeds
        with self.assertRaises(GLib.Error) as ctx:
            await self.obj.get()
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.CLOSED))

    async def test_module_functions_are_the_methods(self):
        await aio.set(self.obj, 3)
        self.assertEqual(await aio.get(self.obj), 3)
        self.assertEqual(await aio.peek(self.obj), (True, 3))
        async with aio.lock(self.obj) as guard:
            guard.set_value(4)
        await aio.clear(self.obj)
        self.assertEqual(await aio.peek(self.obj), (False, 0))
        await aio.close(self.obj)
        self.assertTrue(self.obj.is_closed())

    async def test_timeouts_are_seconds_and_raise_timeout_error(self):
        holder = self.obj.try_lock(EXCLUSIVE)
        start = time.monotonic()
        with self.assertRaises(TimeoutError) as ctx:
            await self.obj.get(timeout=0.05)
        self.assertGreaterEqual(time.monotonic() - start, 0.045)
        self.assertTrue(io_error(ctx.exception.__cause__, Gio.IOErrorEnum.TIMED_OUT))
        # None is the object's default-timeout, none unless set.
        self.obj.props.default_timeout = 20
        with self.assertRaises(TimeoutError):
            await self.obj.lock(SHARED)
        self.obj.props.default_timeout = 0
        # 0 and negative timeouts give up at once (1 ms); inf waits.
        with self.assertRaises(TimeoutError):
            await self.obj.set(1, timeout=0)
        with self.assertRaises(TimeoutError):
            await self.obj.clear(timeout=-3)
        forever = asyncio.ensure_future(self.obj.get(timeout=math.inf))
        await waiters(self.obj, 1)
        holder.set_value(9)
        holder.release()
        self.assertEqual(await bounded(forever), 9)
        with self.assertRaises(ValueError):
            await self.obj.get(timeout=float("nan"))
        self.assertEqual(self.obj.get_stats().timeouts, 4)

    async def test_a_free_lock_is_taken_without_suspending(self):
        await self.obj.set(1)
        ran = []
        asyncio.get_running_loop().call_soon(ran.append, True)
        async with self.obj.lock() as guard:
            guard.set_value(guard.get_value()[1] + 1)
        self.assertEqual(await self.obj.get(), 2)
        # Neither the lock nor the get let the loop run the callback.
        self.assertEqual(ran, [])
        stats = self.obj.get_stats()
        self.assertEqual(stats.waited_grants, 0)
        self.assertEqual(stats.writes_granted, 2)  # the set and the lock

    async def test_lock_releases_on_error(self):
        await self.obj.set(1)
        with self.assertRaises(RuntimeError):
            async with self.obj.lock(EXCLUSIVE) as guard:
                guard.set_value(guard.get_value()[1] + 1)
                raise RuntimeError("boom")
        async with self.obj.lock(SHARED, timeout=WAIT) as guard:
            self.assertEqual(guard.get_value(), (True, 2))
        self.assertFalse(self.obj.get_stats().current_writer)
        # Released inside the block: the way out does not release again.
        async with self.obj.lock() as guard:
            guard.release()
        guard = await self.obj.lock(SHARED)
        self.assertIsInstance(guard, Sp.Guard)
        self.assertIsNone(self.obj.try_lock(EXCLUSIVE))
        guard.release()

    async def test_cancel_that_finds_the_calls_waiting_loses_no_grant(self):
        await self.obj.set(0)
        holder = self.obj.try_lock(EXCLUSIVE)
        waiting = asyncio.ensure_future(self.obj.get())
        locking = asyncio.ensure_future(self.obj.lock())
        await waiters(self.obj, 2)
        waiting.cancel()
        locking.cancel()
        for task in (waiting, locking):
            with self.assertRaises(asyncio.CancelledError):
                await bounded(task)
        # Both cancellations reached calls that were still queued: they
        # left the queue at once, and nothing was granted to them.
        stats = self.obj.get_stats()
        self.assertEqual(stats.cancellations, 2)
        self.assertEqual(stats.waited_grants, 0)
        self.assertEqual(stats.queue_length, 0)
        holder.release()
        async with self.obj.lock(timeout=WAIT) as guard:
            self.assertFalse(guard.is_released())

    async def test_lock_queues_in_order(self):
        await self.obj.set(0)
        order = []
        holder = self.obj.try_lock(EXCLUSIVE)

        async def client(name, mode):
            async with self.obj.lock(mode, timeout=WAIT) as guard:
                order.append((name, guard.get_mode()))
                if mode == EXCLUSIVE:
                    guard.set_value(guard.get_value()[1] + 1)

        tasks = []
        for name, mode in (("r1", SHARED), ("w1", EXCLUSIVE), ("r2", SHARED), ("r3", SHARED), ("w2", EXCLUSIVE)):
            tasks.append(asyncio.ensure_future(client(name, mode)))
            await waiters(self.obj, len(tasks))
        holder.release()
        await bounded(asyncio.gather(*tasks))
        self.assertEqual([name for name, _ in order], ["r1", "w1", "r2", "r3", "w2"])
        self.assertEqual(await self.obj.get(), 2)

    async def test_labels_name_the_holder(self):
        warnings = []

        def log(domain, level, message, *data):
            if level & GLib.LogLevelFlags.LEVEL_WARNING:
                warnings.append(message)

        handler = GLib.log_set_handler("Sharedpotato", GLib.LogLevelFlags.LEVEL_WARNING | GLib.LogLevelFlags.LEVEL_MESSAGE,
                                       log, None)
        self.addCleanup(GLib.log_remove_handler, "Sharedpotato", handler)
        holder = self.obj.try_lock(EXCLUSIVE)
        self.obj.props.hold_warning_ms = 1

        async def config_writer():
            async with self.obj.lock(timeout=WAIT):  # waits: labelled with this coroutine
                await until(lambda: warnings)

        writer = asyncio.ensure_future(config_writer())
        await waiters(self.obj, 1)
        holder.release()
        await bounded(writer)
        self.assertIn("lock taken by ObjectTest.test_labels_name_the_holder.<locals>.config_writer (%s:"
                      % __file__, warnings[0])
        async with self.obj.lock(label="the settings dialog"):  # free: labelled as asked
            await until(lambda: len(warnings) == 2)
        self.assertIn("lock taken by the settings dialog held for", warnings[1])

    async def test_views(self):
        getter = self.obj.get_getter()
        with self.assertRaises(TimeoutError):
            await getter.get(timeout=0.02)
        await self.obj.get_setter().set(3)
        self.assertEqual(await getter.get(), 3)
        self.assertEqual(await getter.peek(), (True, 3))
        self.assertEqual(await self.obj.get_setter().get(), 3)
        updater = self.obj.get_updater()
        async with updater.lock() as guard:
            guard.set_value(4)
        self.assertEqual(await updater.get(), 4)
        await updater.set(5)
        self.assertEqual(await getter.get(), 5)
        await self.obj.get_deleter().clear()
        self.assertEqual(await getter.peek(), (False, 0))
        await updater.clear()
        # A view keeps to its capability.
        self.assertFalse(hasattr(getter, "set"))
        self.assertFalse(hasattr(getter, "lock"))
        self.assertFalse(hasattr(updater, "close"))

    async def test_numbers_convert_without_loss_or_raise(self):
        with self.assertRaises(GLib.Error) as ctx:
            await self.obj.set(4.6)
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.INVALID_ARGUMENT))
        with self.assertRaises(GLib.Error) as ctx:
            await self.obj.set(2**40)  # PyGObject alone raised OverflowError
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.INVALID_ARGUMENT))
        self.assertFalse(self.obj.is_initialized())
        big = Sp.SharedObject.new(GObject.TYPE_UINT64)
        await big.set(2**64 - 1)
        self.assertEqual(await big.get(), 2**64 - 1)
        with self.assertRaises(OverflowError):
            await big.set(2**64)
        await self.obj.set(4.0)
        self.assertEqual(await self.obj.get(), 4)

    async def test_many_clients(self):
        await self.obj.set(0)

        async def client():
            for _ in range(20):
                async with self.obj.lock(timeout=WAIT) as guard:
                    guard.set_value(guard.get_value()[1] + 1)
                    await asyncio.sleep(0)  # hold it across a suspension

        await bounded(asyncio.gather(*(client() for _ in range(10))), 20)
        self.assertEqual(await self.obj.get(), 200)
        self.assertGreater(self.obj.get_stats().waited_grants, 0)

    async def test_signals_run_in_the_loop_thread(self):
        seen = []

        def on_changed(_obj, old, new):
            seen.append((threading.current_thread() is threading.main_thread(),
                         asyncio.get_running_loop() is loop, old, new))

        loop = asyncio.get_running_loop()
        self.obj.connect("changed", on_changed)
        await self.obj.set(1)
        await until(lambda: seen)
        self.assertEqual(seen, [(True, True, None, 1)])

    async def test_coroutine_initializer(self):
        started = []

        async def load(obj, guard):
            started.append(obj)
            await asyncio.sleep(0)  # some asynchronous work, holding the guard
            guard.set_value(len(started) * 10)

        self.obj.set_initializer(load)
        results = await bounded(asyncio.gather(*(self.obj.get(timeout=WAIT) for _ in range(3))))
        self.assertEqual(results, [10, 10, 10])
        self.assertEqual(len(started), 1)

        failing = Sp.SharedObject.new(GObject.TYPE_INT)

        async def broken(obj, guard):
            await asyncio.sleep(0)
            raise FileNotFoundError("no config.ini")

        failing.set_initializer(broken)
        with self.assertRaises(GLib.Error) as ctx:
            await failing.get(timeout=WAIT)
        self.assertTrue(ctx.exception.matches(Sp.error_quark(), Sp.Error.FAILED))
        self.assertIn("FileNotFoundError: no config.ini", ctx.exception.message)
        self.assertIsNotNone(failing.try_lock(EXCLUSIVE))

    async def test_call_awaits_any_async_pair(self):
        await self.obj.set(2)
        self.assertEqual(await aio.call(self.obj.get_async, self.obj.get_finish, 0), 2)
        guard = await aio.call(self.obj.lock_async, self.obj.lock_finish, SHARED, 0)
        guard.release()
        # Not only sharedpotato: any GIO pair.
        stream = Gio.MemoryInputStream.new_from_bytes(GLib.Bytes.new(b"spud"))
        data = await aio.call(stream.read_bytes_async, stream.read_bytes_finish, 4, GLib.PRIORITY_DEFAULT)
        self.assertEqual(data.get_data(), b"spud")

    async def test_another_thread_runs_its_own_loop(self):
        # A GLib loop of another thread iterates a main context of its own;
        # the layer makes the calls complete there.
        await self.obj.set(7)
        out = {}

        def worker():
            async def main():
                out["get"] = await self.obj.get(timeout=WAIT)
                holder = self.obj.try_lock(EXCLUSIVE)
                waiting = asyncio.ensure_future(self.obj.lock(timeout=WAIT))
                await waiters(self.obj, 1)
                holder.release()
                guard = await bounded(waiting)
                out["locked"] = guard.get_value()
                guard.release()

            asyncio.run(main())

        thread = threading.Thread(target=worker)
        thread.start()
        await until(lambda: not thread.is_alive(), 10, "the worker's end")
        self.assertEqual(out["get"], 7)
        self.assertEqual(out["locked"], (True, 7))


class QueueTest(BoundedTestCase):
    async def test_push_pop_and_async_for_until_close(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 2)

        async def produce():
            for i in range(20):
                self.assertIsNone(await queue.push(i, timeout=WAIT))
            await queue.close()

        producer = asyncio.ensure_future(produce())
        received = [item async for item in queue]
        await bounded(producer)
        self.assertEqual(received, list(range(20)))
        with self.assertRaises(GLib.Error) as ctx:
            await queue.pop()
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.CLOSED))
        with self.assertRaises(GLib.Error) as ctx:
            await queue.push(1)
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.CLOSED))

    async def test_pop_waits_and_times_out(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 0)
        with self.assertRaises(TimeoutError):
            await queue.pop(timeout=0.01)
        pop = asyncio.ensure_future(queue.pop(timeout=WAIT))
        await waiters(queue, 1)
        await queue.push("spud")
        self.assertEqual(await bounded(pop), "spud")
        self.assertEqual(queue.get_length(), 0)

    async def test_push_waits_for_room(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 1)
        await queue.push(1)
        with self.assertRaises(TimeoutError):
            await queue.push(2, timeout=0.01)
        push = asyncio.ensure_future(queue.push(3, timeout=WAIT))
        await waiters(queue, 1)
        self.assertEqual(await queue.pop(), 1)
        await bounded(push)
        self.assertEqual(await queue.pop(), 3)

    async def test_close_drop_items_and_views(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 0)
        producer, consumer = queue.get_producer(), queue.get_consumer()
        self.assertFalse(hasattr(producer, "pop"))
        self.assertFalse(hasattr(consumer, "push"))
        self.assertFalse(hasattr(consumer, "close"))
        await producer.push("a")
        await producer.push("b")
        self.assertEqual(await consumer.pop(), "a")
        dropped = []
        queue.connect("item-dropped", lambda _q, item: dropped.append(item))
        await queue.close(drop_items=True)
        await until(lambda: dropped)
        self.assertEqual(dropped, ["b"])
        self.assertEqual([item async for item in consumer], [])
        with self.assertRaises(TypeError):
            await aio.close(Sp.SharedObject.new(GObject.TYPE_INT), drop_items=True)

    async def test_items_with_a_timeout(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        await queue.push(1)
        got = []
        with self.assertRaises(TimeoutError):
            async for item in aio.items(queue, timeout=0.01):
                got.append(item)
        self.assertEqual(got, [1])

    async def test_numbers(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT64, 0)
        await queue.push(2**40)
        self.assertEqual(await queue.pop(), 2**40)
        ints = Sp.SharedQueue.new(GObject.TYPE_INT, 1)
        await ints.push(1)
        for lossy in (4.5, 2**33):
            with self.assertRaises(GLib.Error) as ctx:
                await ints.push(lossy)  # refused by the fast path, not queued
            self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.INVALID_ARGUMENT))
        self.assertEqual(ints.get_length(), 1)


class SetTest(BoundedTestCase):
    async def test_ops(self):
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        self.assertTrue(await s.add("ada"))
        self.assertFalse(await s.add("ada"))
        self.assertTrue(await s.add("bob"))
        self.assertTrue(await s.contains("bob"))
        self.assertFalse(await s.contains("eve"))
        self.assertEqual(await s.size(), 2)
        self.assertEqual(sorted(await s.snapshot()), ["ada", "bob"])
        self.assertTrue(await s.discard("bob"))
        self.assertFalse(await s.discard("bob"))
        self.assertIsNone(await s.clear())
        self.assertEqual(await s.size(), 0)
        await s.close()
        with self.assertRaises(GLib.Error) as ctx:
            await s.add("x")
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.CLOSED))

    async def test_waits_for_the_lock(self):
        s = Sp.SharedSet.new(GObject.TYPE_INT)
        # A call from a main context nobody iterates holds the set's lock
        # until that context runs its callback.
        other = GLib.MainContext.new()
        other.push_thread_default()
        held = []
        s.add_async(1, 0, None, lambda src, r: held.append(src.add_finish(r)))
        other.pop_thread_default()
        with self.assertRaises(TimeoutError):
            await s.add(2, timeout=0.01)
        add = asyncio.ensure_future(s.add(3, timeout=WAIT))
        contains = asyncio.ensure_future(s.contains(1, timeout=WAIT))
        await waiters(s, 2)
        while not held:
            other.iteration(True)
        self.assertTrue(await bounded(add))
        self.assertTrue(await bounded(contains))
        self.assertEqual(sorted(await s.snapshot()), [1, 3])

    async def test_views(self):
        s = Sp.SharedSet.new(GObject.TYPE_INT)
        setter, query, deleter = s.get_setter(), s.get_query(), s.get_deleter()
        updater, scanner = s.get_updater(), s.get_scanner()
        self.assertTrue(await setter.add(1))
        self.assertTrue(await updater.add(2))
        self.assertTrue(await query.contains(2))
        self.assertEqual(await query.size(), 2)
        self.assertEqual(sorted(await scanner.snapshot()), [1, 2])
        self.assertTrue(await deleter.discard(1))
        self.assertTrue(await updater.contains(2))
        self.assertEqual(await updater.size(), 1)
        await deleter.clear()
        self.assertEqual(await updater.snapshot(), [])
        for view in (setter, query, deleter, updater, scanner):
            self.assertFalse(hasattr(view, "close"))
        self.assertFalse(hasattr(query, "add"))
        self.assertFalse(hasattr(setter, "discard"))

    async def test_numbers(self):
        s = Sp.SharedSet.new(GObject.TYPE_UINT64)
        self.assertTrue(await s.add(2**64 - 1))
        self.assertTrue(await s.contains(2**64 - 1))
        with self.assertRaises(GLib.Error):
            await s.add(-1)


class LoopTest(unittest.TestCase):
    def test_install_is_idempotent_and_glib(self):
        policy = aio.install()
        self.assertIs(aio.install(), policy)
        loop = asyncio.new_event_loop()
        try:
            self.assertIn(type(loop).__module__, ("gbulb.glib_events", "gi.events"))
        finally:
            loop.close()

    def test_a_loop_that_is_not_glibs_is_refused(self):
        loop = asyncio.SelectorEventLoop()
        obj = Sp.SharedObject.new_full(GObject.TYPE_INT, None, 1, None)
        holder = obj.try_lock(EXCLUSIVE)
        try:
            with self.assertRaises(RuntimeError) as ctx:
                loop.run_until_complete(obj.get())
            self.assertIn("install()", str(ctx.exception))
        finally:
            loop.close()
            holder.release()


WAIT = 5.0

if __name__ == "__main__":
    unittest.main(verbosity=2)
