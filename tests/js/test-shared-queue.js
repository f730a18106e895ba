// SPDX-License-Identifier: MIT
//
// SpSharedQueue from GJS, run with `gjs -m` and G_DEBUG=fatal-criticals.
//
// GJS 1.74 exits 0 when an exception is thrown inside a GLib callback or a
// promise is rejected unhandled, so every check here runs inside an awaited
// test function, every await is bounded by a timeout, and any failure ends
// the process with exit status 1 from the top level.
//
// How the pop side comes out in GJS 1.74: pop_finish, try_pop and pop_sync
// are annotated `Returns: (skip)` with the item as an `(out
// caller-allocates)` GValue, but GJS does not drop the skipped boolean:
// they return [true, item]. Gio._promisify then strips a leading `true`
// from any array result longer than one, so an awaited pop_async gives
// [item]. peek returns [found, item].

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Sp from 'gi://Sharedpotato';
import System from 'system';
import {assert, assertEqual, withTimeout, assertRejects, assertThrows, expectCritical, idle, track} from './support.js';

for (const klass of [Sp.SharedQueue, Sp.QueueProducer, Sp.QueueConsumer]) {
    for (const op of ['push', 'pop', 'close']) {
        if (klass.prototype[`${op}_async`])
            Gio._promisify(klass.prototype, `${op}_async`, `${op}_finish`);
    }
}

const NONE = Sp.QueueCloseFlags.NONE;
const DROP_ITEMS = Sp.QueueCloseFlags.DROP_ITEMS;

// Starts an _async call with a plain callback (a promisified method calls
// the original when given one) and resolves with [source, finish result].
function withSource(obj, method, finish, ...args) {
    return withTimeout(new Promise((resolve, reject) => {
        obj[method](...args, (source, res) => {
            try {
                resolve([source, source[finish](res)]);
            } catch (e) {
                reject(e);
            }
        });
    }));
}

const intQueue = (capacity = 0) => Sp.SharedQueue.new(GObject.TYPE_INT, capacity);

const tests = {
    properties() {
        const queue = Sp.SharedQueue.new_full(GObject.TYPE_STRING, 3, 'jobs');
        assertEqual(queue.item_type, GObject.TYPE_STRING);
        assertEqual(queue.get_item_type(), GObject.TYPE_STRING);
        assertEqual(queue.capacity, 3);
        assertEqual(queue.get_capacity(), 3);
        assertEqual(queue.name, 'jobs');
        assertEqual(queue.closed, false);
        queue.default_timeout = 25;
        assertEqual(queue.get_default_timeout(), 25);
        const byProps = new Sp.SharedQueue({item_type: GObject.TYPE_DOUBLE, capacity: 1});
        assertEqual(byProps.get_item_type(), GObject.TYPE_DOUBLE);
        assertEqual(byProps.get_capacity(), 1);
    },

    async fifoIntAndString() {
        const ints = intQueue();
        for (let i = 0; i < 5; i++)
            assertEqual(await withTimeout(ints.push_async(i, 0, null)), true);
        assertEqual(ints.get_length(), 5);
        for (let i = 0; i < 5; i++)
            assertEqual(await withTimeout(ints.pop_async(0, null)), [i], 'pop');

        const strings = Sp.SharedQueue.new(GObject.TYPE_STRING, 0);
        const words = ['spud', 'tater', '', 'pomme de terre'];
        for (const word of words)
            await withTimeout(strings.push_async(word, 0, null));
        for (const word of words)
            assertEqual(await withTimeout(strings.pop_async(0, null)), [word]);

        // Waiting pops are served in the order they came.
        const pops = [0, 1, 2].map(() => withTimeout(ints.pop_async(0, null)));
        await idle();
        for (let i = 0; i < 3; i++)
            ints.try_push(10 + i);
        assertEqual(await Promise.all(pops), [[10], [11], [12]]);
    },

    async popWaitsForPush() {
        const queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 0);
        const pop = track(queue.pop_async(0, null));
        await idle();
        assert(!pop.done, 'a pop of an empty queue waits');
        assertEqual(queue.get_stats().queue_length, 1, 'waiting calls');
        assert(await withTimeout(queue.push_async('potato', 0, null)));
        await withTimeout(pop.promise);
        assertEqual(pop.value, ['potato']);
        assertEqual(queue.get_length(), 0);
    },

    async pushWaitsWhileFull() {
        const queue = intQueue(2);
        assert(queue.try_push(1));
        assert(queue.try_push(2));
        const push = track(queue.push_async(3, 0, null));
        await idle();
        assert(!push.done, 'a push into a full queue waits');
        assertThrows(() => queue.try_push(4), Gio.IOErrorEnum, Gio.IOErrorEnum.WOULD_BLOCK);
        assertEqual(queue.try_pop(), [true, 1]);
        await withTimeout(push.promise);
        assertEqual(push.value, true);
        assertEqual(queue.get_length(), 2);
        assertEqual([queue.try_pop(), queue.try_pop()], [[true, 2], [true, 3]]);
    },

    async tryErrors() {
        const queue = intQueue(1);
        assertThrows(() => queue.try_pop(), Gio.IOErrorEnum, Gio.IOErrorEnum.WOULD_BLOCK);
        assert(queue.try_push(7));
        assertThrows(() => queue.try_push(8), Gio.IOErrorEnum, Gio.IOErrorEnum.WOULD_BLOCK);
        const bad = assertThrows(() => queue.try_push('not a number'),
            Gio.IOErrorEnum, Gio.IOErrorEnum.INVALID_ARGUMENT);
        assert(bad.message.includes('gint'), bad.message);
        await assertRejects(queue.push_async('not a number', 0, null),
            Gio.IOErrorEnum, Gio.IOErrorEnum.INVALID_ARGUMENT);
        assertEqual(queue.try_pop(), [true, 7]);
        await withTimeout(queue.close_async(NONE, 0, null));
        assertThrows(() => queue.try_push(1), Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
        assertThrows(() => queue.try_pop(), Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
    },

    async timedOutPopLosesNothing() {
        const queue = intQueue();
        await assertRejects(queue.pop_async(1, null), Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);
        const next = withTimeout(queue.pop_async(0, null));
        await idle();
        queue.try_push(42);
        assertEqual(await next, [42]);

        // A pop waiting behind one that times out gets the next item.
        const early = queue.pop_async(1, null);
        const late = track(queue.pop_async(0, null));
        await assertRejects(early, Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);
        assert(!late.done, 'the later pop still waits');
        queue.try_push(43);
        await withTimeout(late.promise);
        assertEqual(late.value, [43]);
        assertEqual(queue.get_length(), 0);
        assertEqual(queue.get_stats().timeouts, 2, 'timeouts');

        // A push that times out never inserts its item.
        const full = intQueue(1);
        full.try_push(1);
        await assertRejects(full.push_async(2, 1, null), Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);
        assertEqual(full.try_pop(), [true, 1]);
        assertThrows(() => full.try_pop(), Gio.IOErrorEnum, Gio.IOErrorEnum.WOULD_BLOCK);
    },

    async cancel() {
        const queue = intQueue();
        const cancellable = new Gio.Cancellable();
        const pop = queue.pop_async(0, cancellable);
        await idle();
        cancellable.cancel();
        await assertRejects(pop, Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
        const next = withTimeout(queue.pop_async(0, null));
        await idle();
        queue.try_push(5);
        assertEqual(await next, [5]);
    },

    async closeDrains() {
        const queue = intQueue(2);
        const log = [];
        queue.connect('item-dropped', (_q, item) => log.push(['dropped', item]));
        queue.connect('closed', () => log.push(['closed']));
        queue.connect('notify::closed', q => log.push(['notify', q.closed]));
        queue.try_push(1);
        queue.try_push(2);
        const waitingPush = queue.push_async(3, 0, null);
        await idle();
        const close = queue.close_async(NONE, 0, null);
        assert(queue.is_closed());
        await assertRejects(waitingPush, Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
        await assertRejects(queue.push_async(4, 0, null), Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
        assertEqual(await withTimeout(close), true);
        assertEqual(log, [['notify', true], ['closed']]);
        // Pops take what is left, then fail.
        assertEqual(await withTimeout(queue.pop_async(0, null)), [1]);
        assertEqual(queue.try_pop(), [true, 2]);
        await assertRejects(queue.pop_async(0, null), Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
    },

    async closeDropItems() {
        const queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 0);
        const log = [];
        queue.connect('item-dropped', (_q, item) => log.push(['dropped', item]));
        queue.connect('closed', () => log.push(['closed']));
        for (const word of ['a', 'b', 'c'])
            queue.try_push(word);
        const close = queue.close_async(DROP_ITEMS, 0, null);
        // The items leave at once; the signals come from the main context.
        assertEqual(queue.get_length(), 0);
        assertEqual(log, []);
        await assertRejects(queue.pop_async(0, null), Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
        assertEqual(await withTimeout(close), true);
        assertEqual(log, [['dropped', 'a'], ['dropped', 'b'], ['dropped', 'c'], ['closed']]);

        // Dropping after a plain close drops what the consumers left.
        const later = intQueue();
        const dropped = [];
        later.connect('item-dropped', (_q, item) => dropped.push(item));
        later.try_push(1);
        later.try_push(2);
        await withTimeout(later.close_async(NONE, 0, null));
        assertEqual(later.try_pop(), [true, 1]);
        await withTimeout(later.close_async(DROP_ITEMS, 0, null));
        assertEqual(dropped, [2]);
    },

    async closeHold() {
        const queue = intQueue();
        queue.connect('closed', q => {
            q.hold_close();
            GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => {
                q.release_close();
                return GLib.SOURCE_REMOVE;
            });
        });
        assertEqual(await withTimeout(queue.close_async(NONE, 0, null)), true);
        expectCritical('*no close hold*', () => queue.release_close());
    },

    async views() {
        const queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 3);
        const producer = queue.get_producer();
        const consumer = queue.get_consumer();
        assert(producer instanceof Sp.QueueProducer);
        assert(consumer instanceof Sp.QueueConsumer);
        for (const view of [producer, consumer])
            assert(view.close_async === undefined, 'a view cannot close');
        for (const name of ['pop_async', 'try_pop', 'pop_sync', 'peek'])
            assert(producer[name] === undefined, `a producer has no ${name}`);
        for (const name of ['push_async', 'try_push', 'push_sync'])
            assert(consumer[name] === undefined, `a consumer has no ${name}`);
        assertEqual(producer.get_capacity(), 3);

        // The callback's source object is the view, not the queue.
        const [pushSource, pushed] = await withSource(producer, 'push_async', 'push_finish', 'job', 0, null);
        assert(pushSource === producer, 'push source is the producer');
        assertEqual(pushed, true);
        assertEqual(producer.get_length(), 1);
        assertEqual(consumer.peek(), [true, 'job']);
        const [popSource, popped] = await withSource(consumer, 'pop_async', 'pop_finish', 0, null);
        assert(popSource === consumer, 'pop source is the consumer');
        assertEqual(popped, [true, 'job'], 'raw pop_finish');
        assertEqual(consumer.peek(), [false, null]);

        assert(producer.try_push('next'));
        assertEqual(consumer.try_pop(), [true, 'next']);
        await withTimeout(producer.push_async('awaited', 0, null));
        assertEqual(await withTimeout(consumer.pop_async(0, null)), ['awaited']);

        await withTimeout(queue.close_async(NONE, 0, null));
        assert(producer.is_closed() && consumer.is_closed());
        await assertRejects(producer.push_async('late', 0, null), Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
        await assertRejects(consumer.pop_async(0, null), Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
    },

    objectItems() {
        const queue = Sp.SharedQueue.new(GObject.TYPE_OBJECT, 0);
        const action = new Gio.SimpleAction({name: 'job'});
        assert(queue.try_push(action));
        const [found, popped] = queue.try_pop();
        assert(found && popped === action, 'the same object comes back');
        assertThrows(() => queue.try_push(5), Gio.IOErrorEnum, Gio.IOErrorEnum.INVALID_ARGUMENT);
    },

    async stats() {
        const queue = intQueue(1);
        await assertRejects(queue.pop_async(1, null), Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);
        const pop = withTimeout(queue.pop_async(0, null));
        await idle();
        queue.try_push(1);
        assertEqual(await pop, [1]);
        queue.try_push(2);
        assertEqual(queue.try_pop(), [true, 2]);
        const stats = queue.get_stats();
        assert(stats instanceof Sp.Stats);
        assertEqual(stats.writes_granted, 2, 'pushes');
        assertEqual(stats.reads_granted, 2, 'pops');
        assertEqual(stats.waited_grants, 1, 'waited');
        assertEqual(stats.timeouts, 1, 'timeouts');
        assertEqual(stats.queue_length, 0, 'waiting now');
    },

    badInput() {
        const queue = intQueue();
        expectCritical('*timeout_ms >= -1*', () => queue.pop_async(-2, null, null));
        expectCritical('*timeout_ms >= -1*', () => queue.push_async(1, -2, null, null));
        expectCritical('*timeout_ms >= 0*', () => queue.set_default_timeout(-1));
        // Blocking in the owner context would deadlock: refused.
        for (const call of [() => queue.push_sync(1, 0, null), () => queue.pop_sync(0, null)]) {
            let thrown = null;
            expectCritical('*owner context*', () => {
                try {
                    call();
                } catch (e) {
                    thrown = e;
                }
            });
            assert(thrown instanceof GLib.Error && thrown.matches(Sp.error_quark(), Sp.Error.WOULD_DEADLOCK),
                `expected WOULD_DEADLOCK, got ${thrown}`);
        }
        assertEqual(queue.get_length(), 0);
        assert(!queue.is_closed());
    },
};

let failed = 0;
for (const [name, fn] of Object.entries(tests)) {
    try {
        // eslint-disable-next-line no-await-in-loop
        await withTimeout(Promise.resolve().then(fn), 10000, name);
        print(`ok - ${name}`);
    } catch (e) {
        failed++;
        printerr(`not ok - ${name}: ${e}\n${e.stack ?? ''}`);
    }
}

print(`1..${Object.keys(tests).length}`);
System.exit(failed === 0 ? 0 : 1);
