/* bench-suite.c: sharedpotato against its floors, in one process
 *
 * SPDX-License-Identifier: MIT
 *
 * Each figure is measured next to its floor in the same process, and
 * printed as "name value floor ratio" lines for scripts/bench, which takes
 * medians over several runs. Figures:
 *
 *   roundtrip-get     get_async → callback → next get_async, against a
 *                     bare GTask created and returned through the loop
 *   roundtrip-lock    lock_async + release, same floor
 *   try-get           try_get, against GMutex lock + unlock
 *   try-lock          try_lock + release, same floor
 *   try-lock-vs-parts the same try_lock + release, against its parts
 *                     alone: two mutex lock/unlock pairs, two clock reads
 *                     (hold-time statistics), a guard-sized malloc + free
 *                     and an atomic ref + unref
 *   scale-N           per-operation cost of a release/grant chain with N
 *                     waiters queued, against the cost with 100
 *   cancel-N          cancelling one queued waiter among N, against 100
 *   threads           2 reader threads with their own contexts + 1 writer
 *                     thread, ns per read, against one reader alone
 *   bytes-per-object  heap bytes per idle SpSharedObject (mallinfo2),
 *                     against the 256-byte target; bytes-per-used-object
 *                     after one call each (which allocates the counters)
 *   allocs-per-get    allocations per uncontended get_async round trip,
 *   allocs-per-lock   and lock_async + release, against the bare GTask's
 *
 * --only=NAME [N] runs one figure alone, for callgrind: see run_only().
 *
 * Every value must be a finite number, or the program fails: the smoke
 * test (--smoke: small sizes, a few seconds) relies on that to keep the
 * benchmark from rotting. Its figures are not meaningful.
 */

#include <malloc.h>
#include <math.h>
#include <stdlib.h>

#include <sharedpotato.h>

#include "bench-common.h"

static gboolean done_flag;
static guint    remaining;

/* 1. Sequential round trips ------------------------------------------- */

static void bare_next (void);

static void
bare_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
  if (--remaining == 0)
    done_flag = TRUE;
  else
    bare_next ();
}

static void
bare_next (void)
{
  GTask *task = g_task_new (NULL, NULL, bare_done, NULL);

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static SpSharedObject *object;

static void get_next (void);

static void
get_done (GObject *source, GAsyncResult *result, gpointer data)
{
  sp_shared_object_get_finish (object, result, NULL, NULL);
  if (--remaining == 0)
    done_flag = TRUE;
  else
    get_next ();
}

static void
get_next (void)
{
  sp_shared_object_get_async (object, 0, NULL, get_done, NULL);
}

static SpGetter *getter;

static void getter_next (void);

static void
getter_done (GObject *source, GAsyncResult *result, gpointer data)
{
  sp_getter_get_finish (getter, result, NULL, NULL);
  if (--remaining == 0)
    done_flag = TRUE;
  else
    getter_next ();
}

/* The same round trip through a view: one task and one waiter too. */
static void
getter_next (void)
{
  sp_getter_get_async (getter, 0, NULL, getter_done, NULL);
}

static void lock_next (void);

static void
lock_done (GObject *source, GAsyncResult *result, gpointer data)
{
  SpGuard *guard = sp_shared_object_lock_finish (object, result, NULL);

  sp_guard_release (guard);
  sp_guard_unref (guard);
  if (--remaining == 0)
    done_flag = TRUE;
  else
    lock_next ();
}

static void
lock_next (void)
{
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_done, NULL);
}

static double
run_chain (void (*start) (void), guint n)
{
  gint64 t0;

  remaining = n;
  done_flag = FALSE;
  t0 = g_get_monotonic_time ();
  start ();
  while (!done_flag)
    g_main_context_iteration (NULL, TRUE);
  return (g_get_monotonic_time () - t0) * 1000.0 / n;
}

/* 2. Fast paths ------------------------------------------------------- */

static double
time_try_get (guint n)
{
  GValue value = G_VALUE_INIT;
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      sp_shared_object_try_get (object, &value);
      g_value_unset (&value);
    }
  return (g_get_monotonic_time () - t0) * 1000.0 / n;
}

static double
time_try_lock (guint n)
{
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      SpGuard *guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);

      sp_guard_release (guard);
      sp_guard_unref (guard);
    }
  return (g_get_monotonic_time () - t0) * 1000.0 / n;
}

/* What any try_lock + release that hands out a guard holding a reference
 * on its object does, and nothing else: two lock/unlock pairs (take, give
 * back), the object's reference taken and dropped (g_object_ref/unref of
 * a plain GObject) and the guard's own reference dropped. Hold times are
 * not measured unless asked for (measure-hold-times), and a freed guard
 * is kept for the thread's next one, so neither a clock read nor an
 * allocation is among the parts. */
static double
time_try_lock_parts (guint n)
{
  static GMutex          mutex;
  static volatile gint64 sink;
  static int             guard_ref_count;
  GObject               *plain = g_object_new (G_TYPE_OBJECT, NULL);
  gint64                 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      GObject *ref;

      g_mutex_lock (&mutex);
      sink++;
      g_mutex_unlock (&mutex);
      ref = g_object_ref (plain);
      g_atomic_int_set (&guard_ref_count, 1);
      g_mutex_lock (&mutex);
      sink--;
      g_mutex_unlock (&mutex);
      if (g_atomic_int_dec_and_test (&guard_ref_count))
        g_object_unref (ref);
    }
  t0 = g_get_monotonic_time () - t0;
  g_object_unref (plain);
  return t0 * 1000.0 / n;
}

/* 4. Scale ------------------------------------------------------------ */

static guint    granted;
static guint    grant_limit; /* the grant that stops the chain */
static SpGuard *stopped;     /* its guard, kept until the window ends */
static guint    window_grants, window_callbacks;

static void
chain_locked (GObject *source, GAsyncResult *result, gpointer data)
{
  SpGuard *guard = sp_shared_object_lock_finish (SP_SHARED_OBJECT (source), result, NULL);

  if (guard != NULL)
    {
      /* Holding the grant_limit-th guard stops the chain right there, so
       * that the window runs exactly that many grants at every size. */
      if (++granted == grant_limit)
        {
          stopped = guard;
        }
      else
        {
          sp_guard_release (guard);
          sp_guard_unref (guard);
        }
    }
  remaining--;
}

/* The measured part of scale(): releasing @holder starts the chain of
 * grants (each callback's release grants the next waiter; the dispatcher
 * delivers up to 64 of them per dispatch), and the loop runs until the
 * @grants-th grant, which holds on to its guard. Not inlined, so that
 * callgrind can count it alone: --toggle-collect='scale_grants*' (see
 * scripts/bench). */
G_GNUC_NO_INLINE static void
scale_grants (SpGuard *holder, guint grants)
{
  grant_limit = grants;
  sp_guard_release (holder);
  sp_guard_unref (holder);
  while (granted < grants)
    g_main_context_iteration (NULL, TRUE);
}

/* With N exclusive waiters queued: ns to cancel one of them (50 from the
 * middle of the queue), and ns per grant of the release chain (exactly
 * the first 40 grants, after the cancelled calls were delivered). An
 * earlier version's window also delivered the 50 cancellations and ran to
 * the end of a 64-callback dispatch: 100 callbacks at N = 100 but 128 at
 * N >= 10,000, all divided by 40, which made the larger sizes look 1.28x
 * dearer; docs/performance.md has the numbers. */
static void
scale_full (guint n, double *per_grant, double *per_cancel, double *bytes_per_waiter)
{
  const guint      cancels = 50, grants = 40;
  SpSharedObject  *o = sp_shared_object_new (G_TYPE_INT);
  SpGuard         *holder = sp_shared_object_try_lock (o, SP_LOCK_MODE_EXCLUSIVE);
  GCancellable   **cancellables = g_new0 (GCancellable *, n);
  struct mallinfo2 before, after;
  gint64           t0;

  g_assert (n >= cancels + grants);
  before = mallinfo2 ();
  for (guint i = 0; i < n; i++)
    {
      cancellables[i] = g_cancellable_new ();
      sp_shared_object_lock_async (o, SP_LOCK_MODE_EXCLUSIVE, 0, cancellables[i], chain_locked,
                                   NULL);
    }
  after = mallinfo2 ();
  if (bytes_per_waiter != NULL)
    *bytes_per_waiter = (double) (after.uordblks - before.uordblks) / n;
  remaining = n;
  granted = 0;
  grant_limit = 0;

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < cancels; i++)
    g_cancellable_cancel (cancellables[n / 2 - cancels / 2 + i]);
  *per_cancel = (g_get_monotonic_time () - t0) * 1000.0 / cancels;
  /* Their CANCELLED deliveries, before the window. */
  while (remaining > n - cancels)
    g_main_context_iteration (NULL, TRUE);

  t0 = g_get_monotonic_time ();
  scale_grants (holder, grants);
  *per_grant = (g_get_monotonic_time () - t0) * 1000.0 / grants;
  window_grants = granted;
  window_callbacks = n - cancels - remaining;
  if (window_grants != grants || window_callbacks != grants)
    g_error ("scale-%u: %u grants and %u callbacks in the window, not %u", n, window_grants,
             window_callbacks, grants);

  grant_limit = 0;
  sp_guard_release (stopped);
  g_clear_pointer (&stopped, sp_guard_unref);
  while (remaining > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < n; i++)
    g_object_unref (cancellables[i]);
  g_free (cancellables);
  g_object_unref (o);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
scale (guint n, double *per_grant, double *per_cancel)
{
  scale_full (n, per_grant, per_cancel, NULL);
}

/* 5. Threads ---------------------------------------------------------- */

typedef struct
{
  SpSharedObject *object;
  guint           n;
  gboolean        writer;
  double          ns;
  int            *stop;
} Reader;

static void
reader_got (GObject *source, GAsyncResult *result, gpointer data)
{
  guint *left = data;

  sp_shared_object_get_finish (SP_SHARED_OBJECT (source), result, NULL, NULL);
  (*left)--;
}

static gpointer
reader_thread (gpointer data)
{
  Reader       *r = data;
  GMainContext *context = g_main_context_new ();
  guint         left = r->n;
  gint64        t0;

  g_main_context_push_thread_default (context);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < r->n; i++)
    {
      sp_shared_object_get_async (r->object, 0, NULL, reader_got, &left);
      while (left > r->n - i - 1)
        g_main_context_iteration (context, TRUE);
    }
  r->ns = (g_get_monotonic_time () - t0) * 1000.0 / r->n;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static gpointer
writer_thread (gpointer data)
{
  Reader *w = data;
  GValue  value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  while (!g_atomic_int_get (w->stop))
    {
      g_value_set_int (&value, g_value_get_int (&value) + 1);
      sp_shared_object_set_sync (w->object, &value, 0, NULL, NULL);
    }
  return NULL;
}

static void
threads (guint reads, double *two_readers_and_writer, double *one_reader)
{
  GValue          zero = G_VALUE_INIT;
  SpSharedObject *o;
  Reader          a = { 0 }, b = { 0 }, w = { 0 }, alone = { 0 };
  int             stop = 0;
  GThread        *ta, *tb, *tw;

  g_value_init (&zero, G_TYPE_INT);
  o = sp_shared_object_new_with_value (&zero);

  alone = (Reader){ o, reads };
  g_thread_join (g_thread_new ("alone", reader_thread, &alone));
  *one_reader = alone.ns;

  a = (Reader){ o, reads };
  b = (Reader){ o, reads };
  w = (Reader){ o, 0, TRUE, 0, &stop };
  tw = g_thread_new ("writer", writer_thread, &w);
  ta = g_thread_new ("reader-a", reader_thread, &a);
  tb = g_thread_new ("reader-b", reader_thread, &b);
  g_thread_join (ta);
  g_thread_join (tb);
  g_atomic_int_set (&stop, 1);
  g_thread_join (tw);
  *two_readers_and_writer = (a.ns + b.ns) / 2;
  g_object_unref (o);
  /* The writer's changes queued emissions here. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* 6. Memory ----------------------------------------------------------- */

static void
noop_done (GObject *source, GAsyncResult *result, gpointer data)
{
  sp_shared_object_get_finish (SP_SHARED_OBJECT (source), result, NULL, NULL);
  (*(guint *) data)--;
}

/* Idle objects, and (@used) objects that served one call each, which
 * allocates their counters. */
static double
bytes_per_object_full (gboolean used)
{
  const guint      n = 10000;
  SpSharedObject **objects = g_new (SpSharedObject *, n);
  struct mallinfo2 before, after;
  GValue           zero = G_VALUE_INIT;

  g_value_init (&zero, G_TYPE_INT);
  /* Warm up type registration and the dispatcher. */
  g_object_unref (sp_shared_object_new_with_value (&zero));

  before = mallinfo2 ();
  for (guint i = 0; i < n; i++)
    objects[i] = sp_shared_object_new_with_value (&zero);
  if (used)
    {
      guint pending = n;

      for (guint i = 0; i < n; i++)
        sp_shared_object_get_async (objects[i], 0, NULL, noop_done, &pending);
      while (pending > 0)
        g_main_context_iteration (NULL, TRUE);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  after = mallinfo2 ();

  for (guint i = 0; i < n; i++)
    g_object_unref (objects[i]);
  g_free (objects);

  return (double) (after.uordblks - before.uordblks) / n;
}

static double
bytes_per_object (void)
{
  return bytes_per_object_full (FALSE);
}

/* Allocations are counted by interposing malloc in this program. */
extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);

static int     counting;
static guint64 n_allocs;

void *malloc (size_t size);
void *calloc (size_t n, size_t size);
void *realloc (void *ptr, size_t size);

void *
malloc (size_t size)
{
  if (counting)
    n_allocs++;
  return __libc_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  if (counting)
    n_allocs++;
  return __libc_calloc (n, size);
}

void *
realloc (void *ptr, size_t size)
{
  if (counting)
    n_allocs++;
  return __libc_realloc (ptr, size);
}

static double
allocs_per (void (*start) (void), guint n)
{
  n_allocs = 0;
  counting = 1;
  run_chain (start, n);
  counting = 0;
  return (double) n_allocs / n;
}

/* 7. One figure alone ------------------------------------------------ */

/* The measured part of --only=roundtrip-*: callgrind --toggle-collect=
 * measured_chain counts it alone, without the start-up and warm-up. */
G_GNUC_NO_INLINE static double
measured_chain (void (*start) (void), guint n)
{
  return run_chain (start, n);
}

/* --only=NAME [N]: one figure alone, for counting its instructions and
 * cache misses under callgrind (scripts/bench):
 *   roundtrip-get, roundtrip-get-view (through an SpGetter),
 *   roundtrip-lock, roundtrip-floor (the bare GTask)
 *       N round trips (default 20000) after a warm-up of 1000, measured
 *       in measured_chain()
 *   scale-N  N waiters queued, then the 40 grants of scale(), measured in
 *       scale_grants(); also prints "bytes-per-waiter-N", the heap bytes
 *       per queued waiter (its GCancellable included; with
 *       G_SLICE=always-malloc) */
static int
run_only (const char *only, guint n)
{
  void (*start) (void) = NULL;
  double value;

  if (g_str_has_prefix (only, "scale-"))
    {
      guint  size = (guint) atoi (only + strlen ("scale-"));
      double cancel, bytes;
      char   name[48];

      if (size < 100)
        g_error ("--only=scale-N needs N >= 100");
      scale_full (size, &value, &cancel, &bytes);
      bench_report (only, value, value);
      g_snprintf (name, sizeof name, "bytes-per-waiter-%u", size);
      bench_report (name, bytes, bytes);
      return 0;
    }

  if (g_str_equal (only, "roundtrip-get"))
    start = get_next;
  else if (g_str_equal (only, "roundtrip-get-view"))
    start = getter_next;
  else if (g_str_equal (only, "roundtrip-lock"))
    start = lock_next;
  else if (g_str_equal (only, "roundtrip-floor"))
    start = bare_next;
  else
    g_error ("--only=%s: unknown figure", only);

  run_chain (start, 1000);
  value = measured_chain (start, n);
  bench_report (only, value, value);
  return 0;
}

int
main (int argc, char *argv[])
{
  gboolean    smoke = argc > 1 && g_str_equal (argv[1], "--smoke");
  GValue      zero = G_VALUE_INIT;
  const guint n = smoke ? 2000 : 200000;
  const guint max_queued = smoke ? 10000 : 100000;
  double      value, floor, try_lock, grant100, cancel100;

  g_value_init (&zero, G_TYPE_INT);
  object = sp_shared_object_new_with_value (&zero);
  getter = sp_shared_object_get_getter (object);

  if (argc > 1 && g_str_has_prefix (argv[1], "--only="))
    {
      int status =
          run_only (argv[1] + strlen ("--only="), argc > 2 ? (guint) atoi (argv[2]) : 20000);

      g_object_unref (getter);
      g_object_unref (object);
      return status;
    }
  else if (argc > 1 && !smoke)
    {
      g_error ("usage: bench-suite [--smoke | --only=NAME [N]]");
    }

  /* Warm-up. */
  run_chain (bare_next, 1000);
  run_chain (get_next, 1000);

  floor = run_chain (bare_next, n);
  value = run_chain (get_next, n);
  bench_report ("roundtrip-get", value, floor);
  bench_report ("roundtrip-get-view", run_chain (getter_next, n), value);
  value = run_chain (lock_next, n);
  bench_report ("roundtrip-lock", value, floor);

  floor = bench_time_mutex (n * 10);
  bench_report ("try-get", time_try_get (n * 10), floor);
  try_lock = time_try_lock (n * 10);
  bench_report ("try-lock", try_lock, floor);
  bench_report ("try-lock-vs-parts", try_lock, time_try_lock_parts (n * 10));

  scale (100, &grant100, &cancel100);
  bench_report ("scale-100", grant100, grant100);
  bench_report ("cancel-100", cancel100, cancel100);
  /* Sizes in one process disturb each other's caches; the ratio is the
   * point. */
  for (guint size = max_queued / 10; size <= max_queued; size *= 10)
    {
      double grant, cancel;
      char   name[32];

      scale (size, &grant, &cancel);
      g_snprintf (name, sizeof name, "scale-%u", size);
      bench_report (name, grant, grant100);
      g_snprintf (name, sizeof name, "cancel-%u", size);
      bench_report (name, cancel, cancel100);
    }

  threads (n / 10, &value, &floor);
  bench_report ("threads", value, floor);

  bench_report ("bytes-per-object", bytes_per_object (), 256);
  bench_report ("bytes-per-used-object", bytes_per_object_full (TRUE), 256);
  floor = allocs_per (bare_next, n / 20);
  value = allocs_per (get_next, n / 20);
  bench_report ("allocs-per-get", value, floor);
  /* Through a view: the same, one task (target: a ratio of 1). */
  bench_report ("allocs-per-get-view", allocs_per (getter_next, n / 20), value);
  bench_report ("allocs-per-lock", allocs_per (lock_next, n / 20), floor);

  g_object_unref (getter);
  g_object_unref (object);
  return 0;
}
