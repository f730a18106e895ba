# SPDX-License-Identifier: MIT
"""SharedObject across processes from Python: an exported object and a
SharedObjectProxy on a private bus (Gio.TestDBus, started here), with a
second Python process as a client. Driven by GLib main loops.
"""

import subprocess
import sys
import unittest

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato as Sp  # noqa: E402
from mainloop_support import iterate_until, run  # noqa: E402

PATH = "/org/gnome/Sharedpotato/Test"
FLAGS = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
         | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)


def connect(address):
    return Gio.DBusConnection.new_for_address_sync(address, FLAGS, None, None)


def new_proxy(connection, bus_name):
    return run(Sp.SharedObjectProxy.new, Sp.SharedObjectProxy.new_finish, connection, bus_name,
               PATH)


class DBusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bus = Gio.TestDBus.new(Gio.TestDBusFlags.NONE)
        cls.bus.up()
        cls.address = cls.bus.get_bus_address()

    @classmethod
    def tearDownClass(cls):
        cls.bus.down()

    def setUp(self):
        self.server = connect(self.address)
        self.client = connect(self.address)
        self.obj = Sp.SharedObject.new_full(GObject.TYPE_INT, "counter", None, None)
        self.export_id = self.obj.export(self.server, PATH)
        self.proxy = new_proxy(self.client, self.server.get_unique_name())

    def tearDown(self):
        self.obj.unexport(self.export_id)
        self.client.close_sync(None)
        self.server.close_sync(None)

    def test_same_calls_as_a_local_object(self):
        self.assertEqual(self.proxy.props.value_type, GObject.TYPE_INT)
        self.assertEqual(self.proxy.props.name, "counter")
        self.assertEqual(run(self.proxy.peek_async, self.proxy.peek_finish, 0), (False, 0))
        run(self.proxy.set_async, self.proxy.set_finish, 41, 0)
        self.assertEqual(run(self.proxy.get_async, self.proxy.get_finish, 0), 41)
        self.assertEqual(run(self.obj.get_async, self.obj.get_finish, 0), 41)
        run(self.proxy.clear_async, self.proxy.clear_finish, 0)
        self.assertFalse(self.obj.is_initialized())

    def test_asyncio_update_and_lock(self):
        # The awaitable calls, as the Python guide writes them for a local
        # object: update, `async with lock()`, an exception in the block.
        import asyncio

        import sharedpotato_asyncio as aio

        aio.install()

        async def main():
            await self.proxy.set(1)
            self.assertEqual(await self.proxy.update(lambda v: v + 1), 2)
            async with self.proxy.lock() as guard:
                guard.set_value(guard.get_value()[1] * 10)
            with self.assertRaises(KeyError):
                async with self.proxy.lock():
                    raise KeyError("boom")
            # The exporter's get waits for the releases to arrive.
            self.assertEqual(await self.obj.get(), 20)
            self.assertEqual(await self.proxy.get(), 20)

        asyncio.run(asyncio.wait_for(main(), 10))

    def test_guard_is_a_context_manager(self):
        run(self.obj.set_async, self.obj.set_finish, 1, 0)
        with run(self.proxy.lock_async, self.proxy.lock_finish, Sp.LockMode.EXCLUSIVE,
                 0) as guard:
            self.assertEqual(guard.get_value(), (True, 1))
            guard.set_value(2)
            self.assertIsNone(self.obj.try_lock(Sp.LockMode.SHARED))
        self.assertTrue(guard.is_released())
        self.assertEqual(run(self.obj.get_async, self.obj.get_finish, 1000), 2)

    def test_exact_numbers_and_refused_values(self):
        with self.assertRaises(GLib.Error) as caught:
            run(self.proxy.set_async, self.proxy.set_finish, 2**40, 0)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(),
                                                 Gio.IOErrorEnum.INVALID_ARGUMENT))

    def test_timeout_and_cancellation(self):
        with self.assertRaises(GLib.Error) as caught:
            run(self.proxy.get_async, self.proxy.get_finish, 50)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(),
                                                 Gio.IOErrorEnum.TIMED_OUT))
        cancellable = Gio.Cancellable()
        GLib.timeout_add(20, lambda: cancellable.cancel() and False)
        with self.assertRaises(GLib.Error) as caught:
            run(self.proxy.get_async, self.proxy.get_finish, 0, cancellable=cancellable)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(),
                                                 Gio.IOErrorEnum.CANCELLED))
        iterate_until(lambda: self.obj.get_stats().queue_length == 0)

    def test_signals_in_the_owner_context(self):
        seen = []
        self.proxy.connect("changed", lambda _p, old, new: seen.append((old, new)))
        self.proxy.connect("closed", lambda _p, v: seen.append(("closed", v)))
        run(self.obj.set_async, self.obj.set_finish, 5, 0)
        iterate_until(lambda: len(seen) == 1)
        self.assertEqual(seen[0], (None, 5))
        self.assertTrue(self.proxy.props.initialized)
        run(self.proxy.close_async, self.proxy.close_finish, 0)
        self.assertEqual(seen[-1], ("closed", None))
        self.assertTrue(self.proxy.props.closed)

    def test_a_callback_that_raises_releases_its_guard(self):
        import gc

        gc.disable()
        try:
            loop = GLib.MainLoop()

            def locked(proxy, result):
                loop.quit()
                proxy.lock_finish(result)
                raise RuntimeError("boom")

            hook, sys.excepthook = sys.excepthook, lambda *a: None
            try:
                self.proxy.lock_async(Sp.LockMode.EXCLUSIVE, 0, None, locked)
                loop.run()
            finally:
                sys.excepthook = hook
            # The remote lock was released: the exporter's own lock is free.
            run(self.obj.lock_async, self.obj.lock_finish, Sp.LockMode.EXCLUSIVE, 2000).release()
        finally:
            gc.enable()

    def test_another_process(self):
        child = subprocess.Popen(
            [sys.executable, __file__, "--child", self.address, self.server.get_unique_name()],
            stdout=subprocess.PIPE, text=True)
        # The child sets 7 then waits for 8 and exits after printing it.
        changes = []
        self.obj.connect("changed", lambda _o, old, new: changes.append(new))
        iterate_until(lambda: 7 in changes, limit_ms=20000)
        run(self.obj.set_async, self.obj.set_finish, 8, 0)
        deadline = GLib.get_monotonic_time() + 20 * 1000000
        while child.poll() is None and GLib.get_monotonic_time() < deadline:
            GLib.MainContext.default().iteration(False)
        self.assertEqual(child.wait(5), 0)
        with child.stdout:
            self.assertEqual(child.stdout.read().split(), ["got", "8"])


def child(address, bus_name):
    connection = connect(address)
    proxy = new_proxy(connection, bus_name)
    with run(proxy.lock_async, proxy.lock_finish, Sp.LockMode.EXCLUSIVE, 0) as guard:
        guard.set_value(7)
    seen = []
    proxy.connect("changed", lambda _p, old, new: seen.append(new))
    iterate_until(lambda: 8 in seen, limit_ms=20000)
    print("got", run(proxy.get_async, proxy.get_finish, 0), flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        sys.exit(child(sys.argv[2], sys.argv[3]))
    unittest.main()
