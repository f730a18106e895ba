#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The set peer: bench-set --contended's workload in Python asyncio, on a
Python set guarded by an asyncio.Lock.

Usage: peer_asyncio_set.py [--turns] [--stats]
                           [CLIENTS [OPERATIONS [READ_PERCENT]]]
Defaults: 100 200000 90. CLIENTS clients each loop: READ_PERCENT% of the
operations test membership (`item in s`), the others add or discard (one
in two) one of 16 string items, all picked at random (seed 42), each under
the lock. Prints nanoseconds per operation on stderr, like bench-set;
fails (exit 1) unless the final size is the adds that added minus the
discards that removed.

asyncio has no readers-writer lock, so every operation, contains
included, takes the one asyncio.Lock; an SpSharedSet takes its lock shared
for contains. That is the natural way to write each, and it favours ours
whenever readers queue together; with one operation per client in flight
and 100 clients, grants come in FIFO order either way.

Literal (the default): the workload exactly as written in Python. It is
not contended: asyncio.Lock.acquire() on a free lock returns without
suspending and the critical section has no await, so the first client
runs every operation in one go and the 99 others never run one (--stats
shows it: 1 client ran, no acquire waited). It measures Python coroutine
calls, not a single trip through the event loop.

--turns: the clients really take turns on the lock, as they do on an
SpSharedSet, where by the GIO rule a callback never runs before its
_async call has returned: the set's inner lock is granted to the call and
the grant reaches it in a later main-loop dispatch, while the others
queue behind it. The faithful asyncio equivalent is to suspend once,
holding the lock, exactly when acquire() did not suspend by itself (the
lock was free). Every other acquire then finds the lock held, waits, and
is woken through the loop by the release: one loop callback per
operation, as one dispatch per grant in C. (Same reasoning as
peer_asyncio.py --turns.)

--stats prints, on stdout, how many clients ran operations and how many
acquires had to wait, so the two variants can be told apart."""

import asyncio
import random
import sys
import time

from peer_common import acquire_taking_turns, must_wait, parse_args

N_ITEMS = 16


class SharedSet:
    def __init__(self):
        self._items = set()
        self._lock = asyncio.Lock()

    async def _acquire(self):
        await self._lock.acquire()

    async def contains(self, item):
        await self._acquire()
        try:
            return item in self._items
        finally:
            self._lock.release()

    async def add(self, item):
        await self._acquire()
        try:
            if item in self._items:
                return False
            self._items.add(item)
            return True
        finally:
            self._lock.release()

    async def discard(self, item):
        await self._acquire()
        try:
            if item not in self._items:
                return False
            self._items.discard(item)
            return True
        finally:
            self._lock.release()


class TakingTurns(SharedSet):
    """SharedSet whose clients take turns (--turns, see above)."""

    async def _acquire(self):
        await acquire_taking_turns(self._lock)


async def main(clients, operations, read_percent, turns, stats):
    shared = TakingTurns() if turns else SharedSet()
    items = [f"item-{i}" for i in range(N_ITEMS)]
    remaining = operations
    added = removed = 0
    ran = set()
    waited = 0
    rand = random.Random(42)

    async def client(i):
        nonlocal remaining, added, removed, waited
        while remaining > 0:
            remaining -= 1
            if stats:
                ran.add(i)
                waited += must_wait(shared._lock)
            read = rand.randrange(100) < read_percent
            item = items[rand.randrange(N_ITEMS)]
            if read:
                await shared.contains(item)
            elif rand.randrange(2):
                # Not "added += await ...": that reads added before the
                # await, and other clients change it meanwhile.
                changed = await shared.add(item)
                added += changed
            else:
                changed = await shared.discard(item)
                removed += changed

    start = time.monotonic_ns()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.monotonic_ns() - start
    # Every change counted once, or the figure is meaningless.
    if len(shared._items) != added - removed:
        sys.exit(f"FAIL: set of {len(shared._items)} items; "
                 f"{added} added, {removed} removed")
    if read_percent < 100 and added == 0:
        sys.exit("FAIL: no add added anything")
    print(f"{elapsed / operations:.1f}", file=sys.stderr)
    if stats:
        print(f"clients that ran: {len(ran)} of {clients}; "
              f"acquires that waited: {waited} of {operations}")


if __name__ == "__main__":
    args, turns, stats = parse_args(__doc__, [100, 200000, 90])
    asyncio.run(main(*args, turns, stats))
