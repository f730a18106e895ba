// SPDX-License-Identifier: MIT
//
// GNOME integration from GJS: the bindable value, the set as a
// Gio.ListModel, the queue's length and errors that name the call. Run
// with `gjs -m` and G_DEBUG=fatal-criticals; every failure reaches the
// exit status.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Sp from 'gi://Sharedpotato';
import System from 'system';
import {assert, assertEqual, drain} from './support.js';

function call(begin, finish, ...args) {
    return new Promise((resolve, reject) => {
        begin(...args, null, (source, result) => {
            try {
                resolve(finish(result));
            } catch (e) {
                reject(e);
            }
        });
    });
}

const Label = GObject.registerClass({
    Properties: {
        text: GObject.ParamSpec.string('text', '', '', GObject.ParamFlags.READWRITE, ''),
    },
}, class Label extends GObject.Object {});

const tests = {
    valuePropertyBindsAndNotifies() {
        const config = Sp.SharedObject.new_full(GObject.TYPE_STRING, 'config', null, null);
        const label = new Label();
        config.bind_property('value', label, 'text', GObject.BindingFlags.SYNC_CREATE);
        const seen = [];
        config.connect('notify::value', obj => seen.push(obj.value));
        assertEqual(config.value, null, 'uninitialized');
        const guard = config.try_lock(Sp.LockMode.EXCLUSIVE);
        guard.set_value('dark');
        guard.release();
        assertEqual(seen, [], 'notified later, in the owner context');
        drain();
        assertEqual(seen, ['dark'], 'notify::value');
        assertEqual(label.text, 'dark', 'bound label');
    },

    setIsAListModel() {
        const tags = Sp.SharedSet.new(GObject.TYPE_STRING);
        assert(tags instanceof Gio.ListModel, 'a Gio.ListModel');
        const changes = [];
        tags.connect('items-changed', (_m, pos, removed, added) => changes.push([pos, removed, added]));
        assertEqual(tags.get_n_items(), 0);
        for (const word of ['pear', 'apple', 'fig'])
            assert(tags.try_add(word));
        drain();
        assertEqual(changes, [[0, 0, 1], [1, 0, 1], [2, 0, 1]], 'items-changed');
        const strings = [];
        for (let i = 0; i < tags.get_n_items(); i++)
            strings.push(tags.get_item(i).string);
        assertEqual(strings, ['pear', 'apple', 'fig'], 'insertion order');
        assertEqual(tags.n_items, 3, 'n-items');
        assertEqual(tags.get_item(1).value, 'apple', 'SetItem:value');
    },

    everyViewIsAView() {
        const config = Sp.SharedObject.new_full(GObject.TYPE_INT, 'config', null, null);
        const tags = new Sp.SharedSet({item_type: GObject.TYPE_STRING, name: 'tags'});
        for (const view of [config.get_getter(), config.get_updater(), tags.get_query(), tags.get_scanner()]) {
            assert(view instanceof Sp.View, 'an Sp.View');
            assert(['config', 'tags'].includes(Sp.View.prototype.get_name.call(view)), 'name');
            assertEqual(Sp.View.prototype.is_closed.call(view), false);
        }
        assertEqual(config.get_updater().try_get(), [false, 0]);
    },

    queueLengthIsNotified() {
        const jobs = Sp.SharedQueue.new(GObject.TYPE_INT, 0);
        const lengths = [];
        jobs.connect('notify::length', q => lengths.push(q.length));
        jobs.try_push(1);
        jobs.try_push(2);
        drain();
        assertEqual(lengths, [2]);
    },

    async errorsNameTheCall() {
        const config = Sp.SharedObject.new_full(GObject.TYPE_STRING, 'config', null, null);
        try {
            await call(config.get_async.bind(config), config.get_finish.bind(config), 20);
            throw new Error('expected a timeout');
        } catch (e) {
            assert(e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT), `${e}`);
            assertEqual(e.message, 'Timed out after 20 ms waiting to get “config”');
        }
    },
};

let failed = 0;
for (const [name, fn] of Object.entries(tests)) {
    try {
        // eslint-disable-next-line no-await-in-loop
        await fn();
        print(`ok - ${name}`);
    } catch (e) {
        failed++;
        printerr(`not ok - ${name}: ${e}\n${e.stack ?? ''}`);
    }
}
print(`1..${Object.keys(tests).length}`);
System.exit(failed === 0 ? 0 : 1);
