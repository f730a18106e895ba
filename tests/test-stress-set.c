/* test-stress-set.c: a seeded multi-thread workload on a SpSharedSet,
 * checked against a model
 *
 * SPDX-License-Identifier: MIT
 *
 * Worker threads, each with its own main context, issue a random mix of
 * every set call: add, discard, contains, size, snapshot and clear... but
 * no clear, which would make the model global; async calls several at a
 * time, try_ calls, and blocking twins when none of the worker's calls is
 * in flight. Timeouts are random (1 ms among them); cancellables are
 * cancelled before the call, or later by the main thread, racing the
 * grant. The main thread runs the set's owner context and, now and then,
 * holds the lock through a call made from a context it does not iterate,
 * so that queued calls time out.
 *
 * The model: each worker alone adds and discards the items of its own
 * range of integers, and every operation runs in its callback, in the
 * worker's thread, so the worker knows exactly what its items are:
 *  - add reports "new" and discard "was there" exactly when the model
 *    says so, contains on its own items agrees with the model, and a call
 *    that failed (TIMED_OUT, CANCELLED, CLOSED, WOULD_BLOCK) changed
 *    nothing;
 *  - a snapshot holds distinct items of the domain; a size is within it;
 *  - ::item-added and ::item-removed run in the owner context and, per
 *    item, alternate +, -, +, ...; their number equals the adds and
 *    discards that changed something, plus one removal per item left at
 *    close;
 *  - the timeouts counted in the set's stats are the TIMED_OUT results;
 *  - at the end the set closes, every item leaves through ::item-removed,
 *    and the set is finalized.
 *
 * SP_STRESS_SEED=n reproduces a run; SP_STRESS_OPS=n sets its length.
 */

#include <stdlib.h>

#include <sharedpotato.h>

#define N_WORKERS  3
#define PER_WORKER 8
#define DOMAIN     (N_WORKERS * PER_WORKER)
#define IN_FLIGHT  4

typedef struct
{
  guint         id;
  GRand        *rand;
  GMainContext *context;
  guint         ops_left;
  guint         in_flight;
  gboolean      present[PER_WORKER];
  int           changes;     /* adds and discards that changed the set */
  int           timeouts;
  GThread      *thread;
} Worker;

typedef enum { OP_ADD, OP_DISCARD, OP_CONTAINS, OP_SIZE, OP_SNAPSHOT, N_OPS } Op;

typedef struct
{
  Worker       *worker;
  Op            op;
  int           item;        /* -1 for size and snapshot */
  GCancellable *cancellable;
} Call;

static SpSharedSet *set;
static GAsyncQueue *to_cancel;
static GThread     *owner_thread;
static int          workers_running;
/* Touched only in the owner context. */
static int          balance[DOMAIN];
static int          signals_seen;

static void
item_signal (SpSharedSet *s, const GValue *item, gpointer data)
{
  int n = g_value_get_int (item);
  int sign = GPOINTER_TO_INT (data);

  g_assert_true (g_thread_self () == owner_thread);
  g_assert_cmpint (n, >=, 0);
  g_assert_cmpint (n, <, DOMAIN);
  balance[n] += sign;
  /* Per item, the signals alternate, starting with ::item-added. */
  g_assert_cmpint (balance[n], >=, 0);
  g_assert_cmpint (balance[n], <=, 1);
  signals_seen++;
}

static gboolean
is_expected_failure (const GError *error, Worker *w)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      w->timeouts++;
      return TRUE;
    }
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

static void
check_snapshot (GValue *items, guint n)
{
  gboolean seen[DOMAIN] = { FALSE };

  g_assert_cmpuint (n, <=, DOMAIN);
  for (guint i = 0; i < n; i++)
    {
      int item = g_value_get_int (&items[i]);

      g_assert_cmpint (item, >=, 0);
      g_assert_cmpint (item, <, DOMAIN);
      g_assert_false (seen[item]);
      seen[item] = TRUE;
    }
  sp_set_snapshot_free (items, n);
}

/* Checks an outcome against the model and applies it. */
static void
apply (Worker *w, Op op, int item, gboolean ok, gboolean flag, const GError *error)
{
  int own = item - (int) w->id * PER_WORKER;
  gboolean mine = own >= 0 && own < PER_WORKER;

  if (!ok)
    {
      g_assert_nonnull (error);
      g_assert_true (is_expected_failure (error, w));
      return;
    }

  switch (op)
    {
    case OP_ADD:
      g_assert_true (mine);
      g_assert_cmpint (flag, ==, !w->present[own]);
      w->changes += flag;
      w->present[own] = TRUE;
      break;
    case OP_DISCARD:
      g_assert_true (mine);
      g_assert_cmpint (flag, ==, w->present[own]);
      w->changes += flag;
      w->present[own] = FALSE;
      break;
    case OP_CONTAINS:
      if (mine)
        g_assert_cmpint (flag, ==, w->present[own]);
      break;
    case OP_SIZE:
    case OP_SNAPSHOT:
    case N_OPS:
    default:
      break;
    }
}

static void
call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  Worker *w = call->worker;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE, flag = FALSE;
  GValue *items;
  guint size = 0;

  switch (call->op)
    {
    case OP_ADD:
      ok = sp_shared_set_add_finish (set, result, &flag, &error);
      break;
    case OP_DISCARD:
      ok = sp_shared_set_discard_finish (set, result, &flag, &error);
      break;
    case OP_CONTAINS:
      ok = sp_shared_set_contains_finish (set, result, &flag, &error);
      break;
    case OP_SIZE:
      ok = sp_shared_set_size_finish (set, result, &size, &error);
      g_assert_cmpuint (size, <=, DOMAIN);
      break;
    case OP_SNAPSHOT:
      items = sp_shared_set_snapshot_finish (set, result, &size, &error);
      ok = items != NULL;
      if (ok)
        check_snapshot (items, size);
      break;
    case N_OPS:
    default:
      g_assert_not_reached ();
    }

  apply (w, call->op, call->item, ok, flag, error);
  g_clear_object (&call->cancellable);
  g_free (call);
  w->in_flight--;
}

static int
random_timeout (Worker *w)
{
  static const int timeouts[] = { 0, 0, 1, 1, 5, 50 };

  return timeouts[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (timeouts))];
}

static GCancellable *
random_cancellable (Worker *w)
{
  GCancellable *cancellable;

  switch (g_rand_int_range (w->rand, 0, 6))
    {
    case 0:
      cancellable = g_cancellable_new ();
      g_cancellable_cancel (cancellable);
      return cancellable;
    case 1:
      /* Cancelled by the main thread, racing the call. */
      cancellable = g_cancellable_new ();
      g_async_queue_push (to_cancel, g_object_ref (cancellable));
      return cancellable;
    default:
      return NULL;
    }
}

static int
random_item (Worker *w, Op op)
{
  if (op == OP_ADD || op == OP_DISCARD)
    return (int) w->id * PER_WORKER + g_rand_int_range (w->rand, 0, PER_WORKER);
  if (op == OP_CONTAINS)
    return g_rand_int_range (w->rand, 0, DOMAIN);
  return -1;
}

static void
issue_async (Worker *w)
{
  Call *call = g_new0 (Call, 1);
  g_auto(GValue) item = G_VALUE_INIT;
  int timeout = random_timeout (w);

  call->worker = w;
  call->op = g_rand_int_range (w->rand, 0, N_OPS);
  call->item = random_item (w, call->op);
  call->cancellable = random_cancellable (w);
  g_value_set_int (g_value_init (&item, G_TYPE_INT), call->item);
  w->in_flight++;

  switch (call->op)
    {
    case OP_ADD:
      sp_shared_set_add_async (set, &item, timeout, call->cancellable, call_done, call);
      break;
    case OP_DISCARD:
      sp_shared_set_discard_async (set, &item, timeout, call->cancellable, call_done, call);
      break;
    case OP_CONTAINS:
      sp_shared_set_contains_async (set, &item, timeout, call->cancellable, call_done, call);
      break;
    case OP_SIZE:
      sp_shared_set_size_async (set, timeout, call->cancellable, call_done, call);
      break;
    case OP_SNAPSHOT:
      sp_shared_set_snapshot_async (set, timeout, call->cancellable, call_done, call);
      break;
    case N_OPS:
    default:
      g_assert_not_reached ();
    }
}

/* try_ calls, or blocking twins when nothing of ours is in flight: a
 * granted call of ours waiting for this context would hold the lock. */
static void
issue_now (Worker *w)
{
  g_autoptr(GCancellable) cancellable = random_cancellable (w);
  g_autoptr(GError) error = NULL;
  g_auto(GValue) item = G_VALUE_INIT;
  Op op = g_rand_int_range (w->rand, 0, OP_SIZE);
  gboolean blocking = w->in_flight == 0 && g_rand_boolean (w->rand);
  gboolean ok = FALSE, flag = FALSE;
  int n = random_item (w, op);

  g_value_set_int (g_value_init (&item, G_TYPE_INT), n);

  switch (op)
    {
    case OP_ADD:
      ok = blocking
         ? sp_shared_set_add_sync (set, &item, random_timeout (w), cancellable, &flag, &error)
         : sp_shared_set_try_add (set, &item, &flag, &error);
      break;
    case OP_DISCARD:
      ok = blocking
         ? sp_shared_set_discard_sync (set, &item, random_timeout (w), cancellable, &flag, &error)
         : sp_shared_set_try_discard (set, &item, &flag, &error);
      break;
    case OP_CONTAINS:
      ok = blocking
         ? sp_shared_set_contains_sync (set, &item, random_timeout (w), cancellable, &flag, &error)
         : sp_shared_set_try_contains (set, &item, &flag, &error);
      break;
    case OP_SIZE:
    case OP_SNAPSHOT:
    case N_OPS:
    default:
      g_assert_not_reached ();
    }

  apply (w, op, n, ok, flag, error);
}

static gpointer
worker_run (gpointer data)
{
  Worker *w = data;

  g_main_context_push_thread_default (w->context);

  while (w->ops_left > 0 || w->in_flight > 0)
    {
      if (w->ops_left > 0 && w->in_flight < IN_FLIGHT)
        {
          w->ops_left--;
          if (g_rand_int_range (w->rand, 0, 4) == 0)
            issue_now (w);
          else
            issue_async (w);
          while (g_main_context_iteration (w->context, FALSE))
            ;
        }
      else
        {
          g_main_context_iteration (w->context, TRUE);
        }
    }

  g_main_context_pop_thread_default (w->context);
  g_atomic_int_dec_and_test (&workers_running);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
holder_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  /* No fault of its own can make it fail: the set is open, no timeout. */
  g_assert_true (sp_shared_set_size_finish (SP_SHARED_SET (source), result, NULL, &error));
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static gboolean
keep_ticking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
closed_cb (SpSharedSet *s, gpointer data)
{
  (*(int *) data)++;
}

static void
test_stress_set (void)
{
  const char *seed_env = g_getenv ("SP_STRESS_SEED");
  const char *ops_env = g_getenv ("SP_STRESS_OPS");
  guint32 seed = seed_env ? (guint32) strtoul (seed_env, NULL, 10) : (guint32) g_test_rand_int ();
  guint ops = ops_env ? (guint) strtoul (ops_env, NULL, 10) : 1500;
  Worker workers[N_WORKERS] = { 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(SpStats) stats = NULL;
  GMainContext *holder_context = NULL;
  gboolean holder_done_flag = FALSE;
  int changes = 0, timeouts = 0, closed = 0, left = 0;
  guint tick;

  g_test_message ("SP_STRESS_SEED=%u SP_STRESS_OPS=%u", seed, ops);

  owner_thread = g_thread_self ();
  memset (balance, 0, sizeof balance);
  signals_seen = 0;
  to_cancel = g_async_queue_new_full (g_object_unref);
  set = sp_shared_set_new_full (G_TYPE_INT, "stress", NULL, NULL);
  g_signal_connect (set, "item-added", G_CALLBACK (item_signal), GINT_TO_POINTER (1));
  g_signal_connect (set, "item-removed", G_CALLBACK (item_signal), GINT_TO_POINTER (-1));
  g_signal_connect (set, "closed", G_CALLBACK (closed_cb), &closed);
  g_object_add_weak_pointer (G_OBJECT (set), (gpointer *) &set);
  g_atomic_int_set (&workers_running, N_WORKERS);
  /* The main thread wakes up at least every millisecond, whether or not
   * the workers give it signals to emit. */
  tick = g_timeout_add (1, keep_ticking, NULL);

  for (guint i = 0; i < N_WORKERS; i++)
    {
      workers[i].id = i;
      workers[i].rand = g_rand_new_with_seed (seed + i + 1);
      workers[i].context = g_main_context_new ();
      workers[i].ops_left = ops;
      workers[i].thread = g_thread_new ("stress-set", worker_run, &workers[i]);
    }

  while (g_atomic_int_get (&workers_running) > 0)
    {
      GCancellable *cancellable;

      g_main_context_iteration (NULL, TRUE);

      while ((cancellable = g_async_queue_try_pop (to_cancel)) != NULL)
        {
          if (g_rand_boolean (rand))
            g_cancellable_cancel (cancellable);
          g_object_unref (cancellable);
        }

      /* Now and then, hold the lock shared for a while: writers queue
       * behind it and the short timeouts fire. */
      if (holder_context == NULL && g_rand_int_range (rand, 0, 20) == 0)
        {
          holder_context = g_main_context_new ();
          holder_done_flag = FALSE;
          g_main_context_push_thread_default (holder_context);
          sp_shared_set_size_async (set, 0, NULL, holder_done, &holder_done_flag);
          g_main_context_pop_thread_default (holder_context);
        }
      else if (holder_context != NULL && g_rand_int_range (rand, 0, 10) == 0)
        {
          while (!holder_done_flag)
            g_main_context_iteration (holder_context, TRUE);
          g_clear_pointer (&holder_context, g_main_context_unref);
        }
    }
  g_source_remove (tick);

  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_thread_join (workers[i].thread);
      changes += workers[i].changes;
      timeouts += workers[i].timeouts;
      for (guint k = 0; k < PER_WORKER; k++)
        left += workers[i].present[k];
      g_main_context_unref (workers[i].context);
      g_rand_free (workers[i].rand);
    }
  if (holder_context != NULL)
    {
      while (!holder_done_flag)
        g_main_context_iteration (holder_context, TRUE);
      g_main_context_unref (holder_context);
    }
  {
    GCancellable *cancellable;

    while ((cancellable = g_async_queue_try_pop (to_cancel)) != NULL)
      g_object_unref (cancellable);
  }

  while (signals_seen < changes)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (signals_seen, ==, changes);
  {
    int in_set = 0;

    for (guint i = 0; i < DOMAIN; i++)
      in_set += balance[i];
    g_assert_cmpint (in_set, ==, left);
  }

  stats = sp_shared_set_get_stats (set);
  g_assert_cmpuint (stats->timeouts, ==, (guint64) timeouts);
  g_assert_cmpuint (stats->current_readers, ==, 0);
  g_assert_false (stats->current_writer);
  g_test_message ("%d changes, %d timeouts, %" G_GUINT64_FORMAT " cancellations, %d left",
                  changes, timeouts, stats->cancellations, left);

  /* Closing drains: every item left goes through ::item-removed. */
  g_object_unref (set);
  while (set != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (closed, ==, 1);
  g_assert_cmpint (signals_seen, ==, changes + left);
  for (guint i = 0; i < DOMAIN; i++)
    g_assert_cmpint (balance[i], ==, 0);

  g_async_queue_unref (to_cancel);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/SharedSet/stress/model", test_stress_set);

  return g_test_run ();
}
