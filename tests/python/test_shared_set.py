# SPDX-License-Identifier: MIT
"""SpSharedSet from Python (PyGObject 3.42), driven by GLib main loops.

Run by `meson test` with Debian's /usr/bin/python3 and G_DEBUG=fatal-criticals.
To keep the set's lock held while other calls queue, a test makes a call
from a second main context it does not iterate: the lock is granted at
once and held until that context runs the call's callback.
"""

import threading
import unittest

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402
from mainloop_support import drain, expect_critical, run  # noqa: E402

Sp = Sharedpotato


class Ops:
    """The set's calls, each run to completion."""

    def __init__(self, target):
        self.t = target

    def add(self, item, timeout=0, cancellable=None):
        return run(self.t.add_async, self.t.add_finish, item, timeout, cancellable=cancellable)

    def discard(self, item, timeout=0, cancellable=None):
        return run(self.t.discard_async, self.t.discard_finish, item, timeout,
                   cancellable=cancellable)

    def contains(self, item, timeout=0):
        return run(self.t.contains_async, self.t.contains_finish, item, timeout)

    def size(self, timeout=0):
        return run(self.t.size_async, self.t.size_finish, timeout)

    def snapshot(self, timeout=0):
        return run(self.t.snapshot_async, self.t.snapshot_finish, timeout)

    def clear(self, timeout=0):
        return run(self.t.clear_async, self.t.clear_finish, timeout)


class Holder:
    """An add made from a context nobody iterates: it holds the lock."""

    def __init__(self, target):
        self.context = GLib.MainContext.new()
        self.done = []
        self.context.push_thread_default()
        target.add_async("holder", 0, None, lambda s, r: self.done.append(s.add_finish(r)))
        self.context.pop_thread_default()

    def release(self):
        while not self.done:
            self.context.iteration(True)
        return self.done[0]


class SharedSetTest(unittest.TestCase):
    def assertIOError(self, ctx, code):
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), code), ctx.exception)

    def test_ops(self):
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        ops = Ops(s)
        self.assertTrue(ops.add("ada"))
        self.assertTrue(ops.add("bob"))
        self.assertFalse(ops.add("ada"))
        self.assertEqual(ops.size(), 2)
        self.assertTrue(ops.contains("bob"))
        self.assertFalse(ops.contains("eve"))
        self.assertEqual(sorted(ops.snapshot()), ["ada", "bob"])
        self.assertTrue(ops.discard("bob"))
        self.assertFalse(ops.discard("bob"))
        self.assertTrue(ops.clear())
        self.assertEqual(ops.snapshot(), [])
        self.assertEqual(ops.size(), 0)

    def test_try(self):
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        self.assertTrue(s.try_add("x"))
        self.assertFalse(s.try_add("x"))
        self.assertTrue(s.try_contains("x"))
        self.assertTrue(s.try_discard("x"))
        self.assertFalse(s.try_contains("x"))

    def test_types(self):
        ints = Sp.SharedSet.new(GObject.TYPE_INT)
        self.assertTrue(ints.try_add(-3))
        self.assertFalse(ints.try_add(-3))
        # 4.6 is not an integer: refused, not added as 4.
        with self.assertRaises(GLib.Error) as ctx:
            ints.try_add(4.6)
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.INVALID_ARGUMENT))
        self.assertFalse(ints.try_contains(4))
        self.assertEqual(Ops(ints).snapshot(), [-3])

        big = Sp.SharedSet.new(GObject.TYPE_UINT64)
        self.assertTrue(big.try_add(GObject.Value(GObject.TYPE_UINT64, 2**64 - 1)))
        self.assertEqual(Ops(big).snapshot(), [2**64 - 1])

        kinds = Sp.SharedSet(item_type=Gio.FileType, name="kinds")
        self.assertEqual(kinds.get_name(), "kinds")
        self.assertTrue(kinds.try_add(Gio.FileType.DIRECTORY))
        # A plain int is transformed to the enum: the same item.
        self.assertFalse(kinds.try_add(int(Gio.FileType.DIRECTORY)))
        self.assertEqual(Ops(kinds).snapshot(), [Gio.FileType.DIRECTORY])

        flags = Sp.SharedSet.new(Gio.FileQueryInfoFlags)
        self.assertTrue(flags.try_add(Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS))
        self.assertEqual(Ops(flags).snapshot(), [Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS])

        objects = Sp.SharedSet.new(GObject.Object)
        a, b = GObject.Object(), GObject.Object()
        self.assertTrue(objects.try_add(a))
        self.assertFalse(objects.try_add(a))
        self.assertTrue(objects.try_add(b))
        snap = Ops(objects).snapshot()
        self.assertEqual(len(snap), 2)
        self.assertTrue(any(x is a for x in snap) and any(x is b for x in snap))

        blobs = Sp.SharedSet.new(GLib.Bytes)
        self.assertTrue(blobs.try_add(GLib.Bytes.new(b"hi")))
        self.assertFalse(blobs.try_add(GLib.Bytes.new(b"hi")))
        self.assertEqual([x.get_data() for x in Ops(blobs).snapshot()], [b"hi"])

    def test_invalid_items(self):
        objects = Sp.SharedSet.new(GObject.Object)
        with self.assertRaises(GLib.Error) as ctx:
            Ops(objects).add(5)
        self.assertIOError(ctx, Gio.IOErrorEnum.INVALID_ARGUMENT)
        strings = Sp.SharedSet.new(GObject.TYPE_STRING)
        with self.assertRaises(GLib.Error) as ctx:
            strings.try_add(GObject.Value(GObject.TYPE_STRING, None))
        self.assertIOError(ctx, Gio.IOErrorEnum.INVALID_ARGUMENT)

    def test_signals_in_owner_context_in_order(self):
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        log = []
        main = threading.current_thread()

        def record(sign):
            def handler(_set, item):
                self.assertIs(threading.current_thread(), main)
                log.append(sign + item)
            return handler

        s.connect("item-added", record("+"))
        s.connect("item-removed", record("-"))
        ops = Ops(s)
        ops.add("a")
        ops.add("b")
        ops.add("a")
        ops.discard("a")

        def work():
            self.assertTrue(s.add_sync("w", 0, None))
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        self.assertNotIn("+w", log)
        ops.clear()
        drain()
        self.assertEqual(log[:3], ["+a", "+b", "-a"])
        self.assertEqual(log[3], "+w")
        self.assertEqual(sorted(log[4:]), ["-b", "-w"])

    def test_timeout_cancel_and_try_while_held(self):
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        ops = Ops(s)
        holder = Holder(s)
        with self.assertRaises(GLib.Error) as ctx:
            ops.add("late", timeout=20)
        self.assertIOError(ctx, Gio.IOErrorEnum.TIMED_OUT)
        s.props.default_timeout = 20
        with self.assertRaises(GLib.Error) as ctx:
            ops.size(timeout=-1)
        self.assertIOError(ctx, Gio.IOErrorEnum.TIMED_OUT)
        with self.assertRaises(GLib.Error) as ctx:
            s.try_contains("holder")
        self.assertIOError(ctx, Gio.IOErrorEnum.WOULD_BLOCK)

        cancellable = Gio.Cancellable()
        GLib.timeout_add(10, lambda: cancellable.cancel() or GLib.SOURCE_REMOVE)
        with self.assertRaises(GLib.Error) as ctx:
            ops.add("cancelled", cancellable=cancellable)
        self.assertIOError(ctx, Gio.IOErrorEnum.CANCELLED)

        self.assertTrue(holder.release())
        self.assertEqual(ops.snapshot(), ["holder"])
        stats = s.get_stats()
        self.assertEqual(stats.timeouts, 2)
        self.assertEqual(stats.cancellations, 1)
        self.assertGreaterEqual(stats.writes_granted, 1)

    def test_close(self):
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        s.try_add("left")
        log = []
        s.connect("item-removed", lambda _s, item: log.append("-" + item))

        def on_closed(the_set):
            log.append("closed")
            the_set.hold_close()
            GLib.idle_add(lambda: the_set.release_close() or GLib.SOURCE_REMOVE)
        s.connect("closed", on_closed)
        holder = Holder(s)
        queued = []
        s.size_async(0, None, lambda src, r: queued.append(r))
        closing = []
        s.close_async(0, None, lambda src, r: closing.append(src.close_finish(r)))
        self.assertTrue(s.is_closed())
        self.assertTrue(s.props.closed)
        while not queued:
            GLib.MainContext.default().iteration(True)
        with self.assertRaises(GLib.Error) as ctx:
            s.size_finish(queued[0])
        self.assertIOError(ctx, Gio.IOErrorEnum.CLOSED)
        self.assertEqual(log, [])
        holder.release()
        while not closing:
            GLib.MainContext.default().iteration(True)
        self.assertEqual(closing, [True])
        self.assertEqual(sorted(log[:2]), ["-holder", "-left"])
        self.assertEqual(log[2], "closed")
        # Closing twice succeeds; new calls fail CLOSED.
        self.assertTrue(run(s.close_async, s.close_finish, 0))
        with self.assertRaises(GLib.Error) as ctx:
            Ops(s).add("x")
        self.assertIOError(ctx, Gio.IOErrorEnum.CLOSED)

    def test_auto_close_on_last_unref(self):
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        s.try_add("x")
        log = []
        s.connect("item-removed", lambda _s, item: log.append(item))
        s.connect("closed", lambda _s: log.append("closed"))
        del s
        for _ in range(10):
            drain()
        self.assertEqual(log, ["x", "closed"])

    def test_views(self):
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        setter, query = s.get_setter(), s.get_query()
        deleter, updater, scanner = s.get_deleter(), s.get_updater(), s.get_scanner()
        del s
        self.assertTrue(Ops(setter).add("a"))
        self.assertTrue(setter.try_add("b"))
        self.assertTrue(Ops(query).contains("a"))
        self.assertEqual(Ops(query).size(), 2)
        self.assertEqual(sorted(Ops(query).snapshot()), ["a", "b"])
        self.assertEqual(sorted(Ops(scanner).snapshot()), ["a", "b"])
        self.assertTrue(Ops(deleter).discard("a"))
        self.assertTrue(Ops(deleter).clear())
        self.assertTrue(Ops(updater).add("u"))
        self.assertTrue(Ops(updater).contains("u"))
        self.assertEqual(Ops(updater).size(), 1)
        self.assertEqual(Ops(updater).snapshot(), ["u"])
        self.assertTrue(Ops(updater).discard("u"))
        self.assertTrue(Ops(updater).clear())
        # Capabilities are separate: no way back, no way to close.
        for view, missing in [(setter, ["discard_async", "contains_async", "close_async"]),
                              (query, ["add_async", "clear_async", "close_async"]),
                              (deleter, ["add_async", "snapshot_async", "close_async"]),
                              (updater, ["close_async", "hold_close"]),
                              (scanner, ["contains_async", "size_async", "add_async"])]:
            for name in missing:
                self.assertFalse(hasattr(view, name), (view, name))
            self.assertFalse(hasattr(view.props, "set"))
        # The callback's source is the view.
        self.assertIs(run(query.size_async, lambda r: r, 0).get_source_object(), query)

    def test_bad_input(self):
        with self.assertRaises(TypeError):
            expect_critical("*sp_set_kind_has_defaults (item_type)*", Sp.SharedSet.new, GObject.TYPE_DOUBLE)
        # Through properties the set exists, refused loudly, and refuses items.
        doubles = expect_critical("*item type gdouble, which a set cannot hold*", lambda: Sp.SharedSet(item_type=GObject.TYPE_DOUBLE))
        with self.assertRaises(GLib.Error) as ctx:
            doubles.try_add(1.5)
        self.assertIOError(ctx, Gio.IOErrorEnum.INVALID_ARGUMENT)
        s = Sp.SharedSet.new(GObject.TYPE_STRING)
        expect_critical("*timeout_ms >= -1*", s.add_async, "x", -2, None, None)
        expect_critical("*has no close hold to release*", s.release_close)
        expect_critical("*timeout_ms >= 0*", s.set_default_timeout, -5)
        drain()


if __name__ == "__main__":
    unittest.main(verbosity=2)
