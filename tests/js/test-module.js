// SPDX-License-Identifier: MIT
//
// The GJS module introspection/js/sharedpotato.js, run with `gjs -m` and
// G_DEBUG=fatal-criticals.
//
// The module is imported the way a user imports the installed file
// (`import Sp, {...} from 'file:///<datadir>/sharedpotato-1/js/sharedpotato.js'`),
// by a path relative to this file in the source tree.
//
// GJS 1.74 exits 0 when an exception is thrown inside a GLib callback or a
// promise is rejected unhandled, so every check here runs inside an awaited
// test function, every await is bounded by a timeout, and any failure ends
// the process with exit status 1 from the top level. An exception thrown
// on purpose inside a GLib callback is logged by GJS as a critical in the
// `Gjs` domain, which G_DEBUG=fatal-criticals would make fatal: those are
// expected explicitly.
//
// No test calls System.gc(): what is released must be released without
// the garbage collector. Where a test shows what the module cannot help
// with (a plain callback keeping a guard), it holds the guard in a
// variable so that a collection cannot release it by chance either.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import System from 'system';
import Sp, {withLock, setInitializer, onClosed, update, SKIPPED_BOOLEAN_FINISHES} from '../../introspection/js/sharedpotato.js';
import GIRepository from 'gi://GIRepository?version=2.0';
import SpGi from 'gi://Sharedpotato';
import {assert, assertEqual, withTimeout, isError, assertRejects, assertThrows, expectMessage, expectCritical, idle, track} from './support.js';

const EXCLUSIVE = Sp.LockMode.EXCLUSIVE;
const SHARED = Sp.LockMode.SHARED;
const IO = Gio.IOErrorEnum;

function sleep(ms) {
    return new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
        resolve();
        return GLib.SOURCE_REMOVE;
    }));
}

// Nobody holds the lock of obj now.
function assertUnlocked(obj, what = '') {
    const guard = obj.try_lock(EXCLUSIVE);
    assert(guard !== null, `locked ${what}`);
    guard.release();
}

const elapsedMs = since => (GLib.get_monotonic_time() - since) / 1000;

const intObject = value => value === undefined
    ? Sp.SharedObject.new(GObject.TYPE_INT)
    : Sp.SharedObject.new_full(GObject.TYPE_INT, 'counter', value, null);

// Every async/finish pair of the namespace, as the module must find it.
const EXPECTED_ASYNC = {
    Deleter: ['clear'],
    Getter: ['get', 'peek'],
    QueueConsumer: ['pop'],
    QueueProducer: ['push'],
    SetDeleter: ['clear', 'discard'],
    SetQuery: ['contains', 'size', 'snapshot'],
    SetScanner: ['snapshot'],
    SetSetter: ['add'],
    SetUpdater: ['add', 'clear', 'contains', 'discard', 'size', 'snapshot'],
    Setter: ['get', 'peek', 'set'],
    SharedObject: ['clear', 'close', 'get', 'lock', 'peek', 'set'],
    SharedObjectProxy: ['clear', 'close', 'get', 'lock', 'peek', 'set'],
    SharedQueue: ['close', 'pop', 'push'],
    SharedSet: ['add', 'clear', 'close', 'contains', 'discard', 'size', 'snapshot'],
    Updater: ['clear', 'get', 'lock', 'peek', 'set'],
};

const tests = {
    sameNamespace() {
        assert(Sp === SpGi, 'the default export is the gi://Sharedpotato namespace');
    },

    everyAsyncMethodIsPromisified() {
        const found = {};
        for (const [name, klass] of Object.entries(Sp)) {
            if (typeof klass !== 'function' || klass.$gtype === undefined || !klass.prototype)
                continue;
            const ops = Object.getOwnPropertyNames(klass.prototype)
                .filter(m => m.endsWith('_async') && !m.startsWith('_'))
                .map(m => m.slice(0, -'_async'.length)).sort();
            if (ops.length === 0)
                continue;
            found[name] = ops;
            for (const op of ops) {
                const proto = klass.prototype;
                assert(typeof proto[`_original_${op}_async`] === 'function', `${name}.${op}_async kept`);
                assert(proto[`${op}_async`] !== proto[`_original_${op}_async`], `${name}.${op}_async promisified`);
            }
        }
        assertEqual(found, EXPECTED_ASYNC, 'async methods');

        // A later Gio._promisify (code written for the plain shape) is a
        // no-op: the results stay unwrapped for everybody.
        const before = Sp.SharedObject.prototype.get_async;
        Gio._promisify(Sp.SharedObject.prototype, 'get_async', 'get_finish');
        assert(Sp.SharedObject.prototype.get_async === before, 'Gio._promisify changed nothing');
    },

    async sharedObjectResults() {
        const obj = Sp.SharedObject.new_full(GObject.TYPE_STRING, 'config', null, 'default');
        assertEqual(await withTimeout(obj.peek_async(0, null)), [false, null], 'peek, uninitialized');
        const waiting = withTimeout(obj.get_async(0, null));
        await idle();
        assertEqual(await withTimeout(obj.set_async('potato', 0, null)), true, 'set');
        assertEqual(await waiting, 'potato', 'get');
        assertEqual(await withTimeout(obj.peek_async(0, null)), [true, 'potato'], 'peek');
        assertEqual(await withTimeout(obj.clear_async(0, null)), true, 'clear');
        assertEqual(await withTimeout(obj.get_async(-1, null)), 'default', 'get after clear');
        const guard = await withTimeout(obj.lock_async(SHARED, 0, null));
        assert(guard instanceof Sp.Guard, 'lock gives a Guard');
        guard.release();
        assertEqual(await withTimeout(obj.close_async(0, null)), true, 'close');
        await assertRejects(obj.get_async(0, null), IO, IO.CLOSED);

        // A boolean value is itself, not mistaken for a skipped return.
        const flag = Sp.SharedObject.new(GObject.TYPE_BOOLEAN);
        await withTimeout(flag.set_async(false, 0, null));
        assertEqual(await withTimeout(flag.get_async(0, null)), false, 'boolean get');
        assertEqual(await withTimeout(flag.peek_async(0, null)), [true, false], 'boolean peek');
    },

    async objectViewResults() {
        const obj = intObject(1);
        const getter = obj.get_getter();
        const setter = obj.get_setter();
        const deleter = obj.get_deleter();
        const updater = obj.get_updater();
        assertEqual(await withTimeout(getter.get_async(0, null)), 1, 'getter get');
        assertEqual(await withTimeout(getter.peek_async(0, null)), [true, 1], 'getter peek');
        assertEqual(await withTimeout(setter.set_async(2, 0, null)), true, 'setter set');
        assertEqual(await withTimeout(setter.get_async(0, null)), 2, 'setter get');
        assertEqual(await withTimeout(updater.set_async(3, 0, null)), true, 'updater set');
        assertEqual(await withTimeout(updater.get_async(0, null)), 3, 'updater get');
        const guard = await withTimeout(updater.lock_async(EXCLUSIVE, 0, null));
        assert(guard instanceof Sp.Guard, 'updater lock');
        guard.release();
        assertEqual(await withTimeout(updater.clear_async(0, null)), true, 'updater clear');
        await withTimeout(obj.set_async(4, 0, null));
        assertEqual(await withTimeout(deleter.clear_async(0, null)), true, 'deleter clear');
        assertEqual(obj.try_get(), [false, 0]);
    },

    async queueResults() {
        const queue = Sp.SharedQueue.new_full(GObject.TYPE_STRING, 2, 'jobs');
        const producer = queue.get_producer();
        const consumer = queue.get_consumer();
        assertEqual(await withTimeout(queue.push_async('a', 0, null)), true, 'push');
        assertEqual(await withTimeout(producer.push_async('b', 0, null)), true, 'producer push');
        assertEqual(queue.push_front('first'), true, 'push_front, past the capacity');
        assertEqual(await withTimeout(queue.pop_async(0, null)), 'first', 'pop');
        assertEqual(await withTimeout(consumer.pop_async(0, null)), 'a', 'consumer pop');
        assertEqual(await withTimeout(queue.close_async(Sp.QueueCloseFlags.NONE, 0, null)), true, 'close');
        assertEqual(await withTimeout(queue.pop_async(0, null)), 'b', 'a closed queue drains');
        await assertRejects(queue.pop_async(0, null), IO, IO.CLOSED);
        await assertRejects(producer.push_async('c', 0, null), IO, IO.CLOSED);

        const ints = Sp.SharedQueue.new(GObject.TYPE_INT, 0);
        await withTimeout(ints.push_async(0, 0, null));
        assertEqual(await withTimeout(ints.pop_async(0, null)), 0, 'a zero item');
    },

    async setResults() {
        const set = Sp.SharedSet.new(GObject.TYPE_STRING);
        const query = set.get_query();
        const setter = set.get_setter();
        const deleter = set.get_deleter();
        const updater = set.get_updater();
        const scanner = set.get_scanner();
        assertEqual(await withTimeout(set.add_async('ada', 0, null)), true, 'add');
        assertEqual(await withTimeout(set.add_async('ada', 0, null)), false, 'add again');
        // One item: still an array.
        assertEqual(await withTimeout(set.snapshot_async(0, null)), ['ada'], 'snapshot');
        assertEqual(await withTimeout(setter.add_async('bob', 0, null)), true, 'setter add');
        assertEqual(await withTimeout(updater.add_async('cy', 0, null)), true, 'updater add');
        assertEqual(await withTimeout(set.contains_async('ada', 0, null)), true, 'contains');
        assertEqual(await withTimeout(query.contains_async('zed', 0, null)), false, 'query contains');
        assertEqual(await withTimeout(updater.contains_async('bob', 0, null)), true, 'updater contains');
        assertEqual(await withTimeout(set.size_async(0, null)), 3, 'size');
        assertEqual(await withTimeout(query.size_async(0, null)), 3, 'query size');
        assertEqual(await withTimeout(updater.size_async(0, null)), 3, 'updater size');
        const sorted = async p => (await withTimeout(p)).sort();
        assertEqual(await sorted(query.snapshot_async(0, null)), ['ada', 'bob', 'cy'], 'query snapshot');
        assertEqual(await sorted(scanner.snapshot_async(0, null)), ['ada', 'bob', 'cy'], 'scanner snapshot');
        assertEqual(await sorted(updater.snapshot_async(0, null)), ['ada', 'bob', 'cy'], 'updater snapshot');
        assertEqual(await withTimeout(set.discard_async('ada', 0, null)), true, 'discard');
        assertEqual(await withTimeout(deleter.discard_async('ada', 0, null)), false, 'deleter discard');
        assertEqual(await withTimeout(updater.discard_async('bob', 0, null)), true, 'updater discard');
        assertEqual(await withTimeout(deleter.clear_async(0, null)), true, 'deleter clear');
        assertEqual(await withTimeout(set.snapshot_async(0, null)), [], 'empty snapshot');
        await withTimeout(set.add_async('x', 0, null));
        assertEqual(await withTimeout(updater.clear_async(0, null)), true, 'updater clear');
        await withTimeout(set.add_async('x', 0, null));
        assertEqual(await withTimeout(set.clear_async(0, null)), true, 'clear');
        assertEqual(await withTimeout(set.size_async(0, null)), 0, 'size 0');
        assertEqual(await withTimeout(set.close_async(0, null)), true, 'close');
        await assertRejects(query.size_async(0, null), IO, IO.CLOSED);

        const ints = Sp.SharedSet.new(GObject.TYPE_INT);
        await withTimeout(ints.add_async(7, 0, null));
        assertEqual(await withTimeout(ints.snapshot_async(0, null)), [7], 'int snapshot');
    },

    async booleanSetResultsAreNotUnwrapped() {
        // A snapshot is a plain array: one that starts with `true` is not
        // a skipped boolean return.
        const flags = Sp.SharedSet.new(GObject.TYPE_BOOLEAN);
        assertEqual(await withTimeout(flags.add_async(true, 0, null)), true, 'add true');
        assertEqual(await withTimeout(flags.add_async(false, 0, null)), true, 'add false');
        assertEqual(await withTimeout(flags.add_async(true, 0, null)), false, 'add true again');
        const sortedFlags = async p => (await withTimeout(p)).map(Number).sort().map(Boolean);
        assertEqual(await sortedFlags(flags.snapshot_async(-1, null)), [false, true], 'snapshot');
        assertEqual(await sortedFlags(flags.get_query().snapshot_async(-1, null)), [false, true], 'query snapshot');
        assertEqual(await sortedFlags(flags.get_scanner().snapshot_async(-1, null)), [false, true],
            'scanner snapshot');
        assertEqual(await sortedFlags(flags.get_updater().snapshot_async(-1, null)), [false, true],
            'updater snapshot');
        assertEqual(await withTimeout(flags.contains_async(false, 0, null)), true, 'contains false');
        assertEqual(await withTimeout(flags.size_async(0, null)), 2, 'size');
        assertEqual(await withTimeout(flags.discard_async(false, 0, null)), true, 'discard false');
        // One item left, `true`: still the array [true].
        assertEqual(await withTimeout(flags.snapshot_async(-1, null)), [true], 'snapshot of [true]');

        const bools = Sp.SharedQueue.new(GObject.TYPE_BOOLEAN, 0);
        await withTimeout(bools.push_async(false, 0, null));
        assertEqual(await withTimeout(bools.pop_async(0, null)), false, 'pop false');
    },

    skippedBooleanFinishesMatchTheTypelib() {
        // The module unwraps exactly the finishes whose C boolean return is
        // `(skip)`: every such finish of every class, and nothing else.
        const repo = GIRepository.Repository.get_default();
        const skipped = new Set(), plain = new Set();
        for (let i = 0; i < repo.get_n_infos('Sharedpotato'); i++) {
            const info = repo.get_info('Sharedpotato', i);
            if (info.get_type() !== GIRepository.InfoType.OBJECT)
                continue;
            for (let j = 0; j < GIRepository.object_info_get_n_methods(info); j++) {
                const method = GIRepository.object_info_get_method(info, j);
                const name = method.get_name();
                if (!name.endsWith('_finish'))
                    continue;
                (GIRepository.callable_info_skip_return(method) ? skipped : plain).add(name);
            }
        }
        assertEqual([...skipped].sort(), [...SKIPPED_BOOLEAN_FINISHES].sort(), 'skipped-boolean finishes');
        for (const name of plain)
            assert(!skipped.has(name), `${name} is skipped on one class and not on another`);
    },

    async callbackFormStillWorks() {
        const obj = intObject(5);
        const raw = await withTimeout(new Promise((resolve, reject) => {
            const returned = obj.get_async(0, null, (source, result) => {
                try {
                    resolve(source.get_finish(result));
                } catch (e) {
                    reject(e);
                }
            });
            if (returned !== undefined)
                reject(new Error('with a callback, no promise'));
        }));
        assertEqual(raw, [true, 5], 'the finish function is untouched');
    },

    async withLockReleasesOnSyncThrow() {
        const obj = intObject(1);
        let waiting = null;
        const error = new Error('sync throw');
        try {
            await withTimeout(withLock(obj, EXCLUSIVE, guard => {
                guard.set_value(2);
                waiting = track(obj.lock_async(EXCLUSIVE, 2000, null));
                throw error;
            }));
            throw new Error('withLock should have rejected');
        } catch (e) {
            assert(e === error, `the body's exception comes out: ${e}`);
        }
        // The queued lock is granted within its own timeout.
        await withTimeout(waiting.promise);
        assert(waiting.value instanceof Sp.Guard, `queued lock: ${waiting.error}`);
        assertEqual(waiting.value.get_value(), [true, 2], 'what the body stored stays');
        waiting.value.release();
        const guard = obj.try_lock(EXCLUSIVE);
        assert(guard !== null, 'free again');
        guard.release();
    },

    async withLockReleasesOnAsyncRejection() {
        const obj = intObject(1);
        const started = GLib.get_monotonic_time();
        let getting = null;
        const locked = withLock(obj, EXCLUSIVE, async guard => {
            getting = track(obj.get_async(2000, null));
            await sleep(10);
            guard.set_value(3);
            throw new GLib.Error(IO, IO.FAILED, 'async rejection');
        });
        await assertRejects(locked, IO, IO.FAILED);
        await withTimeout(getting.promise);
        assertEqual(getting.value, 3, `the get queued behind the body: ${getting.error}`);
        assert(elapsedMs(started) < 1500, `granted at once, not at a timeout (${elapsedMs(started)} ms)`);
        const guard = obj.try_lock(EXCLUSIVE);
        assert(guard !== null, 'free again');
        guard.release();

        // A failed write through the guard (a lossy number) is an
        // exception like any other.
        await assertRejects(withLock(obj, EXCLUSIVE, g => g.set_value(4.6)), IO, IO.INVALID_ARGUMENT);
        assertEqual(obj.try_get(), [true, 3]);
        assertUnlocked(obj, 'after the refused write');
    },

    async updateInOneCall() {
        const obj = intObject(41);
        assertEqual(await withTimeout(update(obj, v => v + 1)), 42, 'the value stored');
        assertEqual(obj.try_get(), [true, 42]);

        // Many at once: no increment lost.
        await withTimeout(Promise.all(Array.from({length: 50}, () => update(obj, v => v + 1))));
        assertEqual(obj.try_get(), [true, 92]);

        // A function that throws: the promise rejects, nothing is stored,
        // the lock is free.
        let thrown = null;
        try {
            await withTimeout(update(obj, () => {
                throw new RangeError('no');
            }));
        } catch (e) {
            thrown = e;
        }
        assert(thrown instanceof RangeError, `the function's exception, got ${thrown}`);
        assertEqual(obj.try_get(), [true, 92]);
        assertUnlocked(obj, 'after the update threw');

        // A value the type cannot hold: rejected, nothing stored.
        await assertRejects(update(obj, v => v + 0.5), IO, IO.INVALID_ARGUMENT);
        assertEqual(obj.try_get(), [true, 92]);
        assertUnlocked(obj, 'after the refused value');
        thrown = null;
        try {
            update(obj, 42);
        } catch (e) {
            thrown = e;
        }
        assert(thrown instanceof TypeError, 'a function is required');
    },

    async withLockResultTimeoutAndViews() {
        const obj = intObject(10);
        assertEqual(await withTimeout(withLock(obj, SHARED, g => g.get_value()[1] * 2)), 20, 'sync result');
        assertEqual(await withTimeout(withLock(obj, EXCLUSIVE, async g => {
            await idle();
            g.set_value(g.get_value()[1] + 1);
            return 'done';
        })), 'done', 'async result');
        assertEqual(obj.try_get(), [true, 11]);

        // A body that releases (or downgrades) the guard itself.
        await withTimeout(withLock(obj, EXCLUSIVE, g => g.release()));
        await withTimeout(withLock(obj, EXCLUSIVE, g => g.downgrade()));
        obj.try_lock(EXCLUSIVE).release();

        // Through an updater view.
        await withTimeout(withLock(obj.get_updater(), EXCLUSIVE, g => g.set_value(12)));
        assertEqual(obj.try_get(), [true, 12]);

        // The lock's own failures: the body never runs.
        let ran = false;
        const holder = obj.try_lock(EXCLUSIVE);
        await assertRejects(withLock(obj, SHARED, () => (ran = true), {timeoutMs: 20}), IO, IO.TIMED_OUT);
        obj.default_timeout = 20;
        await assertRejects(withLock(obj, SHARED, () => (ran = true)), IO, IO.TIMED_OUT);
        obj.default_timeout = 0;
        const cancellable = new Gio.Cancellable();
        const cancelled = withLock(obj, SHARED, () => (ran = true), {cancellable});
        cancellable.cancel();
        await assertRejects(cancelled, IO, IO.CANCELLED);
        holder.release();
        assert(!ran, 'the body did not run');
        try {
            await withTimeout(withLock(obj, SHARED, null));
            throw new Error('a null body should be refused');
        } catch (e) {
            assert(e instanceof TypeError, `${e}`);
        }
        assert(!ran, 'the body did not run');
        assertUnlocked(obj);
    },

    async setInitializerValue() {
        const obj = intObject();
        let runs = 0;
        setInitializer(obj, async (guard, source) => {
            runs++;
            assert(guard instanceof Sp.Guard && source === obj, 'init(guard, object)');
            await sleep(5);
            return 42;
        });
        const values = await withTimeout(Promise.all([obj.get_async(2000, null), obj.get_async(2000, null)]));
        assertEqual(values, [42, 42]);
        assertEqual(runs, 1, 'runs once for every waiting get');
        assertEqual(await withTimeout(obj.get_async(0, null)), 42);

        // A synchronous initializer, and one that stores through the
        // guard and returns nothing.
        const sync = intObject();
        setInitializer(sync, () => 7);
        assertEqual(await withTimeout(sync.get_async(2000, null)), 7);
        // set_value returns true: a value stored through the guard wins
        // over the returned one.
        const through = intObject();
        setInitializer(through, guard => guard.set_value(8));
        assertEqual(await withTimeout(through.get_async(2000, null)), 8);
        const asyncThrough = Sp.SharedObject.new(GObject.TYPE_STRING);
        setInitializer(asyncThrough, async guard => {
            await idle();
            return guard.set_value('stored');
        });
        assertEqual(await withTimeout(asyncThrough.get_async(2000, null)), 'stored');
        const released = intObject();
        setInitializer(released, guard => {
            guard.set_value(9);
            guard.release();
        });
        assertEqual(await withTimeout(released.get_async(2000, null)), 9);
        const nothing = intObject();
        setInitializer(nothing, () => undefined);
        await assertRejects(nothing.get_async(2000, null), Sp.Error, Sp.Error.NOT_INITIALIZED);

        // null removes it: the next get waits for a value.
        setInitializer(nothing, null);
        await assertRejects(nothing.get_async(20, null), IO, IO.TIMED_OUT);
        try {
            setInitializer(nothing, 'not a function');
            throw new Error('a string initializer should be refused');
        } catch (e) {
            assert(e instanceof TypeError, `${e}`);
        }
    },

    async setInitializerReleasesOnThrow() {
        for (const [kind, init] of [
            ['sync throw', () => {
                throw new Error('config file missing');
            }],
            ['async rejection', async () => {
                await sleep(5);
                throw new Error('config file missing');
            }],
        ]) {
            const obj = intObject();
            let runs = 0;
            setInitializer(obj, (...args) => {
                runs++;
                return runs === 1 ? init(...args) : 5;
            });
            const started = GLib.get_monotonic_time();
            /* eslint-disable no-await-in-loop */
            const errors = await withTimeout(Promise.all([
                obj.get_async(5000, null).catch(e => e),
                obj.get_async(5000, null).catch(e => e),
            ]));
            for (const e of errors) {
                assert(isError(e, Sp.Error, Sp.Error.FAILED), `${kind}: FAILED, got ${e}`);
                assertEqual(e.message, 'config file missing', `${kind}: message`);
            }
            assert(elapsedMs(started) < 2000, `${kind}: at once (${elapsedMs(started)} ms)`);
            // Unlocked, no garbage collection: the next get runs it again.
            assertEqual(await withTimeout(obj.get_async(2000, null)), 5, `${kind}: next get`);
            assertEqual(runs, 2, `${kind}: runs`);
            /* eslint-enable no-await-in-loop */
        }

        // A GLib.Error passes through as it is; a refused value is an error.
        const notFound = intObject();
        setInitializer(notFound, () => {
            throw new GLib.Error(IO, IO.NOT_FOUND, 'no file');
        });
        const e = await assertRejects(notFound.get_async(2000, null), IO, IO.NOT_FOUND);
        assertEqual(e.message, 'no file');
        const lossy = intObject();
        setInitializer(lossy, async () => 4.6);
        await assertRejects(lossy.get_async(2000, null), IO, IO.INVALID_ARGUMENT);
        assert(!lossy.is_initialized(), 'nothing stored');
        const thrownString = intObject();
        setInitializer(thrownString, () => {
            // eslint-disable-next-line no-throw-literal
            throw 'plain string';
        });
        assertEqual((await assertRejects(thrownString.get_async(2000, null), Sp.Error, Sp.Error.FAILED)).message,
            'plain string');
        assertUnlocked(thrownString);
    },

    async plainThrowingInitializerDoesNotLock() {
        // No module helper: the plain GJS form. Since SpInitializeFunc
        // returns gboolean, a function that throws returns false and the
        // run ends at once.
        const obj = intObject();
        obj.set_initializer(() => {
            throw new Error('plain boom');
        });
        const check = expectMessage('Gjs', GLib.LogLevelFlags.LEVEL_CRITICAL, '*JS ERROR*plain boom*');
        const started = GLib.get_monotonic_time();
        await assertRejects(obj.get_async(5000, null), Sp.Error, Sp.Error.NOT_INITIALIZED);
        check();
        assert(elapsedMs(started) < 2000, `failed at once, not at its timeout (${elapsedMs(started)} ms)`);
        const guard = obj.try_lock(EXCLUSIVE);
        assert(guard !== null, 'not locked');
        guard.release();
        obj.set_initializer(() => {
            throw new Error('plain boom');
        });
        const again = expectMessage('Gjs', GLib.LogLevelFlags.LEVEL_CRITICAL, '*JS ERROR*plain boom*');
        await assertRejects(obj.get_async(5000, null), Sp.Error, Sp.Error.NOT_INITIALIZED);
        again();
        await withTimeout(obj.set_async(1, 1000, null));
        assertEqual(await withTimeout(obj.get_async(1000, null)), 1);
    },

    // What docs/javascript.md says remains unsafe, shown as it behaves.

    async unsafePlainAsyncInitializerKeepsTheGuard() {
        const obj = intObject();
        let kept = null;
        // An async function returns a Promise, which is truthy: "I keep
        // the guard". Nothing releases it until the guard is collected.
        obj.set_initializer(async (_o, guard) => {
            kept = guard;
            guard.set_value(1);
        });
        await assertRejects(obj.get_async(50, null), IO, IO.TIMED_OUT);
        assert(kept !== null && !kept.is_released(), 'the guard is still held');
        kept.release();
        assertEqual(await withTimeout(obj.get_async(1000, null)), 1);
    },

    async unsafePlainLockCallbackThatThrows() {
        const obj = intObject(1);
        let kept = null;
        const check = expectMessage('Gjs', GLib.LogLevelFlags.LEVEL_CRITICAL, '*JS ERROR*after lock_finish*');
        obj.lock_async(EXCLUSIVE, 0, null, (source, result) => {
            kept = source.lock_finish(result);
            throw new Error('after lock_finish');
        });
        await assertRejects(obj.get_async(50, null), IO, IO.TIMED_OUT);
        check();
        assert(kept !== null && !kept.is_released(), 'the guard is still held');
        kept.release();
        assertEqual(await withTimeout(obj.get_async(1000, null)), 1);
    },

    async signalHandlerThatThrowsLocksNothing() {
        const obj = intObject(1);
        const id = obj.connect('changed', () => {
            throw new Error('handler boom');
        });
        const check = expectMessage('Gjs', GLib.LogLevelFlags.LEVEL_CRITICAL, '*JS ERROR*handler boom*');
        await withTimeout(obj.set_async(2, 1000, null));
        await idle();
        check();
        obj.disconnect(id);
        await withTimeout(obj.set_async(3, 1000, null));
        assertEqual(await withTimeout(obj.get_async(1000, null)), 3);
    },

    async onClosedHoldsUntilDone() {
        const obj = intObject(1);
        const log = [];
        onClosed(obj, async (source, finalValue) => {
            assert(source === obj, 'the emitter comes first');
            log.push(`closing ${finalValue}`);
            await sleep(20);
            log.push('flushed');
        });
        await withTimeout(obj.close_async(2000, null));
        log.push('closed');
        assertEqual(log, ['closing 1', 'flushed', 'closed']);

        // A handler that throws is logged; the close completes anyway.
        for (const target of [intObject(1), Sp.SharedQueue.new(GObject.TYPE_INT, 0),
            Sp.SharedSet.new(GObject.TYPE_INT)]) {
            onClosed(target, async () => {
                await idle();
                throw new Error('close handler boom');
            });
            const check = expectMessage('Gjs', GLib.LogLevelFlags.LEVEL_WARNING, '*close handler*boom*');
            const args = target instanceof Sp.SharedQueue ? [Sp.QueueCloseFlags.NONE, 2000, null] : [2000, null];
            // eslint-disable-next-line no-await-in-loop
            assertEqual(await withTimeout(target.close_async(...args)), true, `${target.constructor.name} closed`);
            check();
        }
        const syncThrow = intObject(1);
        onClosed(syncThrow, () => {
            throw new Error('sync close handler boom');
        });
        const check = expectMessage('Gjs', GLib.LogLevelFlags.LEVEL_WARNING, '*close handler*boom*');
        assertEqual(await withTimeout(syncThrow.close_async(2000, null)), true);
        check();
    },

    refusedSyncCallsThrow() {
        const obj = intObject(1);
        const queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0);
        const set = Sp.SharedSet.new(GObject.TYPE_INT);
        const calls = {
            'SharedObject.get_sync': () => obj.get_sync(0, null),
            'SharedObject.set_sync': () => obj.set_sync(2, 0, null),
            'SharedObject.clear_sync': () => obj.clear_sync(0, null),
            'SharedObject.lock_sync': () => obj.lock_sync(EXCLUSIVE, 0, null),
            'SharedQueue.push_sync': () => queue.push_sync(1, 0, null),
            'SharedQueue.pop_sync': () => queue.pop_sync(0, null),
            'QueueProducer.push_sync': () => queue.get_producer().push_sync(1, 0, null),
            'QueueConsumer.pop_sync': () => queue.get_consumer().pop_sync(0, null),
            'SharedSet.add_sync': () => set.add_sync(1, 0, null),
            'SharedSet.discard_sync': () => set.discard_sync(1, 0, null),
            'SharedSet.contains_sync': () => set.contains_sync(1, 0, null),
            'SharedSet.size_sync': () => set.size_sync(0, null),
            'SharedSet.snapshot_sync': () => set.snapshot_sync(0, null),
            'SharedSet.clear_sync': () => set.clear_sync(0, null),
            // The views have their type's blocking twins.
            'Getter.get_sync': () => obj.get_getter().get_sync(0, null),
            'Setter.get_sync': () => obj.get_setter().get_sync(0, null),
            'Setter.set_sync': () => obj.get_setter().set_sync(2, 0, null),
            'Deleter.clear_sync': () => obj.get_deleter().clear_sync(0, null),
            'Updater.get_sync': () => obj.get_updater().get_sync(0, null),
            'Updater.set_sync': () => obj.get_updater().set_sync(2, 0, null),
            'Updater.clear_sync': () => obj.get_updater().clear_sync(0, null),
            'Updater.lock_sync': () => obj.get_updater().lock_sync(EXCLUSIVE, 0, null),
            'SetQuery.contains_sync': () => set.get_query().contains_sync(1, 0, null),
            'SetQuery.size_sync': () => set.get_query().size_sync(0, null),
            'SetQuery.snapshot_sync': () => set.get_query().snapshot_sync(0, null),
            'SetScanner.snapshot_sync': () => set.get_scanner().snapshot_sync(0, null),
            'SetSetter.add_sync': () => set.get_setter().add_sync(1, 0, null),
            'SetDeleter.discard_sync': () => set.get_deleter().discard_sync(1, 0, null),
            'SetDeleter.clear_sync': () => set.get_deleter().clear_sync(0, null),
            'SetUpdater.add_sync': () => set.get_updater().add_sync(1, 0, null),
            'SetUpdater.discard_sync': () => set.get_updater().discard_sync(1, 0, null),
            'SetUpdater.contains_sync': () => set.get_updater().contains_sync(1, 0, null),
            'SetUpdater.size_sync': () => set.get_updater().size_sync(0, null),
            'SetUpdater.snapshot_sync': () => set.get_updater().snapshot_sync(0, null),
            'SetUpdater.clear_sync': () => set.get_updater().clear_sync(0, null),
        };
        // Every _sync method of the namespace is in the list above.
        const all = [];
        for (const [name, klass] of Object.entries(Sp)) {
            if (typeof klass === 'function' && klass.prototype && klass.$gtype !== undefined) {
                for (const m of Object.getOwnPropertyNames(klass.prototype).filter(n => n.endsWith('_sync')))
                    all.push(`${name}.${m}`);
            }
        }
        assertEqual(all.sort(), Object.keys(calls).sort(), '_sync methods');
        for (const [name, call] of Object.entries(calls)) {
            let thrown = null;
            expectCritical('*owner context*', () => {
                try {
                    call();
                } catch (e) {
                    thrown = e;
                }
            });
            assert(isError(thrown, Sp.Error, Sp.Error.WOULD_DEADLOCK), `${name}: expected WOULD_DEADLOCK, got ${thrown}`);
        }
        assertEqual(obj.try_get(), [true, 1]);
        assertEqual(queue.get_length(), 0);
    },

    async lossyNumbersAreRefused() {
        const obj = intObject(5);
        for (const lossy of [4.6, NaN, 1e10]) {
            // eslint-disable-next-line no-await-in-loop
            await assertRejects(obj.set_async(lossy, 0, null), IO, IO.INVALID_ARGUMENT);
        }
        assertEqual(obj.try_get(), [true, 5]);
        assertEqual(await withTimeout(obj.set_async(4.0, 0, null)), true);
        assertEqual(await withTimeout(obj.get_async(0, null)), 4);
        const unsigned = Sp.SharedObject.new(GObject.TYPE_UINT);
        await assertRejects(unsigned.set_async(-1, 0, null), IO, IO.INVALID_ARGUMENT);

        const queue = Sp.SharedQueue.new(GObject.TYPE_INT, 0);
        await assertRejects(queue.push_async(4.6, 0, null), IO, IO.INVALID_ARGUMENT);
        assertThrows(() => queue.push_front(4.6), IO, IO.INVALID_ARGUMENT);
        assertEqual(queue.get_length(), 0);
        const set = Sp.SharedSet.new(GObject.TYPE_INT);
        await assertRejects(set.add_async(4.6, 0, null), IO, IO.INVALID_ARGUMENT);
        assertEqual(await withTimeout(set.size_async(0, null)), 0);
    },
};

let failed = 0;
for (const [name, fn] of Object.entries(tests)) {
    try {
        // eslint-disable-next-line no-await-in-loop
        await withTimeout(Promise.resolve().then(fn), 15000, name);
        print(`ok - ${name}`);
    } catch (e) {
        failed++;
        printerr(`not ok - ${name}: ${e}\n${e.stack ?? ''}`);
    }
}

print(`1..${Object.keys(tests).length}`);
System.exit(failed === 0 ? 0 : 1);
