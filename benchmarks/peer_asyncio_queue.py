#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The queue peer: bench-queue's producer/consumer workload in Python
asyncio, on an asyncio.Queue(maxsize=CAPACITY).

Usage: peer_asyncio_queue.py [--turns] [--stats]
                             [PRODUCERS [CONSUMERS [CAPACITY [ITEMS]]]]
Defaults: 4 4 64 200000. Prints nanoseconds per item on stderr, like
bench-queue; fails (exit 1) if an item is lost, doubled or out of order
per producer.

Literal (the default): the workload exactly as written in Python. It
hardly touches the event loop: Queue.put() on a queue that is not full
and Queue.get() on one that is not empty return without suspending
(put_nowait / get_nowait inside, no await reached). So a producer runs
until the queue is full (64 puts in a row) and only then suspends; a
consumer then takes the 64 items in a row; only the put or get that found
the queue full or empty goes through the loop. --stats shows it: about
one operation in 64 suspends.

--turns: every put and every get reaches its caller through the loop,
as every push_async and pop_async does on an SpSharedQueue, where by the
GIO rule a callback never runs before its _async call has returned: the
item enters the queue (or leaves it) during the call, and the callback
runs in a later main-loop dispatch, while the others go on. The faithful
asyncio equivalent is to suspend once (asyncio.sleep(0)) after a put or a
get exactly when it did not suspend by itself (the queue was not full, or
not empty); one that waited was already woken through the loop. That is
one loop callback per operation, as one dispatch per completion in C,
two per item. (Same reasoning as peer_asyncio.py --turns for the lock.)

--stats prints, on stdout, how many puts and gets suspended by
themselves, so the two variants can be told apart."""

import asyncio
import sys
import time

from peer_common import parse_args


async def main(producers, consumers, capacity, items, turns, stats):
    queue = asyncio.Queue(maxsize=capacity)
    unclaimed = items
    expected = [0] * producers
    bad = 0
    popped = 0
    puts_waited = 0
    gets_waited = 0

    def quota(p):
        return items // producers + (p < items % producers)

    async def producer(p):
        nonlocal puts_waited
        for seq in range(quota(p)):
            free = not queue.full()
            puts_waited += not free
            await queue.put(seq * producers + p)
            if turns and free:
                await asyncio.sleep(0)

    async def consumer():
        nonlocal unclaimed, bad, popped, gets_waited
        # Each consumer claims an item before it gets, so that no get is
        # left waiting for an item that will never come (as bench-queue).
        while unclaimed > 0:
            unclaimed -= 1
            ready = not queue.empty()
            gets_waited += not ready
            value = await queue.get()
            if turns and ready:
                await asyncio.sleep(0)
            p, seq = value % producers, value // producers
            if seq != expected[p]:
                bad += 1
                expected[p] = max(expected[p], seq + 1)
            else:
                expected[p] += 1
            popped += 1

    start = time.monotonic_ns()
    await asyncio.gather(*(producer(p) for p in range(producers)),
                         *(consumer() for _ in range(consumers)))
    elapsed = time.monotonic_ns() - start
    # Every item popped once, in order per producer, or the figure is
    # meaningless.
    lost = bad + sum(quota(p) != expected[p] for p in range(producers))
    if lost or popped != items or not queue.empty():
        sys.exit(f"FAIL: {popped} of {items} items popped, {lost} lost, "
                 "doubled or out of order")
    print(f"{elapsed / items:.1f}", file=sys.stderr)
    if stats:
        print(f"puts that waited: {puts_waited} of {items}; "
              f"gets that waited: {gets_waited} of {items}")


if __name__ == "__main__":
    args, turns, stats = parse_args(__doc__, [4, 4, 64, 200000])
    asyncio.run(main(*args, turns, stats))
