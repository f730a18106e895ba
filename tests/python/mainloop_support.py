# SPDX-License-Identifier: MIT
"""What the test files that drive GLib's main loop by hand share (no
asyncio): run one _async/_finish pair to its callback, iterate until a
condition holds, drain pending sources, expect a critical, and an int
shared object. Every wait is bounded, so a lost callback fails the test
instead of hanging it.
"""

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import GLib, GObject, Sharedpotato as Sp  # noqa: E402


def run(begin, finish, *args, cancellable=None, limit_ms=5000):
    """Calls begin(*args, cancellable, callback) and runs the default main
    context until the callback ran; returns finish(result) or raises."""
    loop = GLib.MainLoop()
    box = {}

    def done(_source, result):
        try:
            box["value"] = finish(result)
        except GLib.Error as error:
            box["error"] = error
        loop.quit()

    def too_long():
        box["hung"] = True
        loop.quit()
        return GLib.SOURCE_REMOVE

    begin(*args, cancellable, done)
    watchdog = GLib.timeout_add(limit_ms, too_long)
    loop.run()
    if "hung" in box:
        raise AssertionError("%s did not complete" % begin.__name__)
    GLib.source_remove(watchdog)
    if "error" in box:
        raise box["error"]
    return box["value"]


def iterate_until(condition, limit_ms=5000):
    """Iterates the default main context until condition() holds."""
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + limit_ms * 1000
    while not condition():
        if GLib.get_monotonic_time() > deadline:
            raise AssertionError("condition not reached in %d ms" % limit_ms)
        context.iteration(False)


def drain():
    """Dispatches everything the default main context has ready."""
    context = GLib.MainContext.default()
    while context.iteration(False):
        pass


def expect_critical(pattern, call, *args):
    """Returns call(*args), which must log exactly one Sharedpotato
    critical matching @pattern (the tests run with fatal criticals)."""
    GLib.test_expect_message("Sharedpotato", GLib.LogLevelFlags.LEVEL_CRITICAL, pattern)
    try:
        return call(*args)
    finally:
        GLib.test_assert_expected_messages_internal("Sharedpotato", __file__, 0, "expect_critical")


def int_object(value=None):
    """A shared int, unset when @value is None."""
    if value is None:
        return Sp.SharedObject.new(GObject.TYPE_INT)
    return Sp.SharedObject.new_full(GObject.TYPE_INT, None, value, None)
