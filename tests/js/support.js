// SPDX-License-Identifier: MIT
//
// What the GJS test files share: assertions, a bounded await, expected
// criticals and ways to let the main loop run. Every wait is bounded, so a
// lost callback fails the test instead of hanging it. Imports GLib only, so
// that loading it changes nothing about how Sharedpotato gets loaded.

import GLib from 'gi://GLib';

export function assert(condition, message = 'assertion failed') {
    if (!condition)
        throw new Error(message);
}

export function assertEqual(actual, expected, what = 'value') {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${what}: expected ${e}, got ${a}`);
}

// Rejects if promise has not settled in ms milliseconds.
export function withTimeout(promise, ms = 5000, what = 'operation') {
    let id;
    const timeout = new Promise((_resolve, reject) => {
        id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            id = 0; // removed by returning SOURCE_REMOVE
            reject(new Error(`${what} did not complete in ${ms} ms`));
            return GLib.SOURCE_REMOVE;
        });
    });
    return Promise.race([promise, timeout]).finally(() => {
        if (id !== 0)
            GLib.source_remove(id);
    });
}

export function isError(e, domain, code) {
    return e instanceof GLib.Error && e.matches(domain, code);
}

export async function assertRejects(promise, domain, code, ms = 5000) {
    try {
        await withTimeout(promise, ms);
    } catch (e) {
        if (isError(e, domain, code))
            return e;
        throw new Error(`expected error ${code}, got ${e}`);
    }
    throw new Error(`expected error ${code}, got success`);
}

export function assertThrows(fn, domain, code) {
    try {
        fn();
    } catch (e) {
        if (isError(e, domain, code))
            return e;
        throw new Error(`expected error ${code}, got ${e}`);
    }
    throw new Error(`expected error ${code}, got success`);
}

// Expects a log message that will come later (from a callback); the
// returned function checks it came.
export function expectMessage(domain, level, pattern) {
    GLib.test_expect_message(domain, level, pattern);
    return () => GLib.test_assert_expected_messages_internal(domain, 'support.js', 0, 'expectMessage');
}

// Returns fn(), which must log exactly one Sharedpotato critical matching
// pattern (the tests run with fatal criticals).
export function expectCritical(pattern, fn) {
    const check = expectMessage('Sharedpotato', GLib.LogLevelFlags.LEVEL_CRITICAL, pattern);
    try {
        return fn();
    } finally {
        check();
    }
}

// Resolves once the main loop is idle.
export function idle() {
    return new Promise(resolve => GLib.idle_add(GLib.PRIORITY_LOW, () => {
        resolve();
        return GLib.SOURCE_REMOVE;
    }));
}

// Dispatches everything the default main context has ready.
export function drain() {
    const context = GLib.MainContext.default();
    while (context.iteration(false))
        ;
}

// A pending promise whose outcome can be looked at without awaiting it.
export function track(promise) {
    const state = {done: false, value: undefined, error: null};
    state.promise = promise.then(
        value => Object.assign(state, {done: true, value}),
        error => Object.assign(state, {done: true, error}));
    return state;
}
