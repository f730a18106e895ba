/* config.c: a shared configuration value
 *
 * SPDX-License-Identifier: MIT
 *
 * - the value is loaded lazily, by an initializer that takes 20 ms;
 * - two readers on the main context ask for it before it exists;
 * - a writer on a worker thread updates it with the blocking twins;
 * - an impatient reader times out while the writer holds the lock;
 * - closing waits for an asynchronous close handler.
 *
 * The example runs as a test: any error but the impatient reader's
 * timeout ends it with g_error().
 */

#include <sharedpotato.h>

static GMainLoop *loop;

static gboolean
finish_loading (gpointer user_data)
{
  SpGuard *guard = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_static_string (&value, "theme=light");
  if (!sp_guard_set_value (guard, &value, &error))
    g_error ("initializer: %s", error->message);
  g_print ("initializer: loaded \"theme=light\"\n");
  sp_guard_unref (guard); /* releases it */

  return G_SOURCE_REMOVE;
}

static gboolean
load_config (SpSharedObject *object, SpGuard *guard, gpointer user_data)
{
  g_print ("initializer: loading (first get found no value)\n");
  g_timeout_add (20, finish_loading, guard);
  /* It keeps the guard: finish_loading() ends the run. */
  return TRUE;
}

static void
reader_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  const char *who = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GValue) value = G_VALUE_INIT;

  if (!sp_getter_get_finish (SP_GETTER (source), result, &value, &error))
    g_error ("%s: %s", who, error->message);
  g_print ("%s: read \"%s\"\n", who, g_value_get_string (&value));
}

static void
impatient_reader_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_auto (GValue) value = G_VALUE_INIT;

  /* Its timeout races with the lock: on a busy machine the writer may be
   * done first. Giving up is the one error expected; any other is a bug. */
  if (sp_getter_get_finish (SP_GETTER (source), result, &value, &error))
    g_print ("impatient: read \"%s\" before its timeout\n", g_value_get_string (&value));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_print ("impatient: %s\n", error->message);
  else
    g_error ("impatient: %s", error->message);
}

static gpointer
writer_thread (gpointer data)
{
  SpSharedObject *config = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SpGuard) guard = NULL;
  g_auto (GValue) value = G_VALUE_INIT;

  /* Blocks this worker only, until the lazy load is done. */
  guard = sp_shared_object_lock_sync (config, SP_LOCK_MODE_EXCLUSIVE, 1000, NULL, &error);
  if (guard == NULL)
    g_error ("writer: %s", error->message);

  sp_guard_get_value (guard, &value);
  g_print ("writer (worker thread): holds the write lock over \"%s\" for 30 ms\n",
           g_value_get_string (&value));
  g_usleep (30 * G_TIME_SPAN_MILLISECOND); /* slow work while holding the lock */
  g_value_set_static_string (&value, "theme=dark");
  if (!sp_guard_set_value (guard, &value, &error))
    g_error ("writer: %s", error->message);
  g_print ("writer (worker thread): wrote \"theme=dark\"\n");

  return NULL;
}

static void
on_changed (SpSharedObject *config, const GValue *old_value, const GValue *new_value, gpointer data)
{
  g_print ("signal changed (main thread: %s): \"%s\"\n",
           g_main_context_is_owner (g_main_context_default ()) ? "yes" : "no",
           new_value ? g_value_get_string (new_value) : "(none)");
}

static gboolean
release_close_hold (gpointer data)
{
  g_print ("close handler: flushed, releasing its hold\n");
  sp_shared_object_release_close (data);
  return G_SOURCE_REMOVE;
}

static void
on_closed (SpSharedObject *config, const GValue *final_value, gpointer data)
{
  g_print ("close handler: final value \"%s\", flushing it for 10 ms\n",
           g_value_get_string (final_value));
  sp_shared_object_hold_close (config);
  g_timeout_add (10, release_close_hold, config);
}

static void
closed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;

  if (!sp_shared_object_close_finish (SP_SHARED_OBJECT (source), result, &error))
    g_error ("close: %s", error->message);
  g_print ("closed\n");
  g_main_loop_quit (loop);
}

static gboolean
impatient_reader (gpointer data)
{
  /* Queued behind the writer, it gives up after 15 ms. */
  sp_getter_get_async (SP_GETTER (data), 15, NULL, impatient_reader_done, NULL);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  SpSharedObject *config;
  GThread        *writer;
} Shutdown;

static gboolean
writer_finished (gpointer data)
{
  Shutdown *shutdown = data;

  g_thread_join (shutdown->writer);
  g_print ("main: writer done, closing\n");
  sp_shared_object_close_async (shutdown->config, 1000, NULL, closed, NULL);
  return G_SOURCE_REMOVE;
}

static gpointer
writer_thread_then_tell_main (gpointer data)
{
  Shutdown *shutdown = data;

  writer_thread (shutdown->config);
  /* Back to the main context through a source attached to it. */
  g_idle_add (writer_finished, shutdown);
  return NULL;
}

int
main (int argc, char *argv[])
{
  g_autoptr (SpSharedObject) config = NULL;
  g_autoptr (SpGetter) getter = NULL;
  Shutdown shutdown;

  loop = g_main_loop_new (NULL, FALSE);
  config = sp_shared_object_new_full (G_TYPE_STRING, "config", NULL, NULL);
  sp_shared_object_set_initializer (config, load_config, NULL, NULL);
  g_signal_connect (config, "changed", G_CALLBACK (on_changed), NULL);
  g_signal_connect (config, "closed", G_CALLBACK (on_closed), NULL);

  /* Readers get a read-only view. */
  getter = sp_shared_object_get_getter (config);
  sp_getter_get_async (getter, 0, NULL, reader_done, "reader-1");
  sp_getter_get_async (getter, 0, NULL, reader_done, "reader-2");
  g_timeout_add (25, impatient_reader, getter);

  shutdown.config = config;
  shutdown.writer = g_thread_new ("writer", writer_thread_then_tell_main, &shutdown);

  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  return 0;
}
