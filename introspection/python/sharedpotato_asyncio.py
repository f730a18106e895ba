# SPDX-License-Identifier: MIT
"""Await sharedpotato calls from asyncio code, on GLib's main loop.

The asyncio layer runs on an asyncio event loop driven by GLib's main
context (PyGObject's own ``gi.events`` from PyGObject 3.50 on, Debian 12's
``python3-gbulb`` before that), so a GTK or ``Gio.Application`` program
awaits sharedpotato calls from coroutines in its main thread, where its
signal handlers run too::

    import asyncio
    import sharedpotato_asyncio as aio
    from gi.repository import GObject, Sharedpotato

    async def main():
        config = Sharedpotato.SharedObject.new(GObject.TYPE_STRING)
        await config.set("dark")
        print(await config.get(timeout=0.5))
        async with config.lock() as guard:
            guard.set_value(guard.get_value()[1] + "!")

    aio.install()
    asyncio.run(main())

Every type has awaitable methods (the ``Sharedpotato`` overrides add them;
this module implements them): objects ``get``, ``peek``, ``set``,
``clear``, ``lock``, ``close``; queues ``push``, ``pop``, ``close`` and
``async for``; sets ``add``, ``discard``, ``contains``, ``size``,
``snapshot``, ``clear``, ``close``; each view the subset it offers (one
awaitable for each of its ``_async`` methods). A
timeout is in seconds, as a float, like asyncio's: ``None`` (the default)
means the object's ``default-timeout`` (none unless set), ``math.inf`` no
timeout. A call that times out raises ``TimeoutError`` (its cause is the
``GLib.Error``); other failures raise the ``GLib.Error``.

A call that can be served at once is (``try_lock``, ``try_get``,
``try_pop``, ``try_push``, ``try_add``, ...), without suspending, as
asyncio's own primitives do; otherwise it waits in the object's FIFO.
Either way, a thread's first call checks that the layer serves its loop
(``RuntimeError`` if it does not), the check being cached per thread.

``on_closed(target, handler)`` connects a close handler, sync or async,
that holds the close until it is done.

Cancel safety: cancelling the awaiting task cancels the call at once. It
ends in ``CancelledError`` only if nothing happened; if the call was
already served, the layer gives back what it got or reports it: a granted
lock is released, a popped item goes back to the head of the queue (or,
where it cannot, as from a queue closed meanwhile, the pop returns
it), and a push, set, clear, add, discard or close that happened returns
its result.

The thread mode (``start_glib_thread()``) remains for programs whose
asyncio loop is not GLib's: a daemon thread iterates GLib's default main
context and each callback completes its future through
``call_soon_threadsafe``; then nothing else may iterate that context, and
signal handlers run in that thread. Coroutine initializers and async
close handlers, called there, run on the asyncio loop that last made a
call in the thread mode.
"""

import asyncio
import builtins
import contextlib
import logging
import math
import sys
import threading

import gi

gi.require_version("Sharedpotato", "1")
from gi.repository import Gio, GLib, Sharedpotato  # noqa: E402
from gi.module import get_introspection_module  # noqa: E402

__all__ = [
    "install", "running", "run_application", "run_main_loop", "start_glib_thread",
    "call", "get", "peek", "set", "clear", "lock", "close",
    "push", "pop", "items", "add", "discard", "contains", "size", "snapshot", "on_closed",
]

_gi = get_introspection_module("Sharedpotato")
_IO_ERROR = Gio.io_error_quark()
_TIMED_OUT = Gio.IOErrorEnum.TIMED_OUT
_WOULD_BLOCK = Gio.IOErrorEnum.WOULD_BLOCK
_CLOSED = Gio.IOErrorEnum.CLOSED
_EXCLUSIVE = Sharedpotato.LockMode.EXCLUSIVE
_MAX_MS = GLib.MAXINT32


def _exact(value):
    """The overrides' exact conversion of an item (an int beyond gint
    passed as 64 bits); the overrides are loaded with the typelib."""
    return _overrides._exact(value)


try:
    _overrides = sys.modules["gi.overrides.Sharedpotato"]
except KeyError:
    raise ImportError(
        "PyGObject did not load the Sharedpotato overrides: gi/overrides/Sharedpotato.py, installed "
        "beside this module, must be in a gi/overrides folder of a sys.path entry") from None


# ---------------------------------------------------------------------------
# The event loop


def _glib_loop_types():
    types = []
    try:
        from gi.events import GLibEventLoop
        types.append(GLibEventLoop)
    except ImportError:
        pass
    try:
        from gbulb.glib_events import GLibBaseEventLoop
        types.append(GLibBaseEventLoop)
    except ImportError:
        pass
    return tuple(types)


def _gbulb_policy_class():
    try:
        import gbulb
        from gbulb.glib_events import GLibEventLoopPolicy
    except ImportError as error:
        raise ImportError(
            "sharedpotato_asyncio needs an asyncio loop on GLib's main context: "
            "PyGObject 3.50 or later (gi.events), or gbulb (Debian: apt install python3-gbulb)"
        ) from error

    class Policy(GLibEventLoopPolicy):
        """gbulb's policy, except that a new loop of the main thread runs
        GLib's default main context even after the first one was closed
        (asyncio.run() and IsolatedAsyncioTestCase close theirs; gbulb
        would give the next one a main context nobody else uses)."""

        def new_event_loop(self):
            if threading.current_thread() is threading.main_thread():
                return self.loop_of_default_context()
            return super().new_event_loop()

        def loop_of_default_context(self):
            """The open loop on GLib's default main context."""
            default = self._default_loop
            if default is None or default.is_closed():
                self._default_loop = None
                default = self.get_default_loop()
            return default

    Policy._sp_glib = True
    return gbulb, Policy


def install():
    """Makes asyncio's event loops GLib's: installs ``gi.events``'s
    policy (PyGObject 3.50+) or gbulb's. Call it before the program
    creates its loop (before ``asyncio.run``); calling it again does
    nothing. Returns the policy."""
    policy = asyncio.get_event_loop_policy()
    if getattr(policy, "_sp_glib", False) or type(policy).__module__ == "gi.events":
        return policy
    try:
        from gi.events import GLibEventLoopPolicy
    except ImportError:
        gbulb, GLibEventLoopPolicy = _gbulb_policy_class()
        gbulb.install()  # its child watcher, for subprocesses
    policy = GLibEventLoopPolicy()
    asyncio.set_event_loop_policy(policy)
    return policy


@contextlib.contextmanager
def running():
    """Marks the asyncio loop of GLib's default main context as running
    in this thread while the block iterates that context itself
    (``Gio.Application.run``, ``GLib.MainLoop.run``, ``Gtk.main``...), so
    that coroutines and callbacks scheduled on it run, and
    ``asyncio.get_running_loop()`` works in signal handlers. Stop such a
    loop the GLib way (``app.quit()``, ``main_loop.quit()``)."""
    policy = install()
    if threading.current_thread() is threading.main_thread() and hasattr(policy, "loop_of_default_context"):
        loop = policy.loop_of_default_context()  # gbulb
    else:
        loop = policy.get_event_loop()
    if hasattr(loop, "running") and callable(loop.running):  # gi.events
        with loop.running(lambda: None):
            yield loop
        return
    if loop.is_running():  # nested, inside the loop's own run
        yield loop
        return
    if asyncio._get_running_loop() is not None:
        raise RuntimeError("another asyncio event loop is running in this thread")
    loop._running = True
    asyncio._set_running_loop(loop)
    try:
        yield loop
    finally:
        loop._running = False
        asyncio._set_running_loop(None)


def run_application(app, argv=None):
    """Runs @app (a ``Gio.Application``, ``Gtk.Application``...) with
    asyncio on its main loop; returns its exit status. Start coroutines
    from its signal handlers (``activate``, ``startup``...) with
    ``asyncio.get_running_loop().create_task()`` and hold the application
    while they run."""
    with running():
        return app.run(sys.argv if argv is None else argv)


def run_main_loop(main_loop=None):
    """Runs @main_loop (a new ``GLib.MainLoop`` on the default context if
    None) with asyncio on it, until ``main_loop.quit()``."""
    if main_loop is None:
        main_loop = GLib.MainLoop()
    with running():
        main_loop.run()


class _GLibThread:
    """Iterates GLib's global default main context in a daemon thread."""

    def __init__(self):
        self.context = GLib.MainContext.default()
        self._loop = GLib.MainLoop.new(self.context, False)
        self._thread = threading.Thread(target=self._loop.run, name="sharedpotato-glib", daemon=True)
        self._thread.start()


_thread_lock = threading.Lock()
_thread = None


def start_glib_thread():
    """The second choice, for an asyncio loop that is not GLib's: starts
    (once) a daemon thread iterating GLib's default main context, where
    the calls of a thread without a thread-default main context complete.
    Nothing else may iterate that context then, and signal handlers of
    objects created outside a GLib loop run in that thread."""
    global _thread
    with _thread_lock:
        if _thread is None:
            _thread = _GLibThread()
    return _thread


# (loop, context to push around the call or None, threaded) of the last
# loop seen: a program has one loop per thread, mostly one in all.
_last_mode = (None, None, False)
_GLIB_LOOP_TYPES = None
# The asyncio loop that last made a call in the thread mode: the one
# coroutine initializers run on (they are called in the helper thread).
_served_loop = None


class _Served(threading.local):
    """Whether a loop of this thread passed _mode (per thread, and gone
    with the thread)."""

    checked = False


_served = _Served()


def _mode(loop):
    """The mode of @loop; raises RuntimeError if the layer cannot serve it
    (a loop that is not GLib's, and no start_glib_thread()). Cached: a
    second call for the same loop is an identity test."""
    global _last_mode, _GLIB_LOOP_TYPES, _served_loop
    if _last_mode[0] is loop:
        return _last_mode
    if _GLIB_LOOP_TYPES is None:
        _GLIB_LOOP_TYPES = _glib_loop_types()
    context = getattr(loop, "_context", None)
    if isinstance(loop, _GLIB_LOOP_TYPES) and isinstance(context, GLib.MainContext):
        if hash(GLib.MainContext.ref_thread_default()) == hash(context):
            mode = (loop, None, False)
        else:
            mode = (loop, context, False)
    elif _thread is not None:
        mode = (loop, None, True)
        _served_loop = loop
    else:
        raise RuntimeError(
            "the running asyncio loop is not driven by GLib: call sharedpotato_asyncio.install() "
            "before creating it, or sharedpotato_asyncio.start_glib_thread() for the thread mode"
        )
    _last_mode = mode
    _served.checked = True
    return mode


_get_running_loop = asyncio.get_running_loop


def _check_mode():
    """Raises RuntimeError unless the layer serves the running loop: every
    operation checks it, the ones served at once too, so that a program
    missing install() fails on its first call, not at its first
    contention. Cached per thread, as a thread-local flag: asking for the
    running loop makes a getpid() system call each time, about a third of
    what asyncio.Lock's whole acquire-release costs. A call that waits
    checks its own loop again."""
    if not _served.checked:
        _mode(_get_running_loop())


# ---------------------------------------------------------------------------
# One call

# What a call that was served does when its caller was cancelled meanwhile.
_READ = 0    # nothing happened: CancelledError
_EFFECT = 1  # it happened: return its result
_POP = 2     # give the item back to the head of the queue, or return it
_LOCK = 3    # release the guard

_NOTHING = object()


class _CallFuture(asyncio.Future):
    """A future whose cancellation cancels its GLib call at once, the way
    asyncio's own primitives drop a cancelled waiter at once: the C call
    leaves the object's queue before anybody else is served."""

    def cancel(self, msg=None):
        if not super().cancel(msg=msg):
            return False
        self._sp_cancellable.cancel()
        return True


class _Pending:
    """What a call's callback and its awaiting coroutine share. Its
    ``done`` method is the call's callback: it holds what the callback
    needs, so that the coroutine's frame holds no cell the callback reads
    and can be emptied before an exception leaves it (see ``_run``)."""

    __slots__ = ("future", "outcome", "late", "loop", "threaded", "finish", "give_back")

    def __init__(self, future, loop, threaded, finish, give_back):
        self.future = future
        self.outcome = _NOTHING
        self.late = None
        self.loop = loop
        self.threaded = threaded
        self.finish = finish
        self.give_back = give_back

    def done(self, source, result):
        """The call's callback, in the thread of the call's context."""
        try:
            outcome = (self.finish(source, result), None)
        except GLib.Error as error:
            # Its traceback holds this frame, and with it self (whose
            # outcome holds the error: a cycle), source and result: the
            # object would live until the garbage collector runs.
            error.__traceback__ = None
            outcome = (None, error)
        source = result = None
        if not self.threaded:
            _deliver(self, outcome)
            return
        try:
            self.loop.call_soon_threadsafe(_deliver, self, outcome)
        except RuntimeError:  # the loop is closed: nobody will take it
            self.give_back(outcome)


def _deliver(pending, outcome):
    """In the loop's thread: hands the call's outcome to its coroutine."""
    pending.outcome = outcome
    future = pending.future
    if not future.done():
        future.set_result(outcome)
    elif pending.late is not None and not pending.late.done():
        pending.late.set_result(None)


async def _run(begin, args, finish, give_back):
    """Calls ``begin(*args, cancellable, callback)``; returns
    ``finish(source, result)`` or raises what it raises. If the awaiting
    task is cancelled, the call is cancelled, its outcome awaited, and
    ``give_back(outcome)`` says whether CancelledError is the right answer
    (True, after undoing what the call did) or the result must be
    returned (False)."""
    loop = asyncio.get_running_loop()
    _, context, threaded = _mode(loop)
    future = _CallFuture(loop=loop)
    future._sp_cancellable = cancellable = Gio.Cancellable()
    pending = _Pending(future, loop, threaded, finish, give_back)

    if context is None:
        begin(*args, cancellable, pending.done)
    else:
        context.push_thread_default()
        try:
            begin(*args, cancellable, pending.done)
        finally:
            context.pop_thread_default()
    # The exception this coroutine raises (the call's error, a
    # TimeoutError, CancelledError) keeps this frame alive through its
    # traceback, and the frame holds pending, future and the error: cycles
    # that would keep the object (in args and give_back) alive until the
    # garbage collector runs. The finally clause empties the frame before
    # the exception leaves it; the callback holds its own references.
    try:
        try:
            value, error = await future
        except asyncio.CancelledError:
            if future.cancelled():
                # The C call was cancelled with the future; its outcome
                # (served or cancelled) is on its way, one main-context
                # iteration off.
                while pending.outcome is _NOTHING:
                    pending.late = loop.create_future()
                    try:
                        await pending.late
                    except asyncio.CancelledError:
                        pass
            # (Otherwise it was served, and the task cancelled before it
            # resumed.)
            if give_back(pending.outcome):
                raise
            return pending.outcome[0]
        if error is not None:
            raise _python_error(error)
        return value
    finally:
        begin = args = finish = give_back = loop = context = None
        future = cancellable = pending = value = error = None


def _raw(source, name):
    """The introspected method @name of @source's class, bypassing the
    overrides' wrappers (the layer's own callbacks need no scope)."""
    for klass in type(source).__mro__:
        if klass.__module__ == "gi.repository.Sharedpotato" and name in vars(klass):
            return vars(klass)[name]
    return getattr(type(source), name)


def _python_error(error):
    if error.matches(_IO_ERROR, _TIMED_OUT):
        timeout = TimeoutError(error.message)
        timeout.__cause__ = error
        return timeout
    return error


def _call(source, begin_name, finish_name, args, policy):
    """``source.<begin_name>(*args, ...)`` / ``source.<finish_name>``, with
    the cancel policy @policy."""
    return _run(_raw(source, begin_name), (source,) + args, _raw(source, finish_name),
                lambda outcome: _give_back(source, policy, outcome))


def _give_back(source, policy, outcome):
    """Undoes a call whose caller is gone. True if nothing is left to
    report (CancelledError is right), False if its result must be
    returned."""
    value, error = outcome
    if error is not None or policy == _READ:
        return True
    if policy == _LOCK:
        if not value.is_released():
            value.release()
        return True
    if policy == _POP:
        push_front = getattr(source, "push_front", None)
        if push_front is None:
            return False  # a view that cannot put it back
        try:
            push_front(value)
        except Exception:  # closed meanwhile, not convertible back, ...
            return False  # the pop returns the item rather than lose it
        return True
    return False  # _EFFECT


def _ms(timeout):
    """asyncio seconds to the library's milliseconds."""
    if timeout is None:
        return -1
    timeout = float(timeout)
    if timeout != timeout:
        raise ValueError("timeout is NaN")
    if timeout == math.inf:
        return 0
    ms = math.ceil(timeout * 1000)
    if ms < 1:
        return 1
    return ms if ms <= _MAX_MS else 0


def call(begin, finish, *args, undo=None):
    """Awaits any GIO-style ``begin(*args, cancellable, callback)`` /
    ``finish(result)`` pair, returning what ``finish`` returns and raising
    the ``GLib.Error`` it raises (``TimeoutError`` for TIMED_OUT).
    Cancelled after the call was served, it calls ``undo(result)`` and
    raises CancelledError if @undo is given, releases a ``Guard`` result
    and raises CancelledError, or else returns the result."""

    def give_back(outcome):
        value, error = outcome
        if error is not None:
            return True
        if undo is not None:
            undo(value)
            return True
        if isinstance(value, Sharedpotato.Guard):
            if not value.is_released():
                value.release()
            return True
        return False

    return _run(begin, args, lambda _source, result: finish(result), give_back)


# ---------------------------------------------------------------------------
# The operations. Each tries the call that never waits first.


async def get(obj, timeout=None):
    """The value of @obj (an object, getter, setter or updater), waiting
    for one (and starting the initializer if there is one)."""
    _check_mode()
    ms = _ms(timeout)
    try_get = getattr(obj, "try_get", None)
    if try_get is not None:
        initialized, value = try_get()
        if initialized:
            return value
    return await _call(obj, "get_async", "get_finish", (ms,), _READ)


async def peek(obj, timeout=None):
    """``(initialized, value)`` of @obj, without waiting for a value."""
    return tuple(await _call(obj, "peek_async", "peek_finish", (_ms(timeout),), _READ))


async def set(obj, value, timeout=None):  # noqa: A001 - mirrors the API
    """Stores @value in @obj (converted without loss, or raises)."""
    await _call(obj, "set_async", "set_finish", (_exact(value), _ms(timeout)), _EFFECT)


async def update(obj, fn, timeout=None):
    """Changes the value of @obj in one step: ``fn(value)`` gets the
    current value (the value type's zero, such as 0 or None, when there is
    none) and returns the new one, which is stored and returned.

    Python cannot run inside the library's lock in another thread, as the
    C ``update_async`` does: this takes the exclusive lock, calls @fn here,
    stores its result and releases the lock, also when @fn raises (the
    exception goes on and nothing is stored)."""
    if not callable(fn):
        raise TypeError("update: fn must be callable")
    async with lock(obj, _EXCLUSIVE, timeout, label="update: " + _overrides._describe(fn)) as guard:
        new = fn(guard.get_value()[1])
        guard.set_value(new)
        return new


async def clear(obj, timeout=None):
    """Clears @obj: an object goes back to its default value (or
    uninitialized), a set loses every item."""
    await _call(obj, "clear_async", "clear_finish", (_ms(timeout),), _EFFECT)


async def close(obj, timeout=None, *, drop_items=False):
    """Closes a shared object, queue (dropping the items left if
    @drop_items) or set."""
    if isinstance(obj, _gi.SharedQueue):
        flags = Sharedpotato.QueueCloseFlags.DROP_ITEMS if drop_items else Sharedpotato.QueueCloseFlags.NONE
        args = (flags, _ms(timeout))
    elif drop_items:
        raise TypeError("drop_items is for queues")
    else:
        args = (_ms(timeout),)
    await _call(obj, "close_async", "close_finish", args, _EFFECT)


class lock:  # noqa: N801 - used as ``async with lock(...)``
    """``async with lock(obj, mode, timeout) as guard:`` holds the lock of
    @obj (an object or updater) for the block and releases it on the way
    out, error or not; ``guard = await lock(obj)`` returns the guard for
    the caller to release. A free lock is taken at once (``try_lock``),
    without suspending, as ``asyncio.Lock`` does.

    @label names the holder in the hold warning and the trace
    (``Guard.set_label``). Without one, a lock that had to wait is
    labelled with the awaiting task's coroutine; one taken at once keeps
    the library's label (``sp_shared_object_try_lock``): labelling costs
    as much as a third of the fast path."""

    __slots__ = ("_obj", "_mode", "_ms", "_label", "_guard")

    def __init__(self, obj, mode=_EXCLUSIVE, timeout=None, label=None):
        self._obj = obj
        self._mode = mode
        self._ms = -1 if timeout is None else _ms(timeout)
        self._label = label

    async def __aenter__(self):
        # The fast path calls the introspected functions directly: this is
        # the figure benchmarks/asyncio_lock.py compares with asyncio.Lock.
        obj = self._obj
        if not _served.checked:
            _mode(_get_running_loop())  # raises if the layer cannot serve this loop
        if type(obj) is _SharedObject:
            guard = _try_lock(obj, self._mode)
            if guard is not None:
                if self._label is not None:
                    guard.set_label(self._label)
                self._guard = guard
                return guard
        self._guard = guard = await _call(obj, "lock_async", "lock_finish", (self._mode, self._ms), _LOCK)
        guard.set_label(self._label if self._label is not None else _task_label())
        return guard

    def __await__(self):
        return self.__aenter__().__await__()

    def __aexit__(self, exc_type, exc, traceback):
        # Nothing to wait for: the release is done here, and the awaitable
        # returned completes at once with None (the exception, if any,
        # goes on), without the cost of a coroutine.
        guard = self._guard
        self._guard = None
        if isinstance(guard, _LocalGuard):
            if not _is_released(guard):
                _release(guard)
        elif not guard.is_released():  # a SharedObjectProxy's ProxyGuard
            guard.release()
        return _DONE


class _Done(tuple):
    """An awaitable that completes at once with None, at C speed: its
    ``__await__`` is an empty tuple's iterator."""

    __slots__ = ()
    __await__ = tuple.__iter__


_DONE = _Done()


def _task_label():
    """`coroutine (file:line)` of the current task, for a guard's label."""
    task = asyncio.current_task()
    coro = task.get_coro() if task is not None else None
    code = getattr(coro, "cr_code", None)
    if code is None:
        return "sharedpotato_asyncio.lock"
    frame = coro.cr_frame
    line = frame.f_lineno if frame is not None else code.co_firstlineno
    return "%s (%s:%d)" % (coro.__qualname__, code.co_filename, line)


_SharedObject = Sharedpotato.SharedObject
_try_lock = _gi.SharedObject.try_lock
_LocalGuard = _gi.Guard
_is_released = _gi.Guard.is_released
_release = _gi.Guard.release


def _try(obj, name, item):
    """Calls the never-waiting @name: (True, result), or (False, None)
    when it would have to wait or @obj has no such call."""
    method = getattr(obj, name, None)
    if method is None:
        return False, None
    try:
        return True, method(item)
    except GLib.Error as error:
        if error.matches(_IO_ERROR, _WOULD_BLOCK):
            return False, None
        raise


async def push(queue, item, timeout=None):
    """Appends @item to @queue (a queue or producer), waiting for room."""
    _check_mode()
    ms = _ms(timeout)
    done, _ = _try(queue, "try_push", item)
    if not done:
        await _call(queue, "push_async", "push_finish", (_exact(item), ms), _EFFECT)


async def pop(queue, timeout=None):
    """The next item of @queue (a queue or consumer), waiting for one.
    Fails with ``G_IO_ERROR_CLOSED`` once the queue is closed and empty."""
    _check_mode()
    ms = _ms(timeout)
    try:
        return queue.try_pop()
    except GLib.Error as error:
        if not error.matches(_IO_ERROR, _WOULD_BLOCK):
            raise
    return await _call(queue, "pop_async", "pop_finish", (ms,), _POP)


class items:  # noqa: N801 - an async iterator
    """``async for item in items(queue):`` (or ``async for item in
    queue:``) pops until the queue is closed and drained."""

    __slots__ = ("_queue", "_timeout")

    def __init__(self, queue, timeout=None):
        self._queue = queue
        self._timeout = timeout

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await pop(self._queue, self._timeout)
        except GLib.Error as error:
            if error.matches(_IO_ERROR, _CLOSED):
                raise StopAsyncIteration from None
            raise


async def _set_call(s, name, item, timeout, policy):
    _check_mode()
    ms = _ms(timeout)
    done, result = _try(s, "try_" + name, item)
    if done:
        return result
    return await _call(s, name + "_async", name + "_finish", (_exact(item), ms), policy)


async def add(s, item, timeout=None):
    """Adds @item to @s (a set, setter or updater); True if it was not
    there."""
    return await _set_call(s, "add", item, timeout, _EFFECT)


async def discard(s, item, timeout=None):
    """Removes @item from @s; True if it was there."""
    return await _set_call(s, "discard", item, timeout, _EFFECT)


async def contains(s, item, timeout=None):
    """Whether @item is in @s."""
    return await _set_call(s, "contains", item, timeout, _READ)


async def size(s, timeout=None):
    """The number of items in @s."""
    return await _call(s, "size_async", "size_finish", (_ms(timeout),), _READ)


async def snapshot(s, timeout=None):
    """A list of the items of @s."""
    return list(await _call(s, "snapshot_async", "snapshot_finish", (_ms(timeout),), _READ))


# ---------------------------------------------------------------------------
# Coroutine initializers

_initializers = builtins.set()  # the running initializer tasks


def _cancelled_error():
    return GLib.Error.new_literal(_IO_ERROR, "The initializer was cancelled", Gio.IOErrorEnum.CANCELLED)


def _run_initializer(coroutine, guard, label):
    """Runs an initializer's coroutine as a task of an asyncio loop; the
    task owns @guard: it releases it when the coroutine returns, and ends
    the run with the coroutine's exception (CANCELLED if the task is
    cancelled, even before its first step) when it raises.

    The loop is the running loop of this thread (GLib's loop mode), or,
    called in the thread mode's helper thread, the asyncio loop that last
    made a call in the thread mode, reached with call_soon_threadsafe (a
    guard may be released from any thread)."""
    from gi.overrides.Sharedpotato import _fail_initializer

    async def run():
        done = False
        try:
            await coroutine
            done = True
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            done = True
            _fail_initializer(guard, exc, label)
        finally:
            # Returned: the value it stored, if any. Cancelled (or a
            # BaseException): the run ends with CANCELLED.
            if not guard.is_released():
                if done:
                    guard.release()
                else:
                    guard.release_with_error(_cancelled_error())

    def ended(task):
        _initializers.discard(task)
        # A task cancelled before its first step never ran run(): the
        # coroutine was never started and the guard is still held.
        if not guard.is_released():
            coroutine.close()
            guard.release_with_error(_cancelled_error())

    def start():
        task = asyncio.get_running_loop().create_task(run())
        _initializers.add(task)
        task.add_done_callback(ended)

    if _schedule(start) is None:
        coroutine.close()
        raise RuntimeError(_NO_LOOP % "an async def initializer")
    return True


_NO_LOOP = (
    "%s needs an asyncio loop to run on: a running asyncio loop on GLib's main context "
    "(sharedpotato_asyncio.install(), or GLib's loop run inside sharedpotato_asyncio.running()), "
    "or, in the thread mode, an asyncio loop that made a call")


def _schedule(function):
    """Has @function() called in the asyncio loop that code called from
    GLib (an initializer, a signal handler) belongs to: at once, in this
    thread, if an asyncio loop is running here (GLib's loop mode); in the
    thread mode's helper thread, through call_soon_threadsafe in the
    asyncio loop that last made a call in the thread mode. Returns that
    loop, or None if there is none (@function is not called)."""
    loop = asyncio._get_running_loop()
    if loop is not None:
        function()
        return loop
    loop = _served_loop
    if (loop is None or _thread is None or threading.current_thread() is not _thread._thread
            or loop.is_closed()):
        return None
    try:
        loop.call_soon_threadsafe(function)
    except RuntimeError:  # closed meanwhile
        return None
    return loop


# ---------------------------------------------------------------------------
# Close handlers

_close_handlers = builtins.set()  # the running close-handler tasks
_logger = logging.getLogger("sharedpotato")


def on_closed(target, handler):
    """Connects @handler to the ``closed`` signal of @target (a shared
    object, queue or set) as a close handler that may take its time: a
    close hold (``hold_close``) is taken before @handler runs and released
    when it returns or raises, or, for an ``async def`` handler (one that
    returns an awaitable), when the awaitable completes, so ``await
    target.close()`` returns once the handler is done. An exception is
    logged (the ``sharedpotato`` logger, ERROR level, with its traceback)
    and does not keep the close waiting. @handler receives the signal's
    arguments: the target, and for a shared object its final value.

    An async handler runs as a task of the asyncio loop (see
    ``set_initializer`` for the loop in the thread mode). Returns the
    handler id, for ``disconnect``."""
    if not callable(handler):
        raise TypeError("on_closed: handler must be callable")
    name = _overrides._describe(handler)

    def closed(emitter, *args):
        emitter.hold_close()
        handed_over = False  # to the task that runs an async handler
        try:
            result = handler(emitter, *args)
            if hasattr(result, "__await__"):
                handed_over = _run_close_handler(emitter, result, name)
                if not handed_over:
                    raise RuntimeError(_NO_LOOP % "an async close handler")
        except Exception as exc:
            _logger.error("close handler %s of %s raised", name, _describe_target(emitter), exc_info=exc)
        finally:
            if not handed_over:
                emitter.release_close()

    return target.connect("closed", closed)


def _describe_target(target):
    name = target.get_name() if hasattr(target, "get_name") else None
    return "“%s”" % name if name else "a %s" % type(target).__name__


def _run_close_handler(emitter, awaitable, name):
    """Runs an async close handler's @awaitable as a task that owns the
    close hold of @emitter: True if it was handed to a loop, False if no
    loop can run it (the awaitable is closed, and the hold is the caller's
    to release)."""

    async def run():
        try:
            await awaitable
        except Exception as exc:
            _logger.error("close handler %s of %s raised", name, _describe_target(emitter), exc_info=exc)

    def ended(task):
        _close_handlers.discard(task)
        if asyncio.iscoroutine(awaitable):
            awaitable.close()  # not started if cancelled before its first step; else nothing
        emitter.release_close()

    def start():
        task = asyncio.get_running_loop().create_task(run())
        _close_handlers.add(task)
        task.add_done_callback(ended)

    if _schedule(start) is None:
        if asyncio.iscoroutine(awaitable):
            awaitable.close()
        return False
    return True
