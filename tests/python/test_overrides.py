# SPDX-License-Identifier: MIT
"""The Sharedpotato PyGObject overrides (introspection/python/gi/overrides),
on the plain API: driven by GLib main loops, no asyncio.

Run by `meson test` with Debian's /usr/bin/python3, PYTHONPATH naming
introspection/python (where gi.overrides finds the module) and
G_DEBUG=fatal-criticals. Tests that prove a guard is released without the
garbage collector run with gc disabled.
"""

import gc
import os
import threading
import unittest

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402
from mainloop_support import int_object, iterate_until, run  # noqa: E402

Sp = Sharedpotato
EXCLUSIVE = Sp.LockMode.EXCLUSIVE
SHARED = Sp.LockMode.SHARED


class NoGC:
    """gc disabled for the block: what is released is released by the
    overrides, not by a collection."""

    def __enter__(self):
        gc.collect()
        gc.disable()

    def __exit__(self, *exc_info):
        gc.enable()


class CallbackErrors:
    """Counts the exceptions PyGObject reports from callbacks (it prints
    them through sys.excepthook) instead of letting them clutter the log."""

    def __enter__(self):
        import sys

        self.errors = []
        self._sys = sys
        self._hook = sys.excepthook
        sys.excepthook = lambda kind, value, tb: self.errors.append(value)
        return self.errors

    def __exit__(self, *exc_info):
        self._sys.excepthook = self._hook


class LoadingTest(unittest.TestCase):
    def test_found_through_pythonpath(self):
        import gi.overrides.Sharedpotato as overrides

        here = os.path.dirname(os.path.abspath(__file__))
        expected = os.path.join(os.path.dirname(os.path.dirname(here)), "introspection", "python",
                                "gi", "overrides", "Sharedpotato.py")
        self.assertEqual(os.path.realpath(overrides.__file__), os.path.realpath(expected))
        for value in (int_object(), int_object().get_getter(), Sp.SharedQueue.new(GObject.TYPE_INT, 0),
                      Sp.SharedSet.new(GObject.TYPE_INT), int_object(1).try_lock(SHARED)):
            self.assertEqual(type(value).__module__, "gi.overrides.Sharedpotato")

    def test_no_new_gtype_and_construction_through_properties(self):
        self.assertEqual(Sp.SharedObject.__gtype__.name, "SpSharedObject")
        obj = Sp.SharedObject(value_type=GObject.TYPE_DOUBLE, name="x")
        self.assertEqual(obj.get_value_type(), GObject.TYPE_DOUBLE)
        self.assertEqual(obj.props.name, "x")
        queue = Sp.SharedQueue(item_type=GObject.TYPE_STRING, capacity=2)
        self.assertEqual(queue.get_capacity(), 2)
        s = Sp.SharedSet(item_type=GObject.TYPE_STRING)
        self.assertEqual(s.get_item_type(), GObject.TYPE_STRING)
        self.assertIsInstance(GObject.new(Sp.SharedObject, value_type=GObject.TYPE_INT), Sp.SharedObject)


class GuardTest(unittest.TestCase):
    def test_context_manager(self):
        obj = int_object(1)
        with self.assertRaises(RuntimeError):
            with obj.try_lock(EXCLUSIVE) as guard:
                guard.set_value(2)
                raise RuntimeError("boom")
        self.assertTrue(guard.is_released())
        self.assertEqual(obj.try_get(), (True, 2))
        # Released inside the block: not released twice (a critical).
        with obj.try_lock(EXCLUSIVE) as guard:
            guard.release()
        # From a worker thread, with the blocking twin.
        out = []

        def worker():
            with obj.lock_sync(EXCLUSIVE, 5000, None) as guard:
                guard.set_value(guard.get_value()[1] + 1)
            out.append(guard.is_released())

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(10)
        self.assertEqual(out, [True])
        self.assertEqual(obj.try_get(), (True, 3))

    def test_finish_calls_return_the_value(self):
        obj = int_object(4)
        self.assertEqual(run(obj.get_async, obj.get_finish, 0), 4)
        self.assertEqual(run(obj.peek_async, obj.peek_finish, 0), (True, 4))
        guard = run(obj.lock_async, obj.lock_finish, SHARED, 0)
        self.assertIsInstance(guard, Sp.Guard)
        guard.release()
        queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 0)
        self.assertTrue(run(queue.push_async, queue.push_finish, "a", 0))
        self.assertEqual(run(queue.pop_async, queue.pop_finish, 0), "a")
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        self.assertTrue(run(s.add_async, s.add_finish, "a", 0))
        self.assertEqual(run(s.size_async, s.size_finish, 0), 1)
        self.assertEqual(run(s.snapshot_async, s.snapshot_finish, 0), ["a"])


class CallbackScopeTest(unittest.TestCase):
    def test_raise_in_lock_callback_releases_the_guard(self):
        # The program: the next call succeeds within its timeout,
        # with no garbage collection in between.
        obj = int_object(1)
        ran = []

        def locked(obj, res):
            guard = obj.lock_finish(res)
            guard.set_value(2)
            ran.append(guard)
            raise RuntimeError("boom")

        with NoGC(), CallbackErrors() as errors:
            obj.lock_async(EXCLUSIVE, 0, None, locked)
            iterate_until(lambda: ran)
            self.assertEqual(run(obj.get_async, obj.get_finish, 100), 2)
            self.assertFalse(obj.get_stats().current_writer)
            self.assertTrue(ran[0].is_released())
            self.assertIsNotNone(obj.try_lock(EXCLUSIVE))
        self.assertEqual([type(e) for e in errors], [RuntimeError])

    def test_raise_before_finishing_releases_the_result_guard(self):
        obj = int_object(1)
        ran = []

        def locked(obj, res):
            ran.append(True)
            raise ValueError("never finished")

        with NoGC(), CallbackErrors():
            obj.get_updater().lock_async(SHARED, 0, None, locked)
            iterate_until(lambda: ran)
            self.assertEqual(obj.get_stats().current_readers, 0)
            self.assertTrue(run(obj.set_async, obj.set_finish, 5, 100))

    def test_guards_taken_in_any_callback_are_released_on_raise(self):
        obj = int_object(1)
        other = int_object(2)
        ran = []

        def got(obj, res):
            ran.append(obj.get_finish(res))
            self.guard = other.try_lock(EXCLUSIVE)  # kept alive on purpose
            raise KeyError("oops")

        with NoGC(), CallbackErrors():
            obj.get_async(0, None, got)
            iterate_until(lambda: ran)
            self.assertTrue(self.guard.is_released())
            self.assertIsNotNone(other.try_lock(EXCLUSIVE))

    def test_a_callback_that_returns_keeps_its_guard(self):
        obj = int_object(1)
        kept = []

        def locked(obj, res):
            kept.append(obj.lock_finish(res))  # held across later work

        obj.lock_async(EXCLUSIVE, 0, None, locked)
        iterate_until(lambda: kept)
        self.assertFalse(kept[0].is_released())
        with self.assertRaises(GLib.Error):
            run(obj.get_async, obj.get_finish, 10)
        kept[0].release()
        self.assertEqual(run(obj.get_async, obj.get_finish, 100), 1)

    def test_user_data_and_keywords_pass_through(self):
        obj = int_object(1)
        got = []
        obj.get_async(0, None, lambda o, r, data: got.append((o.get_finish(r), data)), "tag")
        obj.lock_async(SHARED, 0, None, callback=lambda o, r: got.append(o.lock_finish(r).get_mode()))
        iterate_until(lambda: len(got) == 2)
        self.assertEqual(sorted(map(str, got)), sorted(map(str, [(1, "tag"), SHARED])))


class InitializerTest(unittest.TestCase):
    def test_raise_fails_the_waiting_gets_at_once_with_the_message(self):
        obj = int_object()
        attempts = []

        def load(obj, guard):
            attempts.append(guard)
            if len(attempts) == 1:
                raise FileNotFoundError("config.ini is missing")
            guard.set_value(3)

        obj.set_initializer(load)
        outcomes = []

        def got(o, r):
            try:
                outcomes.append(o.get_finish(r))
            except GLib.Error as error:
                outcomes.append(error)

        with NoGC(), CallbackErrors() as errors, self.assertLogs("sharedpotato", "DEBUG") as logged:
            start = GLib.get_monotonic_time()
            obj.get_async(5000, None, got)
            obj.get_async(5000, None, got)
            iterate_until(lambda: len(outcomes) == 2)
            # At once, not at the gets' 5 s timeout.
            self.assertLess(GLib.get_monotonic_time() - start, 2_000_000)
            self.assertTrue(attempts[0].is_released())
        for error in outcomes:
            self.assertTrue(error.matches(Sp.error_quark(), Sp.Error.FAILED), error)
            self.assertEqual(error.message, "FileNotFoundError: config.ini is missing")
        # The exception reached the gets; it is not printed as unhandled,
        # and its traceback is in the debug log.
        self.assertEqual(errors, [])
        self.assertIn("initializer InitializerTest.test_raise_fails_the_waiting_gets_at_once_with_the_message"
                      ".<locals>.load", logged.output[0])
        self.assertIn("FileNotFoundError: config.ini is missing", logged.output[0])
        # The next get runs it again.
        self.assertEqual(run(obj.get_async, obj.get_finish, 1000), 3)
        self.assertEqual(len(attempts), 2)

    def test_a_glib_error_passes_through(self):
        obj = int_object()

        def load(obj, guard):
            raise GLib.Error.new_literal(Gio.io_error_quark(), "no network", Gio.IOErrorEnum.NETWORK_UNREACHABLE)

        obj.set_initializer(load)
        with CallbackErrors():
            with self.assertRaises(GLib.Error) as ctx:
                run(obj.get_async, obj.get_finish, 1000)
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NETWORK_UNREACHABLE))
        self.assertEqual(ctx.exception.message, "no network")

    def test_return_true_keeps_the_guard(self):
        obj = int_object()

        def load(obj, guard):
            def later():
                guard.set_value(7)
                guard.release()
                return GLib.SOURCE_REMOVE

            GLib.timeout_add(5, later)
            return True

        obj.set_initializer(load)
        self.assertEqual(run(obj.get_async, obj.get_finish, 1000), 7)

    def test_only_true_itself_keeps_the_guard(self):
        # A truthy result that is not True is not a promise to release the
        # guard later: the run ends, and the gets receive the value at once.
        for result in ("done", 1, [True], object()):
            obj = int_object()
            taken = []

            def load(obj, guard, result=result):
                taken.append(guard)
                guard.set_value(6)
                return result

            obj.set_initializer(load)
            with NoGC():
                self.assertEqual(run(obj.get_async, obj.get_finish, 1000), 6, result)
                self.assertTrue(taken[0].is_released(), result)
            guard = obj.try_lock(EXCLUSIVE)
            self.assertIsNotNone(guard, result)
            guard.release()

    def test_return_without_a_value(self):
        obj = int_object()
        obj.set_initializer(lambda obj, guard: None)
        with self.assertRaises(GLib.Error) as ctx:
            run(obj.get_async, obj.get_finish, 1000)
        self.assertTrue(ctx.exception.matches(Sp.error_quark(), Sp.Error.NOT_INITIALIZED))
        obj.set_initializer(None)

    def test_guards_taken_by_a_raising_initializer_are_released(self):
        obj = int_object()
        other = int_object(0)

        def load(obj, guard):
            self.taken = other.try_lock(EXCLUSIVE)
            raise RuntimeError("half done")

        obj.set_initializer(load)
        with NoGC(), CallbackErrors():
            with self.assertRaises(GLib.Error):
                run(obj.get_async, obj.get_finish, 1000)
        self.assertTrue(self.taken.is_released())


class LabelTest(unittest.TestCase):
    def hold_warnings(self, obj, take):
        """Runs take() (which leaves a guard held) with hold-warning-ms at
        1 and returns the warning the library logs."""
        warnings = []
        handler = GLib.log_set_handler("Sharedpotato", GLib.LogLevelFlags.LEVEL_WARNING | GLib.LogLevelFlags.LEVEL_MESSAGE,
                                       lambda domain, level, message, *data: warnings.append(message), None)
        try:
            obj.props.hold_warning_ms = 1
            guard = take()
            iterate_until(lambda: warnings)
            guard.release()
            iterate_until(lambda: len(warnings) == 2)
        finally:
            GLib.log_remove_handler("Sharedpotato", handler)
        return warnings[0]

    def test_lock_callback_label(self):
        obj = int_object(1)
        kept = []

        def on_locked(obj, res):
            kept.append(obj.lock_finish(res))

        def take():
            obj.lock_async(EXCLUSIVE, 0, None, on_locked)
            iterate_until(lambda: kept)
            return kept[0]

        warning = self.hold_warnings(obj, take)
        self.assertIn("lock taken by LabelTest.test_lock_callback_label.<locals>.on_locked (%s:" % __file__, warning)

    def test_try_lock_label_names_the_caller(self):
        obj = int_object(1)
        warning = self.hold_warnings(obj, lambda: obj.try_lock(SHARED))
        self.assertIn("lock taken by <lambda> (%s:" % __file__, warning)

    def test_initializer_label(self):
        obj = int_object()
        kept = []

        def slow_load(obj, guard):
            kept.append(guard)
            return True

        obj.set_initializer(slow_load)

        def take():
            obj.get_async(0, None, None)
            iterate_until(lambda: kept)
            kept[0].set_value(1)
            return kept[0]

        warning = self.hold_warnings(obj, take)
        self.assertIn("LabelTest.test_initializer_label.<locals>.slow_load (%s:" % __file__, warning)


    def test_updater_lock_sync_label_names_the_caller(self):
        obj = int_object(1)
        updater = obj.get_updater()

        def take():
            taken = []

            def worker_take():  # a blocking call belongs to a worker thread
                taken.append(updater.lock_sync(EXCLUSIVE, 5000, None))

            thread = threading.Thread(target=worker_take)
            thread.start()
            thread.join(5)
            self.assertEqual(len(taken), 1)
            return taken[0]

        warning = self.hold_warnings(obj, take)
        self.assertIn("lock taken by worker_take (%s:" % __file__, warning)


class SyncLockScopeTest(unittest.TestCase):
    def test_lock_sync_in_a_raising_callback_is_released(self):
        # A worker thread with a main context of its own runs a callback
        # that takes a lock of an object of the main thread with lock_sync
        # (of the object and of its updater), then raises.
        obj = int_object(1)
        for lock_sync in (obj.lock_sync, obj.get_updater().lock_sync):
            taken = []
            ran = []

            def worker():
                context = GLib.MainContext.new()
                context.push_thread_default()
                try:
                    local = int_object(0)

                    def on_got(o, result):
                        ran.append(o.get_finish(result))
                        taken.append(lock_sync(EXCLUSIVE, 5000, None))
                        raise RuntimeError("after lock_sync")

                    local.get_async(0, None, on_got)
                    deadline = GLib.get_monotonic_time() + 5_000_000
                    while not ran and GLib.get_monotonic_time() < deadline:
                        context.iteration(False)
                finally:
                    context.pop_thread_default()

            with NoGC(), CallbackErrors() as errors:
                thread = threading.Thread(target=worker)
                thread.start()
                thread.join(10)
                self.assertFalse(thread.is_alive())
                self.assertEqual(len(taken), 1)
                self.assertTrue(taken[0].is_released(), lock_sync)
            self.assertEqual([str(e) for e in errors], ["after lock_sync"])
            guard = obj.try_lock(EXCLUSIVE)
            self.assertIsNotNone(guard)
            guard.release()


class NumbersTest(unittest.TestCase):
    def test_ints_beyond_gint_reach_the_library(self):
        big = Sp.SharedObject.new(GObject.TYPE_INT64)
        self.assertTrue(run(big.set_async, big.set_finish, 2**40, 0))
        self.assertEqual(big.try_get(), (True, 2**40))
        unsigned = Sp.SharedObject.new_full(GObject.TYPE_UINT64, None, 2**64 - 1, None)
        self.assertEqual(unsigned.try_get(), (True, 2**64 - 1))
        self.assertEqual(Sp.SharedObject.new_with_value(2**40).get_value_type(), GObject.TYPE_INT64)
        doubles = Sp.SharedObject.new(GObject.TYPE_DOUBLE)
        self.assertTrue(run(doubles.set_async, doubles.set_finish, 2**40, 0))
        self.assertEqual(doubles.try_get(), (True, float(2**40)))

    def test_out_of_range_is_refused(self):
        small = int_object(1)
        with self.assertRaises(GLib.Error) as ctx:
            run(small.set_async, small.set_finish, 2**40, 0)
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.INVALID_ARGUMENT))
        with self.assertRaises(OverflowError):
            small.set_async(2**64, 0, None, None)
        with self.assertRaises(OverflowError):
            Sp.SharedQueue.new(GObject.TYPE_UINT64, 0).try_push(-(2**64))
        self.assertEqual(small.try_get(), (True, 1))
        guard = small.try_lock(EXCLUSIVE)
        with self.assertRaises(GLib.Error):
            guard.set_value(2**33)
        guard.release()

    def test_every_item_call(self):
        queue = Sp.SharedQueue.new(GObject.TYPE_INT64, 0)
        self.assertTrue(queue.try_push(2**40))
        self.assertTrue(queue.push_front(2**41))
        self.assertEqual([queue.try_pop(), queue.try_pop()], [2**41, 2**40])
        producer = queue.get_producer()
        self.assertTrue(producer.try_push(-(2**40)))
        self.assertEqual(queue.get_consumer().try_pop(), -(2**40))
        s = Sp.SharedSet.new(GObject.TYPE_UINT64)
        self.assertTrue(s.try_add(2**63))
        self.assertTrue(s.try_contains(2**63))
        self.assertTrue(s.get_query().try_contains(2**63))
        self.assertTrue(s.get_deleter().try_discard(2**63))
        self.assertTrue(run(s.add_async, s.add_finish, 2**64 - 1, 0))
        self.assertTrue(s.get_setter().try_add(2**62))
        self.assertEqual(sorted(run(s.snapshot_async, s.snapshot_finish, 0)), [2**62, 2**64 - 1])


if __name__ == "__main__":
    unittest.main(verbosity=2)
