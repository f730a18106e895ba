/* bench-dbus.c: remote calls against a bare D-Bus method call
 *
 * SPDX-License-Identifier: MIT
 *
 * A private bus (GTestDBus); the exporter runs in a thread of its own, on
 * its own context and connection, and serves both an exported
 * SpSharedObject and a bare object whose Ping method replies at once. The
 * main thread, on another connection, times sequential round trips of:
 *
 *   bare          Ping: the floor, one D-Bus call through the bus daemon
 *   get           SpSharedObjectProxy get_async of an initialized int
 *   lock-release  lock_async exclusive, then release (a one-way message;
 *                 the next lock queues behind it)
 *
 * in alternating rounds, and prints "dbus-get <ns> <floor ns> <ratio>"
 * and "dbus-lock-release ..." lines (medians of the rounds) for
 * scripts/bench. --smoke: a few calls, checked, no figures that matter.
 */

#include <sharedpotato.h>

#define PATH "/org/gnome/Sharedpotato/Bench"
#define PING_PATH "/org/gnome/Sharedpotato/BenchPing"

static const char ping_xml[] = "<node><interface name='org.gnome.Sharedpotato.BenchPing'>"
                               "<method name='Ping'/></interface></node>";

typedef struct
{
  const char   *address;
  GMutex        mutex;
  GCond         cond;
  char         *unique_name;
  GMainLoop    *loop;
  GMainContext *context;
} Server;

static void
ping_call (GDBusConnection       *connection,
           const char            *sender,
           const char            *object_path,
           const char            *interface_name,
           const char            *method_name,
           GVariant              *parameters,
           GDBusMethodInvocation *invocation,
           gpointer               user_data)
{
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable ping_vtable = { ping_call, NULL, NULL, { 0 } };

static gpointer
server_thread (gpointer data)
{
  Server *server = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (ping_xml, NULL);
  g_autoptr (SpSharedObject) object = NULL;
  g_auto (GValue) value = G_VALUE_INIT;
  guint export_id, ping_id;

  g_main_context_push_thread_default (server->context);
  connection =
      g_dbus_connection_new_for_address_sync (server->address,
                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                              NULL, NULL, &error);
  g_assert_no_error (error);
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 7);
  object = sp_shared_object_new_with_value (&value);
  export_id = sp_shared_object_export (object, connection, PATH, &error);
  g_assert_no_error (error);
  ping_id = g_dbus_connection_register_object (connection, PING_PATH, info->interfaces[0],
                                               &ping_vtable, NULL, NULL, &error);
  g_assert_no_error (error);

  g_mutex_lock (&server->mutex);
  server->unique_name = g_strdup (g_dbus_connection_get_unique_name (connection));
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->mutex);

  g_main_loop_run (server->loop);

  g_dbus_connection_unregister_object (connection, ping_id);
  sp_shared_object_unexport (object, export_id);
  g_dbus_connection_close_sync (connection, NULL, NULL);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static gboolean done;

static void
ping_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GVariant) reply =
      g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, NULL);

  g_assert_nonnull (reply);
  done = TRUE;
}

static void
get_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_assert_true (
      sp_shared_object_proxy_get_finish (SP_SHARED_OBJECT_PROXY (source), res, &value, NULL));
  g_assert_cmpint (g_value_get_int (&value), ==, 7);
  done = TRUE;
}

static void
lock_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (SpProxyGuard) guard =
      sp_shared_object_proxy_lock_finish (SP_SHARED_OBJECT_PROXY (source), res, NULL);

  g_assert_nonnull (guard);
  sp_proxy_guard_release (guard);
  done = TRUE;
}

static void
proxy_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  *(SpSharedObjectProxy **) data = sp_shared_object_proxy_new_finish (res, NULL);
  done = TRUE;
}

static void
wait_done (void)
{
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  done = FALSE;
}

typedef enum
{
  BARE,
  GET,
  LOCK_RELEASE
} Kind;

static double
time_calls (Kind                 kind,
            GDBusConnection     *connection,
            const char          *name,
            SpSharedObjectProxy *proxy,
            guint                n)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      if (kind == BARE)
        g_dbus_connection_call (connection, name, PING_PATH, "org.gnome.Sharedpotato.BenchPing",
                                "Ping", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, ping_cb,
                                NULL);
      else if (kind == GET)
        sp_shared_object_proxy_get_async (proxy, 0, NULL, get_cb, NULL);
      else
        sp_shared_object_proxy_lock_async (proxy, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, NULL);
      wait_done ();
    }
  return (double) (g_get_monotonic_time () - start) * 1000.0 / n;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, (int (*) (const void *, const void *)) compare_doubles);
  return v[n / 2];
}

int
main (int argc, char **argv)
{
  gboolean smoke = argc > 1 && g_str_equal (argv[1], "--smoke");
  guint    rounds = smoke ? 1 : 7, n = smoke ? 20 : 2000;
  g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = NULL;
  SpSharedObjectProxy *proxy = NULL;
  Server               server = { 0 };
  GThread             *thread;
  double               bare[7], get[7], lock[7], get_ratio[7], lock_ratio[7];

  g_test_dbus_up (bus);
  server.address = g_test_dbus_get_bus_address (bus);
  server.context = g_main_context_new ();
  server.loop = g_main_loop_new (server.context, FALSE);
  g_mutex_init (&server.mutex);
  g_cond_init (&server.cond);
  thread = g_thread_new ("exporter", server_thread, &server);
  g_mutex_lock (&server.mutex);
  while (server.unique_name == NULL)
    g_cond_wait (&server.cond, &server.mutex);
  g_mutex_unlock (&server.mutex);

  connection =
      g_dbus_connection_new_for_address_sync (server.address,
                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                              NULL, NULL, &error);
  g_assert_no_error (error);
  sp_shared_object_proxy_new (connection, server.unique_name, PATH, NULL, proxy_cb, &proxy);
  wait_done ();
  g_assert_nonnull (proxy);

  /* Warm up every path once. */
  time_calls (BARE, connection, server.unique_name, proxy, n / 10 + 1);
  time_calls (GET, connection, server.unique_name, proxy, n / 10 + 1);
  time_calls (LOCK_RELEASE, connection, server.unique_name, proxy, n / 10 + 1);
  for (guint r = 0; r < rounds; r++)
    {
      bare[r] = time_calls (BARE, connection, server.unique_name, proxy, n);
      get[r] = time_calls (GET, connection, server.unique_name, proxy, n);
      lock[r] = time_calls (LOCK_RELEASE, connection, server.unique_name, proxy, n);
      get_ratio[r] = get[r] / bare[r];
      lock_ratio[r] = lock[r] / bare[r];
    }

  g_print ("dbus-get %.0f %.0f %.3f\n", median (get, rounds), median (bare, rounds),
           median (get_ratio, rounds));
  g_print ("dbus-lock-release %.0f %.0f %.3f\n", median (lock, rounds), median (bare, rounds),
           median (lock_ratio, rounds));

  g_object_unref (proxy);
  g_main_loop_quit (server.loop);
  g_thread_join (thread);
  g_main_loop_unref (server.loop);
  g_main_context_unref (server.context);
  g_free (server.unique_name);
  g_dbus_connection_close_sync (connection, NULL, NULL);
  g_clear_object (&connection);
  g_test_dbus_down (bus);
  return 0;
}
