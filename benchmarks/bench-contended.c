/* bench-contended.c: many clients taking turns on one value
 *
 * SPDX-License-Identifier: MIT
 *
 * N clients on one main context each loop: exclusive lock_async →
 * read-modify-write through the guard → release, until the total number
 * of operations is reached. Prints nanoseconds per operation.
 *
 * Usage: bench-contended [CLIENTS [OPERATIONS [READ_PERCENT]]]
 * With READ_PERCENT > 0, that share of the operations are get_async.
 */

#include <stdlib.h>

#include <sharedpotato.h>

typedef struct
{
  SpSharedObject *object;
  guint           remaining;
  guint           active;
  guint           read_percent;
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

  sp_guard_get_value (guard, &value);
  g_value_set_int (&value, g_value_get_int (&value) + 1);
  sp_guard_set_value (guard, &value, NULL);
  g_value_unset (&value);
  sp_guard_release (guard);
  g_object_unref (guard);
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

int
main (int argc, char *argv[])
{
  guint clients = argc > 1 ? (guint) atoi (argv[1]) : 100;
  guint operations = argc > 2 ? (guint) atoi (argv[2]) : 200000;
  guint read_percent = argc > 3 ? (guint) atoi (argv[3]) : 0;
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

  /* On stderr: with tracing on, the records go to stdout. */
  g_printerr ("%.1f\n", elapsed * 1000.0 / operations);

  g_rand_free (bench.rand);
  g_object_unref (bench.object);
  return 0;
}
