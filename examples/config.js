// SPDX-License-Identifier: MIT
//
// A shared configuration value from GJS: lazy initialization, readers,
// a writer holding the lock across asynchronous work, a timeout, and close
// with a handler. Run with `gjs -m config.js`.
//
// The example runs as a test: any error but the impatient reader's
// timeout makes it exit 1.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Sp from 'gi://Sharedpotato';
import System from 'system';

for (const op of ['get', 'lock'])
    Gio._promisify(Sp.SharedObject.prototype, `${op}_async`, `${op}_finish`);
Gio._promisify(Sp.SharedObject.prototype, 'close_async', 'close_finish');
Gio._promisify(Sp.Getter.prototype, 'get_async', 'get_finish');

// GJS only logs an exception thrown in a GLib callback, or a rejection
// that nothing handles (the initializer's and the close handler's work,
// which main() does not await), and the example would still exit 0: end
// it here with status 1 instead.
function fail(error) {
    logError(error);
    System.exit(1);
}

const sleep = ms => new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
    resolve();
    return GLib.SOURCE_REMOVE;
}));

async function reader(getter, name) {
    const [value] = await getter.get_async(0, null);
    print(`${name}: read "${value}"`);
}

// Its timeout races with the lock: on a busy machine the writer may be
// done first. Giving up is the one error expected; any other is a bug.
async function impatientReader(getter, timeoutMs) {
    try {
        const [value] = await getter.get_async(timeoutMs, null);
        print(`impatient: read "${value}" before its timeout`);
    } catch (e) {
        if (!e.matches?.(Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT))
            throw e;
        print(`impatient: ${e.message}`);
    }
}

async function writer(config) {
    const guard = await config.lock_async(Sp.LockMode.EXCLUSIVE, 1000, null);
    print(`writer: holds the write lock over "${guard.get_value()[1]}" for 30 ms`);
    await sleep(30);
    guard.set_value('theme=dark');
    guard.release();
    print('writer: wrote "theme=dark"');
}

async function main() {
    const config = Sp.SharedObject.new_full(GObject.TYPE_STRING, 'config', null, null);
    config.set_initializer((_obj, guard) => {
        print('initializer: loading (first get found no value)');
        sleep(20).then(() => {
            guard.set_value('theme=light');
            guard.release();
            print('initializer: loaded "theme=light"');
        }).catch(fail);
        return true; // keeps the guard: the promise above ends the run
    });
    config.connect('changed', (_obj, _old, value) => print(`signal changed: "${value}"`));
    config.connect('closed', (obj, finalValue) => {
        print(`close handler: final value "${finalValue}", flushing it for 10 ms`);
        obj.hold_close();
        sleep(10).then(() => {
            print('close handler: flushed, releasing its hold');
            obj.release_close();
        }).catch(fail);
    });

    const getter = config.get_getter();
    await Promise.all([
        reader(getter, 'reader-1'),
        reader(getter, 'reader-2'),
        writer(config),
        // Queued behind the writer, it gives up after 15 ms.
        sleep(25).then(() => impatientReader(getter, 15)),
    ]);
    await config.close_async(1000, null);
    print('closed');
}

await main().catch(fail);
