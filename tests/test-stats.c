/* test-stats.c: SpStats and the held-too-long warning
 *
 * SPDX-License-Identifier: MIT
 */

#include <pthread.h>

#include <sharedpotato.h>

#include "sp-test-util.h"

static void
test_scripted (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (SpStats) mid = NULL;
  g_autoptr (SpStats) end = NULL;
  g_autoptr (SpStats) copy = NULL;
  SpGuard *holder, *reader;
  Result   s = { 0 }, g1 = { 0 }, g2 = { 0 }, timed = { 0 }, cancelled = { 0 };

  sp_shared_object_set_measure_hold_times (object, TRUE);
  g_assert_false (sp_shared_object_try_get (object, NULL));  /* not a grant */
  set_int (object, 1, &s);                                   /* write, at once */
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g1); /* read, at once */
  iterate_until (&g1.done);
  holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE); /* write */
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g2);           /* read, waits */
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 5, NULL, lock_cb, &timed);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, cancellable, lock_cb, &cancelled);
  iterate_until (&timed.done);
  g_cancellable_cancel (cancellable);
  iterate_until (&cancelled.done);

  mid = sp_shared_object_get_stats (object);
  g_assert_cmpuint (mid->reads_granted, ==, 1);
  g_assert_cmpuint (mid->writes_granted, ==, 2);
  g_assert_cmpuint (mid->waited_grants, ==, 0);
  g_assert_cmpuint (mid->timeouts, ==, 1);
  g_assert_cmpuint (mid->cancellations, ==, 1);
  g_assert_true (mid->current_writer);
  g_assert_cmpuint (mid->current_readers, ==, 0);
  g_assert_cmpuint (mid->queue_length, ==, 1);
  g_assert_cmpuint (mid->peak_queue_length, ==, 3);

  sp_guard_release (holder);
  sp_guard_unref (holder);
  iterate_until (&g2.done);
  reader = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED); /* read */

  end = sp_shared_object_get_stats (object);
  g_assert_cmpuint (end->reads_granted, ==, 3);
  g_assert_cmpuint (end->writes_granted, ==, 2);
  g_assert_cmpuint (end->waited_grants, ==, 1);
  g_assert_cmpuint (end->timeouts, ==, 1);
  g_assert_cmpuint (end->cancellations, ==, 1);
  g_assert_false (end->current_writer);
  g_assert_cmpuint (end->current_readers, ==, 1);
  g_assert_cmpuint (end->queue_length, ==, 0);
  g_assert_cmpuint (end->peak_queue_length, ==, 3);
  /* g2 waited at least through the 5 ms timeout, the holder held as long. */
  g_assert_cmpuint (end->total_wait_us, >=, 5000);
  g_assert_cmpuint (end->peak_wait_us, ==, end->total_wait_us);
  g_assert_cmpuint (end->total_hold_us, >=, 5000);
  g_assert_cmpuint (end->peak_hold_us, ==, end->total_hold_us);

  copy = sp_stats_copy (end);
  g_assert_cmpmem (copy, sizeof *copy, end, sizeof *end);

  sp_guard_unref (reader);
  result_clear (&s);
  result_clear (&g1);
  result_clear (&g2);
  result_clear (&timed);
  result_clear (&cancelled);
}

/* Holds @object's exclusive lock until a get with a 5 ms timeout has
 * timed out behind it: a hold of at least 5 ms. With @turn_off, turns
 * measure-hold-times off while holding. */
static void
hold_through_a_timeout (SpSharedObject *object, gboolean turn_off)
{
  g_autoptr (SpGuard) holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  Result timed = { 0 };

  g_assert_nonnull (holder);
  sp_shared_object_get_async (object, 5, NULL, get_cb, &timed);
  iterate_until (&timed.done);
  g_assert_error (timed.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  if (turn_off)
    sp_shared_object_set_measure_hold_times (object, FALSE);
  sp_guard_release (holder);
  result_clear (&timed);
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  (*(guint *) data)++;
}

/* Hold times are measured from the first get_stats, unless the property
 * was set before; a lock counts if it was taken while measuring. */
static void
test_measure_hold_times (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (SpSharedObject) measured = NULL;
  g_autoptr (SpSharedObject) unmeasured = NULL;
  g_autoptr (SpStats) first = NULL;
  g_autoptr (SpStats) second = NULL;
  g_autoptr (SpStats) third = NULL;
  g_autoptr (SpStats) fourth = NULL;
  g_autoptr (SpStats) other = NULL;
  guint    notified = 0;
  gboolean measuring = TRUE;

  g_signal_connect (object, "notify::measure-hold-times", G_CALLBACK (count_notify), &notified);
  g_assert_false (sp_shared_object_get_measure_hold_times (object));
  hold_through_a_timeout (object, FALSE);

  /* The first reading turns it on; the hold before it was not timed. */
  first = sp_shared_object_get_stats (object);
  g_assert_cmpuint (first->writes_granted, ==, 1);
  g_assert_cmpuint (first->total_hold_us, ==, 0);
  g_assert_true (sp_shared_object_get_measure_hold_times (object));
  g_assert_cmpuint (notified, ==, 0); /* in the owner context */
  while (notified == 0)
    g_main_context_iteration (NULL, TRUE);

  hold_through_a_timeout (object, FALSE);
  second = sp_shared_object_get_stats (object);
  g_assert_cmpuint (second->total_hold_us, >=, 5000);
  g_assert_cmpuint (second->peak_hold_us, ==, second->total_hold_us);

  /* Turned off during a hold: that hold still counts, since it was
   * taken while measuring. */
  hold_through_a_timeout (object, TRUE);
  third = sp_shared_object_get_stats (object);
  g_assert_cmpuint (third->total_hold_us, >=, second->total_hold_us + 5000);
  g_object_get (object, "measure-hold-times", &measuring, NULL);
  g_assert_false (measuring); /* reading the stats again does not override */

  /* Off: nothing more is added, and the totals stay. */
  hold_through_a_timeout (object, FALSE);
  fourth = sp_shared_object_get_stats (object);
  g_assert_cmpuint (fourth->writes_granted, ==, 4);
  g_assert_cmpuint (fourth->total_hold_us, ==, third->total_hold_us);
  while (notified < 2)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (notified, ==, 2);

  /* Set at construction: the very first lock counts. */
  measured = g_object_new (SP_TYPE_SHARED_OBJECT, "value-type", G_TYPE_INT, "measure-hold-times",
                           TRUE, NULL);
  hold_through_a_timeout (measured, FALSE);
  other = sp_shared_object_get_stats (measured);
  g_assert_cmpuint (other->total_hold_us, >=, 5000);
  g_clear_pointer (&other, sp_stats_free);

  /* Turned off at construction: reading the stats leaves it off. */
  unmeasured = g_object_new (SP_TYPE_SHARED_OBJECT, "value-type", G_TYPE_INT, "measure-hold-times",
                             FALSE, NULL);
  other = sp_shared_object_get_stats (unmeasured);
  g_assert_false (sp_shared_object_get_measure_hold_times (unmeasured));
}

/* Reading the stats, or setting a property nobody listens to, queues no
 * notification: one would hold the object until its owner context runs,
 * and this one never does again. */
static void
test_settings_keep_nothing_alive (void)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (SpStats) stats = NULL;
  SpSharedObject *object;

  g_main_context_push_thread_default (context);
  object = sp_shared_object_new (G_TYPE_INT);
  g_main_context_pop_thread_default (context);

  stats = sp_shared_object_get_stats (object);
  g_assert_true (sp_shared_object_get_measure_hold_times (object));
  sp_shared_object_set_hold_warning_ms (object, 5);
  sp_shared_object_set_default_timeout (object, 7);
  sp_shared_object_set_measure_hold_times (object, FALSE);
  g_assert_false (g_main_context_pending (context));

  g_object_add_weak_pointer (G_OBJECT (object), (gpointer *) &object);
  g_object_unref (object);
  g_assert_null (object);
}

/* Tracing times every lock for its records; the stats still count only
 * those taken while measure-hold-times was on. */
static void
test_hold_times_counted_only_when_measured (void)
{
  g_autoptr (SpSharedObject) object = NULL;
  g_autoptr (SpStats) stats = NULL;

  sp_shared_object_set_hold_warning_ms (object = sp_shared_object_new (G_TYPE_INT), 1000);
  sp_shared_object_set_measure_hold_times (object, FALSE);
  hold_through_a_timeout (object, FALSE);
  stats = sp_shared_object_get_stats (object);
  g_assert_cmpuint (stats->writes_granted, ==, 1);
  g_assert_cmpuint (stats->total_hold_us, ==, 0);
}

#define ROUNDS 400

typedef struct
{
  SpSharedObject *object;
  GMainContext   *context;
  guint           rounds;
  gboolean        done;
} Worker;

static void worker_next (Worker *w);

static void
worker_got (GObject *source, GAsyncResult *res, gpointer data)
{
  Worker *w = data;

  g_assert_true (sp_shared_object_get_finish (w->object, res, NULL, NULL));
  if (++w->rounds == ROUNDS)
    w->done = TRUE;
  else
    worker_next (w);
}

static void
worker_locked (GObject *source, GAsyncResult *res, gpointer data)
{
  Worker *w = data;
  g_autoptr (SpGuard) guard = sp_shared_object_lock_finish (w->object, res, NULL);
  GValue value = G_VALUE_INIT;

  g_assert_true (sp_guard_get_value (guard, &value));
  g_value_set_int (&value, g_value_get_int (&value) + 1);
  sp_guard_set_value (guard, &value, NULL);
  g_value_unset (&value);
  sp_guard_release (guard);
  sp_shared_object_get_async (w->object, 0, NULL, worker_got, w);
}

static void
worker_next (Worker *w)
{
  sp_shared_object_lock_async (w->object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, worker_locked, w);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;

  w->context = g_main_context_new ();
  g_main_context_push_thread_default (w->context);
  worker_next (w);
  while (!w->done)
    g_main_context_iteration (w->context, TRUE);
  g_main_context_pop_thread_default (w->context);
  g_main_context_unref (w->context);

  return NULL;
}

static void
test_two_threads_exact (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (SpStats) stats = NULL;
  Worker   a = { object }, b = { object };
  GThread *ta = g_thread_new ("stats-a", worker_thread, &a);
  GThread *tb = g_thread_new ("stats-b", worker_thread, &b);
  GValue   value = G_VALUE_INIT;

  g_thread_join (ta);
  g_thread_join (tb);

  stats = sp_shared_object_get_stats (object);
  g_assert_cmpuint (stats->writes_granted, ==, 2 * ROUNDS);
  g_assert_cmpuint (stats->reads_granted, ==, 2 * ROUNDS);
  g_assert_cmpuint (stats->waited_grants, <=, 4 * ROUNDS);
  g_assert_cmpuint (stats->timeouts, ==, 0);
  g_assert_cmpuint (stats->cancellations, ==, 0);
  g_assert_cmpuint (stats->current_readers, ==, 0);
  g_assert_false (stats->current_writer);
  g_assert_cmpuint (stats->queue_length, ==, 0);
  g_assert_cmpuint (stats->peak_queue_length, <=, 2);
  g_assert_cmpuint (stats->peak_hold_us, <=, stats->total_hold_us);

  g_assert_true (sp_shared_object_try_get (object, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 2 * ROUNDS);
  g_value_unset (&value);
}

/* The held-too-long warning ------------------------------------------- */

typedef struct
{
  guint warnings;
  guint messages;
  char *last;
} Caught;

static Caught caught;

static gboolean
hold_messages_not_fatal (const char    *log_domain,
                         GLogLevelFlags log_level,
                         const char    *message,
                         gpointer       user_data)
{
  return FALSE;
}

static void
catch_message (const char    *log_domain,
               GLogLevelFlags log_level,
               const char    *message,
               gpointer       user_data)
{
  if (log_level & G_LOG_LEVEL_WARNING)
    caught.warnings++;
  else
    caught.messages++;
  g_free (caught.last);
  caught.last = g_strdup (message);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* pthread rather than GMutex: ThreadSanitizer sees its ordering. */
typedef struct
{
  SpSharedObject *object;
  pthread_mutex_t lock;
  pthread_cond_t  cond;
  gboolean        locked;
  gboolean        warned;
} HoldThread;

static gpointer
hold_in_thread (gpointer data)
{
  HoldThread *h = data;
  SpGuard    *guard = sp_shared_object_try_lock (h->object, SP_LOCK_MODE_EXCLUSIVE);

  g_assert_nonnull (guard);
  pthread_mutex_lock (&h->lock);
  h->locked = TRUE;
  pthread_cond_broadcast (&h->cond);
  while (!h->warned)
    pthread_cond_wait (&h->cond, &h->lock);
  pthread_mutex_unlock (&h->lock);
  sp_guard_release (guard);
  sp_guard_unref (guard);

  return NULL;
}

static void
test_hold_warning (void)
{
  HoldThread hold_thread = { NULL, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, FALSE,
                             FALSE };
  GThread   *worker;
  g_autoptr (SpSharedObject) object = sp_shared_object_new_full (G_TYPE_INT, "slow", NULL, NULL);
  guint    handler;
  SpGuard *guard, *quick;
  gboolean passed = FALSE;

  g_test_log_set_fatal_handler (hold_messages_not_fatal, NULL);
  /* GTest makes warnings fatal; the handler must take the FATAL flag too. */
  handler = g_log_set_handler ("Sharedpotato",
                               G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_FLAG_FATAL,
                               catch_message, NULL);

  sp_shared_object_set_hold_warning_ms (object, 5);
  g_assert_cmpint (sp_shared_object_get_hold_warning_ms (object), ==, 5);

  /* Released in time: never a warning, even after the threshold passed. */
  quick = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  sp_guard_unref (quick);
  g_timeout_add (20, set_flag, &passed);
  iterate_until (&passed);
  g_assert_cmpuint (caught.warnings, ==, 0);

  /* Held too long: one warning naming the object, the holder and the time. */
  guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  sp_guard_set_label (guard, "loading the configuration");
  while (caught.warnings == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (caught.last, "“slow”"));
  g_assert_nonnull (strstr (caught.last, "exclusive lock taken by loading the configuration"));
  g_assert_nonnull (strstr (caught.last, "held for"));

  /* And a record when it is finally released. */
  sp_guard_release (guard);
  g_assert_cmpuint (caught.warnings, ==, 1);
  g_assert_cmpuint (caught.messages, ==, 1);
  g_assert_nonnull (strstr (caught.last, "released after"));
  sp_guard_unref (guard);

  /* Off again: nothing. */
  sp_shared_object_set_hold_warning_ms (object, 0);
  guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  passed = FALSE;
  g_timeout_add (20, set_flag, &passed);
  iterate_until (&passed);
  sp_guard_unref (guard);
  g_assert_cmpuint (caught.warnings, ==, 1);

  /* A guard taken and released in another thread: the warning still
   * comes from the owner context, and the release says so in its thread. */
  sp_shared_object_set_hold_warning_ms (object, 1);
  hold_thread.object = object;
  worker = g_thread_new ("holder", hold_in_thread, &hold_thread);
  pthread_mutex_lock (&hold_thread.lock);
  while (!hold_thread.locked)
    pthread_cond_wait (&hold_thread.cond, &hold_thread.lock);
  pthread_mutex_unlock (&hold_thread.lock);
  while (caught.warnings == 1)
    g_main_context_iteration (NULL, TRUE);
  pthread_mutex_lock (&hold_thread.lock);
  hold_thread.warned = TRUE;
  pthread_cond_broadcast (&hold_thread.cond);
  pthread_mutex_unlock (&hold_thread.lock);
  g_thread_join (worker);
  g_assert_cmpuint (caught.warnings, ==, 2);
  g_assert_cmpuint (caught.messages, ==, 2);
  g_assert_nonnull (strstr (caught.last, "released after"));

  g_log_remove_handler ("Sharedpotato", handler);
  g_test_log_set_fatal_handler (NULL, NULL);
  g_clear_pointer (&caught.last, g_free);
}

static void
test_bad_input (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*hold_warning_ms >= 0*");
  sp_shared_object_set_hold_warning_ms (object, -1);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*SP_IS_SHARED_OBJECT*");
  g_assert_null (sp_shared_object_get_stats (NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*stats != NULL*");
  g_assert_null (sp_stats_copy (NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*SP_IS_GUARD*");
  sp_guard_set_label (NULL, "x");
  g_test_assert_expected_messages ();
  sp_stats_free (NULL);
  g_assert_cmpint (sp_shared_object_get_hold_warning_ms (object), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/Stats/scripted", test_scripted);
  g_test_add_func ("/Sharedpotato/Stats/two-threads-exact", test_two_threads_exact);
  g_test_add_func ("/Sharedpotato/Stats/measure-hold-times", test_measure_hold_times);
  g_test_add_func ("/Sharedpotato/Stats/measure-hold-times/only-when-on",
                   test_hold_times_counted_only_when_measured);
  g_test_add_func ("/Sharedpotato/Stats/settings-keep-nothing-alive",
                   test_settings_keep_nothing_alive);
  g_test_add_func ("/Sharedpotato/Stats/hold-warning", test_hold_warning);
  g_test_add_func ("/Sharedpotato/Stats/bad-input", test_bad_input);

  return g_test_run ();
}
