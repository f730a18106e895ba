#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The peer: the contended workload in Python asyncio, as the original
AsyncSharedObject did it (a value guarded by an asyncio.Condition).

Usage: peer_asyncio.py [CLIENTS [OPERATIONS [READ_PERCENT]]]
Prints nanoseconds per operation on stderr, like bench-contended."""

import asyncio
import random
import sys
import time


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


async def main(clients, operations, read_percent):
    shared = SharedValue(0)
    remaining = operations
    rand = random.Random(42)

    async def client():
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            if read_percent and rand.randrange(100) < read_percent:
                await shared.get()
            else:
                await shared.update(lambda v: v + 1)

    start = time.monotonic_ns()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.monotonic_ns() - start
    print(f"{elapsed / operations:.1f}", file=sys.stderr)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]] + [100, 200000, 0][len(sys.argv) - 1:]
    asyncio.run(main(*args[:3]))
