#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A shared configuration value from Python: lazy initialization, readers,
a writer on a worker thread, a timeout, and close with a handler.

The example runs as a test: any error but the impatient reader's timeout
makes it exit 1."""

import sys
import threading
import time
import traceback

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, GObject, Sharedpotato  # noqa: E402

loop = GLib.MainLoop()
config = Sharedpotato.SharedObject.new_full(GObject.TYPE_STRING, "config", None, None)
failed = False


def fail(exc_type, exc_value, exc_traceback):
    """PyGObject only prints an exception raised in a GLib callback, and a
    thread's exception ends just that thread: either way the example would
    go on, or hang, and exit 0. Stop it and exit 1 instead."""
    global failed
    failed = True
    traceback.print_exception(exc_type, exc_value, exc_traceback)
    GLib.idle_add(loop.quit)  # from any thread


sys.excepthook = fail
threading.excepthook = lambda args: fail(args.exc_type, args.exc_value, args.exc_traceback)


def load_config(obj, guard):
    print("initializer: loading (first get found no value)")

    def done():
        guard.set_value("theme=light")
        guard.release()
        print('initializer: loaded "theme=light"')
        return GLib.SOURCE_REMOVE

    GLib.timeout_add(20, done)
    return True  # keeps the guard: done() ends the run


def reader(name):
    def done(getter, result):
        print(f'{name}: read "{getter.get_finish(result)}"')

    return done


def impatient_reader(getter, result):
    # Its timeout races with the lock: on a busy machine the writer may be
    # done first. Giving up is the one error expected; any other is a bug.
    try:
        print(f'impatient: read "{getter.get_finish(result)}" before its timeout')
    except GLib.Error as error:
        if not error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT):
            raise
        print(f"impatient: {error.message}")


def writer():
    guard = config.lock_sync(Sharedpotato.LockMode.EXCLUSIVE, 1000, None)
    print(f'writer (worker thread): holds the write lock over "{guard.get_value()[1]}" for 30 ms')
    time.sleep(0.03)  # slow work while holding the lock
    guard.set_value("theme=dark")
    guard.release()
    print('writer (worker thread): wrote "theme=dark"')
    GLib.idle_add(close)


def on_closed(obj, final_value):
    print(f'close handler: final value "{final_value}", flushing it for 10 ms')
    obj.hold_close()

    def flushed():
        print("close handler: flushed, releasing its hold")
        obj.release_close()
        return GLib.SOURCE_REMOVE

    GLib.timeout_add(10, flushed)


def close():
    thread.join()

    def closed(obj, result):
        obj.close_finish(result)
        print("closed")
        loop.quit()

    config.close_async(1000, None, closed)
    return GLib.SOURCE_REMOVE


config.set_initializer(load_config)
config.connect("changed", lambda obj, old, new: print(f'signal changed: "{new}"'))
config.connect("closed", on_closed)

getter = config.get_getter()
getter.get_async(0, None, reader("reader-1"))
getter.get_async(0, None, reader("reader-2"))
# Queued behind the writer, it gives up after 15 ms.
GLib.timeout_add(25, lambda: getter.get_async(15, None, impatient_reader) or GLib.SOURCE_REMOVE)

thread = threading.Thread(target=writer)
thread.start()
loop.run()
sys.exit(1 if failed else 0)
