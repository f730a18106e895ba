/* test-stress.c: a seeded multi-thread workload checked against a model
 *
 * SPDX-License-Identifier: MIT
 *
 * Three worker threads, each with its own main context, plus the creator's
 * context and a canceller thread, issue a random mix of every call on
 * several objects: get, peek, set, clear, shared and exclusive locks (some
 * held across iterations), try_get, try_lock, the blocking twins, random
 * timeouts (1 ms among them) and cancellations before the call, while it
 * waits and racing its grant from another thread. Midway, the creator
 * closes one object.
 *
 * The model and its invariants:
 *  - a "counter" object only ever grows by one, inside an exclusive guard:
 *    the value an exclusive or shared holder reads is exactly the number of
 *    increments committed so far, and at the end the value equals the
 *    number of increments that succeeded (no grant lost, none doubled);
 *  - never a writer together with anyone else, counted by the holders;
 *  - FIFO: within one thread, two calls that conflict and both succeed
 *    complete in the order they were made;
 *  - every call completes exactly once, with success, TIMED_OUT,
 *    CANCELLED or CLOSED; a "register" object only ever holds a value
 *    somebody set;
 *  - at the end nothing is held, everything can be locked, and every
 *    object is finalized.
 *
 * SP_STRESS_SEED=n reproduces a run; SP_STRESS_OPS=n sets its length (the
 * default is short, for the test suite; see the README for the long run).
 */

#include <stdlib.h>

#include <sharedpotato.h>

#define N_WORKERS      3
#define IN_FLIGHT      6
#define N_COUNTERS     2

typedef struct
{
  SpSharedObject *object;
  int             committed;       /* increments done, under the exclusive lock */
  int             succeeded;       /* increments whose call succeeded */
  int             readers;         /* shared holders right now */
  int             writers;         /* exclusive holders right now */
} Counter;

typedef struct
{
  SpSharedObject *object;
  gboolean        closing;
} Register;

typedef struct Worker Worker;

typedef enum
{
  KIND_READ,       /* conflicts only with writes */
  KIND_WRITE,
} Kind;

typedef struct
{
  Worker       *worker;
  Counter      *counter;
  Kind          kind;
  guint         seq;              /* issue order within the worker */
  GCancellable *cancellable;
  gboolean      hold;             /* keep the guard a few iterations */
} Call;

struct Worker
{
  guint         id;
  GRand        *rand;
  GMainContext *context;
  guint         ops_left;
  guint         in_flight;
  int           issued;
  int           completed;        /* read by the creator thread */
  guint         next_seq;
  guint         held;             /* guards kept across iterations now */
  /* Per counter: only calls on one object are ordered. */
  guint         last_write_done[N_COUNTERS]; /* seq of the last successful write */
  guint         last_done[N_COUNTERS];       /* seq of the last successful call */
  GThread      *thread;
};

static Counter       counters[N_COUNTERS];
static Register      reg;
static GAsyncQueue  *to_cancel;
static int           outcomes[4];  /* success, timed out, cancelled, closed */
static guint         total_ops;

static void
note_outcome (const GError *error)
{
  guint slot = 0;

  if (error != NULL)
    {
      g_assert_true (error->domain == G_IO_ERROR);
      switch (error->code)
        {
        case G_IO_ERROR_TIMED_OUT: slot = 1; break;
        case G_IO_ERROR_CANCELLED: slot = 2; break;
        case G_IO_ERROR_CLOSED:    slot = 3; break;
        default:
          g_error ("unexpected error %d: %s", error->code, error->message);
        }
    }

  /* Atomics: TSan cannot see GLib 2.74's GMutex. */
  g_atomic_int_inc (&outcomes[slot]);
}

/* FIFO within a worker: a successful call must not complete after a later
 * successful call it conflicts with. Reads after reads may reorder only
 * when granted together, which delivers them in order anyway. */
static void
check_order (Call *call)
{
  Worker *w = call->worker;
  guint i = call->counter - counters;

  if (call->kind == KIND_WRITE)
    g_assert_cmpuint (call->seq, >, w->last_done[i]);
  else
    g_assert_cmpuint (call->seq, >, w->last_write_done[i]);

  w->last_done[i] = MAX (w->last_done[i], call->seq);
  if (call->kind == KIND_WRITE)
    w->last_write_done[i] = MAX (w->last_write_done[i], call->seq);
}

static int
read_int (SpGuard *guard)
{
  GValue value = G_VALUE_INIT;
  int v;

  g_assert_true (sp_guard_get_value (guard, &value));
  v = g_value_get_int (&value);
  g_value_unset (&value);
  return v;
}

static void
enter_shared (Counter *c, SpGuard *guard)
{
  g_assert_cmpint (g_atomic_int_add (&c->readers, 1), >=, 0);
  g_assert_cmpint (g_atomic_int_get (&c->writers), ==, 0);
  /* No writer: the value is exactly what the model committed. */
  g_assert_cmpint (read_int (guard), ==, g_atomic_int_get (&c->committed));
}

static void
leave_shared (Counter *c, SpGuard *guard)
{
  g_atomic_int_add (&c->readers, -1);
  sp_guard_release (guard);
  sp_guard_unref (guard);
}

static void
enter_exclusive_and_increment (Counter *c, SpGuard *guard)
{
  GValue value = G_VALUE_INIT;
  int v;

  g_assert_cmpint (g_atomic_int_add (&c->writers, 1), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&c->readers), ==, 0);
  v = read_int (guard);
  g_assert_cmpint (v, ==, g_atomic_int_get (&c->committed));
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, v + 1);
  g_assert_true (sp_guard_set_value (guard, &value, NULL));
  g_value_unset (&value);
  g_atomic_int_inc (&c->committed);
  g_atomic_int_inc (&c->succeeded);
}

static void
leave_exclusive (Counter *c, SpGuard *guard)
{
  g_atomic_int_add (&c->writers, -1);
  sp_guard_release (guard);
  sp_guard_unref (guard);
}

static void worker_issue (Worker *w);

static void
call_done (Call *call)
{
  Worker *w = call->worker;

  g_clear_object (&call->cancellable);
  g_free (call);
  g_atomic_int_inc (&w->completed);
  g_main_context_wakeup (NULL);  /* the creator watches the progress */
  w->in_flight--;
  if (w->ops_left > 0)
    worker_issue (w);
}

typedef struct
{
  Call    *call;
  SpGuard *guard;
  guint    iterations;
} Held;

static gboolean
release_held (gpointer data)
{
  Held *held = data;

  if (held->iterations-- > 0)
    return G_SOURCE_CONTINUE;

  if (held->call->kind == KIND_WRITE)
    leave_exclusive (held->call->counter, held->guard);
  else
    leave_shared (held->call->counter, held->guard);
  held->call->worker->held--;
  call_done (held->call);
  g_free (held);
  return G_SOURCE_REMOVE;
}

static void
lock_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  g_autoptr(GError) error = NULL;
  SpGuard *guard = sp_shared_object_lock_finish (SP_SHARED_OBJECT (source), result, &error);

  note_outcome (error);
  if (guard == NULL)
    {
      call_done (call);
      return;
    }

  check_order (call);
  if (call->kind == KIND_WRITE)
    enter_exclusive_and_increment (call->counter, guard);
  else
    enter_shared (call->counter, guard);

  if (call->hold)
    {
      Held *held = g_new0 (Held, 1);
      GSource *idle = g_idle_source_new ();

      held->call = call;
      held->guard = guard;
      call->worker->held++;
      held->iterations = g_rand_int_range (call->worker->rand, 1, 4);
      g_source_set_callback (idle, release_held, held, NULL);
      g_source_attach (idle, call->worker->context);
      g_source_unref (idle);
      return;
    }

  if (call->kind == KIND_WRITE)
    leave_exclusive (call->counter, guard);
  else
    leave_shared (call->counter, guard);
  call_done (call);
}

static void
get_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  g_autoptr(GError) error = NULL;
  GValue value = G_VALUE_INIT;

  if (sp_shared_object_get_finish (SP_SHARED_OBJECT (source), result, &value, &error))
    {
      check_order (call);
      g_assert_cmpint (g_value_get_int (&value), <=, g_atomic_int_get (&call->counter->committed));
    }
  g_value_unset (&value);
  note_outcome (error);
  call_done (call);
}

static void
peek_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  g_autoptr(GError) error = NULL;
  gboolean initialized = FALSE;
  GValue value = G_VALUE_INIT;

  if (sp_shared_object_peek_finish (SP_SHARED_OBJECT (source), result, &initialized, &value, &error))
    {
      check_order (call);
      g_assert_true (initialized);
    }
  g_value_unset (&value);
  note_outcome (error);
  call_done (call);
}

static void
register_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  g_autoptr(GError) error = NULL;
  GValue value = G_VALUE_INIT;

  /* The register holds its default (-1) or a value some worker set. */
  if (g_task_get_source_tag (G_TASK (result)) == sp_shared_object_get_async)
    {
      if (sp_shared_object_get_finish (SP_SHARED_OBJECT (source), result, &value, &error))
        g_assert_cmpint (g_value_get_int (&value), >=, -1);
      g_value_unset (&value);
    }
  else if (g_task_get_source_tag (G_TASK (result)) == sp_shared_object_set_async)
    sp_shared_object_set_finish (SP_SHARED_OBJECT (source), result, &error);
  else
    sp_shared_object_clear_finish (SP_SHARED_OBJECT (source), result, &error);

  if (error != NULL && g_atomic_int_get (&reg.closing) == FALSE)
    g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED));
  note_outcome (error);
  call_done (call);
}

static int
random_timeout (GRand *rand)
{
  static const int timeouts[] = { 0, 0, 1, 2, 5, 20 };

  return timeouts[g_rand_int_range (rand, 0, G_N_ELEMENTS (timeouts))];
}

/* Before the call, right after it (while it waits), from the canceller
 * thread (racing the grant), or never. */
static GCancellable *
random_cancellable (GRand *rand, gboolean *cancel_after)
{
  GCancellable *cancellable;
  int how = g_rand_int_range (rand, 0, 10);

  *cancel_after = FALSE;
  if (how >= 4)
    return NULL;

  cancellable = g_cancellable_new ();
  if (how == 0)
    g_cancellable_cancel (cancellable);
  else if (how == 1)
    *cancel_after = TRUE;
  else
    g_async_queue_push (to_cancel, g_object_ref (cancellable));

  return cancellable;
}

static void
worker_issue (Worker *w)
{
  Call *call = g_new0 (Call, 1);
  Counter *c = &counters[g_rand_int_range (w->rand, 0, N_COUNTERS)];
  int timeout = random_timeout (w->rand);
  gboolean cancel_after;
  GValue value = G_VALUE_INIT;
  SpGuard *guard;

  w->ops_left--;
  w->issued++;
  w->in_flight++;
  call->worker = w;
  call->counter = c;
  call->seq = ++w->next_seq;
  call->cancellable = random_cancellable (w->rand, &cancel_after);

  switch (g_rand_int_range (w->rand, 0, 12))
    {
    case 0:
    case 1:
      call->kind = KIND_READ;
      sp_shared_object_get_async (c->object, timeout, call->cancellable, get_done, call);
      break;

    case 2:
      call->kind = KIND_READ;
      sp_shared_object_peek_async (c->object, timeout, call->cancellable, peek_done, call);
      break;

    case 3:
    case 4:
      call->kind = KIND_READ;
      call->hold = g_rand_boolean (w->rand);
      sp_shared_object_lock_async (c->object, SP_LOCK_MODE_SHARED, timeout, call->cancellable,
                                   lock_done, call);
      break;

    case 5:
    case 6:
    case 7:
      call->kind = KIND_WRITE;
      call->hold = g_rand_int_range (w->rand, 0, 4) == 0;
      sp_shared_object_lock_async (c->object, SP_LOCK_MODE_EXCLUSIVE, timeout, call->cancellable,
                                   lock_done, call);
      break;

    case 8:
      /* The fast paths complete at once, in order with nothing. */
      if (sp_shared_object_try_get (c->object, &value))
        {
          g_assert_cmpint (g_value_get_int (&value), <=, g_atomic_int_get (&c->committed));
          g_value_unset (&value);
        }
      guard = sp_shared_object_try_lock (c->object, SP_LOCK_MODE_EXCLUSIVE);
      if (guard != NULL)
        {
          enter_exclusive_and_increment (c, guard);
          leave_exclusive (c, guard);
        }
      note_outcome (NULL);
      call_done (call);
      return;

    case 9:
      /* A blocking twin. Not while this worker keeps a guard: blocked, it
       * could not release it, and would wait for itself until the timeout
       * (correct, but it makes long runs crawl). */
      if (w->held > 0)
        {
          note_outcome (NULL);
          call_done (call);
          return;
        }
      guard = sp_shared_object_lock_sync (c->object, SP_LOCK_MODE_EXCLUSIVE, 20, NULL, NULL);
      if (guard != NULL)
        {
          enter_exclusive_and_increment (c, guard);
          leave_exclusive (c, guard);
        }
      note_outcome (NULL);
      call_done (call);
      return;

    default:
      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, g_rand_int_range (w->rand, 0, 1000));
      if (g_rand_boolean (w->rand))
        sp_shared_object_set_async (reg.object, &value, timeout, call->cancellable, register_done, call);
      else if (g_rand_boolean (w->rand))
        sp_shared_object_get_async (reg.object, timeout, call->cancellable, register_done, call);
      else
        sp_shared_object_clear_async (reg.object, timeout, call->cancellable, register_done, call);
      g_value_unset (&value);
      break;
    }

  if (cancel_after)
    g_cancellable_cancel (call->cancellable);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;

  g_main_context_push_thread_default (w->context);
  for (guint i = 0; i < IN_FLIGHT && w->ops_left > 0; i++)
    worker_issue (w);
  while (w->in_flight > 0)
    g_main_context_iteration (w->context, TRUE);
  g_main_context_pop_thread_default (w->context);

  return NULL;
}

static gpointer
canceller_thread (gpointer data)
{
  GRand *rand = data;
  GCancellable *cancellable;

  while ((cancellable = g_async_queue_pop (to_cancel)) != (gpointer) to_cancel)
    {
      /* Somewhere between before the grant and after the delivery. */
      for (int spin = g_rand_int_range (rand, 0, 2000); spin > 0; spin--)
        g_atomic_int_get (&counters[0].committed);
      g_cancellable_cancel (cancellable);
      g_object_unref (cancellable);
    }

  return NULL;
}

static void
closed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_assert_true (sp_shared_object_close_finish (SP_SHARED_OBJECT (source), result, NULL));
  *(gboolean *) data = TRUE;
}

static void
count_finalized (gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_inc ((int *) data);
}

static void
test_stress (void)
{
  const char *seed_env = g_getenv ("SP_STRESS_SEED");
  const char *ops_env = g_getenv ("SP_STRESS_OPS");
  guint32 seed = seed_env ? (guint32) strtoul (seed_env, NULL, 10) : (guint32) g_test_rand_int ();
  guint ops = ops_env ? (guint) strtoul (ops_env, NULL, 10) : 6000;
  Worker workers[N_WORKERS] = { 0 };
  GRand *canceller_rand = g_rand_new_with_seed (seed ^ 0x5eed);
  GThread *canceller;
  GValue value = G_VALUE_INIT;
  gboolean closed = FALSE;
  int finalized = 0;

  /* Printed first, so that a failure can be replayed. */
  g_test_message ("SP_STRESS_SEED=%" G_GUINT32_FORMAT " SP_STRESS_OPS=%u", seed, ops);
  g_printerr ("stress: SP_STRESS_SEED=%" G_GUINT32_FORMAT " SP_STRESS_OPS=%u\n", seed, ops);

  g_value_init (&value, G_TYPE_INT);
  for (guint i = 0; i < N_COUNTERS; i++)
    {
      counters[i] = (Counter) { 0 };
      counters[i].object = sp_shared_object_new_with_value (&value);
      g_object_weak_ref (G_OBJECT (counters[i].object), count_finalized, &finalized);
    }
  g_value_set_int (&value, -1);
  reg.object = sp_shared_object_new_full (G_TYPE_INT, "register", NULL, &value);
  reg.closing = FALSE;
  g_object_weak_ref (G_OBJECT (reg.object), count_finalized, &finalized);
  g_value_unset (&value);

  to_cancel = g_async_queue_new ();
  canceller = g_thread_new ("canceller", canceller_thread, canceller_rand);

  for (guint i = 0; i < N_WORKERS; i++)
    {
      workers[i].id = i;
      workers[i].rand = g_rand_new_with_seed (seed + i);
      workers[i].context = g_main_context_new ();
      workers[i].ops_left = ops / N_WORKERS;
      workers[i].thread = g_thread_new ("stress-worker", worker_thread, &workers[i]);
    }

  /* The creator's context runs the signals; midway it closes the register. */
  while (TRUE)
    {
      guint done = 0, all = 0;

      for (guint i = 0; i < N_WORKERS; i++)
        {
          done += g_atomic_int_get (&workers[i].completed);
          all += ops / N_WORKERS;
        }
      if (!g_atomic_int_get (&reg.closing) && done >= all / 2)
        {
          g_atomic_int_set (&reg.closing, TRUE);
          sp_shared_object_close_async (reg.object, 0, NULL, closed_cb, &closed);
        }
      if (done == all)
        break;
      g_main_context_iteration (NULL, TRUE);
    }

  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_thread_join (workers[i].thread);
      g_assert_cmpint (workers[i].issued, ==, workers[i].completed);
      total_ops += workers[i].issued;
    }
  g_async_queue_push (to_cancel, to_cancel);
  g_thread_join (canceller);
  while (!closed)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < N_COUNTERS; i++)
    {
      g_autoptr(SpStats) stats = sp_shared_object_get_stats (counters[i].object);
      SpGuard *guard;

      /* No grant lost: nobody holds it, and it can be taken. */
      g_assert_cmpuint (stats->current_readers, ==, 0);
      g_assert_false (stats->current_writer);
      g_assert_cmpuint (stats->queue_length, ==, 0);
      guard = sp_shared_object_try_lock (counters[i].object, SP_LOCK_MODE_EXCLUSIVE);
      g_assert_nonnull (guard);
      /* None doubled, none lost: the value counts the successful writes. */
      g_assert_cmpint (read_int (guard), ==, counters[i].succeeded);
      sp_guard_unref (guard);
    }

  g_test_message ("%u operations: %d succeeded, %d timed out, %d cancelled, %d closed",
                  total_ops, outcomes[0], outcomes[1], outcomes[2], outcomes[3]);
  g_printerr ("stress: %u operations: %d succeeded, %d timed out, %d cancelled, %d closed, "
              "0 invariant violations\n",
              total_ops, outcomes[0], outcomes[1], outcomes[2], outcomes[3]);

  for (guint i = 0; i < N_WORKERS; i++)
    {
      /* Drain what the workers' contexts still owe (closures of
       * completed calls), then let them go. */
      while (g_main_context_iteration (workers[i].context, FALSE))
        ;
      g_main_context_unref (workers[i].context);
      g_rand_free (workers[i].rand);
    }
  for (guint i = 0; i < N_COUNTERS; i++)
    g_object_unref (counters[i].object);
  g_object_unref (reg.object);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (finalized, ==, N_COUNTERS + 1);

  g_async_queue_unref (to_cancel);
  g_rand_free (canceller_rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/Stress/model", test_stress);

  return g_test_run ();
}
