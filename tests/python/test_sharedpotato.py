# SPDX-License-Identifier: MIT
"""sharedpotato from Python (PyGObject), driven by GLib main loops.

Run by `meson test` with Debian's /usr/bin/python3 and G_DEBUG=fatal-criticals:
a critical anywhere aborts the run, so the cases that expect one declare it
with GLib.test_expect_message.
"""

import threading
import unittest

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402
from mainloop_support import drain, expect_critical, int_object, run  # noqa: E402

Sp = Sharedpotato
EXCLUSIVE = Sp.LockMode.EXCLUSIVE
SHARED = Sp.LockMode.SHARED


class SharedObjectTest(unittest.TestCase):
    def assertIOError(self, ctx, code):
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), code), ctx.exception)

    def test_version(self):
        self.assertEqual(Sp.get_major_version(), Sp.MAJOR_VERSION)
        self.assertEqual(Sp.get_minor_version(), Sp.MINOR_VERSION)
        self.assertEqual(Sp.get_micro_version(), Sp.MICRO_VERSION)
        self.assertIsNone(Sp.check_version(Sp.MAJOR_VERSION, 0, 0))
        self.assertIsNotNone(Sp.check_version(Sp.MAJOR_VERSION + 1, 0, 0))

    def test_properties(self):
        obj = Sp.SharedObject.new_full(GObject.TYPE_STRING, "config", None, None)
        self.assertEqual(obj.props.value_type, GObject.TYPE_STRING)
        self.assertEqual(obj.props.name, "config")
        self.assertEqual(obj.get_name(), "config")
        self.assertEqual(obj.get_value_type(), GObject.TYPE_STRING)
        self.assertEqual(obj.props.default_timeout, 0)
        self.assertFalse(obj.props.initialized)
        self.assertFalse(obj.props.closed)
        obj.props.default_timeout = 20
        self.assertEqual(obj.get_default_timeout(), 20)
        obj.set_default_timeout(30)
        self.assertEqual(obj.props.default_timeout, 30)
        # Construction through properties, as bindings do.
        by_props = Sp.SharedObject(value_type=GObject.TYPE_DOUBLE, name="x")
        self.assertEqual(by_props.get_value_type(), GObject.TYPE_DOUBLE)

    def test_get_set_peek_clear(self):
        obj = Sp.SharedObject.new_full(GObject.TYPE_STRING, None, None, "default")
        self.assertEqual(run(obj.peek_async, obj.peek_finish, 0), (False, None))
        self.assertTrue(run(obj.set_async, obj.set_finish, "potato", 0))
        self.assertEqual(run(obj.get_async, obj.get_finish, 0), "potato")
        self.assertEqual(tuple(run(obj.peek_async, obj.peek_finish, 0)), (True, "potato"))
        self.assertTrue(obj.is_initialized())
        self.assertTrue(run(obj.clear_async, obj.clear_finish, 0))
        self.assertEqual(run(obj.get_async, obj.get_finish, 0), "default")

    def test_new_with_value_and_transform(self):
        obj = Sp.SharedObject.new_with_value(GObject.Value(GObject.TYPE_DOUBLE, 1.5))
        self.assertEqual(obj.try_get(), (True, 1.5))
        # A Python int is converted to the double the object holds.
        run(obj.set_async, obj.set_finish, 4, 0)
        self.assertEqual(obj.try_get(), (True, 4.0))

    def test_set_wrong_type(self):
        obj = int_object(5)
        with self.assertRaises(GLib.Error) as ctx:
            run(obj.set_async, obj.set_finish, "not a number", 0)
        self.assertIOError(ctx, Gio.IOErrorEnum.INVALID_ARGUMENT)
        self.assertEqual(obj.try_get(), (True, 5))

    def test_lossy_conversion_is_refused(self):
        obj = int_object(5)
        for lossy in (4.6, float("nan"), 1e10):
            with self.assertRaises(GLib.Error) as ctx:
                run(obj.set_async, obj.set_finish, lossy, 0)
            self.assertIOError(ctx, Gio.IOErrorEnum.INVALID_ARGUMENT)
            self.assertIn("without losing information", ctx.exception.message)
            self.assertEqual(obj.try_get(), (True, 5))
        self.assertTrue(run(obj.set_async, obj.set_finish, 4.0, 0))
        self.assertEqual(obj.try_get(), (True, 4))
        unsigned = Sp.SharedObject.new(GObject.TYPE_UINT)
        with self.assertRaises(GLib.Error):
            run(unsigned.set_async, unsigned.set_finish, -1, 0)
        self.assertFalse(unsigned.is_initialized())

    def test_get_waits_for_set_and_times_out(self):
        obj = int_object()
        got = []
        obj.get_async(0, None, lambda o, r: got.append(o.get_finish(r)))
        drain()
        self.assertEqual(got, [])
        run(obj.set_async, obj.set_finish, 9, 0)
        drain()
        self.assertEqual(got, [9])

        empty = int_object()
        with self.assertRaises(GLib.Error) as ctx:
            run(empty.get_async, empty.get_finish, 10)
        self.assertIOError(ctx, Gio.IOErrorEnum.TIMED_OUT)

    def test_cancel(self):
        obj = int_object(1)
        holder = obj.try_lock(EXCLUSIVE)
        cancellable = Gio.Cancellable()
        GLib.timeout_add(5, lambda: cancellable.cancel() or GLib.SOURCE_REMOVE)
        with self.assertRaises(GLib.Error) as ctx:
            run(obj.lock_async, obj.lock_finish, SHARED, 0, cancellable=cancellable)
        self.assertIOError(ctx, Gio.IOErrorEnum.CANCELLED)
        holder.release()

    def test_lock_and_guard(self):
        obj = int_object(1)
        guard = run(obj.lock_async, obj.lock_finish, EXCLUSIVE, 0)
        self.assertIsInstance(guard, Sharedpotato.Guard)
        self.assertEqual(guard.get_mode(), EXCLUSIVE)
        self.assertTrue(guard.is_initialized())
        self.assertEqual(guard.get_value(), (True, 1))
        self.assertTrue(guard.set_value(2))
        with self.assertRaises(GLib.Error) as ctx:
            guard.set_value("two")
        self.assertIOError(ctx, Gio.IOErrorEnum.INVALID_ARGUMENT)
        self.assertIsNone(obj.try_lock(SHARED))
        guard.downgrade()
        self.assertEqual(guard.get_mode(), SHARED)
        reader = obj.try_lock(SHARED)
        self.assertIsNotNone(reader)
        guard.release()
        self.assertTrue(guard.is_released())
        expect_critical("*already released*", guard.release)
        reader.release()

        writer = obj.try_lock(EXCLUSIVE)
        writer.clear()
        self.assertFalse(writer.is_initialized())
        self.assertEqual(writer.get_value(), (False, 0))
        del writer  # the last reference releases it
        self.assertIsNotNone(obj.try_lock(EXCLUSIVE))

        # A guard is a reference-counted boxed type: each wrapper owns a
        # reference, and the lock is held until the last one goes.
        writer = obj.try_lock(EXCLUSIVE)
        other = writer.ref()
        del writer
        self.assertIsNone(obj.try_lock(SHARED))
        self.assertFalse(other.is_released())
        del other
        self.assertIsNotNone(obj.try_lock(SHARED))

    def test_shared_guard_refuses_writes(self):
        obj = int_object(1)
        reader = obj.try_lock(SHARED)
        self.assertFalse(expect_critical("*shared lock*", reader.set_value, 3))
        expect_critical("*shared lock*", reader.clear)
        expect_critical("*shared lock*", reader.downgrade)
        self.assertEqual(reader.get_value(), (True, 1))

    def test_signals(self):
        obj = int_object()
        log = []
        thread = threading.current_thread()

        def on_changed(_obj, old, new):
            self.assertIs(threading.current_thread(), thread)
            log.append(("changed", old, new))

        obj.connect("changed", on_changed)
        obj.connect("initialized", lambda _o: log.append(("initialized",)))
        obj.connect("cleared", lambda _o: log.append(("cleared",)))
        obj.connect("notify::initialized", lambda o, _p: log.append(("notify", o.props.initialized)))
        obj.connect("closed", lambda _o, final: log.append(("closed", final)))
        run(obj.set_async, obj.set_finish, 1, 0)
        run(obj.set_async, obj.set_finish, 2, 0)
        run(obj.clear_async, obj.clear_finish, 0)
        run(obj.set_async, obj.set_finish, 3, 0)
        run(obj.close_async, obj.close_finish, 0)
        drain()
        self.assertEqual(
            log,
            [
                ("changed", None, 1),
                ("notify", True),
                ("initialized",),
                ("changed", 1, 2),
                ("changed", 2, None),
                ("cleared",),
                ("notify", False),
                ("changed", None, 3),
                ("notify", True),
                ("initialized",),
                ("closed", 3),
            ],
        )

    def test_close(self):
        obj = int_object(7)
        holder = obj.try_lock(SHARED)
        pending = []
        obj.get_async(0, None, lambda o, r: pending.append(r))
        closed = []
        obj.close_async(0, None, lambda o, r: closed.append(o.close_finish(r)))
        self.assertTrue(obj.is_closed())
        self.assertTrue(obj.props.closed)
        drain()
        self.assertEqual(closed, [])
        holder.release()
        drain()
        self.assertEqual(closed, [True])
        with self.assertRaises(GLib.Error) as ctx:
            run(obj.get_async, obj.get_finish, 0)
        self.assertIOError(ctx, Gio.IOErrorEnum.CLOSED)
        self.assertTrue(run(obj.close_async, obj.close_finish, 0))
        self.assertEqual(obj.try_get(), (False, 0))
        self.assertIsNone(obj.try_lock(SHARED))

    def test_close_fails_gets_waiting_for_a_value(self):
        obj = int_object()
        outcomes = []

        def got(o, r):
            try:
                outcomes.append(o.get_finish(r))
            except GLib.Error as error:
                outcomes.append(error)

        obj.get_async(0, None, got)
        drain()
        self.assertEqual(outcomes, [])
        self.assertTrue(run(obj.close_async, obj.close_finish, 0))
        drain()
        self.assertEqual(len(outcomes), 1)
        self.assertTrue(outcomes[0].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CLOSED))

    def test_get_waiting_for_a_value_waits_for_the_writers_release(self):
        obj = int_object()
        got = []
        obj.get_async(0, None, lambda o, r: got.append(o.get_finish(r)))
        drain()
        writer = obj.try_lock(EXCLUSIVE)
        self.assertIsNotNone(writer)
        writer.set_value(4)
        # A call that queues makes the object look at its waiters again.
        peeked = []
        obj.peek_async(0, None, lambda o, r: peeked.append(tuple(o.peek_finish(r))))
        drain()
        self.assertEqual(got, [])
        writer.set_value(5)
        writer.release()
        drain()
        self.assertEqual(got, [5])
        self.assertEqual(peeked, [(True, 5)])

    def test_close_handler_hold(self):
        obj = int_object(1)

        def on_closed(o, final):
            o.hold_close()
            GLib.timeout_add(5, lambda: o.release_close() or GLib.SOURCE_REMOVE)

        obj.connect("closed", on_closed)
        self.assertTrue(run(obj.close_async, obj.close_finish, 0))

        slow = int_object(1)
        slow.connect("closed", lambda o, final: o.hold_close())
        with self.assertRaises(GLib.Error) as ctx:
            run(slow.close_async, slow.close_finish, 5)
        self.assertIOError(ctx, Gio.IOErrorEnum.TIMED_OUT)
        slow.release_close()
        expect_critical("*no close hold*", slow.release_close)

    def test_lazy_initializer(self):
        obj = int_object()
        runs = []

        def initializer(o, guard):
            runs.append(o)

            def later():
                guard.set_value(len(runs) * 10)
                guard.release()
                return GLib.SOURCE_REMOVE

            GLib.timeout_add(5, later)
            return True  # keeps the guard; later() ends the run

        obj.set_initializer(initializer)
        results = []
        obj.get_async(0, None, lambda o, r: results.append(o.get_finish(r)))
        obj.get_async(0, None, lambda o, r: results.append(o.get_finish(r)))
        self.assertEqual(run(obj.get_async, obj.get_finish, 0), 10)
        drain()
        self.assertEqual(results, [10, 10])
        self.assertEqual(len(runs), 1)

    def test_lazy_initializer_failure_and_raise(self):
        obj = int_object()
        attempts = []

        def initializer(o, guard):
            attempts.append(1)
            if len(attempts) == 1:
                error = GLib.Error.new_literal(Gio.io_error_quark(), "no file", Gio.IOErrorEnum.NOT_FOUND)
                guard.release_with_error(error)
            elif len(attempts) == 2:
                pass  # returns without a value; the guard goes with the call
            else:
                guard.set_value(3)
                guard.release()

        obj.set_initializer(initializer)
        with self.assertRaises(GLib.Error) as ctx:
            run(obj.get_async, obj.get_finish, 0)
        self.assertIOError(ctx, Gio.IOErrorEnum.NOT_FOUND)
        self.assertEqual(ctx.exception.message, "no file")
        # An initializer that lets its guard go without a value: the gets
        # fail clearly instead of hanging.
        with self.assertRaises(GLib.Error) as ctx:
            run(obj.get_async, obj.get_finish, 0)
        self.assertTrue(ctx.exception.matches(Sp.error_quark(), Sp.Error.NOT_INITIALIZED))
        self.assertEqual(run(obj.get_async, obj.get_finish, 0), 3)
        self.assertEqual(len(attempts), 3)

    def test_views(self):
        obj = int_object(1)
        getter = obj.get_getter()
        setter = obj.get_setter()
        deleter = obj.get_deleter()
        updater = obj.get_updater()
        for view in (getter, setter, deleter, updater):
            self.assertFalse(hasattr(view, "close_async"))
        self.assertFalse(hasattr(getter, "set_async"))
        self.assertEqual(run(getter.get_async, getter.get_finish, 0), 1)
        self.assertEqual(tuple(run(getter.peek_async, getter.peek_finish, 0)), (True, 1))
        self.assertEqual(getter.try_get(), (True, 1))
        run(setter.set_async, setter.set_finish, 2, 0)
        self.assertEqual(run(setter.get_async, setter.get_finish, 0), 2)
        guard = run(updater.lock_async, updater.lock_finish, EXCLUSIVE, 0)
        guard.set_value(guard.get_value()[1] + 1)
        guard.release()
        self.assertEqual(run(updater.get_async, updater.get_finish, 0), 3)
        run(updater.set_async, updater.set_finish, 4, 0)
        run(updater.clear_async, updater.clear_finish, 0)
        self.assertFalse(obj.is_initialized())
        run(obj.set_async, obj.set_finish, 5, 0)
        run(deleter.clear_async, deleter.clear_finish, 0)
        self.assertEqual(getter.try_get(), (False, 0))

        # The callback's source is the view, not the object.
        sources = []
        getter.peek_async(0, None, lambda source, r: sources.append(source))
        drain()
        self.assertIs(sources[0], getter)

        run(obj.close_async, obj.close_finish, 0)
        with self.assertRaises(GLib.Error) as ctx:
            run(getter.get_async, getter.get_finish, 0)
        self.assertIOError(ctx, Gio.IOErrorEnum.CLOSED)

    def test_sync_from_worker_thread(self):
        obj = int_object()
        empty = int_object()
        writer = obj.try_lock(EXCLUSIVE)
        out = {}

        def worker():
            out["get"] = obj.get_sync(0, None)
            out["set"] = obj.set_sync(out["get"] + 1, 0, None)
            guard = obj.lock_sync(SHARED, 0, None)
            out["locked"] = guard.get_value()
            guard.release()
            try:
                obj.clear_sync(0, None)
                empty.get_sync(5, None)
            except GLib.Error as error:
                out["error"] = error

        thread = threading.Thread(target=worker)
        thread.start()
        writer.set_value(41)
        writer.release()
        thread.join()
        self.assertEqual(out["get"], 41)
        self.assertTrue(out["set"])
        self.assertEqual(out["locked"], (True, 42))
        self.assertTrue(out["error"].matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT))

        # Refused with a critical and an error: it raises, never returns
        # something that looks like a result.
        with self.assertRaises(GLib.Error) as ctx:
            expect_critical("*owner context*", obj.clear_sync, 0, None)
        self.assertTrue(ctx.exception.matches(Sp.error_quark(), Sp.Error.WOULD_DEADLOCK))
        with self.assertRaises(GLib.Error) as ctx:
            expect_critical("*owner context*", obj.get_sync, 0, None)
        self.assertIn("owner context", ctx.exception.message)

    def test_stats_and_hold_warning(self):
        obj = int_object(1)
        self.assertFalse(obj.props.measure_hold_times)
        obj.props.measure_hold_times = True
        holder = obj.try_lock(EXCLUSIVE)
        with self.assertRaises(GLib.Error):
            run(obj.get_async, obj.get_finish, 5)
        holder.set_label("python test")
        holder.release()
        self.assertEqual(run(obj.get_async, obj.get_finish, 0), 1)
        stats = obj.get_stats()
        self.assertIsInstance(stats, Sp.Stats)
        self.assertEqual(stats.writes_granted, 1)
        self.assertEqual(stats.reads_granted, 1)
        self.assertEqual(stats.timeouts, 1)
        self.assertEqual(stats.cancellations, 0)
        self.assertEqual(stats.peak_queue_length, 1)
        self.assertEqual(stats.queue_length, 0)
        self.assertFalse(stats.current_writer)
        self.assertGreaterEqual(stats.total_hold_us, 5000)
        self.assertEqual(stats.copy().timeouts, 1)
        obj.props.hold_warning_ms = 50
        self.assertEqual(obj.get_hold_warning_ms(), 50)
        obj.set_hold_warning_ms(0)

    def test_hold_times_from_the_first_reading(self):
        obj = Sp.SharedObject(value_type=GObject.TYPE_INT)
        seen = []
        obj.connect("notify::measure-hold-times", lambda o, p: seen.append(o.props.measure_hold_times))
        self.assertEqual(obj.get_stats().total_hold_us, 0)
        self.assertTrue(obj.get_measure_hold_times())
        holder = obj.try_lock(EXCLUSIVE)
        with self.assertRaises(GLib.Error):
            run(obj.get_async, obj.get_finish, 5)  # held through a 5 ms timeout
        holder.release()
        self.assertGreaterEqual(obj.get_stats().total_hold_us, 5000)
        obj.set_measure_hold_times(False)
        ctx = GLib.MainContext.default()
        while len(seen) < 2:
            ctx.iteration(True)
        self.assertEqual(seen, [True, False])
        kept = Sp.SharedObject(value_type=GObject.TYPE_INT, measure_hold_times=False)
        kept.get_stats()
        self.assertFalse(kept.props.measure_hold_times)

    def test_bad_input(self):
        obj = int_object(1)
        # A constructor refusing its input returns NULL, which PyGObject
        # turns into a TypeError after the critical.
        with self.assertRaises(TypeError):
            expect_critical("*G_TYPE_IS_VALUE_TYPE*", Sp.SharedObject.new, GObject.TYPE_NONE)
        with self.assertRaises(TypeError):
            expect_critical("*cannot be stored*", Sp.SharedObject.new_full, GObject.TYPE_INT, None, "x", None)
        expect_critical("*timeout_ms >= -1*", obj.get_async, -2, None, None)
        expect_critical("*timeout_ms >= -1*", obj.peek_async, -2, None, None)
        expect_critical("*timeout_ms >= -1*", obj.set_async, 1, -2, None, None)
        expect_critical("*timeout_ms >= -1*", obj.clear_async, -2, None, None)
        expect_critical("*timeout_ms >= -1*", obj.lock_async, SHARED, -2, None, None)
        expect_critical("*timeout_ms >= -1*", obj.close_async, -2, None, None)
        expect_critical("*timeout_ms >= 0*", obj.set_default_timeout, -5)
        # PyGObject refuses a bad enum itself.
        with self.assertRaises(TypeError):
            obj.lock_async(7, 0, None, None)
        with self.assertRaises(TypeError):
            obj.try_lock(7)
        # Any Python object becomes a GValue (a PyObject box): refused as
        # data, with an error, not a crash.
        with self.assertRaises(GLib.Error) as ctx:
            run(obj.set_async, obj.set_finish, object(), 0)
        self.assertIOError(ctx, Gio.IOErrorEnum.INVALID_ARGUMENT)
        with self.assertRaises(TypeError):
            obj.get_async("soon", None, None)
        getter = obj.get_getter()
        expect_critical("*timeout_ms >= -1*", getter.get_async, -3, None, None)
        updater = obj.get_updater()
        with self.assertRaises(TypeError):
            updater.lock_async(9, 0, None, None)
        expect_critical("*timeout_ms >= -1*", updater.lock_async, EXCLUSIVE, -9, None, None)
        # A huge timeout is just a timeout; a cancelled cancellable fails
        # the call.
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        with self.assertRaises(GLib.Error) as ctx:
            run(obj.get_async, obj.get_finish, GLib.MAXINT32, cancellable=cancellable)
        self.assertIOError(ctx, Gio.IOErrorEnum.CANCELLED)
        # A handler with the wrong signature raises inside PyGObject, which
        # reports it; the object goes on.
        obj.connect("changed", lambda: None)
        obj.connect("closed", lambda a, b, c, d: None)
        self.assertTrue(run(obj.set_async, obj.set_finish, 2, GLib.MAXINT32))
        # A guard used after release, or released twice: a critical each.
        guard = obj.try_lock(EXCLUSIVE)
        guard.release()
        expect_critical("*already released*", guard.release)
        self.assertFalse(expect_critical("*already released*", guard.set_value, 3))
        # Views of a closed object fail with CLOSED.
        view = obj.get_updater()
        run(obj.close_async, obj.close_finish, 0)
        with self.assertRaises(GLib.Error) as ctx:
            run(view.lock_async, view.lock_finish, SHARED, 0)
        self.assertIOError(ctx, Gio.IOErrorEnum.CLOSED)
        drain()
        # Nothing was lost.
        self.assertEqual(obj.try_get(), (False, 0))
        self.assertEqual(obj.get_stats().current_readers, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
