# SPDX-License-Identifier: MIT
"""Await sharedpotato calls from asyncio code.

PyGObject 3.42 has no asyncio integration, so this module joins the two
worlds with a thread: GLib's global default main context is iterated in a
daemon thread (started on first use), and every sharedpotato callback,
which runs there, completes an asyncio future through
``loop.call_soon_threadsafe``.

Rules that follow from that design:

* Call these functions from a thread that has no thread-default GLib main
  context of its own (an ordinary asyncio thread). Its calls then complete
  in the default context, which the helper thread runs.
* Nothing else may iterate the global default main context (no
  ``GLib.MainLoop().run()`` in the same process).
* Signal handlers of objects created in such a thread run in the helper
  thread, not in the asyncio loop; hand work back with
  ``loop.call_soon_threadsafe``.

Cancelling the awaiting task cancels the call. If the lock had already
been granted when the cancellation arrived, the guard is released for
you, so a grant is never lost.

Example::

    async def main():
        config = Sharedpotato.SharedObject.new(GObject.TYPE_STRING)
        await sharedpotato_asyncio.set(config, "dark")
        print(await sharedpotato_asyncio.get(config, timeout_ms=100))
        async with sharedpotato_asyncio.lock(config) as guard:
            guard.set_value(guard.get_value()[1] + "!")
"""

import asyncio
import threading

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, Sharedpotato  # noqa: E402

__all__ = ["start", "call", "get", "peek", "set", "clear", "close", "lock"]

_runner_lock = threading.Lock()
_runner = None


class _GLibThread:
    """Iterates GLib's global default main context in a daemon thread."""

    def __init__(self):
        self.context = GLib.MainContext.default()
        self._loop = GLib.MainLoop.new(self.context, False)
        self._thread = threading.Thread(
            target=self._loop.run, name="sharedpotato-glib", daemon=True
        )
        self._thread.start()


def start():
    """Starts the helper thread if it is not running yet (idempotent)."""
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = _GLibThread()
    return _runner


def _settle(future, value, error):
    if future.cancelled():
        # The call won the race against the cancellation: give back what
        # it produced rather than lose it.
        if isinstance(value, Sharedpotato.Guard):
            value.release()
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


async def call(begin, finish, *args):
    """Awaits any GIO-style ``begin(*args, cancellable, callback)`` /
    ``finish(result)`` pair, returning what ``finish`` returns and raising
    the ``GLib.Error`` it raises."""
    start()
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    cancellable = Gio.Cancellable()

    def done(_source, result):
        try:
            value = finish(result)
        except GLib.Error as error:
            loop.call_soon_threadsafe(_settle, future, None, error)
        else:
            loop.call_soon_threadsafe(_settle, future, value, None)

    begin(*args, cancellable, done)
    try:
        return await future
    except asyncio.CancelledError:
        cancellable.cancel()
        raise


async def get(obj, timeout_ms=0):
    """The value of ``obj`` (an object, getter, setter or updater),
    waiting for one; see ``SharedObject.get_async``."""
    return await call(obj.get_async, obj.get_finish, timeout_ms)


async def peek(obj, timeout_ms=0):
    """``(initialized, value)`` without waiting for a value."""
    return tuple(await call(obj.peek_async, obj.peek_finish, timeout_ms))


async def set(obj, value, timeout_ms=0):  # noqa: A001 - mirrors the API
    """Stores ``value``; raises ``GLib.Error`` (INVALID_ARGUMENT, ...)."""
    return await call(obj.set_async, obj.set_finish, value, timeout_ms)


async def clear(obj, timeout_ms=0):
    """Back to the default value, or uninitialized."""
    return await call(obj.clear_async, obj.clear_finish, timeout_ms)


async def close(obj, timeout_ms=0):
    """Closes a ``SharedObject``."""
    return await call(obj.close_async, obj.close_finish, timeout_ms)


class lock:  # noqa: N801 - used as ``async with lock(...)``
    """``async with lock(obj, mode, timeout_ms) as guard:`` holds the lock
    for the block and releases it on the way out, error or not."""

    def __init__(self, obj, mode=Sharedpotato.LockMode.EXCLUSIVE, timeout_ms=0):
        self._obj = obj
        self._mode = mode
        self._timeout_ms = timeout_ms
        self._guard = None

    async def __aenter__(self):
        self._guard = await call(
            self._obj.lock_async, self._obj.lock_finish, self._mode, self._timeout_ms
        )
        return self._guard

    async def __aexit__(self, *exc_info):
        guard, self._guard = self._guard, None
        if guard is not None and not guard.is_released():
            guard.release()
        return False
