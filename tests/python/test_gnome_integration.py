# SPDX-License-Identifier: MIT
"""GNOME integration from Python: the bindable value, the set as a
Gio.ListModel, the queue's length and errors that name the call."""

import threading
import unittest

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato as Sp  # noqa: E402
from mainloop_support import drain, run  # noqa: E402


class Label(GObject.Object):
    text = GObject.Property(type=str)


class GnomeIntegrationTest(unittest.TestCase):
    def test_value_property_binds_and_notifies_on_the_main_thread(self):
        config = Sp.SharedObject.new_full(GObject.TYPE_STRING, "config", None, None)
        label = Label()
        config.bind_property("value", label, "text", GObject.BindingFlags.SYNC_CREATE)
        seen = []
        config.connect("notify::value",
                       lambda obj, _pspec: seen.append((threading.current_thread().name, obj.props.value)))
        self.assertIsNone(config.props.value)

        def worker():
            config.set_sync("dark", 0, None)

        thread = threading.Thread(target=worker, name="worker")
        thread.start()
        thread.join()
        drain()
        self.assertEqual(seen, [("MainThread", "dark")])
        self.assertEqual(label.props.text, "dark")
        # Read-only: changes go through set, in the lock's order.
        with self.assertRaises(TypeError):
            config.props.value = "light"

    def test_set_is_a_list_model_in_insertion_order(self):
        tags = Sp.SharedSet.new(GObject.TYPE_STRING)
        self.assertTrue(isinstance(tags, Gio.ListModel))
        changes = []
        tags.connect("items-changed", lambda _m, pos, removed, added: changes.append((pos, removed, added)))
        self.assertEqual(tags.get_n_items(), 0)
        for word in ("pear", "apple", "fig"):
            self.assertTrue(tags.try_add(word))
        drain()
        self.assertEqual(changes, [(0, 0, 1), (1, 0, 1), (2, 0, 1)])
        self.assertEqual([item.props.string for item in tags], ["pear", "apple", "fig"])
        self.assertEqual(tags.props.n_items, 3)
        # SharedSet.get_item_type() is the set's own (the type of its
        # values); the list model's is reached through the interface.
        self.assertEqual(tags.get_item_type(), GObject.TYPE_STRING)
        self.assertEqual(Gio.ListModel.get_item_type(tags), Sp.SetItem.__gtype__)
        self.assertEqual(tags.get_item(1).props.value, "apple")
        self.assertTrue(tags.try_discard("apple"))
        drain()
        self.assertEqual(changes[-1], (1, 1, 0))
        self.assertEqual([item.props.string for item in tags], ["pear", "fig"])

    def test_queue_length_is_notified(self):
        jobs = Sp.SharedQueue.new(GObject.TYPE_INT, 0)
        lengths = []
        jobs.connect("notify::length", lambda q, _p: lengths.append(q.props.length))
        jobs.try_push(1)
        jobs.try_push(2)
        drain()
        self.assertEqual(lengths, [2])
        jobs.try_pop()
        drain()
        self.assertEqual(lengths, [2, 1])

    def test_every_view_is_a_view_with_its_types_calls(self):
        config = Sp.SharedObject.new_full(GObject.TYPE_INT, "config", None, None)
        jobs = Sp.SharedQueue.new_full(GObject.TYPE_INT, 0, "jobs")
        tags = Sp.SharedSet(item_type=GObject.TYPE_STRING, name="tags")
        views = [config.get_getter(), config.get_setter(), config.get_deleter(), config.get_updater(),
                 jobs.get_producer(), jobs.get_consumer(), tags.get_query(), tags.get_setter(),
                 tags.get_deleter(), tags.get_updater(), tags.get_scanner()]
        for view in views:
            self.assertIsInstance(view, Sp.View)
            self.assertIn(Sp.View.get_name(view), ("config", "jobs", "tags"))
            self.assertFalse(Sp.View.is_closed(view))
        # Readers peek and try_get; blocking twins work from a worker thread.
        updater = config.get_updater()
        self.assertEqual(updater.try_get(), (False, 0))
        results = {}

        def worker():
            results["set"] = config.get_setter().set_sync(5, 0, None)
            results["get"] = updater.get_sync(0, None)
            results["added"] = tags.get_updater().add_sync("x", 0, None)
            results["contains"] = tags.get_query().contains_sync("x", 0, None)

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        self.assertEqual(results, {"set": True, "get": 5, "added": True, "contains": True})
        self.assertEqual(config.get_setter().try_get(), (True, 5))
        drain()

    def test_errors_name_the_call(self):
        config = Sp.SharedObject.new_full(GObject.TYPE_STRING, "config", None, None)
        with self.assertRaises(GLib.Error) as ctx:
            run(config.get_async, config.get_finish, 20)
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT))
        self.assertEqual(ctx.exception.message, "Timed out after 20 ms waiting to get “config”")
        jobs = Sp.SharedQueue.new_full(GObject.TYPE_INT, 0, "jobs")
        run(jobs.close_async, jobs.close_finish, Sp.QueueCloseFlags.NONE, 0)
        with self.assertRaises(GLib.Error) as ctx:
            jobs.try_push(1)
        self.assertEqual(ctx.exception.message, "Cannot push to “jobs”: the shared queue is closed")


if __name__ == "__main__":
    unittest.main(verbosity=2)
