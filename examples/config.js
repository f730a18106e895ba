// SPDX-License-Identifier: MIT
//
// A shared configuration value from GJS: lazy initialization, readers,
// a writer holding the lock across asynchronous work, a timeout, and close
// with a handler. Run with `gjs -m config.js`.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Sp from 'gi://Sharedpotato';
import System from 'system';

for (const op of ['get', 'lock'])
    Gio._promisify(Sp.SharedObject.prototype, `${op}_async`, `${op}_finish`);
Gio._promisify(Sp.SharedObject.prototype, 'close_async', 'close_finish');
Gio._promisify(Sp.Getter.prototype, 'get_async', 'get_finish');

const sleep = ms => new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
    resolve();
    return GLib.SOURCE_REMOVE;
}));

async function reader(getter, name, timeoutMs = 0) {
    try {
        const [value] = await getter.get_async(timeoutMs, null);
        print(`${name}: read "${value}"`);
    } catch (e) {
        print(`${name}: ${e.message}`);
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
        });
        return true; // keeps the guard: the promise above ends the run
    });
    config.connect('changed', (_obj, _old, value) => print(`signal changed: "${value}"`));
    config.connect('closed', (obj, finalValue) => {
        print(`close handler: final value "${finalValue}", flushing it for 10 ms`);
        obj.hold_close();
        sleep(10).then(() => {
            print('close handler: flushed, releasing its hold');
            obj.release_close();
        });
    });

    const getter = config.get_getter();
    await Promise.all([
        reader(getter, 'reader-1'),
        reader(getter, 'reader-2'),
        writer(config),
        sleep(25).then(() => reader(getter, 'impatient', 15)),
    ]);
    await config.close_async(1000, null);
    print('closed');
}

try {
    await main();
} catch (e) {
    printerr(e);
    System.exit(1);
}
