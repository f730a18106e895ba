/* bench-contended.c: many clients taking turns on one value
 *
 * SPDX-License-Identifier: MIT
 *
 * N clients on one main context each loop: exclusive lock_async →
 * read-modify-write through the guard → release, until the total number
 * of operations is reached. Prints "sharedpotato NS" (nanoseconds per
 * operation) on stderr, because with tracing on the records go to stdout.
 *
 * Usage: bench-contended [--floors] [CLIENTS [OPERATIONS [READ_PERCENT]]]
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
  Bench *bench = data;
  SpGuard *guard = sp_shared_object_lock_finish (bench->object, result, NULL);
  GValue value = G_VALUE_INIT;

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
  Bench bench = { 0 };
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

/* Floors ---------------------------------------------------------------- */

/* As many tasks per dispatch as sharedpotato's dispatcher runs at most
 * (SP_DISPATCH_BATCH). */
#define BATCH 64

typedef struct
{
  GSource  source;
  guint    remaining;
  guint    active;
  /* Batched floor only: a ring of the clients' pending tasks, at most one
   * per client, oldest first. */
  GTask  **ring;
  guint    ring_size;
  guint    head;
  guint    length;
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
  gboolean floors = FALSE;
  const char *only = NULL;
  guint numbers[3] = { 100, 200000, 0 };
  guint n_numbers = 0;
  guint clients, operations, read_percent;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--floors"))
        floors = TRUE;
      else if (g_str_has_prefix (argv[i], "--only="))
        only = argv[i] + strlen ("--only=");
      else if (n_numbers < G_N_ELEMENTS (numbers) && g_ascii_isdigit (argv[i][0]))
        numbers[n_numbers++] = (guint) atoi (argv[i]);
      else
        g_error ("usage: bench-contended [--floors | --only=NAME] "
                 "[CLIENTS [OPERATIONS [READ_PERCENT]]]");
    }
  clients = numbers[0];
  operations = numbers[1];
  read_percent = numbers[2];
  if (clients == 0 || operations < clients)
    g_error ("at least one client, and an operation per client");

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
