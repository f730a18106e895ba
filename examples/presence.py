#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A shared value bound to a widget's property, and a shared set shown as a
list, the way a GTK application would: a worker thread changes them, the
user interface follows on the main thread, with no code of its own to
copy values across.

Plain GObject stand-ins play the widgets, so that the example runs
anywhere; with GTK 4, `status.bind_property("value", label, "label")` and
`Gtk.ListView(model=Gtk.NoSelection(model=online))` do the same.

The example runs as a test: it exits 1 on anything it does not expect."""

import sys
import threading

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402


class Label(GObject.Object):
    """Stands in for a Gtk.Label: a string property the UI shows."""

    label = GObject.Property(type=str, default="")


class ListView:
    """Stands in for a Gtk.ListView: it follows items-changed."""

    def __init__(self, model):
        self.rows = []
        model.connect("items-changed", self.on_items_changed)
        self.on_items_changed(model, 0, 0, model.get_n_items())

    def on_items_changed(self, model, position, removed, added):
        assert threading.current_thread() is threading.main_thread()
        new_rows = [model.get_item(position + i).props.string for i in range(added)]
        self.rows[position:position + removed] = new_rows
        print(f"  list: {self.rows}")


loop = GLib.MainLoop()
status = Sharedpotato.SharedObject.new_full(GObject.TYPE_STRING, "status", None, None)
online = Sharedpotato.SharedSet(item_type=GObject.TYPE_STRING, name="online")

label = Label()
status.bind_property("value", label, "label", GObject.BindingFlags.SYNC_CREATE)
label.connect("notify::label", lambda widget, _pspec: print(f'  label: "{widget.props.label}"'))
view = ListView(online)


def worker():
    """A network thread: it blocks, which the main loop must never do."""
    status.set_sync("connecting", 0, None)
    for user in ("ada", "grace", "linus"):
        online.add_sync(user, 0, None)
    online.discard_sync("grace", 0, None)
    status.set_sync("online: 2 users", 0, None)
    GLib.idle_add(loop.quit)


thread = threading.Thread(target=worker)
thread.start()
loop.run()
thread.join()

# Drain what the last changes announced.
context = GLib.MainContext.default()
while context.iteration(False):
    pass

if label.props.label != "online: 2 users" or view.rows != ["ada", "linus"]:
    print(f"unexpected end state: {label.props.label!r} {view.rows!r}", file=sys.stderr)
    sys.exit(1)
assert isinstance(online, Gio.ListModel)
print("the UI followed the worker")
