# SPDX-License-Identifier: MIT
"""What the asyncio peers share: telling whether an acquire will suspend,
acquiring so that clients take turns (--turns), and the command line."""

import asyncio
import sys


def must_wait(lock):
    """Whether acquiring @lock (an asyncio.Lock) will suspend: when it is
    held or others already wait for it (asyncio.Lock is FIFO-fair). Its
    private _waiters is the only way to tell without changing the lock."""
    return lock.locked() or bool(lock._waiters)


async def acquire_taking_turns(lock, primitive=None):
    """Acquires @primitive (@lock, or an asyncio.Condition built on it)
    and, when @lock was free, suspends once holding it: the grant of a
    free lock is delivered through the loop too, as a GIO callback is."""
    primitive = primitive or lock
    free = not must_wait(lock)
    await primitive.acquire()
    if free:
        await asyncio.sleep(0)


def parse_args(doc, defaults):
    """[--turns] [--stats] and up to len(@defaults) numbers, the missing
    ones taken from @defaults; any other flag prints @doc and exits."""
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    if set(flags) - {"--turns", "--stats"}:
        sys.exit(doc)
    numbers = [int(a) for a in sys.argv[1:] if not a.startswith("--")]
    args = (numbers + defaults[len(numbers):])[:len(defaults)]
    return args, "--turns" in flags, "--stats" in flags
