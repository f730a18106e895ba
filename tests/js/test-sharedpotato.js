// SPDX-License-Identifier: MIT
//
// sharedpotato from GJS, run with `gjs -m` and G_DEBUG=fatal-criticals.
//
// GJS 1.74 exits 0 when an exception is thrown inside a GLib callback or a
// promise is rejected unhandled, so every check here runs inside an awaited
// test function, every await is bounded by a timeout, and any failure ends
// the process with exit status 1 from the top level.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Sp from 'gi://Sharedpotato';
import System from 'system';
import {assert, assertEqual, withTimeout, assertRejects, expectCritical, idle, drain} from './support.js';

for (const klass of [Sp.SharedObject, Sp.Getter, Sp.Setter, Sp.Updater]) {
    for (const op of ['get', 'set', 'peek', 'lock', 'clear']) {
        if (klass.prototype[`${op}_async`])
            Gio._promisify(klass.prototype, `${op}_async`, `${op}_finish`);
    }
}
Gio._promisify(Sp.Deleter.prototype, 'clear_async', 'clear_finish');
Gio._promisify(Sp.SharedObject.prototype, 'close_async', 'close_finish');

const EXCLUSIVE = Sp.LockMode.EXCLUSIVE;
const SHARED = Sp.LockMode.SHARED;

function intObject(value) {
    return value === undefined
        ? Sp.SharedObject.new(GObject.TYPE_INT)
        : Sp.SharedObject.new_full(GObject.TYPE_INT, null, value, null);
}

const tests = {
    version() {
        assertEqual(Sp.get_major_version(), Sp.MAJOR_VERSION);
        assertEqual(Sp.get_minor_version(), Sp.MINOR_VERSION);
        assertEqual(Sp.get_micro_version(), Sp.MICRO_VERSION);
        assertEqual(Sp.check_version(Sp.MAJOR_VERSION, 0, 0), null);
        assert(Sp.check_version(Sp.MAJOR_VERSION + 1, 0, 0) !== null);
    },

    properties() {
        const obj = Sp.SharedObject.new_full(GObject.TYPE_STRING, 'config', null, null);
        assertEqual(obj.value_type, GObject.TYPE_STRING);
        assertEqual(obj.get_value_type(), GObject.TYPE_STRING);
        assertEqual(obj.name, 'config');
        assertEqual(obj.get_name(), 'config');
        assertEqual(obj.initialized, false);
        assertEqual(obj.closed, false);
        obj.default_timeout = 25;
        assertEqual(obj.get_default_timeout(), 25);
        obj.set_default_timeout(0);
        const byProps = new Sp.SharedObject({value_type: GObject.TYPE_DOUBLE, name: 'x'});
        assertEqual(byProps.get_value_type(), GObject.TYPE_DOUBLE);
    },

    async getSetPeekClear() {
        const obj = Sp.SharedObject.new_full(GObject.TYPE_STRING, null, null, 'default');
        assertEqual(await withTimeout(obj.peek_async(0, null)), [false, null]);
        const waiting = withTimeout(obj.get_async(0, null));
        await idle();
        assert(await withTimeout(obj.set_async('potato', 0, null)));
        // With its boolean return skipped, get_finish gives [value] in GJS.
        assertEqual(await waiting, ['potato']);
        assertEqual(await withTimeout(obj.peek_async(0, null)), [true, 'potato']);
        assertEqual(obj.try_get(), [true, 'potato']);
        assert(obj.is_initialized());
        assert(await withTimeout(obj.clear_async(0, null)));
        assertEqual(await withTimeout(obj.get_async(0, null)), ['default']);
    },

    async newWithValueAndTransform() {
        const value = new GObject.Value();
        value.init(GObject.TYPE_DOUBLE);
        value.set_double(1.5);
        const obj = Sp.SharedObject.new_with_value(value);
        assertEqual(obj.try_get(), [true, 1.5]);
        await withTimeout(obj.set_async(4, 0, null));
        assertEqual(obj.try_get(), [true, 4]);
    },

    async lossyConversionIsRefused() {
        const obj = intObject(5);
        for (const lossy of [4.6, NaN, 1e10]) {
            // eslint-disable-next-line no-await-in-loop
            const e = await assertRejects(obj.set_async(lossy, 0, null), Gio.IOErrorEnum, Gio.IOErrorEnum.INVALID_ARGUMENT);
            assert(e.message.includes('without losing information'), e.message);
            assertEqual(obj.try_get(), [true, 5]);
        }
        assert(await withTimeout(obj.set_async(4.0, 0, null)));
        assertEqual(obj.try_get(), [true, 4]);
    },

    async errors() {
        const obj = intObject(5);
        await assertRejects(obj.set_async('not a number', 0, null), Gio.IOErrorEnum, Gio.IOErrorEnum.INVALID_ARGUMENT);
        assertEqual(obj.try_get(), [true, 5]);
        await assertRejects(intObject().get_async(5, null), Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);

        const holder = obj.try_lock(EXCLUSIVE);
        const cancellable = new Gio.Cancellable();
        const locking = obj.lock_async(SHARED, 0, cancellable);
        cancellable.cancel();
        await assertRejects(locking, Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
        holder.release();
        assert(obj.try_lock(EXCLUSIVE) !== null, 'the cancelled waiter left the lock free');
    },

    async lockAndGuard() {
        const obj = intObject(1);
        const guard = await withTimeout(obj.lock_async(EXCLUSIVE, 0, null));
        assertEqual(guard.get_mode(), EXCLUSIVE);
        assert(guard.is_initialized());
        assertEqual(guard.get_value(), [true, 1]);
        guard.set_value(2);
        try {
            guard.set_value('two');
            throw new Error('set_value of a string should fail');
        } catch (e) {
            assert(e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.INVALID_ARGUMENT), `${e}`);
        }
        assertEqual(obj.try_lock(SHARED), null);
        guard.downgrade();
        assertEqual(guard.get_mode(), SHARED);
        const reader = obj.try_lock(SHARED);
        assert(reader !== null);
        expectCritical('*shared lock*', () => reader.set_value(3));
        guard.release();
        assert(guard.is_released());
        expectCritical('*already released*', () => guard.release());
        reader.release();

        const writer = obj.try_lock(EXCLUSIVE);
        writer.clear();
        assert(!writer.is_initialized());
        assertEqual(writer.get_value(), [false, 0]);
        // A boxed, reference-counted guard: ref() gives another handle on
        // the same lock, and unref() from JS drops only a copy's reference.
        const other = writer.ref();
        assert(other instanceof Sp.Guard);
        other.unref();
        assert(!writer.is_released());
        other.release();
        assert(writer.is_released());
        const reader2 = obj.try_lock(SHARED);
        assert(reader2 !== null);
        reader2.release();
    },

    async signals() {
        const obj = intObject();
        const log = [];
        obj.connect('changed', (_o, oldValue, newValue) => log.push(['changed', oldValue, newValue]));
        obj.connect('initialized', () => log.push(['initialized']));
        obj.connect('cleared', () => log.push(['cleared']));
        obj.connect('notify::initialized', o => log.push(['notify', o.initialized]));
        obj.connect('closed', (_o, final) => log.push(['closed', final]));
        await withTimeout(obj.set_async(1, 0, null));
        await withTimeout(obj.set_async(2, 0, null));
        await withTimeout(obj.clear_async(0, null));
        await withTimeout(obj.close_async(0, null));
        await idle();
        assertEqual(log, [
            ['changed', null, 1], ['notify', true], ['initialized'],
            ['changed', 1, 2],
            ['changed', 2, null], ['cleared'], ['notify', false],
            ['closed', null],
        ], 'signal log');
    },

    async close() {
        const obj = intObject(7);
        const holder = obj.try_lock(SHARED);
        const pendingLock = obj.lock_async(EXCLUSIVE, 0, null);
        const closing = withTimeout(obj.close_async(0, null));
        assert(obj.is_closed() && obj.closed);
        await assertRejects(pendingLock, Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
        holder.release();
        assert(await closing);
        assert(await withTimeout(obj.close_async(0, null)), 'closing twice succeeds');
        await assertRejects(obj.peek_async(0, null), Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
        assertEqual(obj.try_get(), [false, 0]);
        assertEqual(obj.try_lock(SHARED), null);
    },

    async closeFailsGetsWaitingForAValue() {
        const obj = intObject();
        let outcome = null;
        const waiting = obj.get_async(0, null).then(v => (outcome = v), e => (outcome = e));
        await idle();
        assertEqual(outcome, null, 'get before the close');
        assert(await withTimeout(obj.close_async(0, null)));
        await withTimeout(waiting, 5000, 'the waiting get');
        assert(outcome instanceof GLib.Error && outcome.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED),
            `expected CLOSED, got ${outcome}`);
    },

    async getWaitingForAValueWaitsForTheWritersRelease() {
        const obj = intObject();
        let got = null;
        const waiting = obj.get_async(0, null).then(v => (got = v));
        await idle();
        const writer = obj.try_lock(EXCLUSIVE);
        assert(writer !== null, 'a get waiting for a value blocks no writer');
        writer.set_value(4);
        // A call that queues makes the object look at its waiters again.
        const peeking = obj.peek_async(0, null);
        await idle();
        assertEqual(got, null, 'get while the writer holds');
        writer.set_value(5);
        writer.release();
        await withTimeout(waiting);
        assertEqual(got, [5]);
        assertEqual(await withTimeout(peeking), [true, 5]);
    },

    async closeHandlerHold() {
        const obj = intObject(1);
        obj.connect('closed', o => {
            o.hold_close();
            GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => {
                o.release_close();
                return GLib.SOURCE_REMOVE;
            });
        });
        assert(await withTimeout(obj.close_async(0, null)));

        const slow = intObject(1);
        slow.connect('closed', o => o.hold_close());
        await assertRejects(slow.close_async(5, null), Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);
        slow.release_close();
        expectCritical('*no close hold*', () => slow.release_close());
    },

    async lazyInitializer() {
        const obj = intObject();
        let runs = 0;
        obj.set_initializer((_o, guard) => {
            runs++;
            GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => {
                if (runs === 1) {
                    guard.release_with_error(new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND, 'no file'));
                } else {
                    guard.set_value(runs * 10);
                    guard.release();
                }
                return GLib.SOURCE_REMOVE;
            });
            return true; // keeps the guard; the timeout ends the run
        });
        const failed = await assertRejects(
            Promise.all([obj.get_async(0, null), obj.get_async(0, null)]),
            Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND);
        assertEqual(failed.message, 'no file');
        const values = await withTimeout(Promise.all([obj.get_async(0, null), obj.get_async(0, null)]));
        assertEqual(values, [[20], [20]]);
        assertEqual(runs, 2);

        const never = intObject();
        never.set_initializer((_o, guard) => guard.release());
        await assertRejects(never.get_async(0, null), Sp.Error, Sp.Error.NOT_INITIALIZED);
    },

    async views() {
        const obj = intObject(1);
        const getter = obj.get_getter();
        const setter = obj.get_setter();
        const deleter = obj.get_deleter();
        const updater = obj.get_updater();
        for (const view of [getter, setter, deleter, updater])
            assert(view.close_async === undefined, 'a view cannot close');
        assert(getter.set_async === undefined, 'a getter cannot set');
        assertEqual(await withTimeout(getter.get_async(0, null)), [1]);
        assertEqual(await withTimeout(getter.peek_async(0, null)), [true, 1]);
        assertEqual(getter.try_get(), [true, 1]);
        await withTimeout(setter.set_async(2, 0, null));
        assertEqual(await withTimeout(setter.get_async(0, null)), [2]);
        const guard = await withTimeout(updater.lock_async(EXCLUSIVE, 0, null));
        guard.set_value(guard.get_value()[1] + 1);
        guard.release();
        assertEqual(await withTimeout(updater.get_async(0, null)), [3]);
        await withTimeout(updater.set_async(4, 0, null));
        await withTimeout(updater.clear_async(0, null));
        assert(!obj.is_initialized());
        await withTimeout(obj.set_async(5, 0, null));
        await withTimeout(deleter.clear_async(0, null));
        assertEqual(getter.try_get(), [false, 0]);
        await withTimeout(obj.close_async(0, null));
        await assertRejects(getter.get_async(0, null), Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED);
    },

    async statsAndHoldWarning() {
        const obj = intObject(1);
        assertEqual(obj.measure_hold_times, false, 'not measured by default');
        obj.measure_hold_times = true;
        const holder = obj.try_lock(EXCLUSIVE);
        await assertRejects(obj.get_async(5, null), Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);
        holder.set_label('js test');
        holder.release();
        assertEqual(await withTimeout(obj.get_async(0, null)), [1]);
        const stats = obj.get_stats();
        assert(stats instanceof Sp.Stats);
        assertEqual(stats.writes_granted, 1, 'writes');
        assertEqual(stats.reads_granted, 1, 'reads');
        assertEqual(stats.timeouts, 1, 'timeouts');
        assertEqual(stats.peak_queue_length, 1, 'peak queue');
        assertEqual(stats.current_writer, false, 'writer');
        assert(stats.total_hold_us >= 5000, 'hold time');
        assertEqual(stats.copy().timeouts, 1, 'copy');
        obj.hold_warning_ms = 50;
        assertEqual(obj.get_hold_warning_ms(), 50);
        obj.set_hold_warning_ms(0);
    },

    async holdTimesFromTheFirstReading() {
        const obj = new Sp.SharedObject({value_type: GObject.TYPE_INT});
        const seen = [];
        obj.connect('notify::measure-hold-times', o => seen.push(o.measure_hold_times));
        assertEqual(obj.get_stats().total_hold_us, 0, 'nothing timed before');
        assertEqual(obj.get_measure_hold_times(), true, 'turned on by the reading');
        const holder = obj.try_lock(EXCLUSIVE);
        // Held through a 5 ms timeout.
        await assertRejects(obj.get_async(5, null), Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);
        holder.release();
        assert(obj.get_stats().total_hold_us >= 5000, 'timed after the first reading');
        obj.set_measure_hold_times(false);
        drain();
        assertEqual(seen, [true, false], 'notifications');
        const kept = new Sp.SharedObject({value_type: GObject.TYPE_INT, measure_hold_times: false});
        kept.get_stats();
        assertEqual(kept.measure_hold_times, false, 'a choice made before the reading stays');
    },

    syncRefusedInOwnerContext() {
        const obj = intObject(1);
        // A critical and an error: the refusal throws, it never looks
        // like a result.
        for (const call of [() => obj.get_sync(0, null), () => obj.lock_sync(SHARED, 0, null)]) {
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
    },

    badInput() {
        const obj = intObject(1);
        expectCritical('*timeout_ms >= -1*', () => obj.get_async(-2, null, null));
        expectCritical('*timeout_ms >= -1*', () => obj.lock_async(SHARED, -2, null, null));
        expectCritical('*timeout_ms >= 0*', () => obj.set_default_timeout(-5));
        expectCritical('*G_TYPE_IS_VALUE_TYPE*', () => {
            try {
                Sp.SharedObject.new(GObject.TYPE_NONE);
            } catch (e) {
                // GJS reports the NULL the constructor returned.
            }
        });
        assertEqual(obj.try_get(), [true, 1]);
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
