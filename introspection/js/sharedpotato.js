// SPDX-License-Identifier: MIT
//
// sharedpotato for GJS: awaitable calls and scope-bound helpers.
//
// Installed as <datadir>/sharedpotato-1/js/sharedpotato.js; import it with
//
//   import Sp, {withLock, setInitializer, onClosed} from
//       'file:///usr/local/share/sharedpotato-1/js/sharedpotato.js';
//
// (the prefix is the one the library was installed with). The guide page
// docs/javascript.md describes it for users.
//
// Importing it promisifies, once for the whole process, every `*_async`
// method that has a `*_finish` twin, on every class of the Sharedpotato
// namespace; the methods are found by enumerating the classes and their
// prototypes, not listed by hand. Called without a callback, a method
// returns a Promise; called with one, it behaves as before.
//
// What a promise resolves to is what the `_finish` function returns, with
// one rule on top. GJS 1.74 does not honour `(skip)` on a boolean return
// value: a finish whose result travels in out arguments gives
// `[true, out...]`. For exactly those finishes (the C functions whose
// boolean return is skipped: get, peek, pop, add, discard, contains and
// size, on every class that has them), the leading `true` is dropped, and
// a single out argument is returned by itself (a GJS that honours
// `(skip)` gives that shape already, and is left alone). Every other
// finish is returned as it is: a snapshot of a boolean set is the array
// `[true, false]`, not `false`.
//
//   get, pop               the value or item
//   add / discard          whether it was added / removed
//   contains, size         the answer
//   peek                   [initialized, value]  (as try_get and
//                          Guard.get_value give it)
//   snapshot               the array of items
//   lock                   the Guard
//   set, clear, push,
//   close                  true
//
// `Gio._promisify` keeps the original under `_original_<name>`; this
// module does the same, so a later `Gio._promisify` of one of these
// methods is a no-op, and a method promisified earlier is taken over.
//
// The blocking `_sync` methods and the `try_` ones are left as GJS makes
// them.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Sp from 'gi://Sharedpotato?version=1';

const PROMISIFIED = Symbol.for('sharedpotato.promisified');

// Whether this GJS keeps a `(skip)` boolean return in front of the out
// arguments, asked of a pure GLib function annotated the same way as
// get_finish: [true, scheme, host, port] rather than [scheme, host, port].
const SKIPPED_RETURN_KEPT =
    GLib.Uri.split_network('gjs://probe:1', GLib.UriFlags.NONE).length === 4;

// The finishes whose C boolean return is annotated `(skip)`, their result
// travelling in out arguments. Chosen by name, never by the shape of a
// result: snapshot_finish returns a plain array, which may well start
// with `true` (a set of booleans). tests/js/test-module.js checks this
// list against the typelib's `(skip)` flags, so a new finish cannot be
// forgotten.
export const SKIPPED_BOOLEAN_FINISHES = Object.freeze([
    'get_finish', 'peek_finish', 'pop_finish', 'add_finish',
    'discard_finish', 'contains_finish', 'size_finish',
]);

// A skipped-boolean finish's result as the promise resolves it (see the
// rule above): `[true, out]` → out, `[true, out1, out2]` → [out1, out2].
function unwrapSkippedBoolean(result) {
    if (!Array.isArray(result) || result[0] !== true || result.length < 2)
        return result;
    return result.length === 2 ? result[1] : result.slice(1);
}

const identity = result => result;

function promisifyMethod(proto, asyncName, finishName) {
    if (proto[asyncName][PROMISIFIED])
        return;

    const originalName = `_original_${asyncName}`;
    if (!Object.prototype.hasOwnProperty.call(proto, originalName))
        proto[originalName] = proto[asyncName];
    const original = proto[originalName];
    const unwrap = SKIPPED_RETURN_KEPT && SKIPPED_BOOLEAN_FINISHES.includes(finishName)
        ? unwrapSkippedBoolean : identity;

    const promisified = function (...args) {
        // With the callback given, the plain GIO call.
        if (args.length >= original.length)
            return original.apply(this, args);

        const {stack: callStack} = new Error();
        return new Promise((resolve, reject) => {
            original.call(this, ...args, (_source, result) => {
                try {
                    resolve(unwrap(this[finishName](result)));
                } catch (error) {
                    const here = callStack.split('\n')
                        .filter(line => !line.includes(import.meta.url)).join('\n');
                    if (error.stack)
                        error.stack += `### Promise created here: ###\n${here}`;
                    else
                        error.stack = here;
                    reject(error);
                }
            });
        });
    };
    promisified[PROMISIFIED] = true;
    Object.defineProperty(promisified, 'name', {value: asyncName});
    proto[asyncName] = promisified;
}

function isClass(value) {
    return typeof value === 'function' && value.$gtype !== undefined &&
        value.prototype !== undefined &&
        (GObject.type_is_a(value.$gtype, GObject.TYPE_OBJECT) ||
         GObject.type_is_a(value.$gtype, GObject.TYPE_INTERFACE));
}

for (const name of Object.keys(Sp)) {
    const klass = Sp[name];
    if (!isClass(klass))
        continue;
    const proto = klass.prototype;
    for (const method of Object.getOwnPropertyNames(proto)) {
        if (method.startsWith('_') || !method.endsWith('_async'))
            continue;
        const finishName = `${method.slice(0, -'_async'.length)}_finish`;
        if (typeof proto[finishName] === 'function')
            promisifyMethod(proto, method, finishName);
    }
}

// The static constructor of a proxy, promisified the same way:
// `await Sp.SharedObjectProxy.new(connection, busName, path, null)`
// resolves to the proxy.
promisifyMethod(Sp.SharedObjectProxy, 'new', 'new_finish');

function describe(target) {
    const name = typeof target.get_name === 'function' ? target.get_name() : null;
    return name ? `“${name}”` : `a ${target.constructor.name}`;
}

// The GLib.Error a JS exception is reported as: a GLib.Error as it is,
// anything else as SP_ERROR_FAILED with its message.
function toGError(exception) {
    if (exception instanceof GLib.Error)
        return exception;
    const message = exception instanceof Error ? exception.message : String(exception);
    return new GLib.Error(Sp.Error, Sp.Error.FAILED, message);
}

/**
 * Runs `body(guard)` holding the lock of `target` (a SharedObject or an
 * Updater), and releases the lock when `body` returns, throws or its
 * promise settles, unless `body` released it itself.
 *
 * @param {Sp.SharedObject|Sp.Updater} target - what to lock
 * @param {Sp.LockMode} mode - SHARED or EXCLUSIVE
 * @param {function(Sp.Guard): *} body - sync or async
 * @param {object} [options] - options
 * @param {number} [options.timeoutMs=-1] - for the lock: -1 the object's
 *   default-timeout, 0 none
 * @param {Gio.Cancellable} [options.cancellable=null] - cancels the wait
 *   for the lock (not the body)
 * @returns {Promise} what `body` returns; rejects with the lock's error
 *   (TIMED_OUT, CANCELLED, CLOSED), body not run, or with what `body` threw
 */
export async function withLock(target, mode, body, {timeoutMs = -1, cancellable = null} = {}) {
    if (typeof body !== 'function')
        throw new TypeError('withLock: body must be a function');
    const guard = await target.lock_async(mode, timeoutMs, cancellable);
    try {
        return await body(guard);
    } finally {
        if (!guard.is_released())
            guard.release();
    }
}

/**
 * Changes the value of `target` in one step: `fn(value)` gets the current
 * value (the value type's zero when there is none) and returns the new
 * one, which is stored; the promise resolves to it.
 *
 * JavaScript cannot run inside the library's lock in another thread, as
 * the C `sp_shared_object_update_async()` does: this takes the exclusive
 * lock, calls `fn` here, stores what it returned and releases the lock,
 * also when `fn` throws (the promise then rejects and nothing is stored).
 *
 * @param {Sp.SharedObject|Sp.Updater} target - the object, or an updater view
 * @param {function(*): *} fn - sync
 * @param {object} [options] - as withLock's
 * @returns {Promise} the value stored
 */
export function update(target, fn, options = {}) {
    if (typeof fn !== 'function')
        throw new TypeError('update: fn must be a function');
    return withLock(target, Sp.LockMode.EXCLUSIVE, guard => {
        const value = fn(guard.get_value()[1]);
        guard.set_value(value);
        return value;
    }, options);
}

/**
 * Installs `init` as the lazy initializer of `object`; `null` removes it.
 *
 * `init(guard, object)` runs when a get finds the object uninitialized. It
 * returns (or its promise resolves to) the value: the value is stored and
 * the guard released, and the waiting gets receive it. If `init` stored a
 * value through the guard itself, that value stays and what it returned
 * is ignored; if it stored nothing and returned `undefined`, the guard is
 * released empty and the gets fail with NOT_INITIALIZED. If `init`
 * throws or its promise rejects, or the value cannot be stored, the guard
 * is released with the error: a GLib.Error as it is, any other exception
 * as Sp.Error.FAILED with its message; the waiting gets fail with it, and
 * the next get runs `init` again. Either way the guard is released without
 * waiting for the garbage collector.
 *
 * @param {Sp.SharedObject} object - the object
 * @param {?function(Sp.Guard, Sp.SharedObject): *} init - sync or async
 */
export function setInitializer(object, init) {
    if (init === null) {
        object.set_initializer(null);
        return;
    }
    if (typeof init !== 'function')
        throw new TypeError('setInitializer: init must be a function or null');

    object.set_initializer((source, guard) => {
        const finish = value => {
            if (guard.is_released())
                return;
            // The object is uninitialized when an initializer starts: a
            // value there now was stored through the guard, and wins
            // (`guard => guard.set_value(x)` returns set_value's true).
            if (value !== undefined && !guard.is_initialized())
                guard.set_value(value);
            guard.release();
        };
        const fail = exception => {
            if (guard.is_released())
                logError(exception, `initializer of ${describe(source)} threw after releasing its guard`);
            else
                guard.release_with_error(toGError(exception));
        };

        // Settled at once when init is synchronous; either way this
        // function returns true: the run ends when the guard is released
        // here, never by the C side.
        try {
            const value = init(guard, source);
            if (typeof value?.then === 'function') {
                Promise.resolve(value).then(finish).catch(fail);
                return true;
            }
            finish(value);
        } catch (exception) {
            fail(exception);
        }
        return true;
    });
}

/**
 * Connects `handler` to the `closed` signal of `target` (a SharedObject,
 * SharedQueue or SharedSet) as an asynchronous close handler: a close hold
 * is taken before `handler` runs and released when it returns, throws or
 * its promise settles, so `close_async` completes once it is done. An
 * exception is logged with logError (no close is left waiting on it).
 *
 * @param {Sp.SharedObject|Sp.SharedQueue|Sp.SharedSet} target - the object
 * @param {function(...*): *} handler - gets the signal's arguments (for a
 *   SharedObject: the object and its final value); sync or async
 * @returns {number} the handler id, for `disconnect`
 */
export function onClosed(target, handler) {
    if (typeof handler !== 'function')
        throw new TypeError('onClosed: handler must be a function');
    return target.connect('closed', (emitter, ...args) => {
        emitter.hold_close();
        let done;
        try {
            done = Promise.resolve(handler(emitter, ...args));
        } catch (exception) {
            done = Promise.reject(exception);
        }
        done.catch(exception => logError(exception, `close handler of ${describe(emitter)}`))
            .finally(() => emitter.release_close());
    });
}

export {Sp};
export default Sp;
