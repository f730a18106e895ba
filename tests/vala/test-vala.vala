/* test-vala.vala: the Vala API, compiled against the generated VAPI
 *
 * SPDX-License-Identifier: MIT
 */

async void run_checks (MainLoop loop) {
    try {
        var object = new Sp.SharedObject (typeof (int));
        int changes = 0;
        object.changed.connect ((old_value, new_value) => { changes++; });

        Value wanted = 7;
        yield object.set_async (wanted, 0, null);

        Value got;
        yield object.get_async (0, null, out got);
        assert (got.get_int () == 7);

        var guard = yield object.lock_async (Sp.LockMode.EXCLUSIVE, 0, null);
        Value current;
        assert (guard.get_value (out current));
        Value next = current.get_int () + 1;
        guard.set_value (next);
        guard.release ();

        yield object.get_async (0, null, out got);
        assert (got.get_int () == 8);

        var timed_out = new Sp.SharedObject (typeof (string));
        try {
            yield timed_out.get_async (5, null, out got);
            assert_not_reached ();
        } catch (IOError.TIMED_OUT e) {
        }

        bool closed_emitted = false;
        object.on_closed.connect ((final_value) => {
            closed_emitted = final_value.get_int () == 8;
        });
        yield object.close_async (0, null);
        assert (object.closed);
        assert (closed_emitted);
        assert (changes == 2);
    } catch (Error e) {
        error ("unexpected error: %s", e.message);
    }
    loop.quit ();
}

int main () {
    var loop = new MainLoop ();
    run_checks.begin (loop);
    loop.run ();
    return 0;
}
