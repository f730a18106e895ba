# SPDX-License-Identifier: MIT
"""PyGObject overrides for Sharedpotato.

PyGObject imports this module by itself on ``from gi.repository import
Sharedpotato`` (``gi.overrides`` extends its path over every ``gi/overrides``
folder on ``sys.path``). It changes no GType and no C call; it makes the
plain API safe and Pythonic:

* A guard is a context manager: ``with obj.lock_sync(mode, 0, None) as
  guard:`` releases it on the way out, exception or not.
* A guard never outlives an exception. Every ``*_async`` callback runs in a
  scope: if it raises, the guards taken in it (``lock_finish``,
  ``try_lock``, ``lock_sync``), and the one a ``lock_async`` result still
  carries when the callback never called ``lock_finish``, are released at
  once, without waiting for the garbage collector (PyGObject keeps the
  traceback, and with it the guard, alive). A callback that returns
  normally keeps what it took.
* An initializer that raises ends its run at once: the waiting gets fail
  with the exception (a ``GLib.Error`` as it is, anything else as
  ``Sharedpotato.Error.FAILED`` carrying its type and message); its
  traceback goes to the ``sharedpotato`` logger at DEBUG level. One that
  returns ``True`` (exactly; any other value does not) keeps its guard;
  one that returns a coroutine runs it as an asyncio task that owns the
  guard.
* Guards name the Python code that holds them (``Guard.set_label``): the
  callback or initializer, or the caller of ``try_lock``/``lock_sync``, with
  file and line, in the hold warning and in the trace.
* Numbers convert without loss or raise: a Python ``int`` outside the range
  of ``gint`` reaches the library as a 64-bit value (PyGObject alone raises
  ``OverflowError`` for it whatever the object's type), and the library
  refuses it if it does not fit; one beyond 64 bits raises
  ``OverflowError``.
* asyncio: every type gets awaitable methods (``await obj.get()``,
  ``await q.pop()``, ``async for item in q``, ``await s.add(x)``, ...)
  implemented by the ``sharedpotato_asyncio`` module, which is imported on
  first use. See that module and the Python guide.
"""

import logging
import sys
import threading

from gi.module import get_introspection_module
from gi.overrides import override
from gi.repository import GLib, GObject

Sharedpotato = get_introspection_module("Sharedpotato")

__all__ = []

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_UINT64_MAX = 2**64 - 1


def _exact(value):
    """@value as PyGObject can pass it without loss: a Python int that
    gint cannot hold becomes a 64-bit GValue (the library then checks that
    it fits the object's type)."""
    if type(value) is int and not _INT32_MIN <= value <= _INT32_MAX:
        if _INT64_MIN <= value <= _INT64_MAX:
            return GObject.Value(GObject.TYPE_INT64, value)
        if 0 <= value <= _UINT64_MAX:
            return GObject.Value(GObject.TYPE_UINT64, value)
        raise OverflowError("%d does not fit in 64 bits, so no shared value can hold it" % value)
    return value


# ---------------------------------------------------------------------------
# Scopes: the guards a callback took, released if it raises.

_local = threading.local()


def _scope_stack():
    try:
        return _local.stack
    except AttributeError:
        _local.stack = []
        return _local.stack


class _Scope:
    __slots__ = ("callback", "guards", "finished")

    def __init__(self, callback):
        self.callback = callback
        self.guards = []
        self.finished = False  # whether lock_finish was called in it

    def release_all(self):
        guards, self.guards = self.guards, []
        for guard in reversed(guards):
            if not guard.is_released():
                guard.release()


def _describe(function):
    """`qualified.name (file:line)` of a Python callable, for guard labels."""
    target = getattr(function, "__func__", function)
    name = getattr(target, "__qualname__", None) or type(function).__qualname__
    code = getattr(target, "__code__", None)
    if code is None:
        return name
    return "%s (%s:%d)" % (name, code.co_filename, code.co_firstlineno)


def _caller(depth=2):
    """`function (file:line)` of the Python code calling our caller."""
    try:
        frame = sys._getframe(depth)
    except ValueError:  # called from C, with no Python caller
        return "Python"
    code = frame.f_code
    return "%s (%s:%d)" % (code.co_name, code.co_filename, frame.f_lineno)


def _adopt(guard, label):
    """Labels a guard just taken and records it in the innermost scope of
    this thread, if any."""
    if guard is not None:
        guard.set_label(label)
        stack = _scope_stack()
        if stack:
            stack[-1].guards.append(guard)
    return guard


def _scoped(callback, lock_finish=None):
    """@callback run in a scope. For a lock call, @lock_finish (the raw
    finish function) lets the scope take and release the guard that the
    result still carries when the callback raised before finishing it."""

    def scoped(source, result, *user_data):
        scope = _Scope(callback)
        stack = _scope_stack()
        stack.append(scope)
        try:
            return callback(source, result, *user_data)
        except BaseException:
            scope.release_all()
            if lock_finish is not None and not scope.finished:
                try:
                    guard = lock_finish(source, result)
                except GLib.Error:
                    guard = None
                if guard is not None and not guard.is_released():
                    guard.release()
            raise
        finally:
            stack.pop()

    return scoped


def _async_method(raw, callback_index, value_index=None, lock_finish=None):
    """Wraps a raw `*_async` method: the callback runs in a scope, and the
    item argument (if any) is passed exactly."""

    def method(self, *args, **kwargs):
        if value_index is not None and len(args) > value_index:
            args = args[:value_index] + (_exact(args[value_index]),) + args[value_index + 1:]
        if len(args) > callback_index:
            callback = args[callback_index]
            if callback is not None:
                args = (args[:callback_index] + (_scoped(callback, lock_finish),)
                        + args[callback_index + 1:])
        elif kwargs.get("callback") is not None:
            kwargs["callback"] = _scoped(kwargs["callback"], lock_finish)
        return raw(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = raw.__name__
    method.__doc__ = raw.__doc__
    return method


def _value_method(raw, value_index=0):
    """Wraps a raw method taking an item: the item is passed exactly."""

    def method(self, *args, **kwargs):
        if len(args) > value_index:
            args = args[:value_index] + (_exact(args[value_index]),) + args[value_index + 1:]
        return raw(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = raw.__name__
    method.__doc__ = raw.__doc__
    return method


# Methods taking an item (a GValue): name -> index of the item argument.
_VALUE_ARGS = {
    "set_async": 0, "set_sync": 0,
    "push_async": 0, "push_sync": 0, "try_push": 0, "push_front": 0,
    "add_async": 0, "add_sync": 0, "try_add": 0,
    "discard_async": 0, "discard_sync": 0, "try_discard": 0,
    "contains_async": 0, "contains_sync": 0, "try_contains": 0,
}


def _wrap_methods(raw_class, namespace):
    """Puts in @namespace the wrapped versions of @raw_class's own methods:
    scoped callbacks for every `*_async`, exact items."""
    for name, raw in vars(raw_class).items():
        if not callable(raw) or not hasattr(raw, "get_arguments"):
            continue
        value_index = _VALUE_ARGS.get(name)
        if name.endswith("_async"):
            names = [arg.get_name() for arg in raw.get_arguments()]
            lock_finish = None
            if name == "lock_async":
                lock_finish = vars(raw_class)["lock_finish"]
            namespace[name] = _async_method(raw, names.index("callback"), value_index, lock_finish)
        elif value_index is not None:
            namespace[name] = _value_method(raw, value_index)


_aio_module = None


def _aio():
    """The asyncio layer, imported on first use (it imports asyncio)."""
    global _aio_module, _Lock
    if _aio_module is None:
        import sharedpotato_asyncio

        _aio_module = sharedpotato_asyncio
        _Lock = sharedpotato_asyncio.lock
    return _aio_module


def _Lock(*args, **kwargs):  # noqa: N802 - sharedpotato_asyncio.lock, once imported
    return _aio().lock(*args, **kwargs)


# ---------------------------------------------------------------------------
# Guard


class Guard(Sharedpotato.Guard):
    """A held lock. ``with guard:`` (or ``with obj.lock_sync(...) as
    guard:``) releases it at the end of the block unless it was released
    already."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if not self.is_released():
            self.release()
        return False

    set_value = _value_method(Sharedpotato.Guard.set_value)


Guard = override(Guard)
__all__.append("Guard")


# ---------------------------------------------------------------------------
# The shared object and its views


class _LockingMixin:
    """lock_finish, try_lock and lock_sync label their guard and record it
    in the current callback scope."""

    def lock_finish(self, result):
        stack = _scope_stack()
        if stack:
            stack[-1].finished = True
            label = _describe(stack[-1].callback)
        else:
            label = _caller()
        return _adopt(self._raw_lock_finish(result), label)


class SharedObject(Sharedpotato.SharedObject):
    _wrap_methods(Sharedpotato.SharedObject, locals())
    _raw_lock_finish = Sharedpotato.SharedObject.lock_finish
    lock_finish = _LockingMixin.lock_finish

    def try_lock(self, mode):
        return _adopt(Sharedpotato.SharedObject.try_lock(self, mode), _caller())

    def lock_sync(self, mode, timeout_ms, cancellable=None):
        guard = Sharedpotato.SharedObject.lock_sync(self, mode, timeout_ms, cancellable)
        return _adopt(guard, _caller())

    @classmethod
    def new_with_value(cls, value):
        return Sharedpotato.SharedObject.new_with_value(_exact(value))

    @classmethod
    def new_full(cls, value_type, name, initial_value, default_value):
        return Sharedpotato.SharedObject.new_full(value_type, name, _exact(initial_value),
                                                  _exact(default_value))

    def set_initializer(self, func, *user_data):
        """Installs @func(object, guard, *user_data) as the lazy
        initializer. It returns ``True`` (that object exactly) to keep
        @guard and end the run later; anything else that is not awaitable
        (``False``, ``None``, or any other value, truthy or not) means it
        is done, and the guard is released for it. It may also return a
        coroutine (an ``async def`` initializer), which runs as an asyncio
        task that owns @guard. An exception ends the run at once: the
        waiting gets fail with it (its traceback goes to the
        ``sharedpotato`` logger at DEBUG level). ``None`` removes the
        initializer."""
        if func is None:
            return Sharedpotato.SharedObject.set_initializer(self, None)
        label = _describe(func)

        def initializer(obj, guard, *data):
            guard.set_label(label)
            scope = _Scope(func)
            stack = _scope_stack()
            stack.append(scope)
            try:
                kept = func(obj, guard, *data)
                if hasattr(kept, "__await__"):
                    return _aio()._run_initializer(kept, guard, label)
                # Only True itself keeps the guard: a truthy result such
                # as "done" or 1 is not a promise to release it later.
                return kept is True
            except Exception as exc:
                scope.release_all()
                _fail_initializer(guard, exc, label)
                return False
            except BaseException:
                scope.release_all()
                raise
            finally:
                stack.pop()

        return Sharedpotato.SharedObject.set_initializer(self, initializer, *user_data)

    # asyncio (see sharedpotato_asyncio)
    def get(self, timeout=None):
        """Coroutine: the value, waiting for one; see ``get_async``."""
        return _aio().get(self, timeout)

    def peek(self, timeout=None):
        """Coroutine: ``(initialized, value)``, without waiting for a value."""
        return _aio().peek(self, timeout)

    def set(self, value, timeout=None):
        """Coroutine: stores @value (converted without loss, or raises)."""
        return _aio().set(self, value, timeout)

    def clear(self, timeout=None):
        """Coroutine: back to the default value, or uninitialized."""
        return _aio().clear(self, timeout)

    def update(self, fn, timeout=None):
        """Coroutine: stores and returns ``fn(value)``, under the exclusive
        lock; see ``sharedpotato_asyncio.update``."""
        return _aio().update(self, fn, timeout)

    def lock(self, mode=Sharedpotato.LockMode.EXCLUSIVE, timeout=None, *, label=None):
        """``async with obj.lock() as guard:``, or ``guard = await obj.lock()``."""
        return _Lock(self, mode, timeout, label)

    def close(self, timeout=None):
        """Coroutine: closes the object."""
        return _aio().close(self, timeout)


class ProxyGuard(Sharedpotato.ProxyGuard):
    """A lock held through a SharedObjectProxy: a context manager like
    Guard, released at the end of the block."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if not self.is_released():
            self.release()
        return False

    set_value = _value_method(Sharedpotato.ProxyGuard.set_value)


ProxyGuard = override(ProxyGuard)
__all__.append("ProxyGuard")


class SharedObjectProxy(Sharedpotato.SharedObjectProxy):
    """An exported SharedObject of another process, with the same Python
    idioms: scoped callbacks, guards as context managers, exact numbers,
    and the awaitable calls."""

    _wrap_methods(Sharedpotato.SharedObjectProxy, locals())
    _raw_lock_finish = Sharedpotato.SharedObjectProxy.lock_finish
    lock_finish = _LockingMixin.lock_finish

    get = SharedObject.get
    peek = SharedObject.peek
    set = SharedObject.set
    clear = SharedObject.clear
    update = SharedObject.update
    lock = SharedObject.lock
    close = SharedObject.close


SharedObjectProxy = override(SharedObjectProxy)
__all__.append("SharedObjectProxy")


def _fail_initializer(guard, exc, label):
    """Ends an initializer run that raised @exc: the waiting gets fail
    with it."""
    logging.getLogger("sharedpotato").debug("initializer %s raised", label, exc_info=exc)
    if not guard.is_released():
        guard.release_with_error(_initializer_error(exc))


def _initializer_error(exc):
    if isinstance(exc, GLib.Error):
        return exc
    message = "%s: %s" % (type(exc).__name__, exc) if str(exc) else type(exc).__name__
    return GLib.Error.new_literal(Sharedpotato.error_quark(), message, Sharedpotato.Error.FAILED)


SharedObject = override(SharedObject)
__all__.append("SharedObject")


class Getter(Sharedpotato.Getter):
    _wrap_methods(Sharedpotato.Getter, locals())
    get = SharedObject.get
    peek = SharedObject.peek


class Setter(Sharedpotato.Setter):
    _wrap_methods(Sharedpotato.Setter, locals())
    get = SharedObject.get
    peek = SharedObject.peek
    set = SharedObject.set


class Deleter(Sharedpotato.Deleter):
    _wrap_methods(Sharedpotato.Deleter, locals())
    clear = SharedObject.clear


class Updater(Sharedpotato.Updater):
    _wrap_methods(Sharedpotato.Updater, locals())
    _raw_lock_finish = Sharedpotato.Updater.lock_finish
    lock_finish = _LockingMixin.lock_finish

    def lock_sync(self, mode, timeout_ms, cancellable=None):
        guard = Sharedpotato.Updater.lock_sync(self, mode, timeout_ms, cancellable)
        return _adopt(guard, _caller())

    get = SharedObject.get
    peek = SharedObject.peek
    set = SharedObject.set
    clear = SharedObject.clear
    lock = SharedObject.lock


for _view in (Getter, Setter, Deleter, Updater):
    override(_view)
    __all__.append(_view.__name__)


# ---------------------------------------------------------------------------
# Queues


def _push(self, item, timeout=None):
    """Coroutine: appends @item, waiting for room."""
    return _aio().push(self, item, timeout)


def _pop(self, timeout=None):
    """Coroutine: the next item, waiting for one."""
    return _aio().pop(self, timeout)


def _items(self):
    """``async for item in queue:`` pops until the queue is closed and
    drained (pops use the queue's default timeout)."""
    return _aio().items(self)


class SharedQueue(Sharedpotato.SharedQueue):
    _wrap_methods(Sharedpotato.SharedQueue, locals())
    push = _push
    pop = _pop
    __aiter__ = _items

    def close(self, timeout=None, *, drop_items=False):
        """Coroutine: closes the queue; with @drop_items the items left are
        dropped (``item-dropped``) instead of left for the pops."""
        return _aio().close(self, timeout, drop_items=drop_items)


class QueueProducer(Sharedpotato.QueueProducer):
    _wrap_methods(Sharedpotato.QueueProducer, locals())
    push = _push


class QueueConsumer(Sharedpotato.QueueConsumer):
    _wrap_methods(Sharedpotato.QueueConsumer, locals())
    pop = _pop
    __aiter__ = _items


for _type in (SharedQueue, QueueProducer, QueueConsumer):
    override(_type)
    __all__.append(_type.__name__)


# ---------------------------------------------------------------------------
# Sets


def _add(self, item, timeout=None):
    """Coroutine: adds @item; True if it was not there."""
    return _aio().add(self, item, timeout)


def _discard(self, item, timeout=None):
    """Coroutine: removes @item; True if it was there."""
    return _aio().discard(self, item, timeout)


def _contains(self, item, timeout=None):
    """Coroutine: whether @item is in the set."""
    return _aio().contains(self, item, timeout)


def _size(self, timeout=None):
    """Coroutine: the number of items."""
    return _aio().size(self, timeout)


def _snapshot(self, timeout=None):
    """Coroutine: a list of the items."""
    return _aio().snapshot(self, timeout)


def _clear(self, timeout=None):
    """Coroutine: removes every item."""
    return _aio().clear(self, timeout)


class SharedSet(Sharedpotato.SharedSet):
    _wrap_methods(Sharedpotato.SharedSet, locals())
    add = _add
    discard = _discard
    contains = _contains
    size = _size
    snapshot = _snapshot
    clear = _clear

    def close(self, timeout=None):
        """Coroutine: closes the set."""
        return _aio().close(self, timeout)


class SetQuery(Sharedpotato.SetQuery):
    _wrap_methods(Sharedpotato.SetQuery, locals())
    contains = _contains
    size = _size
    snapshot = _snapshot


class SetSetter(Sharedpotato.SetSetter):
    _wrap_methods(Sharedpotato.SetSetter, locals())
    add = _add


class SetDeleter(Sharedpotato.SetDeleter):
    _wrap_methods(Sharedpotato.SetDeleter, locals())
    discard = _discard
    clear = _clear


class SetUpdater(Sharedpotato.SetUpdater):
    _wrap_methods(Sharedpotato.SetUpdater, locals())
    add = _add
    discard = _discard
    contains = _contains
    size = _size
    snapshot = _snapshot
    clear = _clear


class SetScanner(Sharedpotato.SetScanner):
    _wrap_methods(Sharedpotato.SetScanner, locals())
    snapshot = _snapshot


for _type in (SharedSet, SetQuery, SetSetter, SetDeleter, SetUpdater, SetScanner):
    override(_type)
    __all__.append(_type.__name__)

del _view, _type
