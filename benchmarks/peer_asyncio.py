#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The peer: the contended workload in Python asyncio, as the original
AsyncSharedObject did it (a value guarded by an asyncio.Condition).

Usage: peer_asyncio.py [--turns] [--stats] [CLIENTS [OPERATIONS [READ_PERCENT]]]
Prints nanoseconds per operation on stderr, like bench-contended.

Literal (the default): the workload exactly as written in Python. It is
not contended: asyncio.Lock.acquire() on a free lock returns without
suspending and the critical section has no await, so the first client
runs every operation in one go and the 99 others never run one (--stats
shows it: 1 client ran, no acquire waited).

--turns: the clients really take turns on the lock, as they do on an
SpSharedObject, where a GIO _async call never calls back before it
returns: the grant reaches the callback in a later main-loop dispatch
while the lock is already held for it, so the others queue behind it and
each release hands the lock to the next waiter in FIFO order. The faithful
asyncio equivalent is to suspend once, holding the lock, exactly when
acquire() did not suspend by itself (the lock was free). Every other
acquire then finds the lock held, waits, and is woken through the loop by
the release: one loop callback per operation, as one dispatch per grant in
C. A yield on every operation instead (asyncio.sleep(0) outside the lock)
would let each client run its operation alone and never contend; one
inside the lock on every operation would cost the peer two loop callbacks
per operation where ours pays one.

--stats prints, on stdout, how many clients ran operations and how many
acquires had to wait, so the two variants can be told apart."""

import asyncio
import random
import sys
import time

from peer_common import acquire_taking_turns, must_wait, parse_args


class SharedValue:
    def __init__(self, value):
        self._value = value
        self._condition = asyncio.Condition()

    async def get(self):
        async with self._condition:
            await self._condition.wait_for(lambda: self._value is not None)
            return self._value

    async def update(self, fn):
        async with self._condition:
            self._value = fn(self._value)
            self._condition.notify_all()


class TakingTurns(SharedValue):
    """SharedValue whose clients take turns (--turns, see above)."""

    async def _acquire(self):
        await acquire_taking_turns(self._condition._lock, self._condition)

    async def get(self):
        await self._acquire()
        try:
            await self._condition.wait_for(lambda: self._value is not None)
            return self._value
        finally:
            self._condition.release()

    async def update(self, fn):
        await self._acquire()
        try:
            self._value = fn(self._value)
            self._condition.notify_all()
        finally:
            self._condition.release()


async def main(clients, operations, read_percent, turns, stats):
    shared = TakingTurns(0) if turns else SharedValue(0)
    remaining = operations
    writes = 0
    ran = set()
    waited = 0
    rand = random.Random(42)

    async def client(i):
        nonlocal remaining, writes, waited
        while remaining > 0:
            remaining -= 1
            if stats:
                ran.add(i)
                waited += must_wait(shared._condition._lock)
            if read_percent and rand.randrange(100) < read_percent:
                await shared.get()
            else:
                writes += 1
                await shared.update(lambda v: v + 1)

    start = time.monotonic_ns()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.monotonic_ns() - start
    # Every write counted once, or the figure is meaningless.
    if shared._value != writes:
        sys.exit(f"value {shared._value}, expected {writes}")
    print(f"{elapsed / operations:.1f}", file=sys.stderr)
    if stats:
        print(f"clients that ran: {len(ran)} of {clients}; "
              f"acquires that waited: {waited} of {operations}")


if __name__ == "__main__":
    args, turns, stats = parse_args(__doc__, [100, 200000, 0])
    asyncio.run(main(*args, turns, stats))
