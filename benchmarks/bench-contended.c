/* bench-contended.c: many clients taking turns on one value
 *
 * SPDX-License-Identifier: MIT
 *
 * N clients on one main context each loop: exclusive lock_async →
 * read-modify-write through the guard → release, until the total number
 * of operations is reached. Prints "sharedpotato NS" (nanoseconds per
 * operation) on stderr, because with tracing on the records go to stdout.
 *
 * Usage: bench-contended [--floors | --only=NAME | --exclusion]
 *                        [CLIENTS [OPERATIONS [READ_PERCENT]]]
 * With READ_PERCENT > 0, that share of the operations are get_async.
 *
 * --floors also measures, in the same process and with the same number of
 * clients and operations, what GTask-based delivery costs by itself: each
 * client loops on a bare GTask that does nothing but complete.
 *
 *   floor-gtask-idle     each task returned at once, so GTask completes it
 *                        from an idle source of its own in the next
 *                        iteration: one source dispatch per operation,
 *                        what an API that simply returns its tasks pays
 *   floor-gtask-batched  tasks returned BATCH at a time from one dispatch
 *                        of a source we own, in a later iteration than
 *                        their creation, so GTask runs each callback at
 *                        once: the least any GTask-based API can pay
 *                        (sharedpotato's dispatcher works this way)
 *
 * --only=NAME runs only the figure NAME (sharedpotato, floor-gtask-idle or
 * floor-gtask-batched), for counting its instructions under callgrind;
 * --only=none runs nothing, which counts the start-up to subtract.
 *
 * --exclusion checks mutual exclusion, which the workload above cannot
 * see: its read-modify-write ends inside one callback on one thread, so a
 * lock that let every client in at once would lose no update. Here the
 * CLIENTS are spread over EXCLUSION_THREADS threads (the main one and
 * workers with a context each), and every holder keeps its guard across a
 * main-loop turn of its thread: an exclusive holder reads the value, lets
 * an idle source run, then writes the value + 1; a shared one
 * (READ_PERCENT% of the operations) reads it before and after the turn.
 * Two exclusive holders at once, a shared holder beside an exclusive one,
 * a value that changed under a guard, or a final value other than the
 * number of writes fails the run. Prints "sharedpotato-exclusion NS" on
 * stderr.
 */

#include <stdlib.h>
#include <string.h>

#include <sharedpotato.h>

typedef struct
{
  SpSharedObject *object;
  guint           remaining;
  guint           active;
  guint           read_percent;
  guint           writes;
  GRand          *rand;
} Bench;

static void client_next (Bench *bench);

static void
client_done_one (Bench *bench)
{
  if (bench->remaining > 0)
    {
      bench->remaining--;
      client_next (bench);
    }
  else
    {
      bench->active--;
    }
}

static void
got (GObject *source, GAsyncResult *result, gpointer data)
{
  Bench *bench = data;

  if (!sp_shared_object_get_finish (bench->object, result, NULL, NULL))
    g_error ("get failed");
  client_done_one (bench);
}

static void
locked (GObject *source, GAsyncResult *result, gpointer data)
{
  Bench   *bench = data;
  SpGuard *guard = sp_shared_object_lock_finish (bench->object, result, NULL);
  GValue   value = G_VALUE_INIT;

  bench->writes++;
  sp_guard_get_value (guard, &value);
  g_value_set_int (&value, g_value_get_int (&value) + 1);
  sp_guard_set_value (guard, &value, NULL);
  g_value_unset (&value);
  sp_guard_release (guard);
  sp_guard_unref (guard);
  client_done_one (bench);
}

static void
client_next (Bench *bench)
{
  if (bench->read_percent > 0 &&
      (guint) g_rand_int_range (bench->rand, 0, 100) < bench->read_percent)
    sp_shared_object_get_async (bench->object, 0, NULL, got, bench);
  else
    sp_shared_object_lock_async (bench->object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, locked, bench);
}

static double
run_sharedpotato (guint clients, guint operations, guint read_percent)
{
  GValue zero = G_VALUE_INIT;
  Bench  bench = { 0 };
  gint64 start, elapsed;

  g_value_init (&zero, G_TYPE_INT);
  bench.object = sp_shared_object_new_with_value (&zero);
  bench.rand = g_rand_new_with_seed (42);
  bench.read_percent = read_percent;
  bench.remaining = operations;
  bench.active = clients;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < clients && bench.remaining > 0; i++)
    {
      bench.remaining--;
      client_next (&bench);
    }
  while (bench.active > 0)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;

  /* Every write counted once, or the figure is meaningless. */
  g_value_unset (&zero);
  if (!sp_shared_object_try_get (bench.object, &zero) ||
      g_value_get_int (&zero) != (gint) bench.writes)
    g_error ("value %d, expected %u", g_value_get_int (&zero), bench.writes);
  g_value_unset (&zero);

  g_rand_free (bench.rand);
  g_object_unref (bench.object);
  return elapsed * 1000.0 / operations;
}

/* Mutual exclusion (--exclusion) ----------------------------------------- */

#define EXCLUSION_THREADS 4

typedef struct
{
  SpSharedObject *object;
  guint           read_percent;
  gint            remaining; /* operations not started yet, all threads */
  gint            writes;
  /* Holders right now, as the holders themselves count them: what the
   * lock must keep to one exclusive, or to shared ones only. */
  gint exclusive;
  gint shared;
} Exclusion;

typedef struct
{
  Exclusion    *check;
  GMainContext *context;
  GRand        *rand;
  guint         clients;
  guint         active; /* clients still running */
  GThread      *thread;
} ExclusionThread;

typedef struct
{
  ExclusionThread *thread;
  SpGuard         *guard;
  int              value; /* read before the turn */
} ExclusionClient;

static int
exclusion_read (SpGuard *guard)
{
  GValue value = G_VALUE_INIT;
  int    read;

  sp_guard_get_value (guard, &value);
  read = g_value_get_int (&value);
  g_value_unset (&value);
  return read;
}

static void exclusion_client_next (ExclusionClient *client);

static void
exclusion_check_alone (Exclusion *check, gboolean exclusive)
{
  int n_exclusive = g_atomic_int_get (&check->exclusive);
  int n_shared = g_atomic_int_get (&check->shared);

  if (exclusive ? n_exclusive != 1 || n_shared != 0 : n_exclusive != 0)
    g_error ("not exclusive: %s holder counts %d exclusive and %d shared holders, "
             "itself included",
             exclusive ? "an exclusive" : "a shared", n_exclusive, n_shared);
}

/* The second half of a hold, one main-loop turn after the first: the
 * grants and callbacks that were ready in this thread ran in between,
 * and the other threads ran on meanwhile. */
static gboolean
exclusion_finish (gpointer data)
{
  ExclusionClient *client = data;
  Exclusion       *check = client->thread->check;
  gboolean         exclusive = sp_guard_get_mode (client->guard) == SP_LOCK_MODE_EXCLUSIVE;
  int              now = exclusion_read (client->guard);

  exclusion_check_alone (check, exclusive);
  /* Nobody wrote during the turn. */
  if (now != client->value)
    g_error ("not exclusive: the value went from %d to %d under %s guard", client->value, now,
             exclusive ? "an exclusive" : "a shared");
  if (exclusive)
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, client->value + 1);
      if (!sp_guard_set_value (client->guard, &value, NULL))
        g_error ("set_value failed");
      g_atomic_int_inc (&check->writes);
      /* Before the release, which may grant the next holder at once. */
      g_atomic_int_add (&check->exclusive, -1);
    }
  else
    {
      g_atomic_int_add (&check->shared, -1);
    }

  sp_guard_release (client->guard);
  g_clear_pointer (&client->guard, sp_guard_unref);
  exclusion_client_next (client);

  return G_SOURCE_REMOVE;
}

static void
exclusion_locked (GObject *source, GAsyncResult *result, gpointer data)
{
  ExclusionClient *client = data;
  Exclusion       *check = client->thread->check;
  g_autoptr (GError) error = NULL;
  GSource *turn;

  client->guard = sp_shared_object_lock_finish (check->object, result, &error);
  if (client->guard == NULL)
    g_error ("lock failed: %s", error->message);

  if (sp_guard_get_mode (client->guard) == SP_LOCK_MODE_EXCLUSIVE)
    {
      g_atomic_int_inc (&check->exclusive);
      exclusion_check_alone (check, TRUE);
    }
  else
    {
      g_atomic_int_inc (&check->shared);
      exclusion_check_alone (check, FALSE);
    }
  client->value = exclusion_read (client->guard);

  /* An idle source runs after the sources of higher priority that are
   * ready, the lock's deliveries among them. */
  turn = g_idle_source_new ();
  g_source_set_callback (turn, exclusion_finish, client, NULL);
  g_source_attach (turn, client->thread->context);
  g_source_unref (turn);
}

static void
exclusion_client_next (ExclusionClient *client)
{
  ExclusionThread *thread = client->thread;
  Exclusion       *check = thread->check;
  SpLockMode       mode = SP_LOCK_MODE_EXCLUSIVE;

  if (g_atomic_int_add (&check->remaining, -1) <= 0)
    {
      thread->active--;
      return;
    }
  if (check->read_percent > 0 &&
      (guint) g_rand_int_range (thread->rand, 0, 100) < check->read_percent)
    mode = SP_LOCK_MODE_SHARED;
  sp_shared_object_lock_async (check->object, mode, 0, NULL, exclusion_locked, client);
}

/* Runs its clients in its own context, thread-default while they run, so
 * that their callbacks and check come back to it. */
static gpointer
exclusion_thread_run (gpointer data)
{
  ExclusionThread *thread = data;
  ExclusionClient *clients = g_new0 (ExclusionClient, thread->clients);

  g_main_context_push_thread_default (thread->context);
  thread->active = thread->clients;
  for (guint i = 0; i < thread->clients; i++)
    {
      clients[i].thread = thread;
      exclusion_client_next (&clients[i]);
    }
  while (thread->active > 0)
    g_main_context_iteration (thread->context, TRUE);
  g_main_context_pop_thread_default (thread->context);

  g_free (clients);
  return NULL;
}

static double
run_exclusion (guint clients, guint operations, guint read_percent)
{
  GValue          value = G_VALUE_INIT;
  Exclusion       check = { 0 };
  ExclusionThread threads[EXCLUSION_THREADS] = { { 0 } };
  gint64          start, elapsed;

  g_value_init (&value, G_TYPE_INT);
  check.object = sp_shared_object_new_with_value (&value);
  check.read_percent = read_percent;
  check.remaining = operations;

  for (guint i = 0; i < EXCLUSION_THREADS; i++)
    {
      threads[i].check = &check;
      threads[i].context =
          i == 0 ? g_main_context_ref (g_main_context_default ()) : g_main_context_new ();
      threads[i].rand = g_rand_new_with_seed (42 + i);
      threads[i].clients = clients / EXCLUSION_THREADS + (i < clients % EXCLUSION_THREADS);
    }

  start = g_get_monotonic_time ();
  for (guint i = 1; i < EXCLUSION_THREADS; i++)
    threads[i].thread = g_thread_new ("exclusion", exclusion_thread_run, &threads[i]);
  exclusion_thread_run (&threads[0]);
  for (guint i = 1; i < EXCLUSION_THREADS; i++)
    g_thread_join (threads[i].thread);
  elapsed = g_get_monotonic_time () - start;

  /* Every write counted once: an update lost to a second holder shows
   * here even if the counts above missed the overlap. */
  g_value_unset (&value);
  if (!sp_shared_object_try_get (check.object, &value) || g_value_get_int (&value) != check.writes)
    g_error ("value %d, expected %d", g_value_get_int (&value), check.writes);
  g_value_unset (&value);

  for (guint i = 0; i < EXCLUSION_THREADS; i++)
    {
      g_main_context_unref (threads[i].context);
      g_rand_free (threads[i].rand);
    }
  g_object_unref (check.object);
  /* Signal emissions the worker threads queued here. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return elapsed * 1000.0 / operations;
}

/* Floors ---------------------------------------------------------------- */

/* As many tasks per dispatch as sharedpotato's dispatcher runs at most
 * (SP_DISPATCH_BATCH). */
#define BATCH 64

typedef struct
{
  GSource source;
  guint   remaining;
  guint   active;
  /* Batched floor only: a ring of the clients' pending tasks, at most one
   * per client, oldest first. */
  GTask **ring;
  guint   ring_size;
  guint   head;
  guint   length;
} Floor;

static void floor_client_next (Floor *floor);

static void
floor_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Floor *floor = data;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    g_error ("bare task failed");
  if (floor->remaining > 0)
    {
      floor->remaining--;
      floor_client_next (floor);
    }
  else
    {
      floor->active--;
    }
}

static void
floor_client_next (Floor *floor)
{
  GTask *task = g_task_new (NULL, NULL, floor_done, floor);

  if (floor->ring == NULL)
    {
      /* Returned in the iteration that created it: GTask defers the
       * callback to an idle source. */
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  else
    {
      g_assert (floor->length < floor->ring_size);
      floor->ring[(floor->head + floor->length++) % floor->ring_size] = task;
    }
}

static gboolean
floor_source_prepare (GSource *source, gint *timeout)
{
  *timeout = -1;
  return ((Floor *) source)->length > 0;
}

static gboolean
floor_source_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  Floor *floor = (Floor *) source;
  /* Only the tasks queued before this dispatch, which were created in an
   * earlier iteration: GTask completes those on the spot. The callbacks
   * queue their next tasks behind them, for the next dispatch. */
  guint n = MIN (floor->length, BATCH);

  for (guint i = 0; i < n; i++)
    {
      GTask *task = floor->ring[floor->head];

      floor->head = (floor->head + 1) % floor->ring_size;
      floor->length--;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs floor_source_funcs = {
  floor_source_prepare,
  NULL,
  floor_source_dispatch,
  NULL,
};

static double
run_floor (guint clients, guint operations, gboolean batched)
{
  Floor *floor = (Floor *) g_source_new (&floor_source_funcs, sizeof (Floor));
  gint64 start, elapsed;

  floor->remaining = operations;
  floor->active = clients;
  if (batched)
    {
      floor->ring_size = clients;
      floor->ring = g_new0 (GTask *, clients);
      g_source_attach (&floor->source, NULL);
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < clients && floor->remaining > 0; i++)
    {
      floor->remaining--;
      floor_client_next (floor);
    }
  while (floor->active > 0)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;

  g_free (floor->ring);
  g_source_destroy (&floor->source);
  g_source_unref (&floor->source);
  return elapsed * 1000.0 / operations;
}

int
main (int argc, char *argv[])
{
  gboolean    floors = FALSE, exclusion = FALSE;
  const char *only = NULL;
  guint       numbers[3] = { 100, 200000, 0 };
  guint       n_numbers = 0;
  guint       clients, operations, read_percent;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--floors"))
        floors = TRUE;
      else if (g_str_equal (argv[i], "--exclusion"))
        exclusion = TRUE;
      else if (g_str_has_prefix (argv[i], "--only="))
        only = argv[i] + strlen ("--only=");
      else if (n_numbers < G_N_ELEMENTS (numbers) && g_ascii_isdigit (argv[i][0]))
        numbers[n_numbers++] = (guint) atoi (argv[i]);
      else
        g_error ("usage: bench-contended [--floors | --only=NAME | --exclusion] "
                 "[CLIENTS [OPERATIONS [READ_PERCENT]]]");
    }
  clients = numbers[0];
  operations = numbers[1];
  read_percent = numbers[2];
  if (clients == 0 || operations < clients)
    g_error ("at least one client, and an operation per client");

  if (exclusion)
    {
      if (floors || only != NULL)
        g_error ("--exclusion goes alone");
      g_printerr ("sharedpotato-exclusion %.1f\n",
                  run_exclusion (clients, operations, read_percent));
      return 0;
    }

#define WANTED(name) (only != NULL ? g_str_equal (only, name) : floors)
  /* Floors first and last, ours between, so that a machine slowing down
   * during the run does not favour one side. */
  if (WANTED ("floor-gtask-idle"))
    g_printerr ("floor-gtask-idle %.1f\n", run_floor (clients, operations, FALSE));
  if (only == NULL || g_str_equal (only, "sharedpotato"))
    g_printerr ("sharedpotato %.1f\n", run_sharedpotato (clients, operations, read_percent));
  if (WANTED ("floor-gtask-batched"))
    g_printerr ("floor-gtask-batched %.1f\n", run_floor (clients, operations, TRUE));
#undef WANTED
  return 0;
}
