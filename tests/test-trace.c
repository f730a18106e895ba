/* test-trace.c: the structured records
 *
 * SPDX-License-Identifier: MIT
 *
 * A log writer installed for the whole program captures the records of
 * the Sharedpotato domain; the tests assert which were produced, in what
 * order, with which fields.
 */

#include <pthread.h>

#include <sharedpotato.h>

#include "sp-test-util.h"

typedef struct
{
  char *event;
  char *operation;
  char *object;
  char *message;
  char *wait_us;
  char *hold_us;
  char *error;
  char *label;
} Record;

/* Records may come from several threads (see test_wait_before_outcome).
 * pthread rather than GMutex: ThreadSanitizer sees its ordering. */
static GPtrArray      *records;
static pthread_mutex_t records_lock = PTHREAD_MUTEX_INITIALIZER;

/* A "wait" record of the object named "raced" written by another thread
 * than the main one is held back, inside the log writer, until the main
 * thread has delivered that call and run its callback: a writer that
 * waits for another thread, which must not deadlock, and the widest
 * window there is for the outcome's record to overtake the wait's. */
static pthread_mutex_t race_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  race_cond = PTHREAD_COND_INITIALIZER;
static gboolean        race_in_wait;
static gboolean        race_delivered;

/* A log writer that, on the "wait" record of the object named
 * "reentrant", releases the lock that call waits for and runs the
 * context until the call's callback ran: the call is delivered from
 * inside the writer, in the thread writing its "wait". */
static SpGuard *reentrant_holder;
static Result  *reentrant_result;
static GThread *main_thread;

static void
record_free (gpointer data)
{
  Record *r = data;

  g_free (r->event);
  g_free (r->operation);
  g_free (r->object);
  g_free (r->message);
  g_free (r->wait_us);
  g_free (r->hold_us);
  g_free (r->error);
  g_free (r->label);
  g_free (r);
}

static char *
field_dup (const GLogField *field)
{
  return field->length < 0 ? g_strdup (field->value) : g_strndup (field->value, field->length);
}

static void
hold_back_raced_wait (const Record *r)
{
  if (!g_str_equal (r->event, "wait") || g_thread_self () == main_thread)
    return;

  pthread_mutex_lock (&race_lock);
  race_in_wait = TRUE;
  pthread_cond_broadcast (&race_cond);
  while (!race_delivered)
    pthread_cond_wait (&race_cond, &race_lock);
  pthread_mutex_unlock (&race_lock);
}

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  Record  *r;
  gboolean ours = FALSE;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "SP_EVENT"))
      ours = TRUE;

  /* Everything else (test output, warnings) goes on as usual. */
  if (!ours)
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  g_assert_cmpint (log_level, ==, G_LOG_LEVEL_DEBUG);
  r = g_new0 (Record, 1);
  for (gsize i = 0; i < n_fields; i++)
    {
      const char *key = fields[i].key;

      if (g_str_equal (key, "SP_EVENT"))
        r->event = field_dup (&fields[i]);
      else if (g_str_equal (key, "SP_OPERATION"))
        r->operation = field_dup (&fields[i]);
      else if (g_str_equal (key, "SP_OBJECT"))
        r->object = field_dup (&fields[i]);
      else if (g_str_equal (key, "MESSAGE"))
        r->message = field_dup (&fields[i]);
      else if (g_str_equal (key, "SP_WAIT_US"))
        r->wait_us = field_dup (&fields[i]);
      else if (g_str_equal (key, "SP_HOLD_US"))
        r->hold_us = field_dup (&fields[i]);
      else if (g_str_equal (key, "SP_ERROR"))
        r->error = field_dup (&fields[i]);
      else if (g_str_equal (key, "SP_GUARD_LABEL"))
        r->label = field_dup (&fields[i]);
      else if (g_str_equal (key, "GLIB_DOMAIN"))
        g_assert_cmpstr (fields[i].value, ==, "Sharedpotato");
    }

  if (g_strcmp0 (r->object, "raced") == 0)
    hold_back_raced_wait (r);
  if (g_strcmp0 (r->object, "reentrant") == 0 && g_str_equal (r->event, "wait"))
    {
      sp_guard_release (reentrant_holder);
      iterate_until (&reentrant_result->done);
    }

  pthread_mutex_lock (&records_lock);
  g_ptr_array_add (records, r);
  pthread_mutex_unlock (&records_lock);

  return G_LOG_WRITER_HANDLED;
}

static char *
events_summary (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < records->len; i++)
    {
      Record *r = records->pdata[i];

      g_string_append_printf (s, "%s%s%s%s", i ? "," : "", r->event, r->operation ? ":" : "",
                              r->operation ? r->operation : "");
    }

  return g_string_free (s, FALSE);
}

static Record *
find_record (const char *event, const char *operation)
{
  for (guint i = 0; i < records->len; i++)
    {
      Record *r = records->pdata[i];

      if (g_str_equal (r->event, event) && g_strcmp0 (r->operation, operation) == 0)
        return r;
    }

  g_assert_not_reached ();
}

static void
test_silent_when_off (void)
{
  SpSharedObject *object;
  Result          s = { 0 }, g = { 0 };

  g_unsetenv ("G_MESSAGES_DEBUG");
  g_ptr_array_set_size (records, 0);

  object = sp_shared_object_new_full (G_TYPE_INT, "quiet", NULL, NULL);
  set_int (object, 1, &s);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_object_unref (object);
  drain ();

  g_assert_cmpuint (records->len, ==, 0);
  result_clear (&s);
  result_clear (&g);
}

static void
test_scripted_sequence (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *summary = NULL;
  SpSharedObject  *object;
  SpGuard         *holder;
  Result           g = { 0 }, l = { 0 }, s = { 0 }, c = { 0 };
  Record          *r;

  g_setenv ("G_MESSAGES_DEBUG", "Sharedpotato", TRUE);
  g_ptr_array_set_size (records, 0);

  object = sp_shared_object_new_full (G_TYPE_INT, "traced", NULL, NULL);
  holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  sp_shared_object_get_async (object, 5, NULL, get_cb, &g);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, cancellable, lock_cb, &l);
  iterate_until (&g.done);
  g_cancellable_cancel (cancellable);
  iterate_until (&l.done);
  set_int (object, 1, &s);
  sp_guard_release (holder);
  sp_guard_unref (holder);
  iterate_until (&s.done);
  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  iterate_until (&c.done);
  result_clear (&g);
  result_clear (&l);
  result_clear (&s);
  result_clear (&c);
  g_object_unref (object);
  g_unsetenv ("G_MESSAGES_DEBUG");

  summary = events_summary ();
  g_assert_cmpstr (summary, ==,
                   "created,"
                   "call:get,wait:get,"
                   "call:lock,wait:lock,"
                   "timeout:get,"
                   "cancelled:lock,"
                   "call:set,wait:set,"
                   "released:exclusive,"
                   "changed,initialized,"
                   "acquired:set,"
                   "call:close,wait:close,"
                   "close-started,closed,"
                   "acquired:close,"
                   "finalized");

  for (guint i = 0; i < records->len; i++)
    {
      r = records->pdata[i];
      g_assert_cmpstr (r->object, ==, "traced");
      g_assert_true (g_str_has_prefix (r->message, "traced: "));
    }

  r = find_record ("timeout", "get");
  g_assert_nonnull (r->wait_us);
  g_assert_cmpint (g_ascii_strtoll (r->wait_us, NULL, 10), >=, 5000);
  r = find_record ("acquired", "set");
  g_assert_nonnull (r->wait_us);
  g_assert_cmpint (g_ascii_strtoll (r->wait_us, NULL, 10), >, 0);
  r = find_record ("released", "exclusive");
  g_assert_nonnull (r->hold_us);
  g_assert_cmpint (g_ascii_strtoll (r->hold_us, NULL, 10), >=, 5000);
  g_assert_nonnull (strstr (r->message, "held"));
}

static void
queue_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result        *r = data;
  SpSharedQueue *queue = SP_SHARED_QUEUE (source);

  if (g_async_result_is_tagged (res, sp_shared_queue_push_async))
    r->ok = sp_shared_queue_push_finish (queue, res, &r->error);
  else if (g_async_result_is_tagged (res, sp_shared_queue_pop_async))
    r->ok = sp_shared_queue_pop_finish (queue, res, &r->value, &r->error);
  else
    r->ok = sp_shared_queue_close_finish (queue, res, &r->error);
  result_mark_done (r);
}

/* The queue shares the waiter's records, under the queue's name. */
static void
test_queue_sequence (void)
{
  g_autofree char *summary = NULL;
  SpSharedQueue   *queue;
  GValue           item = G_VALUE_INIT;
  Result           early = { 0 }, push = { 0 }, pop = { 0 }, close = { 0 };
  Record          *r;

  g_setenv ("G_MESSAGES_DEBUG", "Sharedpotato", TRUE);
  g_ptr_array_set_size (records, 0);

  queue = sp_shared_queue_new_full (G_TYPE_INT, 1, "traced-queue");
  sp_shared_queue_pop_async (queue, 5, NULL, queue_cb, &early);
  iterate_until (&early.done);
  g_value_init (&item, G_TYPE_INT);
  sp_shared_queue_push_async (queue, &item, 0, NULL, queue_cb, &push);
  g_value_unset (&item);
  iterate_until (&push.done);
  sp_shared_queue_pop_async (queue, 0, NULL, queue_cb, &pop);
  iterate_until (&pop.done);
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, queue_cb, &close);
  iterate_until (&close.done);
  g_assert_error (early.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (push.ok && pop.ok && close.ok);
  result_clear (&early);
  result_clear (&push);
  result_clear (&pop);
  result_clear (&close);
  g_object_unref (queue);
  g_unsetenv ("G_MESSAGES_DEBUG");

  summary = events_summary ();
  g_assert_cmpstr (summary, ==,
                   "created,"
                   "call:pop,wait:pop,timeout:pop,"
                   "call:push,acquired:push,"
                   "call:pop,acquired:pop,"
                   "call:close,wait:close,"
                   "close-started,closed,"
                   "acquired:close,"
                   "finalized");

  for (guint i = 0; i < records->len; i++)
    {
      r = records->pdata[i];
      g_assert_cmpstr (r->object, ==, "traced-queue");
    }
  r = find_record ("timeout", "pop");
  g_assert_cmpint (g_ascii_strtoll (r->wait_us, NULL, 10), >=, 5000);
}

/* Calls that fail for another reason than a timeout or a cancellation
 * still end with a record, which says why. */
static void
test_failed_calls (void)
{
  g_autofree char *summary = NULL;
  SpSharedObject  *object;
  SpSharedQueue   *queue;
  GValue           text = G_VALUE_INIT;
  Result           set = { 0 }, close = { 0 }, push = { 0 };
  Record          *r;

  g_setenv ("G_MESSAGES_DEBUG", "Sharedpotato", TRUE);
  g_ptr_array_set_size (records, 0);

  object = sp_shared_object_new_full (G_TYPE_INT, "failing", NULL, NULL);
  g_value_init (&text, G_TYPE_STRING);
  g_value_set_static_string (&text, "not a number");
  sp_shared_object_set_async (object, &text, 0, NULL, set_cb, &set);
  iterate_until (&set.done);
  g_assert_error (set.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_object_unref (object);

  queue = sp_shared_queue_new_full (G_TYPE_STRING, 0, "failing-queue");
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, queue_cb, &close);
  iterate_until (&close.done);
  sp_shared_queue_push_async (queue, &text, 0, NULL, queue_cb, &push);
  iterate_until (&push.done);
  g_assert_error (push.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_object_unref (queue);
  g_value_unset (&text);
  result_clear (&set);
  result_clear (&close);
  result_clear (&push);
  g_unsetenv ("G_MESSAGES_DEBUG");

  summary = events_summary ();
  g_assert_cmpstr (summary, ==,
                   "created,call:set,failed:set,finalized,"
                   "created,call:close,wait:close,close-started,closed,acquired:close,"
                   "call:push,failed:push,finalized");

  r = find_record ("failed", "set");
  g_assert_nonnull (r->error);
  g_assert_null (r->wait_us);
  g_assert_nonnull (strstr (r->message, r->error));
  r = find_record ("failed", "push");
  g_assert_cmpstr (r->object, ==, "failing-queue");
  g_assert_nonnull (r->error);
}

/* The records of @operation include a "wait" and, after it, an
 * "acquired". */
static void
assert_wait_before_acquired (const char *operation)
{
  int wait_at = -1, acquired_at = -1;

  for (guint i = 0; i < records->len; i++)
    {
      Record *rec = records->pdata[i];

      if (g_strcmp0 (rec->operation, operation) != 0)
        continue;
      if (g_str_equal (rec->event, "wait"))
        wait_at = i;
      else if (g_str_equal (rec->event, "acquired"))
        acquired_at = i;
    }
  g_assert_cmpint (wait_at, >=, 0);
  g_assert_cmpint (acquired_at, >, wait_at);
}

static gpointer
lock_from_worker (gpointer data)
{
  Result *r = g_object_get_data (data, "result");

  /* No thread-default context here: the call completes in the global
   * default one, which the main thread runs. */
  sp_shared_object_lock_async (data, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, r);

  return NULL;
}

/* A waiter queued by a thread can be granted and delivered by another one
 * while the queuing thread is still writing its "wait" record, here held
 * back until the callback has run. Neither thread waits for the other,
 * and the outcome's record still comes after the wait's. */
static void
test_wait_before_outcome (void)
{
  SpSharedObject *object;
  SpGuard        *holder;
  GThread        *worker;
  Result          r = { 0 };

  g_setenv ("G_MESSAGES_DEBUG", "Sharedpotato", TRUE);
  g_ptr_array_set_size (records, 0);
  race_in_wait = race_delivered = FALSE;

  object = sp_shared_object_new_full (G_TYPE_INT, "raced", NULL, NULL);
  holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  g_object_set_data (G_OBJECT (object), "result", &r);
  worker = g_thread_new ("worker", lock_from_worker, object);

  /* The worker is writing its "wait" record: grant it now and deliver. */
  pthread_mutex_lock (&race_lock);
  while (!race_in_wait)
    pthread_cond_wait (&race_cond, &race_lock);
  pthread_mutex_unlock (&race_lock);
  sp_guard_release (holder);
  sp_guard_unref (holder);
  iterate_until (&r.done);
  g_assert_true (r.ok);

  pthread_mutex_lock (&race_lock);
  race_delivered = TRUE;
  pthread_cond_broadcast (&race_cond);
  pthread_mutex_unlock (&race_lock);
  g_thread_join (worker);

  result_clear (&r);
  g_object_unref (object);
  g_unsetenv ("G_MESSAGES_DEBUG");

  assert_wait_before_acquired ("lock");
}

static void
test_writer_delivers_waiter (void)
{
  SpSharedObject *object;
  Result          r = { 0 };

  g_setenv ("G_MESSAGES_DEBUG", "Sharedpotato", TRUE);
  g_ptr_array_set_size (records, 0);

  object = sp_shared_object_new_full (G_TYPE_INT, "reentrant", NULL, NULL);
  reentrant_holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  reentrant_result = &r;
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r);
  /* The writer ran the callback before lock_async returned. */
  g_assert_true (r.done && r.ok);
  g_clear_pointer (&reentrant_holder, sp_guard_unref);
  result_clear (&r);
  g_object_unref (object);
  g_unsetenv ("G_MESSAGES_DEBUG");

  assert_wait_before_acquired ("lock");
}

static void
test_unnamed_object_uses_address (void)
{
  g_autofree char *address = NULL;
  SpSharedObject  *object;

  /* The other switch GLib offers: every debug domain at once. */
  g_log_set_debug_enabled (TRUE);
  g_ptr_array_set_size (records, 0);
  object = sp_shared_object_new (G_TYPE_INT);
  address = g_strdup_printf ("%p", object);
  g_object_unref (object);
  g_log_set_debug_enabled (FALSE);

  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpstr (((Record *) records->pdata[0])->object, ==, address);
  g_assert_cmpstr (((Record *) records->pdata[1])->event, ==, "finalized");
}

static gboolean
init_sets_and_returns (SpSharedObject *object, SpGuard *guard, gpointer user_data)
{
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 7);
  g_assert_true (sp_guard_set_value (guard, &value, NULL));
  g_value_unset (&value);
  sp_guard_unref (guard);
  return FALSE;
}

static gboolean
init_gives_up (SpSharedObject *object, SpGuard *guard, gpointer user_data)
{
  /* What a Python or JavaScript initializer that raised amounts to. */
  sp_guard_unref (guard);
  return FALSE;
}

/* An initializer's run is bracketed by records, its failure says why,
 * and a guard's label names it where it takes and gives back the lock. */
static void
test_initializer_and_labels (void)
{
  g_autofree char *summary = NULL;
  SpSharedObject  *failing, *object;
  Result           g = { 0 }, l = { 0 };
  Record          *r;

  g_setenv ("G_MESSAGES_DEBUG", "Sharedpotato", TRUE);

  failing = sp_shared_object_new_full (G_TYPE_INT, "failing", NULL, NULL);
  sp_shared_object_set_initializer (failing, init_gives_up, NULL, NULL);
  g_ptr_array_set_size (records, 0);
  sp_shared_object_get_async (failing, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_error (g.error, SP_ERROR, SP_ERROR_NOT_INITIALIZED);
  result_clear (&g);
  summary = events_summary ();
  g_assert_cmpstr (summary, ==,
                   "call:get,wait:get,"
                   "initializer-started,"
                   "failed:initializer,"
                   "released:exclusive,"
                   "failed:get");
  g_clear_pointer (&summary, g_free);
  r = find_record ("failed", "initializer");
  g_assert_cmpstr (r->error, ==, "finished without setting a value");
  r = find_record ("released", "exclusive");
  g_assert_cmpstr (r->label, ==, "the initializer");
  g_object_unref (failing);

  object = sp_shared_object_new_full (G_TYPE_INT, "labelled", NULL, NULL);
  sp_shared_object_set_initializer (object, init_sets_and_returns, NULL, NULL);
  g_ptr_array_set_size (records, 0);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 7);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &l);
  iterate_until (&l.done);
  sp_guard_set_label (l.guard, "saving the configuration");
  sp_guard_release (l.guard);
  result_clear (&g);
  result_clear (&l);
  g_object_unref (object);
  drain ();
  g_unsetenv ("G_MESSAGES_DEBUG");

  summary = events_summary ();
  g_assert_cmpstr (summary, ==,
                   "call:get,wait:get,"
                   "initializer-started,"
                   "initializer-finished,"
                   "released:exclusive,"
                   "changed,initialized,"
                   "acquired:get,"
                   "call:lock,acquired:lock,"
                   "released:exclusive,"
                   "finalized");
  r = find_record ("acquired", "lock");
  g_assert_cmpstr (r->label, ==, "sp_shared_object_lock_async");
  g_assert_nonnull (strstr (r->message, "(sp_shared_object_lock_async)"));
  for (guint i = records->len; i-- > 0;)
    {
      r = records->pdata[i];
      if (g_str_equal (r->event, "released"))
        break;
    }
  g_assert_cmpstr (r->label, ==, "saving the configuration");
  g_assert_nonnull (strstr (r->message, "released exclusive (saving the configuration)"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* A record written while capture_writer runs on the same thread (the
   * "released" of writer-delivers-waiter) does not reach it: GLib hands it
   * to its fallback writer, which writes raw fields with no newline to
   * stdout, inside the TAP stream. Send that, and every other record the
   * default writer shows, to stderr instead. */
  g_log_writer_default_set_use_stderr (TRUE);

  main_thread = g_thread_self ();
  records = g_ptr_array_new_with_free_func (record_free);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/Sharedpotato/Trace/silent-when-off", test_silent_when_off);
  g_test_add_func ("/Sharedpotato/Trace/scripted-sequence", test_scripted_sequence);
  g_test_add_func ("/Sharedpotato/Trace/unnamed-object-uses-address",
                   test_unnamed_object_uses_address);
  g_test_add_func ("/Sharedpotato/Trace/queue-sequence", test_queue_sequence);
  g_test_add_func ("/Sharedpotato/Trace/failed-calls", test_failed_calls);
  g_test_add_func ("/Sharedpotato/Trace/wait-before-outcome", test_wait_before_outcome);
  g_test_add_func ("/Sharedpotato/Trace/writer-delivers-waiter", test_writer_delivers_waiter);
  g_test_add_func ("/Sharedpotato/Trace/initializer-and-labels", test_initializer_and_labels);

  return g_test_run ();
}
