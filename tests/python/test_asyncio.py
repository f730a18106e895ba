# SPDX-License-Identifier: MIT
"""The asyncio API of every type, on GLib's main loop (sharedpotato_asyncio
with gbulb on PyGObject 3.42, gi.events from 3.50).

Every test runs on an asyncio loop that iterates GLib's default main
context in the main thread, and is bounded in time (asyncio_support)."""

import asyncio
import gc
import logging
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

    async def test_update(self):
        # The documented use: one awaited call, the function gets the value.
        await self.obj.set(41)
        self.assertEqual(await self.obj.update(lambda v: v + 1), 42)
        self.assertEqual(await self.obj.get(), 42)

        # Many tasks at once: no increment lost, each under the lock.
        await asyncio.wait_for(
            asyncio.gather(*(self.obj.update(lambda v: v + 1) for _ in range(50))), WAIT
        )
        self.assertEqual(await self.obj.get(), 92)

        # A function that raises: the exception goes on, nothing is
        # stored, and the lock is free again.
        def fail(value):
            raise KeyError(value)

        with self.assertRaises(KeyError):
            await self.obj.update(fail)
        self.assertEqual(await self.obj.get(), 92)
        self.assertFalse(self.obj.get_stats().current_writer)
        guard = self.obj.try_lock(EXCLUSIVE)
        self.assertIsNotNone(guard)
        guard.release()

        # A result the value type cannot hold: refused, nothing stored.
        with self.assertRaises(GLib.Error):
            await self.obj.update(lambda v: v + 0.5)
        self.assertEqual(await self.obj.get(), 92)
        self.assertFalse(self.obj.get_stats().current_writer)
        with self.assertRaises(TypeError):
            await self.obj.update(42)

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

    async def test_coroutine_initializer_cancelled_before_its_first_step(self):
        # The task of an async initializer is cancelled before it ever
        # runs: the run still ends, with CANCELLED, without the collector.
        loop = asyncio.get_running_loop()

        async def load(obj, guard):
            guard.set_value(1)

        def init(obj, guard):
            # Scheduled before the task the layer creates on return, so it
            # runs before the task's first step.
            loop.call_soon(lambda: [task.cancel() for task in list(aio._initializers)])
            return load(obj, guard)

        self.obj.set_initializer(init)
        gc.collect()
        gc.disable()
        try:
            with self.assertRaises(GLib.Error) as ctx:
                await self.obj.get(timeout=WAIT)
        finally:
            gc.enable()
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.CANCELLED), ctx.exception)
        self.assertEqual(aio._initializers, set())
        guard = self.obj.try_lock(EXCLUSIVE)
        self.assertIsNotNone(guard)
        guard.release()

    async def test_coroutine_initializer_cancelled_while_it_runs(self):
        started = asyncio.Event()

        async def load(obj, guard):
            started.set()
            await asyncio.Event().wait()  # never set

        self.obj.set_initializer(load)
        getting = asyncio.ensure_future(self.obj.get(timeout=WAIT))
        await bounded(started.wait())
        for task in list(aio._initializers):
            task.cancel()
        with self.assertRaises(GLib.Error) as ctx:
            await bounded(getting)
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.CANCELLED), ctx.exception)

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


class CloseHandlerTest(BoundedTestCase):
    """on_closed: a close hold for the length of the handler."""

    async def test_the_close_waits_for_the_handler(self):
        targets = [
            (Sp.SharedObject.new_full(GObject.TYPE_STRING, "config", "dark", None), ("dark",)),
            (Sp.SharedQueue.new(GObject.TYPE_INT, 0), ()),
            (Sp.SharedSet.new(GObject.TYPE_INT), ()),
        ]
        for target, args in targets:
            events = []
            release = asyncio.Event()

            async def save(emitter, *received):
                self.assertIs(emitter, target)
                self.assertEqual(received, args)
                events.append("handler started")
                await release.wait()
                events.append("handler done")

            def sync_handler(emitter, *received):
                events.append("sync handler")

            aio.on_closed(target, save)
            aio.on_closed(target, sync_handler)
            closing = asyncio.ensure_future(target.close(timeout=WAIT))
            await until(lambda: "handler started" in events)
            await asyncio.sleep(0)
            self.assertFalse(closing.done())  # held by the async handler
            release.set()
            await bounded(closing)
            # The async handler's task starts after the emission.
            self.assertEqual(sorted(events[:2]), ["handler started", "sync handler"])
            self.assertEqual(events[2:], ["handler done"])

    async def test_a_handler_that_raises_does_not_block_the_close(self):
        obj = Sp.SharedObject.new_full(GObject.TYPE_INT, "counter", 1, None)

        def sync_broken(emitter, final_value):
            raise ValueError("sync handler bug")

        async def async_broken(emitter, final_value):
            await asyncio.sleep(0)
            raise KeyError("async handler bug")

        aio.on_closed(obj, sync_broken)
        aio.on_closed(obj, async_broken)
        with self.assertLogs("sharedpotato", logging.ERROR) as logged:
            await bounded(obj.close(timeout=WAIT))
            await until(lambda: len(logged.records) == 2)
        self.assertTrue(obj.is_closed())
        messages = sorted(record.getMessage() for record in logged.records)
        self.assertIn("close handler CloseHandlerTest.test_a_handler_that_raises_does_not_block_the_close"
                      ".<locals>.async_broken", messages[0])
        self.assertIn("of “counter” raised", messages[0])
        self.assertIn("sync_broken", messages[1])
        errors = sorted(type(record.exc_info[1]).__name__ for record in logged.records)
        self.assertEqual(errors, ["KeyError", "ValueError"])

    async def test_returns_the_handler_id(self):
        obj = Sp.SharedObject.new(GObject.TYPE_INT)
        calls = []
        handler_id = aio.on_closed(obj, lambda *args: calls.append(args))
        obj.disconnect(handler_id)
        await bounded(obj.close(timeout=WAIT))
        self.assertEqual(calls, [])
        with self.assertRaises(TypeError):
            aio.on_closed(obj, "not callable")


class AwaitableApiTest(unittest.TestCase):
    """Every type and view has an awaitable method for each of its C
    ``_async`` methods, and none for an operation it lacks: compared by
    introspection, so a C method added later cannot be forgotten."""

    def test_awaitables_match_the_async_methods(self):
        from gi.module import get_introspection_module

        raw = get_introspection_module("Sharedpotato")
        c_ops = {}
        for name in dir(raw):
            klass = getattr(raw, name)
            if isinstance(klass, type) and issubclass(klass, GObject.Object):
                ops = {m[:-len("_async")] for m, f in vars(klass).items()
                       if m.endswith("_async") and hasattr(f, "get_arguments")}
                if ops:
                    c_ops[name] = ops
        # The views of the review: they all have their awaitables.
        for view in ("Getter", "Setter", "Deleter", "Updater", "QueueProducer", "QueueConsumer", "SetQuery",
                     "SetSetter", "SetDeleter", "SetUpdater", "SetScanner"):
            self.assertIn(view, c_ops)
        every_op = set().union(*c_ops.values())

        def awaitable(klass, op):
            method = vars(klass).get(op)
            return getattr(method, "__module__", None) in ("gi.overrides.Sharedpotato", "sharedpotato_asyncio")

        for name, ops in sorted(c_ops.items()):
            klass = getattr(Sp, name)
            have = {op for op in every_op if awaitable(klass, op)}
            self.assertEqual(have, ops, "the awaitable methods of %s" % name)

    def test_peek_of_the_setter_and_the_updater(self):
        async def main():
            obj = Sp.SharedObject.new(GObject.TYPE_INT)
            self.assertEqual(await obj.get_setter().peek(), (False, 0))
            await obj.set(3)
            self.assertEqual(await obj.get_setter().peek(timeout=WAIT), (True, 3))
            self.assertEqual(await obj.get_updater().peek(timeout=WAIT), (True, 3))

        asyncio.run(asyncio.wait_for(main(), WAIT))


class ReferenceCycleTest(BoundedTestCase):
    """A failed or cancelled await leaves no reference cycle holding its
    object: with the garbage collector disabled, the object is finalized
    once the caller drops it."""

    async def assert_finalized_without_gc(self, make, fail):
        gc.collect()
        gc.disable()
        try:
            obj = make()
            finalized = asyncio.Event()
            closed = []
            obj.connect("closed", lambda *_: closed.append(True))
            ref = obj.weak_ref(finalized.set)  # kept until the end, or it is dropped
            await fail(obj)
            del obj
            await bounded(finalized.wait())
            del ref
            self.assertEqual(closed, [True])  # a dropped object closes
        finally:
            gc.enable()

    async def test_timed_out_get(self):
        async def fail(obj):
            with self.assertRaises(TimeoutError):
                await obj.get(timeout=0.01)

        await self.assert_finalized_without_gc(lambda: Sp.SharedObject.new(GObject.TYPE_INT), fail)

    async def test_failed_set(self):
        async def fail(obj):
            try:
                await obj.set(4.5)
            except GLib.Error as error:
                self.assertTrue(io_error(error, Gio.IOErrorEnum.INVALID_ARGUMENT))
            else:
                self.fail("4.5 stored in an int")

        await self.assert_finalized_without_gc(lambda: Sp.SharedObject.new(GObject.TYPE_INT), fail)

    async def test_timed_out_lock_and_pop(self):
        async def fail(obj):
            holder = obj.try_lock(EXCLUSIVE)
            with self.assertRaises(TimeoutError):
                async with obj.lock(timeout=0.01):
                    pass
            holder.release()

        await self.assert_finalized_without_gc(lambda: Sp.SharedObject.new(GObject.TYPE_INT), fail)

        async def fail_pop(queue):
            with self.assertRaises(TimeoutError):
                await queue.pop(timeout=0.01)

        await self.assert_finalized_without_gc(lambda: Sp.SharedQueue.new(GObject.TYPE_INT, 0), fail_pop)

    async def test_cancelled_get(self):
        async def fail(obj):
            task = asyncio.ensure_future(obj.get(timeout=WAIT))
            await waiters(obj, 1)
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task

        await self.assert_finalized_without_gc(lambda: Sp.SharedObject.new(GObject.TYPE_INT), fail)


class LoopTest(unittest.TestCase):
    def test_install_is_idempotent_and_glib(self):
        policy = aio.install()
        self.assertIs(aio.install(), policy)
        loop = asyncio.new_event_loop()
        try:
            self.assertIn(type(loop).__module__, ("gbulb.glib_events", "gi.events"))
        finally:
            loop.close()

    def test_a_loop_that_is_not_glibs_is_refused_at_its_first_call(self):
        # Even a call served at once (free lock, value there, item there)
        # is refused, not only one that has to wait: a program missing
        # install() fails at its first call, not at its first contention.
        # In a new thread: the check is cached per thread.
        obj = Sp.SharedObject.new_full(GObject.TYPE_INT, None, 1, None)
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        items = Sp.SharedSet.new(GObject.TYPE_INT)
        calls = {
            "get": obj.get,
            "lock": lambda: obj.lock().__aenter__(),
            "function lock": lambda: aio.lock(obj).__aenter__(),
            "push": lambda: queue.push(1),
            "pop": queue.pop,
            "add": lambda: items.add(1),
            "contains": lambda: items.contains(1),
        }
        queue.try_push(2)
        outcomes = {}

        def worker():
            loop = asyncio.SelectorEventLoop()
            try:
                for name, call in calls.items():
                    try:
                        loop.run_until_complete(call())
                    except RuntimeError as error:
                        outcomes[name] = str(error)
                    else:
                        outcomes[name] = "served"
            finally:
                loop.close()

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(WAIT)
        self.assertFalse(thread.is_alive())
        self.assertEqual(sorted(outcomes), sorted(calls))
        for name, outcome in outcomes.items():
            self.assertIn("install()", outcome, name)
        # Nothing happened.
        self.assertEqual(obj.try_get(), (True, 1))
        self.assertFalse(obj.get_stats().current_writer)
        self.assertEqual(queue.get_length(), 1)
        self.assertFalse(items.try_contains(1))

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
