#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The asyncio layer's uncontended lock against Python's own asyncio.Lock,
measured side by side in one process, on the same (GLib) event loop.

Usage: asyncio_lock.py [--smoke] [--build DIR] [ITERATIONS [ROUNDS]]

Each round times ITERATIONS (default 200,000) of

    async with sharedpotato_asyncio.lock(obj): pass

as many of the same through the method the overrides add,

    async with obj.lock(): pass

and as many of

    async with lock: pass          # lock = asyncio.Lock()

alternately, ROUNDS times (default 7). Neither suspends: a free
asyncio.Lock is taken without a loop iteration, and the layer's try-first
fast path (SharedObject.try_lock) does the same, so the figure is the cost
of the layer and of PyGObject's calls (try_lock, is_released, release).

Prints, on stdout, two lines in ./scripts/bench's in-process format,
nanoseconds per acquire-release, medians over the rounds (the ratio is the
median of the rounds' ratios):

    asyncio-lock-uncontended <lock(obj)> <asyncio.Lock> <ratio>
    asyncio-lock-uncontended-method <obj.lock()> <asyncio.Lock> <ratio>

The target: a ratio of at most 5. --smoke runs a few thousand iterations
once and checks that the lock works, with no threshold (a debug build on a
busy machine says nothing about the ratio).

--build DIR (default: GI_TYPELIB_PATH as set, or ./build) names the
build directory whose typelib and library are used; the Python modules
are those of the source tree.
"""

import argparse
import asyncio
import os
import statistics
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "introspection", "python"))

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--smoke", action="store_true")
parser.add_argument("--build")
parser.add_argument("iterations", type=int, nargs="?", default=200_000)
parser.add_argument("rounds", type=int, nargs="?", default=7)
args = parser.parse_args()
if args.smoke:
    args.iterations, args.rounds = 2000, 1

import gi  # noqa: E402

if args.build or "GI_TYPELIB_PATH" not in os.environ:
    build = os.path.abspath(args.build or os.path.join(root, "build"))
    gi.require_version("GIRepository", "2.0")
    from gi.repository import GIRepository  # noqa: E402

    GIRepository.Repository.prepend_search_path(os.path.join(build, "introspection"))
    GIRepository.Repository.prepend_library_path(os.path.join(build, "sharedpotato"))

gi.require_version("Sharedpotato", "1")
from gi.repository import GObject, Sharedpotato  # noqa: E402

import sharedpotato_asyncio as aio  # noqa: E402


async def ours(obj, n):
    lock = aio.lock
    start = time.perf_counter_ns()
    for _ in range(n):
        async with lock(obj):
            pass
    return (time.perf_counter_ns() - start) / n


async def ours_method(obj, n):
    start = time.perf_counter_ns()
    for _ in range(n):
        async with obj.lock():
            pass
    return (time.perf_counter_ns() - start) / n


async def theirs(n):
    lock = asyncio.Lock()
    start = time.perf_counter_ns()
    for _ in range(n):
        async with lock:
            pass
    return (time.perf_counter_ns() - start) / n


async def main():
    obj = Sharedpotato.SharedObject.new_full(GObject.TYPE_INT, "bench", 0, None)
    figures = {"function": [], "method": [], "floor": []}
    for _ in range(args.rounds):
        figures["function"].append(await ours(obj, args.iterations))
        figures["method"].append(await ours_method(obj, args.iterations))
        figures["floor"].append(await theirs(args.iterations))
    # The lock works, and nothing waited: every grant was a fast one.
    async with aio.lock(obj) as guard:
        guard.set_value(guard.get_value()[1] + 1)
    stats = obj.get_stats()
    if obj.try_get() != (True, 1) or stats.waited_grants != 0 or stats.current_writer:
        sys.exit("asyncio_lock: the lock misbehaved: %r, %d waited" % (obj.try_get(), stats.waited_grants))
    return figures


aio.install()
figures = asyncio.run(main())
floor = statistics.median(figures["floor"])
for name, key in (("asyncio-lock-uncontended", "function"), ("asyncio-lock-uncontended-method", "method")):
    ratio = statistics.median(a / b for a, b in zip(figures[key], figures["floor"]))
    print("%s %.0f %.0f %.3f" % (name, statistics.median(figures[key]), floor, ratio))
