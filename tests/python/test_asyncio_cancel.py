# SPDX-License-Identifier: MIT
"""Cancel safety of the asyncio layer.

The cancellation tests of CPython's test_asyncio/test_queues.py and
test_asyncio/test_locks.py, ported to SpSharedQueue and SpSharedObject's
lock (rewritten for this API, not copied), then the windows a GLib call
adds, then seeded storms.

A cancelled await ends in CancelledError only if nothing happened: a pop
that was served puts its item back at the head of the queue, a lock that
was granted is released, a push that was served returns normally (its
item is in the queue). Three moments are tested for each:

* the call is still waiting: the library drops it at once;
* the call was served, its delivery not yet run: the library's settle
  step, then the layer, give back or report;
* the future already has its result and the task's wakeup is scheduled,
  and the cancellation arrives before the task resumes: the coroutine sees
  CancelledError at its await; the layer gives back or reports.

asyncio runs ready callbacks in the order they were scheduled, so one
``await asyncio.sleep(0)`` after creating a task lets it make its call,
as in CPython's own tests; everything else waits for an observable state,
bounded in time.
"""

import asyncio
import os
import random
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
WAIT = 5.0


def int_queue(capacity=0):
    return Sp.SharedQueue.new(GObject.TYPE_INT, capacity)


def int_object(value=0):
    return Sp.SharedObject.new_full(GObject.TYPE_INT, None, value, None)


def cancel_after_delivery(task, probe):
    """Cancels @task from the callback of a call made now on @probe. The
    library delivers the completions of a main context in order, so that
    callback runs after the deliveries already due, the task's among them,
    and before the task resumes (its wakeup is a loop callback scheduled by
    that delivery). Returns a list that receives, when the callback ran,
    whether the task's future had its result by then."""
    seen = []

    def cancel(source, result):
        source.peek_finish(result)
        waiter = task._fut_waiter
        seen.append(waiter is not None and waiter.done() and not waiter.cancelled())
        task.cancel()

    probe.peek_async(0, None, cancel)
    return seen


class QueuePortsTest(BoundedTestCase):
    """test_asyncio/test_queues.py, the cancellation cases."""

    async def test_get_cancel_drop_one_pending_reader(self):
        q = int_queue()
        reader = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        q.try_push(1)
        q.try_push(2)
        reader.cancel()
        try:
            await reader
        except asyncio.CancelledError:
            # try again
            reader = asyncio.create_task(q.pop(timeout=WAIT))
            await bounded(reader)
        # 2 would mean that 1 was dropped.
        self.assertEqual(reader.result(), 1)
        self.assertEqual(q.try_pop(), 2)

    async def test_get_cancel_drop_many_pending_readers(self):
        q = int_queue()
        reader1 = asyncio.create_task(q.pop(timeout=WAIT))
        reader2 = asyncio.create_task(q.pop(timeout=WAIT))
        reader3 = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(q, 3)
        q.try_push(1)
        q.try_push(2)
        reader1.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await reader1
        await bounded(reader3)
        # Which reader gets which item is not defined; none is lost.
        self.assertEqual({reader2.result(), reader3.result()}, {1, 2})
        self.assertEqual(q.get_length(), 0)

    async def test_put_cancel_drop(self):
        q = int_queue(1)
        q.try_push(1)
        # Pushing a second item has to wait: the queue is full.
        writer = asyncio.create_task(q.push(2, timeout=WAIT))
        await asyncio.sleep(0)
        self.assertEqual(q.try_pop(), 1)  # makes room: the push is served
        writer.cancel()
        try:
            await writer
        except asyncio.CancelledError:
            # try again
            writer = asyncio.create_task(q.push(2, timeout=WAIT))
            await bounded(writer)
        self.assertEqual(q.try_pop(), 2)
        self.assertEqual(q.get_length(), 0)

    async def test_get_cancelled(self):
        q = int_queue()

        async def queue_get():
            return await asyncio.wait_for(q.pop(), WAIT)

        get_task = asyncio.create_task(queue_get())
        await asyncio.sleep(0)
        await waiters(q, 1)
        q.try_push(1)
        self.assertEqual(await bounded(get_task), 1)

    async def test_get_cancelled_race(self):
        q = int_queue()
        t1 = asyncio.create_task(q.pop(timeout=WAIT))
        t2 = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        t1.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await t1
        self.assertTrue(t1.cancelled())
        q.try_push(7)
        self.assertEqual(await bounded(t2), 7)

    async def test_put_cancelled_race(self):
        q = int_queue(1)
        put_a = asyncio.create_task(q.push(10, timeout=WAIT))
        put_b = asyncio.create_task(q.push(20, timeout=WAIT))
        put_c = asyncio.create_task(q.push(30, timeout=WAIT))
        await asyncio.sleep(0)
        self.assertTrue(put_a.done())
        self.assertFalse(put_b.done())
        put_b.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await put_b
        self.assertEqual(await q.pop(), 10)
        self.assertEqual(await q.pop(timeout=WAIT), 30)
        await bounded(put_c)
        self.assertEqual(q.get_length(), 0)

    async def test_cancelled_getters_not_being_held(self):
        q = int_queue()
        readers = [asyncio.create_task(q.pop(timeout=WAIT)) for _ in range(3)]
        await asyncio.sleep(0)
        await waiters(q, 3)
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        self.assertTrue(all(reader.cancelled() for reader in readers))
        # Nobody waits any more: the next item stays in the queue.
        self.assertEqual(q.get_stats().queue_length, 0)
        self.assertEqual(q.get_stats().cancellations, 3)
        q.try_push(1)
        self.assertEqual(q.get_length(), 1)

    async def test_cancelled_puts_not_being_held(self):
        q = int_queue(1)
        q.try_push(0)
        writers = [asyncio.create_task(q.push(i, timeout=WAIT)) for i in range(1, 4)]
        await asyncio.sleep(0)
        await waiters(q, 3)
        for writer in writers:
            writer.cancel()
        await asyncio.gather(*writers, return_exceptions=True)
        self.assertTrue(all(writer.cancelled() for writer in writers))
        self.assertEqual(q.get_stats().queue_length, 0)
        self.assertEqual(q.try_pop(), 0)
        self.assertEqual(q.get_length(), 0)  # no cancelled item slipped in

    async def test_why_are_putters_waiting(self):
        q = int_queue(2)

        async def putter(item):
            await q.push(item, timeout=WAIT)

        async def getter():
            await asyncio.sleep(0)
            for _ in range(q.get_length()):
                q.try_pop()

        await bounded(asyncio.gather(getter(), putter(0), putter(1), putter(2), putter(3)))


class LockPortsTest(BoundedTestCase):
    """test_asyncio/test_locks.py, the Lock cancellation cases."""

    async def test_acquire_cancel(self):
        obj = int_object()
        holder = obj.try_lock(EXCLUSIVE)
        task = asyncio.ensure_future(obj.lock(timeout=WAIT))
        asyncio.get_running_loop().call_soon(task.cancel)
        with self.assertRaises(asyncio.CancelledError):
            await task
        self.assertEqual(obj.get_stats().queue_length, 0)
        holder.release()
        self.assertIsNotNone(obj.try_lock(EXCLUSIVE))

    async def test_cancel_race(self):
        # A holds the lock, B and C wait; B is cancelled as A releases. C
        # must get the lock, and B must not.
        obj = int_object()
        holders = []

        async def lockit(name, blocker):
            async with obj.lock(timeout=WAIT):
                holders.append(name)
                if blocker is not None:
                    await blocker

        fa = asyncio.get_running_loop().create_future()
        ta = asyncio.create_task(lockit("A", fa))
        await asyncio.sleep(0)
        self.assertTrue(obj.get_stats().current_writer)
        tb = asyncio.create_task(lockit("B", None))
        await asyncio.sleep(0)
        await waiters(obj, 1)
        tc = asyncio.create_task(lockit("C", None))
        await asyncio.sleep(0)
        await waiters(obj, 2)
        # The race.
        fa.set_result(None)
        tb.cancel()
        await bounded(tc)
        self.assertTrue(ta.done())
        self.assertTrue(tb.cancelled())
        self.assertEqual(holders, ["A", "C"])
        self.assertFalse(obj.get_stats().current_writer)

    async def test_cancel_release_race(self):
        # Three wait, the first is cancelled as the holder releases: exactly
        # one of the others gets the lock.
        obj = int_object()
        lock_count = 0
        call_count = 0
        guards = []

        async def lockit():
            nonlocal lock_count, call_count
            call_count += 1
            guards.append(await obj.lock(timeout=WAIT))
            lock_count += 1

        holder = obj.try_lock(EXCLUSIVE)
        t1 = asyncio.create_task(lockit())
        t2 = asyncio.create_task(lockit())
        t3 = asyncio.create_task(lockit())
        await asyncio.sleep(0)
        await waiters(obj, 3)

        def trigger():
            t1.cancel()
            holder.release()

        asyncio.get_running_loop().call_soon(trigger)
        with self.assertRaises(asyncio.CancelledError):
            await t1
        await bounded(t2)
        self.assertEqual(lock_count, 1)
        self.assertEqual(call_count, 3)
        self.assertTrue(t1.cancelled() and t2.done())
        self.assertFalse(t3.done())
        # Clean up the task still waiting.
        t3.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await t3
        guards[0].release()
        self.assertIsNotNone(obj.try_lock(EXCLUSIVE))

    async def test_finished_waiter_cancelled(self):
        obj = int_object()
        holder = obj.try_lock(EXCLUSIVE)
        tb = asyncio.ensure_future(obj.lock(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(obj, 1)
        # A second waiter; the first is cancelled as the lock is released.
        tc = asyncio.ensure_future(obj.lock(timeout=WAIT))
        tb.cancel()
        holder.release()
        guard = await bounded(tc)
        self.assertTrue(tb.cancelled())
        self.assertEqual(guard.get_mode(), EXCLUSIVE)
        guard.release()
        self.assertIsNotNone(obj.try_lock(EXCLUSIVE))

    async def test_cancelled_shared_waiter_lets_the_others_in(self):
        # Not in CPython (asyncio.Lock has no shared mode): readers queued
        # behind a writer; the writer is cancelled; the readers go on.
        obj = int_object()
        holder = obj.try_lock(SHARED)
        writer = asyncio.ensure_future(obj.lock(EXCLUSIVE, timeout=WAIT))
        await asyncio.sleep(0)
        readers = [asyncio.ensure_future(obj.lock(SHARED, timeout=WAIT)) for _ in range(3)]
        await asyncio.sleep(0)
        await waiters(obj, 4)
        writer.cancel()
        guards = await bounded(asyncio.gather(*readers))
        self.assertEqual(obj.get_stats().current_readers, 4)
        for guard in guards + [holder]:
            guard.release()
        self.assertTrue(writer.cancelled())


class WindowsTest(BoundedTestCase):
    """The moments a GLib call adds: served but not delivered, and
    delivered but the task not resumed."""

    async def test_pop_cancelled_after_delivery_gives_the_item_back(self):
        q = int_queue()
        probe = int_object()
        reader = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(q, 1)
        q.try_push(1)
        q.try_push(2)
        seen = cancel_after_delivery(reader, probe)
        with self.assertRaises(asyncio.CancelledError):
            await bounded(reader)
        self.assertEqual(seen, [True])  # the window was hit
        self.assertEqual([q.try_pop(), q.try_pop()], [1, 2])  # back in its place

    async def test_pop_cancelled_after_delivery_goes_to_a_waiting_pop(self):
        q = int_queue()
        probe = int_object()
        first = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        second = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(q, 2)
        q.try_push(1)
        seen = cancel_after_delivery(first, probe)
        with self.assertRaises(asyncio.CancelledError):
            await bounded(first)
        self.assertEqual(seen, [True])
        self.assertEqual(await bounded(second), 1)

    async def test_pop_of_a_closed_queue_returns_the_item(self):
        # push_front fails once the queue is closed: the pop reports the
        # item instead of losing it.
        q = int_queue()
        probe = int_object()
        reader = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(q, 1)
        q.try_push(5)
        seen = cancel_after_delivery(reader, probe)
        q.close_async(Sp.QueueCloseFlags.NONE, 0, None, None)
        self.assertEqual(await bounded(reader), 5)
        self.assertEqual(seen, [True])

    async def test_pop_of_a_consumer_view_gives_the_item_back(self):
        # A consumer view puts a served item back too (push_front).
        q = int_queue()
        consumer = q.get_consumer()
        reader = asyncio.create_task(consumer.pop(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(q, 1)
        q.try_push(6)
        reader.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await bounded(reader)
        self.assertEqual(q.get_length(), 1)
        self.assertEqual(q.try_pop(), 6)

    async def test_pop_whose_give_back_fails_returns_the_item(self):
        # Whatever stops the item from going back (here an unexpected
        # exception of push_front), the pop returns it rather than lose it.
        q = int_queue()

        def push_front(item):
            raise RuntimeError("cannot put %r back" % item)

        q.push_front = push_front  # shadows the method, for this instance
        reader = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(q, 1)
        q.try_push(7)
        reader.cancel()
        self.assertEqual(await bounded(reader), 7)
        self.assertEqual(q.get_length(), 0)

    async def test_lock_cancelled_after_delivery_is_released(self):
        obj = int_object()
        probe = int_object()
        holder = obj.try_lock(EXCLUSIVE)
        locker = asyncio.ensure_future(obj.lock(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(obj, 1)
        holder.release()  # granted to the locker
        seen = cancel_after_delivery(locker, probe)
        with self.assertRaises(asyncio.CancelledError):
            await bounded(locker)
        self.assertEqual(seen, [True])
        self.assertFalse(obj.get_stats().current_writer)
        self.assertIsNotNone(obj.try_lock(EXCLUSIVE))

    async def test_lock_cancelled_after_the_grant_before_delivery(self):
        obj = int_object()
        holder = obj.try_lock(EXCLUSIVE)
        locker = asyncio.ensure_future(obj.lock(timeout=WAIT))
        later = asyncio.ensure_future(obj.lock(SHARED, timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(obj, 2)
        holder.release()  # granted to the locker, not yet delivered
        locker.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await bounded(locker)
        guard = await bounded(later)  # the grant was passed on
        guard.release()
        self.assertEqual(obj.get_stats().cancellations, 1)

    async def test_push_cancelled_after_delivery_returns(self):
        q = int_queue(1)
        probe = int_object()
        q.try_push(1)
        writer = asyncio.create_task(q.push(2, timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(q, 1)
        self.assertEqual(q.try_pop(), 1)  # serves the push
        seen = cancel_after_delivery(writer, probe)
        self.assertIsNone(await bounded(writer))
        self.assertFalse(writer.cancelled())
        self.assertEqual(seen, [True])
        self.assertEqual(q.try_pop(), 2)
        self.assertEqual(q.get_length(), 0)

    async def test_set_and_add_that_happened_return(self):
        obj = int_object(1)
        probe = int_object()
        holder = obj.try_lock(SHARED)
        setter = asyncio.create_task(obj.set(2, timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(obj, 1)
        holder.release()  # the set happens
        setter.cancel()
        self.assertIsNone(await bounded(setter))
        self.assertEqual(obj.try_get(), (True, 2))

        s = Sp.SharedSet.new(GObject.TYPE_INT)
        context = GLib.MainContext.new()
        context.push_thread_default()
        held = []
        s.add_async(0, 0, None, lambda src, r: held.append(src.add_finish(r)))  # holds the lock
        context.pop_thread_default()
        adder = asyncio.create_task(s.add(1, timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(s, 1)
        while not held:
            context.iteration(True)
        seen = cancel_after_delivery(adder, probe)
        self.assertTrue(await bounded(adder))
        self.assertEqual(seen, [True])
        self.assertTrue(s.try_contains(1))

    async def test_get_cancelled_raises(self):
        obj = Sp.SharedObject.new(GObject.TYPE_INT)
        probe = int_object()
        getter = asyncio.create_task(obj.get(timeout=WAIT))
        await asyncio.sleep(0)
        obj.set_async(3, 0, None, None)
        await until(obj.is_initialized)
        seen = cancel_after_delivery(getter, probe)
        with self.assertRaises(asyncio.CancelledError):
            await bounded(getter)
        self.assertEqual(seen, [True])

    async def test_wait_for_timeout_loses_nothing(self):
        q = int_queue()
        for _ in range(20):
            with self.assertRaises(TimeoutError):
                await asyncio.wait_for(q.pop(), 0.001)
        q.try_push(1)
        self.assertEqual(await q.pop(), 1)
        self.assertEqual(q.get_stats().queue_length, 0)

    async def test_a_second_cancel_while_giving_back(self):
        q = int_queue()
        reader = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(q, 1)
        q.try_push(1)
        reader.cancel()
        await asyncio.sleep(0)  # the task is now waiting for the outcome
        reader.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await bounded(reader)
        self.assertEqual(q.try_pop(), 1)


class StormTest(BoundedTestCase):
    """Seeded storms: SP_STORM_SEED replays one, SP_STORM_POPS sizes it."""

    def setUp(self):
        self.seed = int(os.environ.get("SP_STORM_SEED", "14"))
        self.rng = random.Random(self.seed)

    def seeded(self, message):
        return "%s (SP_STORM_SEED=%d replays it)" % (message, self.seed)

    async def test_pops_with_random_cancellations_pop_every_item_once(self):
        rng = self.rng
        n_pops = int(os.environ.get("SP_STORM_POPS", "10000"))
        q = int_queue()
        probe = int_object()
        received = []
        n_pushed = 0
        n_started = 0
        n_cancelled = 0
        n_timed_out = 0
        live = []

        async def popper(timeout):
            if timeout is None:
                received.append(await q.pop(timeout=WAIT))
            else:
                received.append(await asyncio.wait_for(q.pop(timeout=WAIT), timeout))

        def reap():
            nonlocal n_cancelled, n_timed_out
            for task in [t for t in live if t.done()]:
                live.remove(task)
                if task.cancelled():
                    n_cancelled += 1
                elif isinstance(task.exception(), TimeoutError):
                    n_timed_out += 1
                else:
                    task.result()  # any other error fails the test

        while n_started < n_pops:
            for _ in range(rng.randint(1, 8)):
                if n_started < n_pops:
                    timeout = rng.choice([None] * 9 + [0, 0.0005])
                    live.append(asyncio.create_task(popper(timeout)))
                    n_started += 1
            if rng.random() < 0.5:
                await asyncio.sleep(0)
            for _ in range(rng.randint(0, 7)):
                q.try_push(n_pushed)
                n_pushed += 1
            for victim in rng.sample(live, min(len(live), rng.randint(0, 3))):
                how = rng.randrange(3)
                if how == 0:
                    victim.cancel()  # now: waiting, or served and not delivered
                elif how == 1:
                    asyncio.get_running_loop().call_soon(victim.cancel)
                else:
                    cancel_after_delivery(victim, probe)  # delivered, not resumed
            for _ in range(rng.randint(0, 2)):
                await asyncio.sleep(0)
            reap()
        for task in live:
            task.cancel()
        await bounded(asyncio.gather(*live, return_exceptions=True), 20)
        reap()
        drained = []
        while q.get_length():
            drained.append(q.try_pop())

        self.assertEqual(len(received), len(set(received)), self.seeded("an item was popped twice"))
        self.assertEqual(sorted(received + drained), list(range(n_pushed)),
                         self.seeded("an item was lost or doubled"))
        self.assertEqual(len(received) + n_cancelled + n_timed_out, n_pops, self.seeded("a pop went missing"))
        self.assertEqual(q.get_stats().queue_length, 0)
        # The storm did reach every case.
        self.assertGreater(n_cancelled, n_pops // 20)
        self.assertGreater(len(received), n_pops // 2)

    async def test_locks_with_random_cancellations_keep_no_grant(self):
        rng = self.rng
        obj = int_object()
        probe = int_object()
        live = []
        done = 0

        async def client(mode):
            nonlocal done
            async with obj.lock(mode, timeout=WAIT) as guard:
                if mode == EXCLUSIVE:
                    guard.set_value(guard.get_value()[1] + 1)
                    done += 1
                await asyncio.sleep(0)  # holds it across a suspension

        for _ in range(2000):
            live.append(asyncio.create_task(client(rng.choice([EXCLUSIVE, SHARED]))))
            if rng.random() < 0.3:
                victim = rng.choice(live)
                if rng.random() < 0.5:
                    victim.cancel()
                else:
                    cancel_after_delivery(victim, probe)
            if rng.random() < 0.5:
                await asyncio.sleep(0)
        results = await bounded(asyncio.gather(*live, return_exceptions=True), 20)
        for result in results:
            if not isinstance(result, asyncio.CancelledError):
                self.assertIsNone(result, self.seeded("a client failed"))
        stats = obj.get_stats()
        self.assertFalse(stats.current_writer, self.seeded("a writer kept the lock"))
        self.assertEqual(stats.current_readers, 0, self.seeded("a reader kept the lock"))
        self.assertEqual(stats.queue_length, 0)
        self.assertEqual(obj.try_get(), (True, done))
        self.assertIsNotNone(obj.try_lock(EXCLUSIVE))


class QueueErrorsTest(BoundedTestCase):
    async def test_an_error_that_races_a_cancel_is_a_cancel(self):
        q = int_queue()
        reader = asyncio.create_task(q.pop(timeout=WAIT))
        await asyncio.sleep(0)
        await waiters(q, 1)
        q.close_async(Sp.QueueCloseFlags.NONE, 0, None, None)  # fails the pop: CLOSED
        reader.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await bounded(reader)
        with self.assertRaises(GLib.Error) as ctx:
            await q.pop()
        self.assertTrue(io_error(ctx.exception, Gio.IOErrorEnum.CLOSED))


if __name__ == "__main__":
    unittest.main(verbosity=2)
