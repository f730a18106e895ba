/* bench-set.c: SpSharedSet against its floors, in one process
 *
 * SPDX-License-Identifier: MIT
 *
 * A set call is built on the set's private SpSharedObject: it takes the
 * inner object's lock with lock_async (shared for contains, exclusive for
 * add and discard), does its work on the hash table when the guard
 * arrives, releases the guard and completes its own GTask. Its floor is
 * therefore the inner object's lock round trip (one GTask delivered by
 * the dispatcher + one guard) plus one more GTask completed on the spot:
 * about two GTask round trips and a guard. Each figure is measured next
 * to the floors it is built on, in the same process.
 *
 * Sequential mode (the default): "name value floor ratio" lines on
 * stdout, like bench-suite, for scripts/bench:
 *
 *   roundtrip-set-add        one client, add_async → callback → next call,
 *                            alternating add and discard of 4 string
 *                            items (so the set holds at most one), against
 *                            a bare GTask created and returned through the
 *                            loop (bench-suite's roundtrip floor)
 *   roundtrip-set-add-vs-lock      the same, against an exclusive
 *                            lock_async + release on an SpSharedObject
 *                            (what an add is built on)
 *   roundtrip-set-contains   contains_async of 8 string items in turn, 4
 *                            present and 4 absent, against the bare GTask
 *   roundtrip-set-contains-vs-lock the same, against a shared lock_async
 *                            + release
 *   try-set-add              try_add / try_discard alternately, against
 *                            GMutex lock + unlock (bench-suite's floor)
 *   try-set-add-vs-try-lock  the same, against an exclusive try_lock +
 *                            release + unref of the guard
 *   try-set-contains         try_contains, against GMutex lock + unlock
 *   try-set-contains-vs-try-lock   the same, against a shared try_lock +
 *                            release + unref
 *
 * Every call checks its outcome (an add adds, a discard removes, contains
 * answers what the set holds) and fails the program otherwise.
 *
 * --only=NAME [N] runs one chain alone, for callgrind (scripts/bench):
 * set-add, set-contains, floor (the bare GTask), lock-exclusive or
 * lock-shared; N round trips (default 20000) after a warm-up of 1000,
 * measured in measured_chain() (--toggle-collect=measured_chain).
 *
 * --contended [--floors] [CLIENTS [OPERATIONS [READ_PERCENT]]]
 * (defaults 100 200000 90): CLIENTS clients on one main context, each
 * looping on the set: READ_PERCENT% contains_async, the others an
 * add_async or a discard_async (one in two) of one of 16 string items,
 * all picked at random (seed 42). Prints "sharedpotato-set NS" (ns per
 * operation) on stderr, like bench-contended, and fails unless the set's
 * final size is the number of adds that added minus the discards that
 * removed. --floors also measures, in the same process:
 *
 *   object-lock     the same clients and the same mix of operations on an
 *                   SpSharedObject, each a lock_async (shared for a
 *                   contains, exclusive for an add or discard, which also
 *                   writes the value through the guard) + release: what
 *                   the set is built on, without its own GTask and hash
 *                   table (measured half before and half after the set)
 *   object-get      bench-contended's mix on an SpSharedObject:
 *                   READ_PERCENT% get_async, the others an exclusive
 *                   lock_async + read-modify-write + release (the
 *                   "contended, 90% reads" row of the table, same run)
 *   floor-gtask-idle each client looping on a bare GTask returned at once
 *                   (completed from GTask's idle): one GTask per
 *                   operation, where a set call has two
 *
 * --contended --only=NAME (sharedpotato-set, object-lock, object-get,
 * floor-gtask-idle or none) runs one of them, for callgrind.
 *
 * --smoke: the sequential mode with tiny sizes (meson test's bench-smoke
 * suite). Every value must be a finite number, or the program fails.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sharedpotato.h>

#include "bench-common.h"

#define N_ITEMS 16

static GValue items[N_ITEMS];

static void
init_items (void)
{
  for (guint i = 0; i < N_ITEMS; i++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "item-%u", i);
      g_value_init (&items[i], G_TYPE_STRING);
      g_value_set_string (&items[i], name);
    }
}

/* 1. Sequential round trips ------------------------------------------- */

static gboolean        done_flag;
static guint           remaining;
static guint           step; /* calls made so far in this chain */
static SpSharedSet    *set;  /* holds items 4..7 (contains) */
static SpSharedObject *object;

static void
chain_step_done (void (*next) (void))
{
  if (--remaining == 0)
    done_flag = TRUE;
  else
    next ();
}

static void bare_next (void);

static void
bare_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
  chain_step_done (bare_next);
}

static void
bare_next (void)
{
  GTask *task = g_task_new (NULL, NULL, bare_done, NULL);

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void lock_exclusive_next (void);
static void lock_shared_next (void);

static void
lock_done (GObject *source, GAsyncResult *result, gpointer data)
{
  SpGuard *guard = sp_shared_object_lock_finish (object, result, NULL);

  if (guard == NULL)
    g_error ("lock failed");
  sp_guard_release (guard);
  sp_guard_unref (guard);
  chain_step_done (data);
}

static void
lock_exclusive_next (void)
{
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_done,
                               lock_exclusive_next);
}

static void
lock_shared_next (void)
{
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_done, lock_shared_next);
}

/* Items 0..3 are added and discarded in turn: even steps add item
 * (step / 2) % 4, odd steps discard it again. */
static void set_add_next (void);

static void
set_added (GObject *source, GAsyncResult *result, gpointer data)
{
  GError  *error = NULL;
  gboolean changed = FALSE;

  if (!sp_shared_set_add_finish (set, result, &changed, &error))
    g_error ("add failed: %s", error->message);
  if (!changed)
    g_error ("add did not add");
  step++;
  chain_step_done (set_add_next);
}

static void
set_discarded (GObject *source, GAsyncResult *result, gpointer data)
{
  GError  *error = NULL;
  gboolean changed = FALSE;

  if (!sp_shared_set_discard_finish (set, result, &changed, &error))
    g_error ("discard failed: %s", error->message);
  if (!changed)
    g_error ("discard did not remove");
  step++;
  chain_step_done (set_add_next);
}

static void
set_add_next (void)
{
  const GValue *item = &items[(step / 2) % 4];

  if (step % 2 == 0)
    sp_shared_set_add_async (set, item, 0, NULL, set_added, NULL);
  else
    sp_shared_set_discard_async (set, item, 0, NULL, set_discarded, NULL);
}

/* Items 4..11 in turn: 4..7 are in the set, 8..11 are not. */
static void set_contains_next (void);

static void
set_contained (GObject *source, GAsyncResult *result, gpointer data)
{
  GError  *error = NULL;
  gboolean contains = FALSE;

  if (!sp_shared_set_contains_finish (set, result, &contains, &error))
    g_error ("contains failed: %s", error->message);
  if (contains != (step % 8 < 4))
    g_error ("contains answered %d for item %u", contains, 4 + step % 8);
  step++;
  chain_step_done (set_contains_next);
}

static void
set_contains_next (void)
{
  sp_shared_set_contains_async (set, &items[4 + step % 8], 0, NULL, set_contained, NULL);
}

static double
run_chain (void (*start) (void), guint n)
{
  gint64 t0;

  remaining = n;
  done_flag = FALSE;
  step = 0;
  t0 = g_get_monotonic_time ();
  start ();
  while (!done_flag)
    g_main_context_iteration (NULL, TRUE);
  return (g_get_monotonic_time () - t0) * 1000.0 / n;
}

/* The measured part of --only=NAME: callgrind --toggle-collect=
 * measured_chain counts it alone, without the start-up and warm-up. */
G_GNUC_NO_INLINE static double
measured_chain (void (*start) (void), guint n)
{
  return run_chain (start, n);
}

/* 2. Fast paths ------------------------------------------------------- */

static double
time_try_lock (SpLockMode mode, guint n)
{
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      SpGuard *guard = sp_shared_object_try_lock (object, mode);

      sp_guard_release (guard);
      sp_guard_unref (guard);
    }
  return (g_get_monotonic_time () - t0) * 1000.0 / n;
}

static double
time_try_add (guint n)
{
  GError *error = NULL;
  gint64  t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      const GValue *item = &items[(i / 2) % 4];
      gboolean      changed = FALSE, ok;

      if (i % 2 == 0)
        ok = sp_shared_set_try_add (set, item, &changed, &error);
      else
        ok = sp_shared_set_try_discard (set, item, &changed, &error);
      if (!ok)
        g_error ("try_add/try_discard failed: %s", error->message);
      if (!changed)
        g_error ("try_add/try_discard changed nothing");
    }
  return (g_get_monotonic_time () - t0) * 1000.0 / n;
}

static double
time_try_contains (guint n)
{
  GError *error = NULL;
  gint64  t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      gboolean contains = FALSE;

      if (!sp_shared_set_try_contains (set, &items[4 + i % 8], &contains, &error))
        g_error ("try_contains failed: %s", error->message);
      if (contains != (i % 8 < 4))
        g_error ("try_contains answered %d for item %u", contains, 4 + i % 8);
    }
  return (g_get_monotonic_time () - t0) * 1000.0 / n;
}

static void
run_sequential (guint n)
{
  double floor, lock_x, lock_s, mutex, value;

  /* Warm-up. */
  run_chain (bare_next, 1000);
  run_chain (set_add_next, 1000);
  run_chain (set_contains_next, 1000);
  run_chain (lock_exclusive_next, 1000);

  floor = run_chain (bare_next, n);
  lock_x = run_chain (lock_exclusive_next, n);
  lock_s = run_chain (lock_shared_next, n);

  value = run_chain (set_add_next, n);
  bench_report ("roundtrip-set-add", value, floor);
  bench_report ("roundtrip-set-add-vs-lock", value, lock_x);
  value = run_chain (set_contains_next, n);
  bench_report ("roundtrip-set-contains", value, floor);
  bench_report ("roundtrip-set-contains-vs-lock", value, lock_s);

  mutex = bench_time_mutex (n * 10);
  lock_x = time_try_lock (SP_LOCK_MODE_EXCLUSIVE, n * 10);
  lock_s = time_try_lock (SP_LOCK_MODE_SHARED, n * 10);
  value = time_try_add (n * 10);
  bench_report ("try-set-add", value, mutex);
  bench_report ("try-set-add-vs-try-lock", value, lock_x);
  value = time_try_contains (n * 10);
  bench_report ("try-set-contains", value, mutex);
  bench_report ("try-set-contains-vs-try-lock", value, lock_s);
}

static void
run_only (const char *only, guint n)
{
  void (*start) (void) = NULL;
  double value;

  if (g_str_equal (only, "set-add"))
    start = set_add_next;
  else if (g_str_equal (only, "set-contains"))
    start = set_contains_next;
  else if (g_str_equal (only, "floor"))
    start = bare_next;
  else if (g_str_equal (only, "lock-exclusive"))
    start = lock_exclusive_next;
  else if (g_str_equal (only, "lock-shared"))
    start = lock_shared_next;
  else
    g_error ("--only=%s: unknown figure", only);

  run_chain (start, 1000);
  value = measured_chain (start, n);
  bench_report (only, value, value);
}

/* 3. Contended -------------------------------------------------------- */

typedef enum
{
  MIX_SET,
  MIX_OBJECT_LOCK,
  MIX_OBJECT_GET,
  MIX_GTASK_IDLE,
} Mix;

typedef struct
{
  Mix             mix;
  SpSharedSet    *set;
  SpSharedObject *object;
  GRand          *rand;
  guint           read_percent;
  guint           remaining;
  guint           active;
  guint           added;   /* adds that added */
  guint           removed; /* discards that removed */
  guint           writes;  /* object mixes: exclusive locks */
} Contended;

static void contended_next (Contended *c);

static void
contended_one_done (Contended *c)
{
  if (c->remaining > 0)
    {
      c->remaining--;
      contended_next (c);
    }
  else
    {
      c->active--;
    }
}

static void
c_added (GObject *source, GAsyncResult *result, gpointer data)
{
  Contended *c = data;
  GError    *error = NULL;
  gboolean   changed = FALSE;

  if (!sp_shared_set_add_finish (c->set, result, &changed, &error))
    g_error ("add failed: %s", error->message);
  c->added += changed;
  contended_one_done (c);
}

static void
c_discarded (GObject *source, GAsyncResult *result, gpointer data)
{
  Contended *c = data;
  GError    *error = NULL;
  gboolean   changed = FALSE;

  if (!sp_shared_set_discard_finish (c->set, result, &changed, &error))
    g_error ("discard failed: %s", error->message);
  c->removed += changed;
  contended_one_done (c);
}

static void
c_contained (GObject *source, GAsyncResult *result, gpointer data)
{
  Contended *c = data;
  GError    *error = NULL;
  gboolean   contains;

  if (!sp_shared_set_contains_finish (c->set, result, &contains, &error))
    g_error ("contains failed: %s", error->message);
  contended_one_done (c);
}

static void
c_locked (GObject *source, GAsyncResult *result, gpointer data)
{
  Contended *c = data;
  SpGuard   *guard = sp_shared_object_lock_finish (c->object, result, NULL);

  if (guard == NULL)
    g_error ("lock failed");
  if (sp_guard_get_mode (guard) == SP_LOCK_MODE_EXCLUSIVE)
    {
      GValue value = G_VALUE_INIT;

      c->writes++;
      sp_guard_get_value (guard, &value);
      g_value_set_int (&value, g_value_get_int (&value) + 1);
      sp_guard_set_value (guard, &value, NULL);
      g_value_unset (&value);
    }
  sp_guard_release (guard);
  sp_guard_unref (guard);
  contended_one_done (c);
}

static void
c_got (GObject *source, GAsyncResult *result, gpointer data)
{
  Contended *c = data;

  if (!sp_shared_object_get_finish (c->object, result, NULL, NULL))
    g_error ("get failed");
  contended_one_done (c);
}

static void
c_bare_done (GObject *source, GAsyncResult *result, gpointer data)
{
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    g_error ("bare task failed");
  contended_one_done (data);
}

static void
contended_next (Contended *c)
{
  gboolean      read;
  const GValue *item;
  gboolean      add;

  if (c->mix == MIX_GTASK_IDLE)
    {
      GTask *task = g_task_new (NULL, NULL, c_bare_done, c);

      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  /* The same draws for every mix. */
  read = (guint) g_rand_int_range (c->rand, 0, 100) < c->read_percent;
  item = &items[g_rand_int_range (c->rand, 0, N_ITEMS)];
  add = read ? FALSE : g_rand_boolean (c->rand);

  switch (c->mix)
    {
    case MIX_SET:
      if (read)
        sp_shared_set_contains_async (c->set, item, 0, NULL, c_contained, c);
      else if (add)
        sp_shared_set_add_async (c->set, item, 0, NULL, c_added, c);
      else
        sp_shared_set_discard_async (c->set, item, 0, NULL, c_discarded, c);
      break;
    case MIX_OBJECT_LOCK:
      sp_shared_object_lock_async (c->object, read ? SP_LOCK_MODE_SHARED : SP_LOCK_MODE_EXCLUSIVE,
                                   0, NULL, c_locked, c);
      break;
    case MIX_OBJECT_GET:
      if (read)
        sp_shared_object_get_async (c->object, 0, NULL, c_got, c);
      else
        sp_shared_object_lock_async (c->object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, c_locked, c);
      break;
    case MIX_GTASK_IDLE:
    default:
      g_assert_not_reached ();
    }
}

static double
run_contended (Mix mix, guint clients, guint operations, guint read_percent)
{
  Contended c = { 0 };
  GValue    zero = G_VALUE_INIT;
  gint64    start, elapsed;

  g_value_init (&zero, G_TYPE_INT);
  c.mix = mix;
  c.rand = g_rand_new_with_seed (42);
  c.read_percent = read_percent;
  c.remaining = operations;
  c.active = clients;
  if (mix == MIX_SET)
    c.set = sp_shared_set_new (G_TYPE_STRING);
  else
    c.object = sp_shared_object_new_with_value (&zero);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < clients && c.remaining > 0; i++)
    {
      c.remaining--;
      contended_next (&c);
    }
  while (c.active > 0)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;

  /* Every change counted once, or the figure is meaningless. */
  if (c.set != NULL)
    {
      GError *error = NULL;
      guint   size = 0;

      /* The _sync calls refuse to run in the owner context; nothing
       * holds the lock any more, so the try_ calls succeed. */
      for (guint i = 0; i < N_ITEMS; i++)
        {
          gboolean contains = FALSE;

          if (!sp_shared_set_try_contains (c.set, &items[i], &contains, &error))
            g_error ("try_contains failed: %s", error->message);
          size += contains;
        }
      if (size != c.added - c.removed)
        g_error ("set of %u items; %u added, %u removed", size, c.added, c.removed);
      if (c.added == 0 && read_percent < 100)
        g_error ("no add added anything");
      g_object_unref (c.set);
    }
  if (c.object != NULL)
    {
      g_value_unset (&zero);
      if (!sp_shared_object_try_get (c.object, &zero) || g_value_get_int (&zero) != (gint) c.writes)
        g_error ("value %d, expected %u", g_value_get_int (&zero), c.writes);
      g_object_unref (c.object);
    }
  g_value_unset (&zero);
  g_rand_free (c.rand);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return elapsed * 1000.0 / operations;
}

static int
contended_main (int argc, char *argv[])
{
  gboolean    floors = FALSE;
  const char *only = NULL;
  guint       numbers[3] = { 100, 200000, 90 };
  guint       n_numbers = 0;
  guint       clients, operations, read_percent;
  double      lock_a = 0, lock_b = 0;

  for (int i = 2; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--floors"))
        floors = TRUE;
      else if (g_str_has_prefix (argv[i], "--only="))
        only = argv[i] + strlen ("--only=");
      else if (n_numbers < G_N_ELEMENTS (numbers) && g_ascii_isdigit (argv[i][0]))
        numbers[n_numbers++] = (guint) atoi (argv[i]);
      else
        g_error ("usage: bench-set --contended [--floors | --only=NAME] "
                 "[CLIENTS [OPERATIONS [READ_PERCENT]]]");
    }
  clients = numbers[0];
  operations = numbers[1];
  read_percent = numbers[2];
  if (clients == 0 || operations < clients || read_percent > 100)
    g_error ("at least one client, an operation per client, and at most 100%% reads");

#define WANTED(name) (only != NULL ? g_str_equal (only, name) : floors)
  /* The figure it is built on half before and half after the set's, so
   * that a machine slowing down during the run does not favour one side. */
  if (WANTED ("object-lock"))
    lock_a = run_contended (MIX_OBJECT_LOCK, clients, MAX (operations / 2, clients), read_percent);
  if (only == NULL || g_str_equal (only, "sharedpotato-set"))
    g_printerr ("sharedpotato-set %.1f\n",
                run_contended (MIX_SET, clients, operations, read_percent));
  if (WANTED ("object-lock"))
    {
      lock_b =
          run_contended (MIX_OBJECT_LOCK, clients, MAX (operations / 2, clients), read_percent);
      g_printerr ("object-lock %.1f\n", (lock_a + lock_b) / 2);
    }
  if (WANTED ("object-get"))
    g_printerr ("object-get %.1f\n",
                run_contended (MIX_OBJECT_GET, clients, operations, read_percent));
  if (WANTED ("floor-gtask-idle"))
    g_printerr ("floor-gtask-idle %.1f\n",
                run_contended (MIX_GTASK_IDLE, clients, operations, read_percent));
#undef WANTED
  return 0;
}

int
main (int argc, char *argv[])
{
  gboolean smoke = argc > 1 && g_str_equal (argv[1], "--smoke");
  GValue   zero = G_VALUE_INIT;
  int      status = 0;

  init_items ();
  if (argc > 1 && g_str_equal (argv[1], "--contended"))
    return contended_main (argc, argv);

  g_value_init (&zero, G_TYPE_INT);
  object = sp_shared_object_new_with_value (&zero);
  set = sp_shared_set_new (G_TYPE_STRING);
  for (guint i = 4; i < 8; i++)
    if (!sp_shared_set_try_add (set, &items[i], NULL, NULL))
      g_error ("try_add failed");

  if (argc > 1 && g_str_has_prefix (argv[1], "--only="))
    run_only (argv[1] + strlen ("--only="), argc > 2 ? (guint) atoi (argv[2]) : 20000);
  else if (argc > 1 && !smoke)
    g_error ("usage: bench-set [--smoke | --only=NAME [N] | --contended ...]");
  else
    run_sequential (smoke ? 2000 : 200000);

  g_object_unref (set);
  g_object_unref (object);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return status;
}
