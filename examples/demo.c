/* demo.c: a few clients sharing one value
 *
 * SPDX-License-Identifier: MIT
 *
 * A "loader" takes the write lock and spends 50 ms loading a
 * configuration string across main-loop iterations. Meanwhile two readers
 * wait for the value to exist, an impatient reader gives up after 10 ms,
 * and a late reader arrives once it is there. Then the object is closed.
 *
 * The example runs as a test: an error other than the impatient reader's
 * timeout, or a reader getting something else than what the loader
 * stored, ends it with g_error().
 */

#include <sharedpotato.h>

#define CONFIGURATION "theme=dark; volume=11"

static gint64     start_time;
static GMainLoop *loop;
static guint      pending;

static void say (const char *who, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
say (const char *who, const char *fmt, ...)
{
  g_autofree char *text = NULL;
  va_list          args;

  va_start (args, fmt);
  text = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_print ("[%5.1f ms] %-10s %s\n", (g_get_monotonic_time () - start_time) / 1000.0, who, text);
}

static void
client_done (void)
{
  if (--pending == 0)
    g_main_loop_quit (loop);
}

static void
reader_got (GObject *source, GAsyncResult *result, gpointer user_data)
{
  const char *who = user_data;
  gboolean    impatient = g_str_equal (who, "impatient");
  g_autoptr (GError) error = NULL;
  g_auto (GValue) value = G_VALUE_INIT;

  if (sp_shared_object_get_finish (SP_SHARED_OBJECT (source), result, &value, &error))
    {
      /* The impatient reader too, when a busy machine runs its timeout
       * late: a timeout races with the grant. */
      say (who, "got \"%s\"", g_value_get_string (&value));
      if (g_strcmp0 (g_value_get_string (&value), CONFIGURATION) != 0)
        g_error ("%s: expected \"%s\"", who, CONFIGURATION);
    }
  else if (impatient && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* The one error expected here; any other is a bug. */
      say (who, "gave up: %s", error->message);
    }
  else
    {
      g_error ("%s: %s", who, error->message);
    }

  client_done ();
}

static gboolean
loader_finish (gpointer user_data)
{
  SpGuard *guard = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_static_string (&value, CONFIGURATION);
  if (!sp_guard_set_value (guard, &value, &error))
    g_error ("loader: %s", error->message);
  say ("loader", "stored the configuration, releasing the write lock");
  sp_guard_release (guard);
  sp_guard_unref (guard);
  client_done ();

  return G_SOURCE_REMOVE;
}

static void
loader_locked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  SpGuard *guard = sp_shared_object_lock_finish (SP_SHARED_OBJECT (source), result, &error);

  if (guard == NULL)
    g_error ("loader: %s", error->message);

  say ("loader", "holds the write lock, loading for 50 ms");
  g_timeout_add (50, loader_finish, guard);
}

static void
on_changed (SpSharedObject *object,
            const GValue   *old_value,
            const GValue   *new_value,
            gpointer        user_data)
{
  say ("signal", "changed: %s -> \"%s\"",
       old_value ? g_value_get_string (old_value) : "(uninitialized)",
       new_value ? g_value_get_string (new_value) : "(uninitialized)");
}

static void
on_closed (SpSharedObject *object, const GValue *final_value, gpointer user_data)
{
  say ("signal", "closed with \"%s\"",
       final_value ? g_value_get_string (final_value) : "(nothing)");
}

static gboolean
late_reader (gpointer user_data)
{
  SpSharedObject *config = user_data;

  say ("late", "asks for the value");
  sp_shared_object_get_async (config, 0, NULL, reader_got, "late");

  return G_SOURCE_REMOVE;
}

static void
closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!sp_shared_object_close_finish (SP_SHARED_OBJECT (source), result, &error))
    g_error ("close: %s", error->message);
  say ("main", "closed");
  g_main_loop_quit (loop);
}

int
main (int argc, char *argv[])
{
  g_autoptr (SpSharedObject) config = NULL;

  start_time = g_get_monotonic_time ();
  loop = g_main_loop_new (NULL, FALSE);

  config = sp_shared_object_new_full (G_TYPE_STRING, "config", NULL, NULL);
  g_signal_connect (config, "changed", G_CALLBACK (on_changed), NULL);
  g_signal_connect (config, "closed", G_CALLBACK (on_closed), NULL);

  say ("main", "created an uninitialized shared string \"config\"");

  pending = 5;
  sp_shared_object_get_async (config, 0, NULL, reader_got, "reader-1");
  sp_shared_object_lock_async (config, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, loader_locked, NULL);
  sp_shared_object_get_async (config, 0, NULL, reader_got, "reader-2");
  sp_shared_object_get_async (config, 10, NULL, reader_got, "impatient");
  g_timeout_add (80, late_reader, config);
  say ("main", "reader-1, reader-2 and impatient (10 ms timeout) wait for a value");

  g_main_loop_run (loop);

  say ("main", "all clients done, closing");
  sp_shared_object_close_async (config, 0, NULL, closed, NULL);
  g_main_loop_run (loop);

  g_main_loop_unref (loop);
  return 0;
}
