# SPDX-License-Identifier: MIT
"""Two processes sharing one value over D-Bus.

Run on a bus of its own: dbus-run-session -- python3 examples/dbus_counter.py

The service exports a shared counter and starts a client, this same file
with --client. The client takes the lock three times and adds one each
time; the service adds ten once, locally, in the same FIFO queue; both
print what they see. Then the client takes the lock and is killed while it
holds it: the service's next read goes through at once.
"""

import os
import signal
import subprocess
import sys

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato as Sp  # noqa: E402

PATH = "/org/gnome/Sharedpotato/Demo/Counter"


def wait(begin, finish, *args):
    """Runs one async call to completion on the default main context."""
    loop, box = GLib.MainLoop(), {}

    def done(_source, result):
        try:
            box["value"] = finish(result)
        except GLib.Error as error:
            box["error"] = error
        loop.quit()

    begin(*args, None, done)
    loop.run()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def client(bus_name):
    connection = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    counter = wait(Sp.SharedObjectProxy.new, Sp.SharedObjectProxy.new_finish, connection,
                   bus_name, PATH)
    for _ in range(3):
        with wait(counter.lock_async, counter.lock_finish, Sp.LockMode.EXCLUSIVE, 1000) as guard:
            value = guard.get_value()[1] + 1
            guard.set_value(value)
        print("client (pid %d): counter -> %d" % (os.getpid(), value), flush=True)
    guard = wait(counter.lock_async, counter.lock_finish, Sp.LockMode.EXCLUSIVE, 1000)
    guard.set_value(-1)  # never stored: the process dies holding the lock
    print("client: holding the lock; kill me", flush=True)
    GLib.MainLoop().run()


def service():
    connection = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    counter = Sp.SharedObject.new_full(GObject.TYPE_INT, "counter", 0, None)
    export_id = counter.export(connection, PATH)
    counter.connect("changed", lambda _o, old, new: print("service: changed %s -> %s" % (old, new),
                                                           flush=True))

    child = subprocess.Popen([sys.executable, __file__, "--client", connection.get_unique_name()],
                             stdout=subprocess.PIPE, text=True)
    channel = GLib.IOChannel.unix_new(child.stdout.fileno())
    loop = GLib.MainLoop()
    added = []

    def on_line(_channel, _condition):
        line = child.stdout.readline()
        if not line:
            loop.quit()
            return GLib.SOURCE_REMOVE
        print(line, end="", flush=True)
        if "-> 1" in line and not added:
            added.append(True)
            counter.lock_async(Sp.LockMode.EXCLUSIVE, 0, None, add_ten)
        if "kill me" in line:
            os.kill(child.pid, signal.SIGKILL)
            print("service: killed the client while it held the lock", flush=True)
            loop.quit()
        return GLib.SOURCE_CONTINUE

    def add_ten(obj, result):
        with obj.lock_finish(result) as guard:
            guard.set_value(guard.get_value()[1] + 10)

    GLib.io_add_watch(channel, GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN | GLib.IOCondition.HUP,
                      on_line)
    loop.run()
    child.wait()
    child.stdout.close()
    start = GLib.get_monotonic_time()
    value = wait(counter.get_async, counter.get_finish, 2000)
    print("service: counter is %d, read %.0f ms after the kill"
          % (value, (GLib.get_monotonic_time() - start) / 1000), flush=True)
    counter.unexport(export_id)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        client(sys.argv[2])
    else:
        service()
