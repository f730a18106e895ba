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
 * The model. Each worker alone adds and discards the items of its own
 * range of integers in [0, DOMAIN); nobody ever adds the "ghosts":
 * negative numbers, and numbers that differ from an item only above bit
 * 15 (a key truncated or confused in sign would alias them). A set call is performed when its grant
 * is delivered, in the caller's context, just before its callback, under the set's lock; and one
 * context delivers its grants in the order they were granted. So a worker, updating its model in
 * its callbacks, knows exactly what its own items are at the moment each of its calls is performed.
 *
 * The run is cut into rounds by a barrier that all workers reach with
 * none of their calls in flight. The plan, drawn before the workers
 * start, says which workers are writers in each round: a writer adds and
 * discards its items at will; a frozen worker makes only writes that
 * change nothing (add an item it holds, discard one it does not), which
 * still take the lock exclusively. Between the two halves of the barrier
 * every worker copies what all the workers hold; nobody changes anything
 * there. So during a round every worker knows the items of the frozen
 * workers as well as its own, and only the writers' items are unknown:
 *  - add reports "new" and discard "was there" exactly when the model
 *    says so, and a call that failed (TIMED_OUT, CANCELLED, WOULD_BLOCK)
 *    changed nothing;
 *  - contains agrees with the model on the caller's own items, on the
 *    items of every frozen worker, and on ghosts (never there); only a
 *    writer's items, seen by another worker, go unchecked;
 *  - a size lies between the known items and the known items plus every
 *    other writer's whole range, and equals the known items exactly when
 *    the caller is the round's only writer or there is none (the other
 *    workers' calls then change nothing, whatever the order);
 *  - a snapshot holds distinct items, no ghost, exactly the caller's own
 *    items and the frozen workers' items, and as many as a size would;
 *  - at each barrier, with nothing in flight anywhere, one worker checks
 *    the whole set with blocking calls: size and snapshot exactly, and
 *    contains on every item and ghost;
 *  - ::item-added and ::item-removed run in the owner context and, per
 *    item, alternate +, -, +, ...; their number equals the adds and
 *    discards that changed something, plus one removal per item left at
 *    close;
 *  - the timeouts counted in the set's stats are the TIMED_OUT results;
 *  - at the end the set closes, every item leaves through ::item-removed,
 *    and the set is finalized.
 *
 * Threads meet through a pthread barrier and atomics, which
 * ThreadSanitizer sees.
 *
 * SP_STRESS_SEED=n reproduces a run (the plan and each thread's choices
 * come from generators seeded from it; the interleaving is the
 * scheduler's); SP_STRESS_OPS=n sets its length.
 */

#include <pthread.h>
#include <stdlib.h>

#include <sharedpotato.h>

#define N_WORKERS 3
#define PER_WORKER 8
#define DOMAIN (N_WORKERS * PER_WORKER)
#define N_GHOSTS (2 * DOMAIN)
#define IN_FLIGHT 4

typedef struct
{
  guint    ops; /* per worker */
  gboolean writer[N_WORKERS];
} Round;

typedef struct
{
  guint         id;
  GRand        *rand;
  GMainContext *context;
  guint         ops_left;
  guint         in_flight;
  gboolean      present[PER_WORKER];
  const Round  *round;
  gboolean      known[DOMAIN]; /* everybody's items at the round's start */
  int           changes;       /* adds and discards that changed the set */
  int           timeouts;
  /* How often the model could say more than "a boolean", "a number". */
  int      exact_sizes, bounded_sizes, snapshots;
  int      foreign_contains, ghost_contains, quiescent_checks;
  GThread *thread;
} Worker;

typedef enum
{
  OP_ADD,
  OP_DISCARD,
  OP_CONTAINS,
  OP_SIZE,
  OP_SNAPSHOT,
  N_OPS
} Op;

typedef struct
{
  Worker       *worker;
  Op            op;
  int           item; /* -1 for size and snapshot */
  GCancellable *cancellable;
} Call;

static SpSharedSet *set;
static GAsyncQueue *to_cancel;
static GThread     *owner_thread;
static int          workers_running;
/* Written before the workers start. */
static Worker            workers[N_WORKERS];
static Round            *rounds;
static guint             n_rounds;
static pthread_barrier_t barrier;
/* Touched only in the owner context. */
static int balance[DOMAIN];
static int signals_seen;

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

/* The model ---------------------------------------------------------------- */

/* @k in [0, N_GHOSTS): -1 - k, or an item plus 0x10000. */
static int
ghost (int k)
{
  return k < DOMAIN ? -1 - k : 0x10000 + (k - DOMAIN);
}

static int
owner_of (int item)
{
  return item >= 0 && item < DOMAIN ? item / PER_WORKER : -1;
}

static guint
own_count (Worker *w)
{
  guint n = 0;

  for (guint k = 0; k < PER_WORKER; k++)
    n += w->present[k];
  return n;
}

/* Whether @w knows if @item is in the set now, and if so, in *@there. */
static gboolean
model_knows (Worker *w, int item, gboolean *there)
{
  int owner = owner_of (item);

  if (owner < 0)
    *there = FALSE; /* a ghost */
  else if (owner == (int) w->id)
    *there = w->present[item % PER_WORKER];
  else if (!w->round->writer[owner])
    *there = w->known[item]; /* frozen for the whole round */
  else
    return FALSE;

  return TRUE;
}

/* What a size performed now can be, in @w's eyes. */
static void
size_bounds (Worker *w, guint *lo, guint *hi)
{
  *lo = *hi = own_count (w);
  for (guint v = 0; v < N_WORKERS; v++)
    {
      guint n = 0;

      if (v == w->id)
        continue;
      if (w->round->writer[v])
        {
          *hi += PER_WORKER;
          continue;
        }
      for (guint k = 0; k < PER_WORKER; k++)
        n += w->known[v * PER_WORKER + k];
      *lo += n;
      *hi += n;
    }
}

static void
check_size (Worker *w, guint size)
{
  guint lo, hi;

  size_bounds (w, &lo, &hi);
  g_assert_cmpuint (size, >=, lo);
  g_assert_cmpuint (size, <=, hi);
  if (lo == hi)
    w->exact_sizes++;
  else
    w->bounded_sizes++;
}

static void
check_contains (Worker *w, int item, gboolean flag)
{
  gboolean there;

  if (!model_knows (w, item, &there))
    return;
  g_assert_cmpint (flag, ==, there);
  if (owner_of (item) < 0)
    w->ghost_contains++;
  else if (owner_of (item) != (int) w->id)
    w->foreign_contains++;
}

/* Takes @items. */
static void
check_snapshot (Worker *w, GValue *items, guint n)
{
  gboolean seen[DOMAIN] = { FALSE };

  check_size (w, n);
  for (guint i = 0; i < n; i++)
    {
      int item = g_value_get_int (&items[i]);

      g_assert_cmpint (item, >=, 0);
      g_assert_cmpint (item, <, DOMAIN);
      g_assert_false (seen[item]);
      seen[item] = TRUE;
    }
  for (int item = 0; item < DOMAIN; item++)
    {
      gboolean there;

      if (model_knows (w, item, &there))
        g_assert_cmpint (seen[item], ==, there);
    }
  w->snapshots++;
  sp_set_snapshot_free (items, n);
}

/* Checks an outcome against the model and applies it. */
static void
apply (Worker       *w,
       Op            op,
       int           item,
       gboolean      ok,
       gboolean      flag,
       guint         size,
       GValue       *items,
       const GError *error)
{
  int      own = item - (int) w->id * PER_WORKER;
  gboolean mine = own >= 0 && own < PER_WORKER;

  if (!ok)
    {
      g_assert_nonnull (error);
      g_assert_true (is_expected_failure (error, w));
      g_assert_null (items);
      return;
    }

  switch (op)
    {
    case OP_ADD:
      g_assert_true (mine);
      g_assert_cmpint (flag, ==, !w->present[own]);
      /* A frozen worker only writes what changes nothing. */
      g_assert_true (w->round->writer[w->id] || !flag);
      w->changes += flag;
      w->present[own] = TRUE;
      break;
    case OP_DISCARD:
      g_assert_true (mine);
      g_assert_cmpint (flag, ==, w->present[own]);
      g_assert_true (w->round->writer[w->id] || !flag);
      w->changes += flag;
      w->present[own] = FALSE;
      break;
    case OP_CONTAINS:
      check_contains (w, item, flag);
      break;
    case OP_SIZE:
      check_size (w, size);
      break;
    case OP_SNAPSHOT:
      check_snapshot (w, items, size);
      break;
    case N_OPS:
    default:
      g_assert_not_reached ();
    }
}

/* Calls -------------------------------------------------------------------- */

static void
call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call   *call = data;
  Worker *w = call->worker;
  g_autoptr (GError) error = NULL;
  gboolean ok = FALSE, flag = FALSE;
  GValue  *items = NULL;
  guint    size = 0;

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
      break;
    case OP_SNAPSHOT:
      items = sp_shared_set_snapshot_finish (set, result, &size, &error);
      /* An empty set gives an empty array, not NULL. */
      ok = items != NULL;
      g_assert_true (ok == (error == NULL));
      break;
    case N_OPS:
    default:
      g_assert_not_reached ();
    }

  apply (w, call->op, call->item, ok, flag, size, items, error);
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

/* A frozen worker's write must change nothing: an add of an item it
 * holds, or a discard of one it does not hold. Its model does not change
 * during the round, so that holds whatever else it has in flight. */
static int
pick_noop_write (Worker *w, Op *op)
{
  int start = g_rand_int_range (w->rand, 0, PER_WORKER);

  for (int i = 0; i < 2 * PER_WORKER; i++)
    {
      int      k = (start + i) % PER_WORKER;
      gboolean want = i < PER_WORKER ? *op == OP_ADD : *op != OP_ADD;

      if (w->present[k] == want)
        {
          if (i >= PER_WORKER)
            *op = *op == OP_ADD ? OP_DISCARD : OP_ADD;
          return (int) w->id * PER_WORKER + k;
        }
    }
  g_assert_not_reached ();
}

/* May turn an add into a discard or back, for a frozen worker. */
static int
random_item (Worker *w, Op *op)
{
  if (*op == OP_ADD || *op == OP_DISCARD)
    {
      if (!w->round->writer[w->id])
        return pick_noop_write (w, op);
      return (int) w->id * PER_WORKER + g_rand_int_range (w->rand, 0, PER_WORKER);
    }
  /* A ghost once in four. */
  if (*op == OP_CONTAINS && g_rand_int_range (w->rand, 0, 4) == 0)
    return ghost (g_rand_int_range (w->rand, 0, N_GHOSTS));
  if (*op == OP_CONTAINS)
    return g_rand_int_range (w->rand, 0, DOMAIN);
  return -1;
}

static void
issue_async (Worker *w)
{
  Call *call = g_new0 (Call, 1);
  g_auto (GValue) item = G_VALUE_INIT;
  int timeout = random_timeout (w);

  call->worker = w;
  call->op = g_rand_int_range (w->rand, 0, N_OPS);
  call->item = random_item (w, &call->op);
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
 * granted call of ours waiting for this context would hold the lock.
 * Size and snapshot have no try_ form. */
static void
issue_now (Worker *w)
{
  g_autoptr (GCancellable) cancellable = random_cancellable (w);
  g_autoptr (GError) error = NULL;
  g_auto (GValue) item = G_VALUE_INIT;
  gboolean blocking = w->in_flight == 0 && g_rand_boolean (w->rand);
  Op       op = g_rand_int_range (w->rand, 0, blocking ? N_OPS : OP_SIZE);
  gboolean ok = FALSE, flag = FALSE;
  GValue  *items = NULL;
  guint    size = 0;
  int      n = random_item (w, &op);

  g_value_set_int (g_value_init (&item, G_TYPE_INT), n);

  switch (op)
    {
    case OP_ADD:
      ok = blocking
               ? sp_shared_set_add_sync (set, &item, random_timeout (w), cancellable, &flag, &error)
               : sp_shared_set_try_add (set, &item, &flag, &error);
      break;
    case OP_DISCARD:
      ok = blocking ? sp_shared_set_discard_sync (set, &item, random_timeout (w), cancellable,
                                                  &flag, &error)
                    : sp_shared_set_try_discard (set, &item, &flag, &error);
      break;
    case OP_CONTAINS:
      ok = blocking ? sp_shared_set_contains_sync (set, &item, random_timeout (w), cancellable,
                                                   &flag, &error)
                    : sp_shared_set_try_contains (set, &item, &flag, &error);
      break;
    case OP_SIZE:
      ok = sp_shared_set_size_sync (set, random_timeout (w), cancellable, &size, &error);
      break;
    case OP_SNAPSHOT:
      items = sp_shared_set_snapshot_sync (set, random_timeout (w), cancellable, &size, &error);
      ok = items != NULL;
      g_assert_true (ok == (error == NULL));
      break;
    case N_OPS:
    default:
      g_assert_not_reached ();
    }

  apply (w, op, n, ok, flag, size, items, error);
}

/* Rounds ------------------------------------------------------------------- */

/* Nothing in flight anywhere, nothing changing: the whole set is known.
 * Blocking calls without timeout nor cancellable cannot fail. */
static void
check_quiescent (Worker *w)
{
  g_autoptr (GError) error = NULL;
  gboolean expected[DOMAIN] = { FALSE };
  gboolean seen[DOMAIN] = { FALSE };
  guint    total = 0, size = 0;
  GValue  *items;

  for (guint v = 0; v < N_WORKERS; v++)
    for (guint k = 0; k < PER_WORKER; k++)
      {
        expected[v * PER_WORKER + k] = workers[v].present[k];
        total += workers[v].present[k];
      }

  g_assert_true (sp_shared_set_size_sync (set, 0, NULL, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, total);

  items = sp_shared_set_snapshot_sync (set, 0, NULL, &size, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, total);
  for (guint i = 0; i < size; i++)
    {
      int item = g_value_get_int (&items[i]);

      g_assert_cmpint (item, >=, 0);
      g_assert_cmpint (item, <, DOMAIN);
      g_assert_false (seen[item]);
      g_assert_true (expected[item]);
      seen[item] = TRUE;
    }
  sp_set_snapshot_free (items, size);

  for (int i = 0; i < DOMAIN + N_GHOSTS; i++)
    {
      g_auto (GValue) value = G_VALUE_INIT;
      int      item = i < DOMAIN ? i : ghost (i - DOMAIN);
      gboolean there = i < DOMAIN && expected[i];
      gboolean flag = !there;

      g_value_set_int (g_value_init (&value, G_TYPE_INT), item);
      g_assert_true (sp_shared_set_contains_sync (set, &value, 0, NULL, &flag, &error));
      g_assert_no_error (error);
      g_assert_cmpint (flag, ==, there);
    }

  w->quiescent_checks++;
}

/* Every worker arrives with nothing in flight. One of them checks the
 * whole set; then all copy what everybody holds, and only then, past the
 * second wait, may anyone change anything again. */
static void
round_barrier (Worker *w, const Round *next)
{
  while (w->in_flight > 0)
    g_main_context_iteration (w->context, TRUE);

  if (pthread_barrier_wait (&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
    check_quiescent (w);

  for (guint v = 0; v < N_WORKERS; v++)
    for (guint k = 0; k < PER_WORKER; k++)
      w->known[v * PER_WORKER + k] = workers[v].present[k];
  w->round = next;

  pthread_barrier_wait (&barrier);
}

static gpointer
worker_run (gpointer data)
{
  Worker *w = data;

  g_main_context_push_thread_default (w->context);

  for (guint r = 0; r < n_rounds; r++)
    {
      round_barrier (w, &rounds[r]);
      w->ops_left = rounds[r].ops;

      while (w->ops_left > 0)
        {
          if (w->in_flight < IN_FLIGHT)
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
    }
  /* The last round's end is checked as well. */
  round_barrier (w, &rounds[n_rounds - 1]);

  g_main_context_pop_thread_default (w->context);
  g_atomic_int_dec_and_test (&workers_running);
  g_main_context_wakeup (NULL);
  return NULL;
}

/* The plan: rounds of random length, each worker a writer or frozen at
 * random (so that some rounds have one writer or none, where sizes are
 * exact). */
static void
plan_rounds (GRand *rand, guint ops)
{
  GArray *plan = g_array_new (FALSE, TRUE, sizeof (Round));
  guint   total = 0;

  while (total < ops)
    {
      Round round = { 0 };

      round.ops = (guint) g_rand_int_range (rand, ops / 40 + 1, ops / 10 + 2);
      for (guint v = 0; v < N_WORKERS; v++)
        round.writer[v] = g_rand_boolean (rand);
      g_array_append_val (plan, round);
      total += round.ops;
    }

  n_rounds = plan->len;
  rounds = (Round *) g_array_free (plan, FALSE);
}

/* The main thread ------------------------------------------------------------ */

static void
holder_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;

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
  guint   ops = ops_env ? (guint) strtoul (ops_env, NULL, 10) : 1500;
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr (SpStats) stats = NULL;
  GMainContext *holder_context = NULL;
  gboolean      holder_done_flag = FALSE;
  int           changes = 0, timeouts = 0, closed = 0, left = 0;
  int           exact_sizes = 0, bounded_sizes = 0, snapshots = 0;
  int           foreign_contains = 0, ghost_contains = 0, quiescent_checks = 0;
  guint         tick;

  g_test_message ("SP_STRESS_SEED=%u SP_STRESS_OPS=%u", seed, ops);
  g_printerr ("stress-set: SP_STRESS_SEED=%u SP_STRESS_OPS=%u\n", seed, ops);

  owner_thread = g_thread_self ();
  memset (balance, 0, sizeof balance);
  memset (workers, 0, sizeof workers);
  signals_seen = 0;
  plan_rounds (rand, ops);
  pthread_barrier_init (&barrier, NULL, N_WORKERS);
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
    }
  for (guint i = 0; i < N_WORKERS; i++)
    workers[i].thread = g_thread_new ("stress-set", worker_run, &workers[i]);

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
      Worker *w = &workers[i];

      g_thread_join (w->thread);
      changes += w->changes;
      timeouts += w->timeouts;
      exact_sizes += w->exact_sizes;
      bounded_sizes += w->bounded_sizes;
      snapshots += w->snapshots;
      foreign_contains += w->foreign_contains;
      ghost_contains += w->ghost_contains;
      quiescent_checks += w->quiescent_checks;
      for (guint k = 0; k < PER_WORKER; k++)
        left += w->present[k];
      g_main_context_unref (w->context);
      g_rand_free (w->rand);
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

  /* Each barrier was checked once; and, unless the run was made too
   * short for chance to give them work, so were exact sizes and contains
   * on other workers' items and on ghosts within the rounds. */
  g_assert_cmpint (quiescent_checks, ==, n_rounds + 1);
  if (ops >= 200)
    {
      g_assert_cmpint (exact_sizes, >, 0);
      g_assert_cmpint (foreign_contains, >, 0);
      g_assert_cmpint (ghost_contains, >, 0);
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
  g_test_message (
      "%u rounds, %d changes, %d timeouts, %" G_GUINT64_FORMAT " cancellations, "
      "%d left; sizes (snapshots too): %d exact, %d bounded; %d snapshots; contains checked on "
      "%d foreign items, %d ghosts",
      n_rounds, changes, timeouts, stats->cancellations, left, exact_sizes, bounded_sizes,
      snapshots, foreign_contains, ghost_contains);

  /* Closing drains: every item left goes through ::item-removed. */
  g_object_unref (set);
  while (set != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (closed, ==, 1);
  g_assert_cmpint (signals_seen, ==, changes + left);
  for (guint i = 0; i < DOMAIN; i++)
    g_assert_cmpint (balance[i], ==, 0);

  g_async_queue_unref (to_cancel);
  pthread_barrier_destroy (&barrier);
  g_clear_pointer (&rounds, g_free);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/SharedSet/stress/model", test_stress_set);

  return g_test_run ();
}
