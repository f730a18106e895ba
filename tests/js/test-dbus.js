// SPDX-License-Identifier: MIT
//
// SharedObject across processes from GJS: an exported object and a
// SharedObjectProxy on a private bus, with a second GJS process as a
// client. The test command starts the bus (dbus-run-session, see
// meson.build): Gio.TestDBus's watcher re-runs gjs, which keeps meson's
// output pipe open after the test ends. Run with `gjs -m` and
// G_DEBUG=fatal-criticals; every await is bounded and every failure
// reaches the top level (exit status 1).

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import System from 'system';
import Sp, {withLock} from '../../introspection/js/sharedpotato.js';
import {assert, assertEqual, withTimeout, assertRejects} from './support.js';

const PATH = '/org/gnome/Sharedpotato/Test';
const FLAGS = Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
    Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION;
const IO = Gio.IOErrorEnum;

function connect(address) {
    return Gio.DBusConnection.new_for_address_sync(address, FLAGS, null, null);
}

function waitFor(condition, what, ms = 10000) {
    return withTimeout(new Promise(resolve => {
        const check = () => {
            if (!condition())
                return GLib.SOURCE_CONTINUE;
            resolve();
            return GLib.SOURCE_REMOVE;
        };
        if (check() === GLib.SOURCE_CONTINUE)
            GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, check);
    }), ms, what);
}

async function child(address, busName) {
    const connection = connect(address);
    const proxy = await withTimeout(Sp.SharedObjectProxy.new(connection, busName, PATH, null));
    await withLock(proxy, Sp.LockMode.EXCLUSIVE, guard => {
        guard.set_value(7);
    });
    const seen = [];
    proxy.connect('changed', (_p, _old, value) => seen.push(value));
    await waitFor(() => seen.includes(8), 'the parent\'s 8');
    print(`got ${await withTimeout(proxy.get_async(0, null))}`);
}

async function parent() {
    {
        const address = GLib.getenv('DBUS_SESSION_BUS_ADDRESS');
        assert(address, 'run under dbus-run-session');
        const server = connect(address);
        const client = connect(address);
        const obj = Sp.SharedObject.new_full(GObject.TYPE_INT, 'counter', null, null);
        const exportId = obj.export(server, PATH);
        const proxy = await withTimeout(
            Sp.SharedObjectProxy.new(client, server.get_unique_name(), PATH, null));

        // The same calls as a local object, promisified.
        assertEqual(proxy.value_type, GObject.TYPE_INT, 'value type');
        assertEqual(await withTimeout(proxy.peek_async(0, null)), [false, 0], 'peek');
        await withTimeout(proxy.set_async(41, 0, null));
        assertEqual(await withTimeout(proxy.get_async(0, null)), 41, 'get');
        assertEqual(await withTimeout(obj.get_async(0, null)), 41, 'local get');

        // withLock releases on throw.
        try {
            await withLock(proxy, Sp.LockMode.EXCLUSIVE, guard => {
                guard.set_value(42);
                throw new Error('boom');
            });
            throw new Error('withLock did not throw');
        } catch (e) {
            assertEqual(e.message, 'boom', 'what withLock threw');
        }
        assertEqual(await withTimeout(obj.get_async(2000, null)), 42, 'after the release');

        // Timeouts and cancellation.
        await withTimeout(proxy.clear_async(0, null));
        await assertRejects(proxy.get_async(50, null), Gio.io_error_quark(), IO.TIMED_OUT);
        const cancellable = new Gio.Cancellable();
        const waiting = proxy.get_async(0, cancellable);
        cancellable.cancel();
        await assertRejects(waiting, Gio.io_error_quark(), IO.CANCELLED);
        await waitFor(() => obj.get_stats().queue_length === 0, 'the withdrawn get');

        // Signals, in this context.
        const changes = [];
        proxy.connect('changed', (_p, _old, value) => changes.push(value));
        await withTimeout(obj.set_async(5, 0, null));
        await waitFor(() => changes.includes(5), 'the changed signal');
        assert(proxy.initialized, 'initialized');

        // Another process.
        const here = GLib.filename_from_uri(import.meta.url)[0];
        const gjs = GLib.find_program_in_path('gjs');
        const proc = Gio.Subprocess.new([gjs, '-m', here, '--child', address,
            server.get_unique_name()], Gio.SubprocessFlags.STDOUT_PIPE);
        const local = [];
        obj.connect('changed', (_o, _old, value) => local.push(value));
        await waitFor(() => local.includes(7), 'the child\'s 7', 20000);
        await withTimeout(obj.set_async(8, 0, null));
        const [stdout] = await withTimeout(new Promise((resolve, reject) => {
            proc.communicate_utf8_async(null, null, (p, result) => {
                try {
                    const [, out] = p.communicate_utf8_finish(result);
                    resolve([out]);
                } catch (e) {
                    reject(e);
                }
            });
        }), 20000, 'the child');
        assert(proc.get_successful(), 'the child succeeded');
        assertEqual(stdout.trim(), 'got 8', 'what the child read');

        // Closing the proxy.
        let closed = false;
        proxy.connect('closed', () => {
            closed = true;
        });
        await withTimeout(proxy.close_async(0, null));
        assert(closed && proxy.closed, 'closed');
        await assertRejects(proxy.get_async(0, null), Gio.io_error_quark(), IO.CLOSED);

        obj.unexport(exportId);
        client.close_sync(null);
        server.close_sync(null);
    }
}

if (System.programArgs[0] === '--child')
    await child(System.programArgs[1], System.programArgs[2]);
else
    await parent();
