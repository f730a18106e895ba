// SPDX-License-Identifier: MIT
//
// SpSharedSet from GJS 1.74, run with `gjs -m` and G_DEBUG=fatal-criticals.
//
// As in test-sharedpotato.js, every check runs inside an awaited test
// function bounded by a timeout, and any failure exits 1 from the top
// level. To keep the set's lock held while other calls queue, a test makes
// a call from a second main context it does not iterate.
//
// GJS 1.74 does not honour (skip) on a boolean return: try_add and a direct
// add_finish give [ok, added]; through Gio._promisify the awaited add gives
// [added]. snapshot_finish gives the items as a plain array.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Sp from 'gi://Sharedpotato';
import System from 'system';
import {assert, assertEqual, withTimeout, assertRejects as assertRejectsIn, assertThrows as assertThrowsIn, expectCritical, idle} from './support.js';

// Every error a set reports is a G_IO_ERROR.
const assertRejects = (promise, code) => assertRejectsIn(promise, Gio.IOErrorEnum, code);
const assertThrows = (fn, code) => assertThrowsIn(fn, Gio.IOErrorEnum, code);

const OPS = ['add', 'discard', 'contains', 'size', 'snapshot', 'clear'];
for (const klass of [Sp.SharedSet, Sp.SetQuery, Sp.SetSetter, Sp.SetDeleter,
    Sp.SetUpdater, Sp.SetScanner]) {
    for (const op of OPS) {
        if (klass.prototype[`${op}_async`])
            Gio._promisify(klass.prototype, `${op}_async`, `${op}_finish`);
    }
}
Gio._promisify(Sp.SharedSet.prototype, 'close_async', 'close_finish');

// An add made from a context nobody iterates holds the lock until release().
function holdLock(set) {
    const context = new GLib.MainContext();
    const done = [];
    context.push_thread_default();
    set.add_async('holder', 0, null, (s, r) => done.push(s.add_finish(r)));
    context.pop_thread_default();
    return {
        release() {
            while (done.length === 0)
                context.iteration(true);
            return done[0];
        },
    };
}

const sorted = items => [...items].sort();

const tests = {
    async ops() {
        const set = Sp.SharedSet.new(GObject.TYPE_STRING);
        assertEqual(await withTimeout(set.add_async('ada', 0, null)), [true]);
        assertEqual(await withTimeout(set.add_async('bob', 0, null)), [true]);
        assertEqual(await withTimeout(set.add_async('ada', 0, null)), [false]);
        assertEqual(await withTimeout(set.size_async(0, null)), [2]);
        assertEqual(await withTimeout(set.contains_async('bob', 0, null)), [true]);
        assertEqual(await withTimeout(set.contains_async('eve', 0, null)), [false]);
        assertEqual(sorted(await withTimeout(set.snapshot_async(0, null))), ['ada', 'bob']);
        assertEqual(await withTimeout(set.discard_async('bob', 0, null)), [true]);
        assertEqual(await withTimeout(set.discard_async('bob', 0, null)), [false]);
        assert(await withTimeout(set.clear_async(0, null)));
        assertEqual(await withTimeout(set.snapshot_async(0, null)), []);
        assertEqual(set.try_add('x'), [true, true]);
        assertEqual(set.try_add('x'), [true, false]);
        assertEqual(set.try_contains('x'), [true, true]);
        assertEqual(set.try_discard('x'), [true, true]);
    },

    async types() {
        const ints = Sp.SharedSet.new(GObject.TYPE_INT);
        assertEqual(ints.try_add(-3), [true, true]);
        assertEqual(ints.try_add(-3), [true, false]);
        assertEqual(await withTimeout(ints.snapshot_async(0, null)), [-3]);

        const kinds = new Sp.SharedSet({item_type: Gio.FileType.$gtype, name: 'kinds'});
        assertEqual(kinds.name, 'kinds');
        assertEqual(kinds.try_add(Gio.FileType.DIRECTORY), [true, true]);
        assertEqual(kinds.try_add(Gio.FileType.REGULAR), [true, true]);
        assertEqual(sorted(await withTimeout(kinds.snapshot_async(0, null))),
            sorted([Gio.FileType.DIRECTORY, Gio.FileType.REGULAR]));

        const objects = Sp.SharedSet.new(GObject.Object.$gtype);
        const a = new GObject.Object(), b = new GObject.Object();
        assertEqual(objects.try_add(a), [true, true]);
        assertEqual(objects.try_add(a), [true, false]);
        assertEqual(objects.try_add(b), [true, true]);
        const snap = await withTimeout(objects.snapshot_async(0, null));
        assert(snap.length === 2 && snap.includes(a) && snap.includes(b), 'objects by identity');

        const blobs = Sp.SharedSet.new(GLib.Bytes.$gtype);
        assertEqual(blobs.try_add(new GLib.Bytes([1, 2])), [true, true]);
        assertEqual(blobs.try_add(new GLib.Bytes([1, 2])), [true, false]);
        const [blob] = await withTimeout(blobs.snapshot_async(0, null));
        assertEqual([...blob.get_data()], [1, 2]);
    },

    async invalidItems() {
        const objects = Sp.SharedSet.new(GObject.Object.$gtype);
        await assertRejects(objects.add_async(5, 0, null), Gio.IOErrorEnum.INVALID_ARGUMENT);
        const strings = Sp.SharedSet.new(GObject.TYPE_STRING);
        // GJS passes null as a NULL pointer GValue: a set holds no NULL.
        await assertRejects(strings.add_async(null, 0, null), Gio.IOErrorEnum.INVALID_ARGUMENT);
    },

    async signalsInOrder() {
        const set = Sp.SharedSet.new(GObject.TYPE_STRING);
        const log = [];
        set.connect('item-added', (_s, item) => log.push(`+${item}`));
        set.connect('item-removed', (_s, item) => log.push(`-${item}`));
        await withTimeout(set.add_async('a', 0, null));
        await withTimeout(set.add_async('b', 0, null));
        await withTimeout(set.add_async('a', 0, null));
        await withTimeout(set.discard_async('a', 0, null));
        await withTimeout(set.clear_async(0, null));
        await idle();
        assertEqual(log, ['+a', '+b', '-a', '-b']);
    },

    async timeoutCancelTryWhileHeld() {
        const set = Sp.SharedSet.new(GObject.TYPE_STRING);
        const holder = holdLock(set);
        await assertRejects(set.add_async('late', 20, null), Gio.IOErrorEnum.TIMED_OUT);
        set.default_timeout = 20;
        await assertRejects(set.size_async(-1, null), Gio.IOErrorEnum.TIMED_OUT);
        assertThrows(() => set.try_contains('holder'), Gio.IOErrorEnum.WOULD_BLOCK);
        const cancellable = new Gio.Cancellable();
        const cancelled = set.add_async('c', 0, cancellable);
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
            cancellable.cancel();
            return GLib.SOURCE_REMOVE;
        });
        await assertRejects(cancelled, Gio.IOErrorEnum.CANCELLED);
        assertEqual(holder.release(), [true, true]);
        assertEqual(await withTimeout(set.snapshot_async(0, null)), ['holder']);
        const stats = set.get_stats();
        assertEqual([stats.timeouts, stats.cancellations], [2, 1]);
    },

    async close() {
        const set = Sp.SharedSet.new(GObject.TYPE_STRING);
        set.try_add('left');
        const log = [];
        set.connect('item-removed', (_s, item) => log.push(`-${item}`));
        set.connect('closed', s => {
            log.push('closed');
            s.hold_close();
            GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
                s.release_close();
                return GLib.SOURCE_REMOVE;
            });
        });
        const holder = holdLock(set);
        const queued = set.size_async(0, null);
        const closing = set.close_async(0, null);
        assert(set.closed && set.is_closed());
        await assertRejects(queued, Gio.IOErrorEnum.CLOSED);
        assertEqual(log, []);
        holder.release();
        assert(await withTimeout(closing));
        assertEqual(sorted(log.slice(0, 2)), ['-holder', '-left']);
        assertEqual(log[2], 'closed');
        assert(await withTimeout(set.close_async(0, null)));
        await assertRejects(set.add_async('x', 0, null), Gio.IOErrorEnum.CLOSED);
    },

    async views() {
        const set = Sp.SharedSet.new(GObject.TYPE_STRING);
        const setter = set.get_setter(), query = set.get_query(), deleter = set.get_deleter();
        const updater = set.get_updater(), scanner = set.get_scanner();
        assertEqual(await withTimeout(setter.add_async('a', 0, null)), [true]);
        assertEqual(setter.try_add('b'), [true, true]);
        assertEqual(await withTimeout(query.contains_async('a', 0, null)), [true]);
        assertEqual(await withTimeout(query.size_async(0, null)), [2]);
        assertEqual(sorted(await withTimeout(query.snapshot_async(0, null))), ['a', 'b']);
        assertEqual(sorted(await withTimeout(scanner.snapshot_async(0, null))), ['a', 'b']);
        assertEqual(await withTimeout(deleter.discard_async('a', 0, null)), [true]);
        assert(await withTimeout(deleter.clear_async(0, null)));
        assertEqual(await withTimeout(updater.add_async('u', 0, null)), [true]);
        assertEqual(await withTimeout(updater.contains_async('u', 0, null)), [true]);
        assertEqual(await withTimeout(updater.size_async(0, null)), [1]);
        assertEqual(await withTimeout(updater.snapshot_async(0, null)), ['u']);
        assertEqual(await withTimeout(updater.discard_async('u', 0, null)), [true]);
        assert(await withTimeout(updater.clear_async(0, null)));
        for (const [view, missing] of [[setter, ['discard_async', 'contains_async', 'close_async']],
            [query, ['add_async', 'clear_async', 'close_async']],
            [deleter, ['add_async', 'snapshot_async', 'close_async']],
            [updater, ['close_async', 'hold_close']],
            [scanner, ['contains_async', 'size_async', 'add_async']]]) {
            for (const name of missing)
                assert(view[name] === undefined, `${view} has ${name}`);
        }
    },

    badInput() {
        const set = Sp.SharedSet.new(GObject.TYPE_STRING);
        expectCritical('*timeout_ms >= -1*', () => set.add_async('x', -2, null, null));
        expectCritical('*has no close hold to release*', () => set.release_close());
        const doubles = expectCritical('*item type gdouble, which a set cannot hold*', () => new Sp.SharedSet({item_type: GObject.TYPE_DOUBLE}));
        assertThrows(() => doubles.try_add(1.5), Gio.IOErrorEnum.INVALID_ARGUMENT);
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
