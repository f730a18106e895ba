# SPDX-License-Identifier: MIT
"""SpSharedQueue from Python (PyGObject), driven by GLib main loops.

Run by `meson test` with Debian's /usr/bin/python3 and G_DEBUG=fatal-criticals:
a critical anywhere aborts the run, so the cases that expect one declare it
with GLib.test_expect_message. Every wait on the main context is bounded.

In PyGObject 3.42, pop_finish, try_pop and pop_sync (boolean return
skipped, item an `(out caller-allocates)` GValue) return the item itself,
and peek returns `(found, item)`.
"""

import gc
import threading
import unittest
import weakref

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402
from mainloop_support import drain, expect_critical, iterate_until, run  # noqa: E402

Sp = Sharedpotato
NONE = Sp.QueueCloseFlags.NONE
DROP_ITEMS = Sp.QueueCloseFlags.DROP_ITEMS


class Calls:
    """Records the outcome of async calls started without waiting:
    calls.pop(queue) starts a pop whose outcome lands in the returned
    list as ("ok", value) or ("error", GLib.Error)."""

    @staticmethod
    def _record(finish_name):
        box = []

        def done(source, result):
            box.append(source)
            try:
                box.append(("ok", getattr(source, finish_name)(result)))
            except GLib.Error as error:
                box.append(("error", error))

        return box, done

    def pop(self, queue, timeout_ms=0, cancellable=None):
        box, done = self._record("pop_finish")
        queue.pop_async(timeout_ms, cancellable, done)
        return box

    def push(self, queue, item, timeout_ms=0, cancellable=None):
        box, done = self._record("push_finish")
        queue.push_async(item, timeout_ms, cancellable, done)
        return box

    def close(self, queue, flags=NONE, timeout_ms=0):
        box, done = self._record("close_finish")
        queue.close_async(flags, timeout_ms, None, done)
        return box


calls = Calls()


class SharedQueueTest(unittest.TestCase):
    def assertIOError(self, error, code):
        self.assertIsInstance(error, GLib.Error)
        self.assertTrue(error.matches(Gio.io_error_quark(), code), error)

    def assertOutcome(self, box, value):
        self.assertEqual(len(box), 2, "the call has not completed")
        self.assertEqual(box[1], ("ok", value))

    def assertFailed(self, box, code):
        self.assertEqual(len(box), 2, "the call has not completed")
        self.assertEqual(box[1][0], "error", box[1])
        self.assertIOError(box[1][1], code)

    def test_properties(self):
        queue = Sp.SharedQueue.new_full(GObject.TYPE_STRING, 3, "jobs")
        self.assertEqual(queue.props.item_type, GObject.TYPE_STRING)
        self.assertEqual(queue.get_item_type(), GObject.TYPE_STRING)
        self.assertEqual(queue.props.capacity, 3)
        self.assertEqual(queue.get_capacity(), 3)
        self.assertEqual(queue.props.name, "jobs")
        self.assertEqual(queue.get_name(), "jobs")
        self.assertFalse(queue.props.closed)
        self.assertEqual(queue.props.default_timeout, 0)
        queue.set_default_timeout(30)
        self.assertEqual(queue.props.default_timeout, 30)
        # Construction through properties, as bindings do.
        by_props = Sp.SharedQueue(item_type=GObject.TYPE_DOUBLE, capacity=1)
        self.assertEqual(by_props.get_item_type(), GObject.TYPE_DOUBLE)
        self.assertEqual(by_props.get_capacity(), 1)
        self.assertIsNone(Sp.SharedQueue.new(GObject.TYPE_INT, 0).get_name())

    def test_fifo_int_and_str(self):
        ints = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        for i in range(5):
            self.assertTrue(run(ints.push_async, ints.push_finish, i, 0))
        self.assertEqual(ints.get_length(), 5)
        self.assertEqual([run(ints.pop_async, ints.pop_finish, 0) for _ in range(5)], list(range(5)))

        strings = Sp.SharedQueue.new(GObject.TYPE_STRING, 0)
        words = ["spud", "tater", "", "pomme de terre"]
        for word in words:
            run(strings.push_async, strings.push_finish, word, 0)
        self.assertEqual([run(strings.pop_async, strings.pop_finish, 0) for _ in words], words)

        # Waiting pops are served in the order they came.
        pops = [calls.pop(ints) for _ in range(3)]
        drain()
        for i in range(3):
            ints.try_push(10 + i)
        drain()
        for i, box in enumerate(pops):
            self.assertOutcome(box, 10 + i)

    def test_pop_waits_for_push(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 0)
        pop = calls.pop(queue)
        drain()
        self.assertEqual(pop, [])
        self.assertEqual(queue.get_stats().queue_length, 1)
        self.assertTrue(run(queue.push_async, queue.push_finish, "potato", 0))
        drain()
        self.assertOutcome(pop, "potato")
        self.assertIs(pop[0], queue)
        # The item went straight to the waiting pop, not into the ring.
        self.assertEqual(queue.get_length(), 0)

    def test_push_waits_while_full(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 2)
        self.assertEqual(queue.get_capacity(), 2)
        self.assertTrue(queue.try_push(1))
        self.assertTrue(queue.try_push(2))
        push = calls.push(queue, 3)
        drain()
        self.assertEqual(push, [])
        self.assertEqual(queue.get_length(), 2)
        # A push waiting for room is ahead of a later try_push.
        with self.assertRaises(GLib.Error) as ctx:
            queue.try_push(4)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.WOULD_BLOCK)
        # A pop frees room, which goes to the waiting push.
        self.assertEqual(queue.try_pop(), 1)
        drain()
        self.assertOutcome(push, True)
        self.assertEqual(queue.get_length(), 2)
        self.assertEqual([queue.try_pop(), queue.try_pop()], [2, 3])

    def test_try_push_and_try_pop(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 1)
        with self.assertRaises(GLib.Error) as ctx:
            queue.try_pop()
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.WOULD_BLOCK)
        self.assertTrue(queue.try_push(7))
        with self.assertRaises(GLib.Error) as ctx:
            queue.try_push(8)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.WOULD_BLOCK)
        # A try_push hands its item to a waiting pop at once.
        self.assertEqual(queue.try_pop(), 7)
        pop = calls.pop(queue)
        drain()
        self.assertTrue(queue.try_push(9))
        drain()
        self.assertOutcome(pop, 9)
        self.assertEqual(queue.get_length(), 0)

        run(queue.close_async, queue.close_finish, NONE, 0)
        with self.assertRaises(GLib.Error) as ctx:
            queue.try_push(1)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.CLOSED)
        with self.assertRaises(GLib.Error) as ctx:
            queue.try_pop()
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.CLOSED)

    def test_timed_out_pop_loses_nothing(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        with self.assertRaises(GLib.Error) as ctx:
            run(queue.pop_async, queue.pop_finish, 1)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.TIMED_OUT)
        # The pop that gave up holds no claim: the next item goes to the
        # next pop.
        pop = calls.pop(queue)
        drain()
        queue.try_push(42)
        drain()
        self.assertOutcome(pop, 42)

        # The same with a pop waiting behind the one that times out.
        early = calls.pop(queue, timeout_ms=1)
        late = calls.pop(queue)
        iterate_until(lambda: early != [])
        self.assertFailed(early, Gio.IOErrorEnum.TIMED_OUT)
        self.assertEqual(late, [])
        queue.try_push(43)
        drain()
        self.assertOutcome(late, 43)
        self.assertEqual(queue.get_length(), 0)
        self.assertEqual(queue.get_stats().timeouts, 2)

        # A push that times out while the queue is full never inserts its
        # item.
        full = Sp.SharedQueue.new(GObject.TYPE_INT, 1)
        full.try_push(1)
        with self.assertRaises(GLib.Error) as ctx:
            run(full.push_async, full.push_finish, 2, 1)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.TIMED_OUT)
        self.assertEqual(full.try_pop(), 1)
        with self.assertRaises(GLib.Error):
            full.try_pop()

    def test_default_timeout(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        notified = []
        queue.connect("notify::default-timeout", lambda q, _p: notified.append(q.props.default_timeout))
        queue.props.default_timeout = 5
        with self.assertRaises(GLib.Error) as ctx:
            run(queue.pop_async, queue.pop_finish, -1)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.TIMED_OUT)
        drain()
        self.assertEqual(notified, [5])

    def test_cancel(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 1)
        cancellable = Gio.Cancellable()
        GLib.timeout_add(5, lambda: cancellable.cancel() or GLib.SOURCE_REMOVE)
        with self.assertRaises(GLib.Error) as ctx:
            run(queue.pop_async, queue.pop_finish, 0, cancellable=cancellable)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.CANCELLED)
        pop = calls.pop(queue)
        drain()
        queue.try_push(5)
        drain()
        self.assertOutcome(pop, 5)

        # A cancelled push waiting for room: its item stays out.
        queue.try_push(6)
        cancellable = Gio.Cancellable()
        push = calls.push(queue, 7, cancellable=cancellable)
        drain()
        cancellable.cancel()
        drain()
        self.assertFailed(push, Gio.IOErrorEnum.CANCELLED)
        self.assertEqual(queue.try_pop(), 6)
        self.assertEqual(queue.get_length(), 0)

        # Already cancelled: fails even with an item ready.
        queue.try_push(8)
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        with self.assertRaises(GLib.Error) as ctx:
            run(queue.pop_async, queue.pop_finish, 0, cancellable=cancellable)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.CANCELLED)
        self.assertEqual(queue.try_pop(), 8)
        # Every cancelled call counts, the pre-cancelled one too.
        self.assertEqual(queue.get_stats().cancellations, 3)

    def test_close_drains(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 2)
        log = []
        queue.connect("item-dropped", lambda _q, item: log.append(("dropped", item)))
        queue.connect("closed", lambda _q: log.append(("closed",)))
        queue.connect("notify::closed", lambda q, _p: log.append(("notify", q.props.closed)))
        queue.try_push(1)
        queue.try_push(2)
        waiting_push = calls.push(queue, 3)
        drain()

        close = calls.close(queue, NONE)
        self.assertTrue(queue.is_closed())
        late_push = calls.push(queue, 4)
        drain()
        self.assertOutcome(close, True)
        self.assertFailed(waiting_push, Gio.IOErrorEnum.CLOSED)
        self.assertFailed(late_push, Gio.IOErrorEnum.CLOSED)
        self.assertEqual(log, [("notify", True), ("closed",)])

        # Pops take what is left, then fail.
        self.assertEqual(run(queue.pop_async, queue.pop_finish, 0), 1)
        self.assertEqual(queue.try_pop(), 2)
        with self.assertRaises(GLib.Error) as ctx:
            run(queue.pop_async, queue.pop_finish, 0)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.CLOSED)
        # Closing again joins the close that is done.
        self.assertTrue(run(queue.close_async, queue.close_finish, NONE, 0))

    def test_close_fails_waiting_pops(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        pop = calls.pop(queue)
        drain()
        self.assertTrue(run(queue.close_async, queue.close_finish, NONE, 0))
        self.assertFailed(pop, Gio.IOErrorEnum.CLOSED)

    def test_close_drop_items(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 0)
        log = []
        thread = threading.current_thread()

        def on_dropped(_queue, item):
            self.assertIs(threading.current_thread(), thread)
            log.append(("dropped", item))

        queue.connect("item-dropped", on_dropped)
        queue.connect("closed", lambda _q: log.append(("closed",)))
        for word in ("a", "b", "c"):
            queue.try_push(word)
        close = calls.close(queue, DROP_ITEMS)
        # The items leave at once; the signals come in the owner context.
        self.assertEqual(queue.get_length(), 0)
        self.assertEqual(log, [])
        pop = calls.pop(queue)
        drain()
        self.assertFailed(pop, Gio.IOErrorEnum.CLOSED)
        self.assertOutcome(close, True)
        self.assertEqual(log, [("dropped", "a"), ("dropped", "b"), ("dropped", "c"), ("closed",)])

        # Dropping after a plain close drops what the consumers left.
        later = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        dropped = []
        later.connect("item-dropped", lambda _q, item: dropped.append(item))
        later.try_push(1)
        later.try_push(2)
        run(later.close_async, later.close_finish, NONE, 0)
        self.assertEqual(later.try_pop(), 1)
        self.assertTrue(run(later.close_async, later.close_finish, DROP_ITEMS, 0))
        self.assertEqual(dropped, [2])
        with self.assertRaises(GLib.Error) as ctx:
            later.try_pop()
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.CLOSED)

    def test_close_hold(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0)

        def on_closed(q):
            q.hold_close()
            GLib.timeout_add(5, lambda: q.release_close() or GLib.SOURCE_REMOVE)

        queue.connect("closed", on_closed)
        self.assertTrue(run(queue.close_async, queue.close_finish, NONE, 0))

        slow = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        slow.connect("closed", lambda q: q.hold_close())
        with self.assertRaises(GLib.Error) as ctx:
            run(slow.close_async, slow.close_finish, NONE, 5)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.TIMED_OUT)
        # The queue closed all the same.
        self.assertTrue(slow.is_closed())
        slow.release_close()
        expect_critical("*no close hold*", slow.release_close)

    def test_views(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 3)
        producer = queue.get_producer()
        consumer = queue.get_consumer()
        self.assertIsInstance(producer, Sp.QueueProducer)
        self.assertIsInstance(consumer, Sp.QueueConsumer)
        for view in (producer, consumer):
            self.assertFalse(hasattr(view, "close_async"))
            self.assertFalse(hasattr(view, "get_producer"))
        for name in ("pop_async", "try_pop", "pop_sync", "peek"):
            self.assertFalse(hasattr(producer, name), name)
        for name in ("push_async", "try_push", "push_sync"):
            self.assertFalse(hasattr(consumer, name), name)
        self.assertEqual(producer.get_capacity(), 3)
        self.assertFalse(producer.is_closed())
        self.assertFalse(consumer.is_closed())

        # The callback's source object is the view, not the queue.
        push = calls.push(producer, "job")
        drain()
        self.assertIs(push[0], producer)
        self.assertOutcome(push, True)
        self.assertEqual(producer.get_length(), 1)
        self.assertEqual(tuple(consumer.peek()), (True, "job"))
        self.assertEqual(consumer.get_length(), 1)
        pop = calls.pop(consumer)
        drain()
        self.assertIs(pop[0], consumer)
        self.assertOutcome(pop, "job")
        self.assertEqual(tuple(consumer.peek()), (False, None))

        self.assertTrue(producer.try_push("next"))
        self.assertEqual(consumer.try_pop(), "next")
        with self.assertRaises(GLib.Error) as ctx:
            consumer.try_pop()
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.WOULD_BLOCK)

        # The views keep the queue alive.
        del queue
        gc.collect()
        self.assertTrue(producer.try_push("kept"))
        self.assertEqual(consumer.try_pop(), "kept")

        closing = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        producer = closing.get_producer()
        consumer = closing.get_consumer()
        run(closing.close_async, closing.close_finish, NONE, 0)
        self.assertTrue(producer.is_closed())
        self.assertTrue(consumer.is_closed())
        with self.assertRaises(GLib.Error) as ctx:
            run(producer.push_async, producer.push_finish, 1, 0)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.CLOSED)
        with self.assertRaises(GLib.Error) as ctx:
            run(consumer.pop_async, consumer.pop_finish, 0)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.CLOSED)

    def test_peek_length_capacity(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        self.assertEqual(queue.get_capacity(), 0)
        # With an empty queue, peek gives the zero of the item type.
        self.assertEqual(tuple(queue.peek()), (False, 0))
        queue.try_push(3)
        queue.try_push(4)
        self.assertEqual(tuple(queue.peek()), (True, 3))
        self.assertEqual(queue.get_length(), 2)
        self.assertEqual(queue.try_pop(), 3)
        self.assertEqual(tuple(queue.peek()), (True, 4))
        self.assertEqual(queue.get_length(), 1)
        # Unbounded: a push never waits.
        for i in range(100):
            self.assertTrue(queue.try_push(i))
        self.assertEqual(queue.get_length(), 101)

    def test_producer_thread_main_context_consumer(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 4)
        producer = queue.get_producer()
        n_items = 300
        errors = []

        def produce():
            try:
                for i in range(n_items):
                    # Alternate the queue and its producer view.
                    target = producer if i % 2 else queue
                    if not target.push_sync(i, 0, None):
                        errors.append("push_sync %d returned False" % i)
            except GLib.Error as error:
                errors.append(error)

        got = []
        done = []

        def on_item(source, result):
            got.append(source.pop_finish(result))
            if len(got) == n_items:
                done.append(True)
            else:
                source.pop_async(0, None, on_item)

        thread = threading.Thread(target=produce)
        thread.start()
        queue.pop_async(0, None, on_item)
        try:
            iterate_until(lambda: done, limit_ms=20000)
        finally:
            thread.join(20)
        self.assertFalse(thread.is_alive())
        self.assertEqual(errors, [])
        self.assertEqual(got, list(range(n_items)))
        self.assertEqual(queue.get_length(), 0)
        stats = queue.get_stats()
        self.assertEqual(stats.writes_granted, n_items)
        self.assertEqual(stats.reads_granted, n_items)

    def test_consumer_thread_pop_sync(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 2)
        consumer = queue.get_consumer()
        out = []

        def consume():
            try:
                while True:
                    out.append(consumer.pop_sync(0, None))
            except GLib.Error as error:
                out.append(error)

        thread = threading.Thread(target=consume)
        thread.start()
        words = ["w%d" % i for i in range(50)]
        for word in words:
            run(queue.push_async, queue.push_finish, word, 0)
        run(queue.close_async, queue.close_finish, NONE, 0)
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(out[:-1], words)
        self.assertIOError(out[-1], Gio.IOErrorEnum.CLOSED)

    def test_sync_refused_in_owner_context(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        queue.try_push(1)
        # Refused with a critical and an error: it raises, and nothing moves.
        for call, args in ((queue.push_sync, (2, 0, None)), (queue.pop_sync, (0, None))):
            with self.assertRaises(GLib.Error) as ctx:
                expect_critical("*owner context*", call, *args)
            self.assertTrue(ctx.exception.matches(Sp.error_quark(), Sp.Error.WOULD_DEADLOCK))
        self.assertEqual(queue.get_length(), 1)

    def test_object_items(self):
        class Job(GObject.Object):
            def __init__(self, tag):
                super().__init__()
                self.tag = tag

        queue = Sp.SharedQueue.new(GObject.Object, 0)
        self.assertEqual(queue.get_item_type(), GObject.TYPE_OBJECT)
        job = Job("first")
        self.assertTrue(run(queue.push_async, queue.push_finish, job, 0))
        queue.try_push(Job("second"))
        # The queue holds its own references: the Python wrapper and its
        # attributes come back.
        popped = run(queue.pop_async, queue.pop_finish, 0)
        self.assertIs(popped, job)
        second = queue.try_pop()
        self.assertIsInstance(second, Job)
        self.assertEqual(second.tag, "second")

        # Dropped objects reach item-dropped, then the queue lets them go.
        dropped = []
        queue.connect("item-dropped", lambda _q, item: dropped.append(item.tag))
        gone = Job("dropped")
        ref = weakref.ref(gone)
        queue.try_push(gone)
        del gone
        run(queue.close_async, queue.close_finish, DROP_ITEMS, 0)
        self.assertEqual(dropped, ["dropped"])
        gc.collect()
        self.assertIsNone(ref())

        # A plain Python object is not a GObject: refused as data.
        with self.assertRaises(GLib.Error) as ctx:
            Sp.SharedQueue.new(GObject.Object, 0).try_push(object())
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.INVALID_ARGUMENT)

        # A GObject.TYPE_PYOBJECT queue carries any Python object.
        anything = Sp.SharedQueue.new(GObject.TYPE_PYOBJECT, 0)
        payload = {"spuds": [1, 2]}
        anything.try_push(payload)
        self.assertIs(anything.try_pop(), payload)

    def test_stats(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 1)
        cancellable = Gio.Cancellable()
        waiting = calls.pop(queue)
        timed_out = calls.pop(queue, timeout_ms=1)
        cancelled = calls.pop(queue, cancellable=cancellable)
        drain()
        stats = queue.get_stats()
        self.assertIsInstance(stats, Sp.Stats)
        self.assertEqual(stats.queue_length, 3)
        self.assertEqual(stats.peak_queue_length, 3)
        iterate_until(lambda: timed_out != [])
        cancellable.cancel()
        queue.try_push(1)
        queue.try_push(2)
        drain()
        self.assertOutcome(waiting, 1)
        self.assertFailed(timed_out, Gio.IOErrorEnum.TIMED_OUT)
        self.assertFailed(cancelled, Gio.IOErrorEnum.CANCELLED)
        self.assertEqual(queue.try_pop(), 2)
        stats = queue.get_stats()
        self.assertEqual(stats.writes_granted, 2)  # pushes
        self.assertEqual(stats.reads_granted, 2)  # pops
        self.assertEqual(stats.waited_grants, 1)
        self.assertEqual(stats.timeouts, 1)
        self.assertEqual(stats.cancellations, 1)
        self.assertEqual(stats.queue_length, 0)
        self.assertEqual(stats.total_hold_us, 0)

    def test_bad_input(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT, 1)
        # A value that does not convert to the item type is an error, not a
        # critical; a convertible one is converted.
        with self.assertRaises(GLib.Error) as ctx:
            queue.try_push("not a number")
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.INVALID_ARGUMENT)
        with self.assertRaises(GLib.Error) as ctx:
            run(queue.push_async, queue.push_finish, "not a number", 0)
        self.assertIOError(ctx.exception, Gio.IOErrorEnum.INVALID_ARGUMENT)
        self.assertEqual(queue.get_length(), 0)
        self.assertTrue(queue.try_push(True))
        self.assertEqual(queue.try_pop(), 1)
        doubles = Sp.SharedQueue.new(GObject.TYPE_DOUBLE, 0)
        doubles.try_push(4)
        self.assertEqual(doubles.try_pop(), 4.0)
        ints = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        with self.assertRaises(GLib.Error) as ctx:
            ints.try_push(4.6)
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.INVALID_ARGUMENT))
        self.assertEqual(ints.get_length(), 0)

        # A constructor refusing its input returns NULL, which PyGObject
        # turns into a TypeError after the critical.
        with self.assertRaises(TypeError):
            expect_critical("*G_TYPE_IS_VALUE_TYPE*", Sp.SharedQueue.new, GObject.TYPE_NONE, 0)
        expect_critical("*timeout_ms >= -1*", queue.pop_async, -2, None, None)
        expect_critical("*timeout_ms >= -1*", queue.push_async, 1, -2, None, None)
        expect_critical("*timeout_ms >= -1*", queue.close_async, NONE, -2, None, None)
        expect_critical("*timeout_ms >= 0*", queue.set_default_timeout, -1)
        expect_critical("*no close hold*", queue.release_close)
        with self.assertRaises(TypeError):
            queue.pop_async("soon", None, None)
        self.assertFalse(queue.is_closed())
        self.assertEqual(queue.get_length(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
