// SPDX-License-Identifier: MIT
//
// The GJS module loaded after Gio._promisify already wrapped some of the
// same methods (another library in the program did it first): the module
// takes them over, and every promise then resolves to the plain result.
// Run with `gjs -m` and G_DEBUG=fatal-criticals; any failure exits 1 from
// the top level.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import SpGi from 'gi://Sharedpotato';
import System from 'system';
import {withTimeout} from './support.js';

function check(actual, expected, what) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${what}: expected ${e}, got ${a}`);
    print(`ok - ${what}`);
}

try {
    Gio._promisify(SpGi.SharedObject.prototype, 'get_async', 'get_finish');
    Gio._promisify(SpGi.SharedQueue.prototype, 'pop_async', 'pop_finish');
    const obj = SpGi.SharedObject.new_full(GObject.TYPE_INT, 'n', 3, null);
    check(await withTimeout(obj.get_async(0, null)), [3], 'Gio._promisify shape before the import');

    const {default: Sp, withLock} = await import('../../introspection/js/sharedpotato.js');
    check(Sp === SpGi, true, 'the same namespace');
    check(await withTimeout(obj.get_async(0, null)), 3, 'get_async taken over');
    const queue = Sp.SharedQueue.new(GObject.TYPE_STRING, 0);
    await withTimeout(queue.push_async('job', 0, null));
    check(await withTimeout(queue.pop_async(0, null)), 'job', 'pop_async taken over');
    check(await withTimeout(obj.peek_async(0, null)), [true, 3], 'peek_async, not wrapped before');
    check(await withTimeout(withLock(obj, Sp.LockMode.SHARED, g => g.get_value()[1])), 3, 'withLock');

    // A second copy of the module (another URL, so GJS evaluates it
    // again) changes nothing.
    const before = Sp.SharedObject.prototype.get_async;
    const dir = GLib.dir_make_tmp('sp-js-XXXXXX');
    const copy = Gio.File.new_for_path(GLib.build_filenamev([dir, 'sharedpotato.js']));
    const source = Gio.File.new_for_uri(import.meta.url).get_parent().resolve_relative_path(
        '../../introspection/js/sharedpotato.js');
    copy.make_symbolic_link(source.get_path(), null);
    try {
        const second = await import(copy.get_uri());
        check(second.default === Sp && second.withLock !== withLock, true, 'a second copy');
    } finally {
        copy.delete(null);
        Gio.File.new_for_path(dir).delete(null);
    }
    check(Sp.SharedObject.prototype.get_async === before, true, 'promisified once');
    check(await withTimeout(obj.get_async(0, null)), 3, 'still the plain result');
    print('1..9');
} catch (e) {
    printerr(`not ok - ${e}\n${e.stack ?? ''}`);
    System.exit(1);
}
