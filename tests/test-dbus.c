/* test-dbus.c: SpSharedObject across processes, on a private bus
 *
 * SPDX-License-Identifier: MIT
 *
 * The test starts its own dbus-daemon (GTestDBus) and runs its children,
 * this same program with --child, against it. Every wait is on an event
 * (a reply, a signal, a line from a child); the meson timeout catches a
 * bug that never sends it.
 */

#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sharedpotato.h>

#include "sp-test-util.h"

#if __has_include(<valgrind/valgrind.h>)
# include <valgrind/valgrind.h>
#else
# define RUNNING_ON_VALGRIND 0
#endif

#define PATH "/org/gnome/Sharedpotato/Test"

static GVariant *
sp_test_av (GVariant *value)
{
  GVariant *boxed = g_variant_new_variant (value);

  return g_variant_new_array (G_VARIANT_TYPE_VARIANT, &boxed, 1);
}

static GVariant *
sp_test_empty_av (void)
{
  return g_variant_new_array (G_VARIANT_TYPE_VARIANT, NULL, 0);
}

static GTestDBus *test_bus;
static char      *test_program;

typedef struct
{
  gboolean             done;
  gboolean             ok;
  gboolean             initialized;
  GValue               value;
  SpProxyGuard        *guard;
  GError              *error;
  SpSharedObjectProxy *proxy;
} PResult;

static void
presult_clear (PResult *r)
{
  if (G_IS_VALUE (&r->value))
    g_value_unset (&r->value);
  g_clear_object (&r->guard);
  g_clear_error (&r->error);
  g_clear_object (&r->proxy);
  memset (r, 0, sizeof *r);
}

static void
proxy_new_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PResult *r = data;

  r->proxy = sp_shared_object_proxy_new_finish (res, &r->error);
  r->ok = r->proxy != NULL;
  r->done = TRUE;
}

static void
pget_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PResult *r = data;

  r->ok = sp_shared_object_proxy_get_finish (SP_SHARED_OBJECT_PROXY (source), res, &r->value,
                                             &r->error);
  r->done = TRUE;
}

static void
ppeek_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PResult *r = data;

  r->ok = sp_shared_object_proxy_peek_finish (SP_SHARED_OBJECT_PROXY (source), res, &r->initialized,
                                              &r->value, &r->error);
  r->done = TRUE;
}

static void
pset_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PResult *r = data;

  r->ok = sp_shared_object_proxy_set_finish (SP_SHARED_OBJECT_PROXY (source), res, &r->error);
  r->done = TRUE;
}

static void
pclear_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PResult *r = data;

  r->ok = sp_shared_object_proxy_clear_finish (SP_SHARED_OBJECT_PROXY (source), res, &r->error);
  r->done = TRUE;
}

static void
plock_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PResult *r = data;

  r->guard = sp_shared_object_proxy_lock_finish (SP_SHARED_OBJECT_PROXY (source), res, &r->error);
  r->ok = r->guard != NULL;
  r->done = TRUE;
}

static void
pclose_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PResult *r = data;

  r->ok = sp_shared_object_proxy_close_finish (SP_SHARED_OBJECT_PROXY (source), res, &r->error);
  r->done = TRUE;
}

static GDBusConnection *
new_connection (void)
{
  g_autoptr (GError) error = NULL;
  GDBusConnection *connection =
      g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                              NULL, NULL, &error);

  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (connection, FALSE);
  return connection;
}

static SpSharedObjectProxy *
new_proxy (GDBusConnection *connection, const char *bus_name)
{
  PResult              r = { 0 };
  SpSharedObjectProxy *proxy;

  sp_shared_object_proxy_new (connection, bus_name, PATH, NULL, proxy_new_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  proxy = g_steal_pointer (&r.proxy);
  presult_clear (&r);
  return proxy;
}

/* An exported int object and a proxy on another connection. */
typedef struct
{
  GDBusConnection     *server;
  GDBusConnection     *client;
  SpSharedObject      *object;
  guint                export_id;
  SpSharedObjectProxy *proxy;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->server = new_connection ();
  f->client = new_connection ();
  f->object = sp_shared_object_new_full (G_TYPE_INT, "counter", NULL, NULL);
  f->export_id = sp_shared_object_export (f->object, f->server, PATH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->export_id, !=, 0);
  f->proxy = new_proxy (f->client, g_dbus_connection_get_unique_name (f->server));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  Result r = { 0 };

  g_clear_object (&f->proxy);
  if (f->export_id != 0)
    sp_shared_object_unexport (f->object, f->export_id);
  sp_shared_object_close_async (f->object, 0, NULL, close_cb, &r);
  iterate_until (&r.done);
  result_clear (&r);
  g_clear_object (&f->object);
  g_dbus_connection_close_sync (f->client, NULL, NULL);
  g_dbus_connection_close_sync (f->server, NULL, NULL);
  g_clear_object (&f->client);
  g_clear_object (&f->server);
  drain ();
}

static void
proxy_set_int (SpSharedObjectProxy *proxy, int v, PResult *r)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, v);
  sp_shared_object_proxy_set_async (proxy, &value, 0, NULL, pset_cb, r);
}

static int
object_get_int (SpSharedObject *object)
{
  Result r = { 0 };
  int    v;

  sp_shared_object_get_async (object, 1000, NULL, get_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  v = g_value_get_int (&r.value);
  result_clear (&r);
  return v;
}

static guint
object_queue_length (SpSharedObject *object)
{
  g_autoptr (SpStats) stats = sp_shared_object_get_stats (object);

  return stats->queue_length;
}

static gboolean
object_is_write_locked (SpSharedObject *object)
{
  g_autoptr (SpStats) stats = sp_shared_object_get_stats (object);

  return stats->current_writer;
}

/* Nobody holds the lock: an exclusive try_lock succeeds. */
static void
assert_unlocked (SpSharedObject *object)
{
  SpGuard *guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);

  g_assert_nonnull (guard);
  sp_guard_release (guard);
  sp_guard_unref (guard);
}

static void
test_export_refuses_types (void)
{
  g_autoptr (GDBusConnection) connection = new_connection ();
  GType refused[] = { G_TYPE_OBJECT, G_TYPE_FLOAT, G_TYPE_POINTER, SP_TYPE_LOCK_MODE };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (SpSharedObject) object = sp_shared_object_new (refused[i]);
      g_autoptr (GError) error = NULL;

      g_assert_cmpuint (sp_shared_object_export (object, connection, PATH, &error), ==, 0);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "cannot travel"));
    }
  g_dbus_connection_close_sync (connection, NULL, NULL);
}

static void
test_proxy_missing_object (void)
{
  g_autoptr (GDBusConnection) server = new_connection ();
  g_autoptr (GDBusConnection) client = new_connection ();
  PResult r = { 0 };

  sp_shared_object_proxy_new (client, g_dbus_connection_get_unique_name (server), PATH, NULL,
                              proxy_new_cb, &r);
  iterate_until (&r.done);
  g_assert_false (r.ok);
  g_assert_nonnull (r.error);
  presult_clear (&r);
  g_dbus_connection_close_sync (client, NULL, NULL);
  g_dbus_connection_close_sync (server, NULL, NULL);
}

static void
test_proxy_basic (Fixture *f, gconstpointer data)
{
  PResult r = { 0 };

  g_assert_cmpint (sp_shared_object_proxy_get_value_type (f->proxy), ==, G_TYPE_INT);
  g_assert_cmpstr (sp_shared_object_proxy_get_name (f->proxy), ==, "counter");
  g_assert_false (sp_shared_object_proxy_is_initialized (f->proxy));

  sp_shared_object_proxy_peek_async (f->proxy, 0, NULL, ppeek_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_false (r.initialized);
  presult_clear (&r);

  proxy_set_int (f->proxy, 41, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  presult_clear (&r);
  g_assert_cmpint (object_get_int (f->object), ==, 41);

  sp_shared_object_proxy_get_async (f->proxy, 0, NULL, pget_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_cmpint (g_value_get_int (&r.value), ==, 41);
  presult_clear (&r);

  sp_shared_object_proxy_peek_async (f->proxy, 0, NULL, ppeek_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.initialized);
  g_assert_cmpint (g_value_get_int (&r.value), ==, 41);
  presult_clear (&r);

  sp_shared_object_proxy_clear_async (f->proxy, 0, NULL, pclear_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  presult_clear (&r);
  g_assert_false (sp_shared_object_is_initialized (f->object));
}

static void
test_proxy_set_refuses_lossy (Fixture *f, gconstpointer data)
{
  g_auto (GValue) value = G_VALUE_INIT;
  PResult r = { 0 };

  g_value_init (&value, G_TYPE_DOUBLE);
  g_value_set_double (&value, 1.5);
  sp_shared_object_proxy_set_async (f->proxy, &value, 0, NULL, pset_cb, &r);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  presult_clear (&r);
  g_assert_false (sp_shared_object_is_initialized (f->object));
}

typedef struct
{
  guint    changed, cleared, initialized, closed;
  int      last_new;
  gboolean last_new_null;
  gboolean closed_final_null;
} Signals;

static void
on_changed (SpSharedObjectProxy *proxy,
            const GValue        *old_value,
            const GValue        *new_value,
            Signals             *s)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  s->changed++;
  s->last_new_null = new_value == NULL;
  if (new_value != NULL)
    s->last_new = g_value_get_int (new_value);
}

static void
on_cleared (SpSharedObjectProxy *proxy, Signals *s)
{
  s->cleared++;
}

static void
on_initialized (SpSharedObjectProxy *proxy, Signals *s)
{
  s->initialized++;
}

static void
on_closed (SpSharedObjectProxy *proxy, const GValue *final_value, Signals *s)
{
  s->closed++;
  s->closed_final_null = final_value == NULL;
}

static void
connect_signals (SpSharedObjectProxy *proxy, Signals *s)
{
  g_signal_connect (proxy, "changed", G_CALLBACK (on_changed), s);
  g_signal_connect (proxy, "cleared", G_CALLBACK (on_cleared), s);
  g_signal_connect (proxy, "initialized", G_CALLBACK (on_initialized), s);
  g_signal_connect (proxy, "closed", G_CALLBACK (on_closed), s);
}

static gboolean signal_seen;

static void
note_signal (void)
{
  signal_seen = TRUE;
}

static void
test_proxy_signals (Fixture *f, gconstpointer data)
{
  Signals s = { 0 };
  Result  r = { 0 };

  connect_signals (f->proxy, &s);
  g_signal_connect_swapped (f->proxy, "initialized", G_CALLBACK (note_signal), NULL);
  signal_seen = FALSE;
  set_int (f->object, 5, &r); /* a local change reaches the proxy */
  iterate_until (&signal_seen);
  g_assert_cmpuint (s.changed, ==, 1);
  g_assert_cmpint (s.last_new, ==, 5);
  g_assert_cmpuint (s.initialized, ==, 1);
  g_assert_true (sp_shared_object_proxy_is_initialized (f->proxy));
  result_clear (&r);

  g_signal_connect_swapped (f->proxy, "cleared", G_CALLBACK (note_signal), NULL);
  signal_seen = FALSE;
  sp_shared_object_clear_async (f->object, 0, NULL, clear_cb, &r);
  iterate_until (&signal_seen);
  g_assert_cmpuint (s.changed, ==, 2);
  g_assert_true (s.last_new_null);
  g_assert_cmpuint (s.cleared, ==, 1);
  g_assert_false (sp_shared_object_proxy_is_initialized (f->proxy));
  result_clear (&r);

  /* Closing the exported object closes the proxy, with the final value. */
  g_signal_connect_swapped (f->proxy, "closed", G_CALLBACK (note_signal), NULL);
  signal_seen = FALSE;
  sp_shared_object_close_async (f->object, 0, NULL, close_cb, &r);
  iterate_until (&signal_seen);
  g_assert_cmpuint (s.closed, ==, 1);
  g_assert_true (sp_shared_object_proxy_is_closed (f->proxy));
  iterate_until (&r.done);
  result_clear (&r);
}

static void
test_proxy_lock (Fixture *f, gconstpointer data)
{
  g_auto (GValue) value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;
  PResult r = { 0 };
  Result  local = { 0 };

  /* An exclusive remote lock: the local get waits until it is released
   * and sees what the guard wrote. */
  sp_shared_object_proxy_lock_async (f->proxy, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, plock_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_false (sp_proxy_guard_is_initialized (r.guard));
  g_assert_null (sp_shared_object_try_lock (f->object, SP_LOCK_MODE_SHARED));

  sp_shared_object_get_async (f->object, 0, NULL, get_cb, &local);
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 99);
  g_assert_true (sp_proxy_guard_set_value (r.guard, &value, &error));
  g_assert_no_error (error);
  g_value_unset (&value);
  g_assert_true (sp_proxy_guard_get_value (r.guard, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 99);
  g_value_unset (&value);
  drain ();
  g_assert_false (local.done);
  sp_proxy_guard_release (r.guard);
  g_assert_true (sp_proxy_guard_is_released (r.guard));
  EXPECT_CRITICAL ("*proxy_guard_claim_release*", sp_proxy_guard_release (r.guard));
  iterate_until (&local.done);
  g_assert_cmpint (g_value_get_int (&local.value), ==, 99);
  result_clear (&local);
  presult_clear (&r);

  /* A shared remote lock shares with local readers and refuses writes. */
  sp_shared_object_proxy_lock_async (f->proxy, SP_LOCK_MODE_SHARED, 0, NULL, plock_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_true (sp_proxy_guard_get_value (r.guard, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 99);
  EXPECT_CRITICAL ("*SP_LOCK_MODE_EXCLUSIVE*",
                   g_assert_false (sp_proxy_guard_set_value (r.guard, &value, NULL)));
  g_assert_cmpint (object_get_int (f->object), ==, 99);
  /* The last reference releases it. */
  presult_clear (&r);
  sp_shared_object_lock_async (f->object, SP_LOCK_MODE_EXCLUSIVE, 1000, NULL, lock_cb, &local);
  iterate_until (&local.done);
  g_assert_no_error (local.error);
  result_clear (&local);
}

/* Two proxies on one connection (as g_bus_get() shares it): the
 * exporter knows requests by connection, so their ids must not collide.
 * B holds the write lock; A's get waits and is cancelled: that withdraws
 * A's get, never B's lock, and B's write is stored at its release. */
static void
test_two_proxies_one_connection (Fixture *f, gconstpointer data)
{
  g_autoptr (SpSharedObjectProxy) b =
      new_proxy (f->client, g_dbus_connection_get_unique_name (f->server));
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_auto (GValue) value = G_VALUE_INIT;
  PResult locked = { 0 }, got = { 0 };

  sp_shared_object_proxy_lock_async (b, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, plock_cb, &locked);
  iterate_until (&locked.done);
  g_assert_no_error (locked.error);

  sp_shared_object_proxy_get_async (f->proxy, 0, cancellable, pget_cb, &got);
  while (object_queue_length (f->object) < 1 && !got.done)
    g_main_context_iteration (NULL, TRUE);
  /* Queued, not refused (a request id B already uses would be). */
  g_assert_no_error (got.error);
  g_cancellable_cancel (cancellable);
  iterate_until (&got.done);
  g_assert_error (got.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  while (object_queue_length (f->object) > 0)
    g_main_context_iteration (NULL, TRUE);
  /* The cancel reached the exporter and left B's lock alone. */
  g_assert_true (object_is_write_locked (f->object));

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 7);
  g_assert_true (sp_proxy_guard_set_value (locked.guard, &value, NULL));
  sp_proxy_guard_release (locked.guard);
  while (object_is_write_locked (f->object))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (object_get_int (f->object), ==, 7);
  presult_clear (&locked);
  presult_clear (&got);
}

typedef struct
{
  GDBusConnection *connection;
  GError          *error;
  gboolean         done;
} NewConnection;

static void
new_connection_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  NewConnection *n = data;

  n->connection = g_dbus_connection_new_finish (res, &n->error);
  n->done = TRUE;
}

/* Two ends of a peer-to-peer connection, as a Flatpak app and its helper
 * may use, with no bus in between. */
static void
p2p_pair (GDBusConnection **server, GDBusConnection **client)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *guid = g_dbus_generate_guid ();
  g_autoptr (GSocket) socket0 = NULL;
  g_autoptr (GSocket) socket1 = NULL;
  g_autoptr (GSocketConnection) stream0 = NULL;
  g_autoptr (GSocketConnection) stream1 = NULL;
  NewConnection a = { 0 }, b = { 0 };
  int           fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  socket0 = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  socket1 = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  stream0 = g_socket_connection_factory_create_connection (socket0);
  stream1 = g_socket_connection_factory_create_connection (socket1);
  g_dbus_connection_new (G_IO_STREAM (stream0), guid,
                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER |
                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_ALLOW_ANONYMOUS,
                         NULL, NULL, new_connection_cb, &a);
  g_dbus_connection_new (G_IO_STREAM (stream1), NULL, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                         NULL, NULL, new_connection_cb, &b);
  iterate_until (&a.done);
  iterate_until (&b.done);
  g_assert_no_error (a.error);
  g_assert_no_error (b.error);
  *server = a.connection;
  *client = b.connection;
}

static void
count_proxy_closed (SpSharedObjectProxy *proxy, const GValue *final_value, gpointer data)
{
  (*(guint *) data)++;
}

/* On a peer-to-peer connection: the calls work, and when the connection
 * closes the exporter releases the peer's lock and the proxy closes,
 * announcing it, once its guard is gone. */
static void
test_p2p_connection_closes (void)
{
  g_autoptr (GDBusConnection) server = NULL;
  g_autoptr (GDBusConnection) client = NULL;
  g_autoptr (SpSharedObject) object = sp_shared_object_new_full (G_TYPE_INT, "p2p", NULL, NULL);
  g_autoptr (SpSharedObjectProxy) proxy = NULL;
  g_autoptr (GError) error = NULL;
  PResult r = { 0 };
  guint   closed = 0;
  guint   export_id;

  p2p_pair (&server, &client);
  export_id = sp_shared_object_export (object, server, PATH, &error);
  g_assert_no_error (error);
  proxy = new_proxy (client, NULL);
  g_signal_connect (proxy, "closed", G_CALLBACK (count_proxy_closed), &closed);

  proxy_set_int (proxy, 5, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  presult_clear (&r);
  g_assert_cmpint (object_get_int (object), ==, 5);

  sp_shared_object_proxy_lock_async (proxy, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, plock_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_true (object_is_write_locked (object));

  g_dbus_connection_close_sync (client, NULL, &error);
  g_assert_no_error (error);
  /* Its release cannot travel any more: the exporter releases the lock
   * because the connection closed, and the proxy closes for the same
   * reason (the guard only kept it closing). */
  presult_clear (&r);
  while (object_is_write_locked (object) || !sp_shared_object_proxy_is_closed (proxy))
    g_main_context_iteration (NULL, TRUE);
  while (closed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (closed, ==, 1);
  g_assert_cmpint (object_get_int (object), ==, 5);

  sp_shared_object_unexport (object, export_id);
  g_dbus_connection_close_sync (server, NULL, NULL);
  drain ();
}

/* One FIFO: local writer holding, then a remote lock, then a local lock:
 * the remote one goes first. */
static void
test_fifo_local_and_remote (Fixture *f, gconstpointer data)
{
  SpGuard *held = sp_shared_object_try_lock (f->object, SP_LOCK_MODE_EXCLUSIVE);
  PResult  remote = { 0 };
  Result   local = { 0 };

  g_assert_nonnull (held);
  sp_shared_object_proxy_lock_async (f->proxy, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, plock_cb, &remote);
  while (object_queue_length (f->object) < 1)
    g_main_context_iteration (NULL, TRUE);
  sp_shared_object_lock_async (f->object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &local);
  sp_guard_release (held);
  sp_guard_unref (held);
  iterate_until (&remote.done);
  g_assert_no_error (remote.error);
  drain ();
  g_assert_false (local.done);
  sp_proxy_guard_release (remote.guard);
  iterate_until (&local.done);
  g_assert_no_error (local.error);
  result_clear (&local);
  presult_clear (&remote);
}

static void
test_timeout_and_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  SpGuard *held;
  PResult  r = { 0 };

  /* A get on an uninitialized object times out, there. */
  sp_shared_object_proxy_get_async (f->proxy, 50, NULL, pget_cb, &r);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  presult_clear (&r);

  /* A queued remote lock that times out leaves the queue. */
  held = sp_shared_object_try_lock (f->object, SP_LOCK_MODE_EXCLUSIVE);
  sp_shared_object_proxy_lock_async (f->proxy, SP_LOCK_MODE_SHARED, 50, NULL, plock_cb, &r);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (object_queue_length (f->object), ==, 0);
  presult_clear (&r);

  /* A cancelled one completes at once and is withdrawn there. */
  sp_shared_object_proxy_lock_async (f->proxy, SP_LOCK_MODE_EXCLUSIVE, 0, cancellable, plock_cb,
                                     &r);
  while (object_queue_length (f->object) < 1)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  while (object_queue_length (f->object) > 0)
    g_main_context_iteration (NULL, TRUE);
  presult_clear (&r);

  sp_guard_release (held);
  sp_guard_unref (held);
  assert_unlocked (f->object);
}

/* A peer whose connection closes loses its locks and queued calls. */
static void
test_peer_vanishes (Fixture *f, gconstpointer data)
{
  PResult holder = { 0 };
  PResult queued = { 0 };
  Result  local = { 0 };
  Result  set = { 0 };
  g_autoptr (GDBusConnection) other = new_connection ();
  g_autoptr (SpSharedObjectProxy) other_proxy =
      new_proxy (other, g_dbus_connection_get_unique_name (f->server));

  set_int (f->object, 1, &set);
  iterate_until (&set.done);
  result_clear (&set);
  sp_shared_object_proxy_lock_async (f->proxy, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, plock_cb, &holder);
  iterate_until (&holder.done);
  g_assert_no_error (holder.error);
  sp_shared_object_proxy_lock_async (other_proxy, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, plock_cb,
                                     &queued);
  while (object_queue_length (f->object) < 1)
    g_main_context_iteration (NULL, TRUE);
  sp_shared_object_get_async (f->object, 0, NULL, get_cb, &local);

  /* The queued caller leaves: its call is withdrawn. */
  g_dbus_connection_close_sync (other, NULL, NULL);
  while (object_queue_length (f->object) > 1)
    g_main_context_iteration (NULL, TRUE);

  /* The holder leaves: its lock goes, the local get proceeds. */
  g_dbus_connection_close_sync (f->client, NULL, NULL);
  iterate_until (&local.done);
  g_assert_no_error (local.error);
  g_assert_cmpint (g_value_get_int (&local.value), ==, 1);
  result_clear (&local);
  presult_clear (&holder);
  presult_clear (&queued);
  assert_unlocked (f->object);
}

/* Closing the proxy fails its unanswered calls, waits for its guards,
 * and leaves the exported object open. */
static void
test_proxy_close (Fixture *f, gconstpointer data)
{
  Signals s = { 0 };
  PResult waiting = { 0 }, guard = { 0 }, closing = { 0 }, again = { 0 }, late = { 0 };

  connect_signals (f->proxy, &s);
  sp_shared_object_proxy_lock_async (f->proxy, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, plock_cb, &guard);
  iterate_until (&guard.done);
  g_assert_no_error (guard.error);
  sp_shared_object_proxy_get_async (f->proxy, 0, NULL, pget_cb, &waiting);
  while (object_queue_length (f->object) < 1)
    g_main_context_iteration (NULL, TRUE);

  sp_shared_object_proxy_close_async (f->proxy, 0, NULL, pclose_cb, &closing);
  iterate_until (&waiting.done);
  g_assert_error (waiting.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  sp_shared_object_proxy_get_async (f->proxy, 0, NULL, pget_cb, &late);
  iterate_until (&late.done);
  g_assert_error (late.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  drain ();
  g_assert_false (closing.done);
  g_assert_cmpuint (s.closed, ==, 0);
  sp_proxy_guard_release (guard.guard);
  iterate_until (&closing.done);
  g_assert_no_error (closing.error);
  g_assert_cmpuint (s.closed, ==, 1);
  g_assert_true (sp_shared_object_proxy_is_closed (f->proxy));

  sp_shared_object_proxy_close_async (f->proxy, 0, NULL, pclose_cb, &again);
  iterate_until (&again.done);
  g_assert_no_error (again.error);
  g_assert_false (sp_shared_object_is_closed (f->object));
  /* The release travels on its own: wait for the exporter to handle it. */
  while (object_is_write_locked (f->object))
    g_main_context_iteration (NULL, TRUE);
  assert_unlocked (f->object);
  presult_clear (&waiting);
  presult_clear (&guard);
  presult_clear (&closing);
  presult_clear (&again);
  presult_clear (&late);
}

/* Unexporting closes the proxies; the object goes on. */
static void
test_unexport (Fixture *f, gconstpointer data)
{
  Signals s = { 0 };
  PResult r = { 0 };

  connect_signals (f->proxy, &s);
  g_signal_connect_swapped (f->proxy, "closed", G_CALLBACK (note_signal), NULL);
  signal_seen = FALSE;
  sp_shared_object_unexport (f->object, f->export_id);
  f->export_id = 0;
  iterate_until (&signal_seen);
  g_assert_cmpuint (s.closed, ==, 1);
  sp_shared_object_proxy_get_async (f->proxy, 0, NULL, pget_cb, &r);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  presult_clear (&r);
  g_assert_false (sp_shared_object_is_closed (f->object));
  /* The path is free again; unexporting twice is a programmer error. */
  f->export_id = sp_shared_object_export (f->object, f->server, PATH, NULL);
  g_assert_cmpuint (f->export_id, !=, 0);
  EXPECT_CRITICAL ("*export != NULL*", sp_shared_object_unexport (f->object, 12345));
}

/* Raw D-Bus calls, answered by the exporter in this same context. */
typedef struct
{
  gboolean  done;
  GVariant *reply;
  GError   *error;
} Raw;

static void
raw_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Raw *raw = data;

  raw->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &raw->error);
  raw->done = TRUE;
}

static void
raw_start (Fixture *f, GDBusConnection *connection, const char *method, GVariant *params, Raw *raw)
{
  g_dbus_connection_call (connection, g_dbus_connection_get_unique_name (f->server), PATH,
                          SP_SHARED_OBJECT_DBUS_INTERFACE, method, params, NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, raw_cb, raw);
}

static void
raw_clear (Raw *raw)
{
  g_clear_pointer (&raw->reply, g_variant_unref);
  g_clear_error (&raw->error);
  raw->done = FALSE;
}

/* Calls @method and waits; returns the reply or NULL with raw->error. */
static GVariant *
raw_call (Fixture *f, GDBusConnection *connection, const char *method, GVariant *params, Raw *raw)
{
  raw_clear (raw);
  raw_start (f, connection, method, params, raw);
  iterate_until (&raw->done);
  return raw->reply;
}

#define ASSERT_DBUS_ERROR(raw, code)                                                               \
 G_STMT_START                                                                                      \
 {                                                                                                 \
  g_assert_null ((raw)->reply);                                                                    \
  g_assert_error ((raw)->error, G_DBUS_ERROR, code);                                               \
 }                                                                                                 \
 G_STMT_END

static void
test_raw_abuse (Fixture *f, gconstpointer data)
{
  g_autoptr (GDBusConnection) other = new_connection ();
  g_autofree char *handle = NULL;
  Raw              raw = { 0 };
  Result           r = { 0 };

  set_int (f->object, 3, &r);
  iterate_until (&r.done);
  result_clear (&r);

  g_assert_nonnull (raw_call (f, f->client, "Lock", g_variant_new ("(uui)", 1, 1, 0), &raw));
  g_variant_get (raw.reply, "(s@av)", &handle, NULL);
  g_assert_cmpuint (strlen (handle), ==, 32);
  g_assert_null (sp_shared_object_try_lock (f->object, SP_LOCK_MODE_SHARED));

  /* Another connection cannot release it, nor can a made-up handle. */
  raw_call (f, other, "Release", g_variant_new ("(sb@av)", handle, FALSE, sp_test_empty_av ()),
            &raw);
  ASSERT_DBUS_ERROR (&raw, G_DBUS_ERROR_ACCESS_DENIED);
  raw_call (
      f, f->client, "Release",
      g_variant_new ("(sb@av)", "00000000000000000000000000000000", FALSE, sp_test_empty_av ()),
      &raw);
  ASSERT_DBUS_ERROR (&raw, G_DBUS_ERROR_ACCESS_DENIED);
  /* The id is in use; bad mode; bad timeout; wrong value type; wrong
   * signature: refused, nothing changes. */
  raw_call (f, f->client, "Lock", g_variant_new ("(uui)", 1, 1, 0), &raw);
  ASSERT_DBUS_ERROR (&raw, G_DBUS_ERROR_INVALID_ARGS);
  raw_call (f, f->client, "Lock", g_variant_new ("(uui)", 2, 7, 0), &raw);
  ASSERT_DBUS_ERROR (&raw, G_DBUS_ERROR_INVALID_ARGS);
  raw_call (f, f->client, "Get", g_variant_new ("(ui)", 3, -5), &raw);
  ASSERT_DBUS_ERROR (&raw, G_DBUS_ERROR_INVALID_ARGS);
  raw_call (f, other, "Set",
            g_variant_new ("(u@vi)", 4, g_variant_new_variant (g_variant_new_string ("x")), 0),
            &raw);
  ASSERT_DBUS_ERROR (&raw, G_DBUS_ERROR_INVALID_ARGS);
  raw_call (f, other, "Set", g_variant_new ("(ss)", "a", "b"), &raw);
  ASSERT_DBUS_ERROR (&raw, G_DBUS_ERROR_INVALID_ARGS);
  g_assert_null (sp_shared_object_try_lock (f->object, SP_LOCK_MODE_SHARED));

  /* A write that is refused writes nothing, and releases the lock all the
   * same (a proxy does not wait for this reply). */
  raw_call (
      f, f->client, "Release",
      g_variant_new ("(sb@av)", handle, TRUE, sp_test_av (g_variant_new_string ("not an int"))),
      &raw);
  ASSERT_DBUS_ERROR (&raw, G_DBUS_ERROR_INVALID_ARGS);
  assert_unlocked (f->object);
  g_assert_cmpint (object_get_int (f->object), ==, 3);
  g_clear_pointer (&handle, g_free);
  g_assert_nonnull (raw_call (f, f->client, "Lock", g_variant_new ("(uui)", 6, 1, 0), &raw));
  g_variant_get (raw.reply, "(s@av)", &handle, NULL);

  /* The holder writes and releases. */
  g_assert_nonnull (raw_call (
      f, f->client, "Release",
      g_variant_new ("(sb@av)", handle, TRUE, sp_test_av (g_variant_new_int32 (8))), &raw));
  g_assert_cmpint (object_get_int (f->object), ==, 8);
  /* A handle works once. */
  raw_call (f, f->client, "Release", g_variant_new ("(sb@av)", handle, FALSE, sp_test_empty_av ()),
            &raw);
  ASSERT_DBUS_ERROR (&raw, G_DBUS_ERROR_ACCESS_DENIED);

  /* Cancel of a granted lock releases it; of an unknown id, nothing. */
  g_assert_nonnull (raw_call (f, f->client, "Lock", g_variant_new ("(uui)", 5, 1, 0), &raw));
  g_assert_nonnull (raw_call (f, other, "Cancel", g_variant_new ("(u)", 5), &raw));
  g_assert_null (sp_shared_object_try_lock (f->object, SP_LOCK_MODE_SHARED));
  g_assert_nonnull (raw_call (f, f->client, "Cancel", g_variant_new ("(u)", 5), &raw));
  assert_unlocked (f->object);
  raw_clear (&raw);
}

/* A peer may queue SP_DBUS_MAX_REQUESTS_PER_PEER calls; more are refused
 * at once, and others queue as usual. */
static void
test_peer_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GDBusConnection) other = new_connection ();
  Raw      flood[SP_DBUS_MAX_REQUESTS_PER_PEER] = { 0 };
  Raw      extra = { 0 }, fair = { 0 };
  Result   r = { 0 };
  SpGuard *held;

  set_int (f->object, 3, &r);
  iterate_until (&r.done);
  result_clear (&r);
  held = sp_shared_object_try_lock (f->object, SP_LOCK_MODE_EXCLUSIVE);

  for (guint i = 0; i < G_N_ELEMENTS (flood); i++)
    raw_start (f, f->client, "Get", g_variant_new ("(ui)", i + 1, 0), &flood[i]);
  raw_call (f, f->client, "Get", g_variant_new ("(ui)", 1000, 0), &extra);
  ASSERT_DBUS_ERROR (&extra, G_DBUS_ERROR_LIMITS_EXCEEDED);
  raw_start (f, other, "Get", g_variant_new ("(ui)", 1, 0), &fair);
  while (object_queue_length (f->object) < SP_DBUS_MAX_REQUESTS_PER_PEER + 1)
    g_main_context_iteration (NULL, TRUE);

  sp_guard_release (held);
  sp_guard_unref (held);
  iterate_until (&fair.done);
  g_assert_no_error (fair.error);
  for (guint i = 0; i < G_N_ELEMENTS (flood); i++)
    {
      iterate_until (&flood[i].done);
      g_assert_no_error (flood[i].error);
      raw_clear (&flood[i]);
    }
  raw_clear (&extra);
  raw_clear (&fair);
}

/* Two processes */

static GSubprocess *
spawn_child (Fixture *f, const char *mode, GDataInputStream **out)
{
  g_autoptr (GError) error = NULL;
  GSubprocess *child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, test_program,
                                         "--child", mode, g_test_dbus_get_bus_address (test_bus),
                                         g_dbus_connection_get_unique_name (f->server), NULL);

  g_assert_no_error (error);
  *out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  return child;
}

typedef struct
{
  gboolean done;
  char    *line;
} Line;

static void
line_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Line *line = data;

  line->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), res, NULL, NULL);
  line->done = TRUE;
}

static char *
read_child_line (GDataInputStream *out)
{
  Line line = { 0 };

  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, line_cb, &line);
  iterate_until (&line.done);
  return line.line;
}

static void
wait_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  *(gboolean *) data = TRUE;
}

static void
wait_child (GSubprocess *child)
{
  gboolean done = FALSE;

  g_subprocess_wait_async (child, NULL, wait_cb, &done);
  iterate_until (&done);
}

/* A child that holds the write lock is killed: the lock goes with it, and
 * what it wrote but never released is not stored. */
static void
test_kill_holder (Fixture *f, gconstpointer data)
{
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autofree char *line = NULL;
  Result           r = { 0 };
  gint64           killed_at;

  set_int (f->object, 10, &r);
  iterate_until (&r.done);
  result_clear (&r);

  child = spawn_child (f, "lock", &out);
  line = read_child_line (out);
  g_assert_cmpstr (line, ==, "locked");
  g_assert_null (sp_shared_object_try_lock (f->object, SP_LOCK_MODE_SHARED));

  g_subprocess_send_signal (child, SIGKILL);
  killed_at = g_get_monotonic_time ();
  sp_shared_object_get_async (f->object, 1000, NULL, get_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_cmpint (g_value_get_int (&r.value), ==, 10);
  g_assert_cmpint (g_get_monotonic_time () - killed_at, <, G_USEC_PER_SEC);
  result_clear (&r);
  wait_child (child);
  g_assert_true (g_subprocess_get_if_signaled (child));
  assert_unlocked (f->object);
}

/* A child sets, the parent's object and proxy see it, the child reads
 * back what the parent then sets. */
static void
test_two_processes (Fixture *f, gconstpointer data)
{
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autofree char *line = NULL;
  g_autofree char *line2 = NULL;
  Result           r = { 0 };

  child = spawn_child (f, "setget", &out);
  line = read_child_line (out);
  g_assert_cmpstr (line, ==, "set 7");
  g_assert_cmpint (object_get_int (f->object), ==, 7);
  set_int (f->object, 8, &r);
  iterate_until (&r.done);
  result_clear (&r);
  line2 = read_child_line (out);
  g_assert_cmpstr (line2, ==, "got 8");
  wait_child (child);
  g_assert_true (g_subprocess_get_successful (child));
}

/* The seeded cross-process stress test. The model: the counter only ever
 * grows by one inside an exclusive guard, so (1) every value a client
 * reads is at least the last one it read or wrote (its calls are served
 * in order), (2) at the end the counter is exactly the number of
 * increments that were committed (by the exporter's own increments and
 * the clients' releases; a client killed while it holds the lock commits
 * nothing), (3) nothing is left queued or held, (4) every call ends in
 * success, TIMED_OUT or CANCELLED. SP_STRESS_SEED replays a run,
 * SP_STRESS_OPS sizes it (per client). */

typedef struct
{
  gboolean done;
  guint    increments;
} LocalLoad;

static void
local_locked (GObject *source, GAsyncResult *res, gpointer data)
{
  LocalLoad *load = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SpGuard) guard = sp_shared_object_lock_finish (SP_SHARED_OBJECT (source), res, &error);
  g_auto (GValue) value = G_VALUE_INIT;

  if (guard != NULL)
    {
      g_assert_true (sp_guard_get_value (guard, &value));
      g_value_set_int (&value, g_value_get_int (&value) + 1);
      g_assert_true (sp_guard_set_value (guard, &value, NULL));
      sp_guard_release (guard);
      load->increments++;
    }
  else
    g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  if (!load->done)
    sp_shared_object_lock_async (SP_SHARED_OBJECT (source), SP_LOCK_MODE_EXCLUSIVE, 5, NULL,
                                 local_locked, load);
}

static void
test_stress (Fixture *f, gconstpointer data)
{
  const char *seed_env = g_getenv ("SP_STRESS_SEED");
  const char *ops_env = g_getenv ("SP_STRESS_OPS");
  guint32     seed =
      seed_env != NULL ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  const char       *ops = ops_env != NULL ? ops_env : "300";
  GSubprocess      *children[3];
  GDataInputStream *outs[3];
  LocalLoad         load = { 0 };
  guint             committed = 0;
  Result            r = { 0 };

  /* Under valgrind the exporter is so slow that the clients' short
   * timeouts nearly all expire, and the run takes many minutes (its
   * crasher waits for a lock it gets in time). It runs in the plain, ASan
   * and TSan suites; valgrind covers the same code in the paths above. */
  if (RUNNING_ON_VALGRIND)
    {
      g_test_skip ("too slow under valgrind (runs in the plain and sanitizer suites)");
      return;
    }

  g_test_message ("SP_STRESS_SEED=%u", seed);
  set_int (f->object, 0, &r);
  iterate_until (&r.done);
  result_clear (&r);

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *child_seed = g_strdup_printf ("%u", seed + i);

      children[i] = g_subprocess_new (
          G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, test_program, "--child",
          i == 0 ? "stress-crash" : "stress", g_test_dbus_get_bus_address (test_bus),
          g_dbus_connection_get_unique_name (f->server), child_seed, ops, NULL);
      g_assert_no_error (error);
      outs[i] = g_data_input_stream_new (g_subprocess_get_stdout_pipe (children[i]));
    }
  sp_shared_object_lock_async (f->object, SP_LOCK_MODE_EXCLUSIVE, 5, NULL, local_locked, &load);

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      g_autofree char *line = read_child_line (outs[i]);
      guint            n;

      g_assert_nonnull (line);
      g_assert_cmpint (sscanf (line, "increments %u", &n), ==, 1);
      committed += n;
      wait_child (children[i]);
      if (i == 0)
        g_assert_true (g_subprocess_get_if_signaled (children[i]));
      else
        g_assert_true (g_subprocess_get_successful (children[i]));
      g_object_unref (outs[i]);
      g_object_unref (children[i]);
    }
  load.done = TRUE;
  while (object_queue_length (f->object) > 0 || object_is_write_locked (f->object))
    g_main_context_iteration (NULL, TRUE);
  drain ();

  g_assert_cmpint (object_get_int (f->object), ==, (int) (committed + load.increments));
  assert_unlocked (f->object);
}

typedef struct
{
  GRand   *rand;
  int      last_seen;
  guint    increments;
  gboolean crash;
} StressClient;

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
stress_check_error (const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_error ("stress: unexpected error %s", error->message);
}

static void
stress_seen (StressClient *c, int v)
{
  if (v < c->last_seen)
    g_error ("stress: read %d after %d: out of order or lost", v, c->last_seen);
  c->last_seen = v;
}

static void
stress_client_op (StressClient *c, SpSharedObjectProxy *proxy)
{
  g_autoptr (GCancellable) cancellable = NULL;
  int     timeout = g_rand_int_range (c->rand, 0, 3) == 0 ? 0 : g_rand_int_range (c->rand, 1, 30);
  int     kind = g_rand_int_range (c->rand, 0, 100);
  PResult r = { 0 };

  if (kind >= 80 && kind < 92)
    {
      cancellable = g_cancellable_new ();
      g_timeout_add_full (G_PRIORITY_DEFAULT, g_rand_int_range (c->rand, 0, 4), cancel_later,
                          g_object_ref (cancellable), g_object_unref);
    }

  if (kind < 55 || (kind >= 80 && kind < 92))
    {
      SpLockMode mode = kind < 40 || kind >= 80 ? SP_LOCK_MODE_EXCLUSIVE : SP_LOCK_MODE_SHARED;
      g_auto (GValue) value = G_VALUE_INIT;

      sp_shared_object_proxy_lock_async (proxy, mode, timeout, cancellable, plock_cb, &r);
      iterate_until (&r.done);
      if (r.guard == NULL)
        stress_check_error (r.error);
      else
        {
          g_assert_true (sp_proxy_guard_get_value (r.guard, &value));
          stress_seen (c, g_value_get_int (&value));
          if (mode == SP_LOCK_MODE_EXCLUSIVE)
            {
              g_value_set_int (&value, g_value_get_int (&value) + 1);
              g_assert_true (sp_proxy_guard_set_value (r.guard, &value, NULL));
              if (c->crash)
                {
                  /* Everything released so far has left; this write never
                   * will. */
                  g_dbus_connection_flush_sync (sp_shared_object_proxy_get_connection (proxy), NULL,
                                                NULL);
                  g_print ("increments %u\n", c->increments);
                  fflush (stdout);
                  raise (SIGKILL);
                }
              stress_seen (c, g_value_get_int (&value));
              c->increments++;
            }
          sp_proxy_guard_release (r.guard);
        }
    }
  else if (kind < 80)
    {
      if (kind < 70)
        sp_shared_object_proxy_get_async (proxy, timeout, cancellable, pget_cb, &r);
      else
        sp_shared_object_proxy_peek_async (proxy, timeout, cancellable, ppeek_cb, &r);
      iterate_until (&r.done);
      if (!r.ok)
        stress_check_error (r.error);
      else
        stress_seen (c, g_value_get_int (&r.value));
    }
  else
    {
      /* A get with a 1 ms timeout, which may well expire in the queue. */
      sp_shared_object_proxy_get_async (proxy, 1, NULL, pget_cb, &r);
      iterate_until (&r.done);
      if (!r.ok)
        stress_check_error (r.error);
      else
        stress_seen (c, g_value_get_int (&r.value));
    }
  presult_clear (&r);
}

static int
stress_client (SpSharedObjectProxy *proxy, gboolean crash, guint32 seed, guint ops)
{
  StressClient c = { g_rand_new_with_seed (seed), 0, 0, FALSE };

  for (guint i = 0; i < ops; i++)
    {
      c.crash = crash && i == ops / 2;
      stress_client_op (&c, proxy);
    }
  /* A crasher that never got its lock at ops / 2 tries until it does. */
  while (crash)
    {
      c.crash = TRUE;
      stress_client_op (&c, proxy);
    }
  g_dbus_connection_flush_sync (sp_shared_object_proxy_get_connection (proxy), NULL, NULL);
  g_print ("increments %u\n", c.increments);
  g_rand_free (c.rand);
  return 0;
}

/* The children */

static void
child_changed (SpSharedObjectProxy *proxy,
               const GValue        *old,
               const GValue        *new_value,
               gpointer             data)
{
  if (new_value != NULL && g_value_get_int (new_value) == 8)
    *(gboolean *) data = TRUE;
}

static int
child_main (const char *mode, const char *address, const char *bus_name, char **extra)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection =
      g_dbus_connection_new_for_address_sync (address,
                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                              NULL, NULL, &error);
  g_autoptr (SpSharedObjectProxy) proxy = NULL;
  PResult r = { 0 };

  g_assert_no_error (error);
  sp_shared_object_proxy_new (connection, bus_name, PATH, NULL, proxy_new_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  proxy = g_steal_pointer (&r.proxy);
  presult_clear (&r);

  if (g_str_has_prefix (mode, "stress"))
    return stress_client (proxy, g_str_equal (mode, "stress-crash"),
                          (guint32) g_ascii_strtoull (extra[0], NULL, 10),
                          (guint) g_ascii_strtoull (extra[1], NULL, 10));
  if (g_str_equal (mode, "lock"))
    {
      g_auto (GValue) value = G_VALUE_INIT;

      sp_shared_object_proxy_lock_async (proxy, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, plock_cb, &r);
      iterate_until (&r.done);
      g_assert_no_error (r.error);
      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, 666);
      g_assert_true (sp_proxy_guard_set_value (r.guard, &value, NULL));
      g_print ("locked\n");
      for (;;)
        g_main_context_iteration (NULL, TRUE);
    }
  else if (g_str_equal (mode, "setget"))
    {
      gboolean seen = FALSE;

      g_signal_connect (proxy, "changed", G_CALLBACK (child_changed), &seen);
      proxy_set_int (proxy, 7, &r);
      iterate_until (&r.done);
      g_assert_no_error (r.error);
      presult_clear (&r);
      g_print ("set 7\n");
      iterate_until (&seen);
      sp_shared_object_proxy_get_async (proxy, 0, NULL, pget_cb, &r);
      iterate_until (&r.done);
      g_assert_no_error (r.error);
      g_print ("got %d\n", g_value_get_int (&r.value));
      presult_clear (&r);
    }
  return 0;
}

int
main (int argc, char **argv)
{
  int status;

  if (argc >= 5 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], argv[3], argv[4], argv + 5);

  g_test_init (&argc, &argv, NULL);
  test_program = g_strdup (argv[0]);

  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);

  g_test_add_func ("/Sharedpotato/DBus/export/refuses-types", test_export_refuses_types);
  g_test_add_func ("/Sharedpotato/DBus/proxy/missing-object", test_proxy_missing_object);
#define ADD(path, func)                                                                            \
 g_test_add ("/Sharedpotato/DBus/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("proxy/basic", test_proxy_basic);
  ADD ("proxy/set-refuses-lossy", test_proxy_set_refuses_lossy);
  ADD ("proxy/signals", test_proxy_signals);
  ADD ("proxy/lock", test_proxy_lock);
  ADD ("proxy/two-on-one-connection", test_two_proxies_one_connection);
  ADD ("fifo/local-and-remote", test_fifo_local_and_remote);
  ADD ("queue/timeout-and-cancel", test_timeout_and_cancel);
  ADD ("peer/vanishes", test_peer_vanishes);
  ADD ("proxy/close", test_proxy_close);
  ADD ("proxy/unexport", test_unexport);
  ADD ("abuse/raw-messages", test_raw_abuse);
  ADD ("abuse/peer-limit", test_peer_limit);
  ADD ("processes/kill-holder", test_kill_holder);
  g_test_add_func ("/Sharedpotato/DBus/p2p/connection-closes", test_p2p_connection_closes);
  ADD ("processes/set-and-get", test_two_processes);
  ADD ("processes/stress", test_stress);

  status = g_test_run ();
  g_test_dbus_down (test_bus);
  g_object_unref (test_bus);
  g_free (test_program);
  return status;
}
