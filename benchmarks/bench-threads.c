/* bench-threads.c: lock throughput as threads are added (issue 16)
 *
 * SPDX-License-Identifier: MIT
 *
 * T threads each have their own GMainContext, thread-default while they
 * run, and run 8 clients on one shared SpSharedObject. Each client loops:
 * take the lock, touch a plain counter, release; the next call starts from
 * the callback. Every thread does the same number of operations (the run's
 * total divided by T), so the work is the same at every T. All threads
 * wait on a barrier; the time runs from the barrier's release to the end
 * of the last thread. Printed: aggregate nanoseconds per operation (the
 * time over the run's total operations), as "name value floor ratio"
 * lines (bench-common.h) for scripts/bench:
 *
 *   threads-MODE-TN          ours at T = N, against the floor at T = N
 *   threads-MODE-scaling-TN  ours at T = N, against ours at T = 1: at
 *                            most 1 when aggregate throughput holds as
 *                            threads are added (the goal)
 *
 * Modes:
 *
 *   exclusive  every operation an exclusive lock_async; the callback
 *              increments the counter and releases the guard
 *   shared90   90% shared lock_async (the callback reads the counter),
 *              10% exclusive (it increments it), drawn at random with a
 *              seed per thread
 *   getset     the same draws, as get_async (90%) and set_async (10%):
 *              both served under the lock at grant time, no guard; the
 *              sets' ::changed emissions queue in the main thread's
 *              context (the object's), run after the measurement
 *   update     every operation an update_async that increments the
 *              object's value at grant time (the exclusive workload,
 *              without a guard); its floor increments under the GMutex
 *
 * Floor, the same threads and clients in the same run: each operation is
 * a GMutex-protected touch of the counter (the same draws: read or
 * increment, under one GMutex shared by all threads) plus one bare GTask
 * round trip through the thread's own context (created and returned at
 * once, so GTask completes it from its idle source in the next iteration,
 * as bench-suite's roundtrip floor). Half the floor's operations run
 * before ours and half after, so that a machine slowing down during the
 * run does not favour one side.
 *
 * Checks, which fail the run: the counter ends equal to the number of
 * increments (a lock that let two writers in at once, on two threads,
 * could lose one), the object's statistics count every shared and
 * exclusive grant, and in getset mode the final value is the last one
 * set by the thread that set it (each thread's sets are granted in the
 * order it made them; a lost or reordered set shows).
 *
 * Usage: bench-threads [--smoke] [--threads=LIST] [--ops=N]
 *                      [--mode=exclusive|shared90|getset|update|all] [--verbose]
 *        bench-threads --only=[floor-]MODE-TN [OPS]
 *        bench-threads --only=none
 *
 * LIST is comma-separated (default: 1, 2, 4 and the powers of two up to
 * the number of processors); OPS the operations of one measurement, all
 * threads together (default 300,000; --smoke: 2,000). --verbose adds, on
 * stderr, per measurement: main-loop iterations per operation, how many
 * CPUs were busy (the threads' CPU time over the elapsed time: a lock
 * that serializes the threads shows as about 1 at any T), and the share
 * of grants that had to queue.
 *
 * --only=NAME runs one measurement alone (ours, or with "floor-" the
 * floor) of OPS operations (default 20,000), for counting its
 * instructions under callgrind; --only=none runs nothing, the start-up to
 * subtract.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sharedpotato.h>

#include "bench-common.h"

/* GLib 2.74's GMutex is a futex that ThreadSanitizer cannot see: the
 * floor's locks tell it (as the library's sp-mutex-private.h does). */
#if defined(__SANITIZE_THREAD__)
# define BENCH_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define BENCH_TSAN 1
# endif
#endif

#ifdef BENCH_TSAN
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
#endif

static inline void
floor_lock (GMutex *mutex)
{
  g_mutex_lock (mutex);
#ifdef BENCH_TSAN
  __tsan_acquire (mutex);
#endif
}

static inline void
floor_unlock (GMutex *mutex)
{
#ifdef BENCH_TSAN
  __tsan_release (mutex);
#endif
  g_mutex_unlock (mutex);
}

#define CLIENTS_PER_THREAD 8
/* getset: a set's value is its sequence number in its thread * MAX_THREADS
 * + the thread's index. */
#define MAX_THREADS 256

typedef enum
{
  MODE_EXCLUSIVE,
  MODE_SHARED90,
  MODE_GETSET,
  MODE_UPDATE,
  N_MODES,
} Mode;

static const char *const mode_names[N_MODES] = { "exclusive", "shared90", "getset", "update" };

typedef struct _Worker Worker;

typedef struct
{
  Mode            mode;
  gboolean        floor; /* the floor's measurement, not ours */
  guint           n_threads;
  guint           ops_per_thread;
  SpSharedObject *object; /* ours */
  GMutex          mutex;  /* the floor's */

  /* The plain counter: touched under the lock, nothing else. */
  volatile guint counter;

  /* The barrier: atomics (a wait of microseconds, the threads' start). */
  gint    arrived;
  gint    go;
  gint64  start;
  Worker *workers;
} Run;

struct _Worker
{
  Run          *run;
  guint         index;
  GMainContext *context;
  GRand        *rand;
  guint         remaining; /* operations not started yet */
  guint         active;    /* clients still running */
  /* What this thread did, for the checks. */
  guint          writes;   /* increments (exclusive locks) or sets */
  guint          reads;    /* shared locks, or gets */
  guint          sets;     /* getset: sets made */
  int            last_set; /* getset: the last value set */
  volatile guint sink;     /* a shared holder reads the counter into it */
  guint64        iterations;
  gint64         end;
  gint64         cpu_us; /* this thread's CPU time over the measurement */
  GThread       *thread;
};

static void client_next (Worker *worker);

/* The calling thread's CPU time: a thread asleep in poll() spends none, so
 * the sum over the threads against the elapsed time tells how many
 * threads worked at once (--verbose). */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    g_error ("clock_gettime (CLOCK_THREAD_CPUTIME_ID): %s", g_strerror (errno));
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
client_done (Worker *worker)
{
  if (worker->remaining > 0)
    {
      worker->remaining--;
      client_next (worker);
    }
  else
    {
      worker->active--;
    }
}

/* An exclusive operation, or not (the mode's draw). */
static gboolean
draw_exclusive (Worker *worker)
{
  return worker->run->mode == MODE_EXCLUSIVE || worker->run->mode == MODE_UPDATE ||
         g_rand_int_range (worker->rand, 0, 100) >= 90;
}

static void
locked (GObject *source, GAsyncResult *result, gpointer data)
{
  Worker  *worker = data;
  Run     *run = worker->run;
  SpGuard *guard = sp_shared_object_lock_finish (run->object, result, NULL);

  if (guard == NULL)
    g_error ("lock failed");
  if (sp_guard_get_mode (guard) == SP_LOCK_MODE_EXCLUSIVE)
    {
      run->counter = run->counter + 1;
      worker->writes++;
    }
  else
    {
      worker->sink = run->counter;
      worker->reads++;
    }
  sp_guard_release (guard);
  sp_guard_unref (guard);
  client_done (worker);
}

static void
got (GObject *source, GAsyncResult *result, gpointer data)
{
  Worker *worker = data;

  if (!sp_shared_object_get_finish (worker->run->object, result, NULL, NULL))
    g_error ("get failed");
  worker->reads++;
  client_done (worker);
}

static void
was_set (GObject *source, GAsyncResult *result, gpointer data)
{
  Worker *worker = data;

  if (!sp_shared_object_set_finish (worker->run->object, result, NULL))
    g_error ("set failed");
  worker->writes++;
  client_done (worker);
}

static gboolean
add_one (GValue *value, gpointer data)
{
  g_value_set_int (value, g_value_get_int (value) + 1);
  return TRUE;
}

static void
updated (GObject *source, GAsyncResult *result, gpointer data)
{
  Worker *worker = data;

  if (!sp_shared_object_update_finish (worker->run->object, result, NULL, NULL))
    g_error ("update failed");
  worker->writes++;
  client_done (worker);
}

static void
floor_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Worker *worker = data;
  Run    *run = worker->run;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    g_error ("bare task failed");
  /* The touch, in the callback as ours: an increment or a read, as
   * drawn when the task was made. */
  floor_lock (&run->mutex);
  if (GPOINTER_TO_INT (g_task_get_task_data (G_TASK (result))))
    {
      run->counter = run->counter + 1;
      worker->writes++;
    }
  else
    {
      worker->sink = run->counter;
      worker->reads++;
    }
  floor_unlock (&run->mutex);
  client_done (worker);
}

static void
client_next (Worker *worker)
{
  Run     *run = worker->run;
  gboolean exclusive = draw_exclusive (worker);

  if (run->floor)
    {
      GTask *task = g_task_new (NULL, NULL, floor_done, worker);

      g_task_set_task_data (task, GINT_TO_POINTER (exclusive), NULL);
      /* Returned in the iteration that created it: GTask completes it
       * from an idle source in the thread's context. */
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  else if (run->mode == MODE_UPDATE)
    {
      sp_shared_object_update_async (run->object, add_one, NULL, NULL, 0, NULL, updated, worker);
    }
  else if (run->mode != MODE_GETSET)
    {
      sp_shared_object_lock_async (run->object,
                                   exclusive ? SP_LOCK_MODE_EXCLUSIVE : SP_LOCK_MODE_SHARED, 0,
                                   NULL, locked, worker);
    }
  else if (exclusive)
    {
      GValue value = G_VALUE_INIT;

      worker->last_set = (int) (++worker->sets * MAX_THREADS + worker->index);
      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, worker->last_set);
      sp_shared_object_set_async (run->object, &value, 0, NULL, was_set, worker);
      g_value_unset (&value);
    }
  else
    {
      sp_shared_object_get_async (run->object, 0, NULL, got, worker);
    }
}

static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;
  Run    *run = worker->run;

  g_main_context_push_thread_default (worker->context);

  /* The barrier: the last thread to arrive starts the clock. */
  if (g_atomic_int_add (&run->arrived, 1) + 1 == (gint) run->n_threads)
    {
      run->start = g_get_monotonic_time ();
      g_atomic_int_set (&run->go, 1);
    }
  while (!g_atomic_int_get (&run->go))
    g_thread_yield ();
  worker->cpu_us = -thread_cpu_us ();

  worker->remaining = run->ops_per_thread;
  worker->active = CLIENTS_PER_THREAD;
  for (guint i = 0; i < CLIENTS_PER_THREAD; i++)
    {
      if (worker->remaining > 0)
        {
          worker->remaining--;
          client_next (worker);
        }
      else
        {
          worker->active--;
        }
    }
  while (worker->active > 0)
    {
      g_main_context_iteration (worker->context, TRUE);
      worker->iterations++;
    }
  worker->end = g_get_monotonic_time ();
  worker->cpu_us += thread_cpu_us ();

  while (g_main_context_iteration (worker->context, FALSE))
    ;
  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

/* The checks: mutual exclusion, every grant counted, getset's order. */
static void
check_run (Run *run, guint writes, guint reads)
{
  const char *name = mode_names[run->mode];

  if ((run->floor || (run->mode != MODE_GETSET && run->mode != MODE_UPDATE)) &&
      run->counter != writes)
    g_error ("%s%s-T%u: counter %u, expected %u increments", run->floor ? "floor-" : "", name,
             run->n_threads, run->counter, writes);
  if (run->floor)
    return;

  {
    g_autoptr (SpStats) stats = sp_shared_object_get_stats (run->object);

    if (stats->writes_granted != writes || stats->reads_granted != reads)
      g_error ("%s-T%u: %" G_GUINT64_FORMAT " exclusive and %" G_GUINT64_FORMAT
               " shared grants, expected %u and %u",
               name, run->n_threads, stats->writes_granted, stats->reads_granted, writes, reads);
    if (stats->current_readers != 0 || stats->current_writer || stats->queue_length != 0)
      g_error ("%s-T%u: the lock is still held or queued on", name, run->n_threads);
  }

  if (run->mode == MODE_UPDATE)
    {
      GValue value = G_VALUE_INIT;

      if (!sp_shared_object_try_get (run->object, &value) ||
          g_value_get_int (&value) != (int) writes)
        g_error ("update-T%u: the value is not the number of updates", run->n_threads);
      g_value_unset (&value);
    }

  if (run->mode == MODE_GETSET)
    {
      GValue value = G_VALUE_INIT;
      int    final, expected = 0;

      if (!sp_shared_object_try_get (run->object, &value))
        g_error ("getset-T%u: no value", run->n_threads);
      final = g_value_get_int (&value);
      g_value_unset (&value);
      if (final > 0 && (guint) final % MAX_THREADS < run->n_threads)
        expected = run->workers[final % MAX_THREADS].last_set;
      if (final != expected || (final == 0 && writes > 0))
        g_error ("getset-T%u: final value %d is not the last set of its thread", run->n_threads,
                 final);
    }
}

/* One measurement: @ops_per_thread operations on each of @n_threads
 * threads. Returns the elapsed microseconds. */
static gint64
measure (Mode mode, gboolean is_floor, guint n_threads, guint ops_per_thread, gboolean verbose)
{
  Run     run = { 0 };
  GValue  zero = G_VALUE_INIT;
  gint64  end = 0;
  guint   writes = 0, reads = 0;
  guint64 iterations = 0;
  gint64  cpu_us = 0;

  run.mode = mode;
  run.floor = is_floor;
  run.n_threads = n_threads;
  run.ops_per_thread = ops_per_thread;
  if (ops_per_thread == 0 || ops_per_thread >= G_MAXINT / MAX_THREADS)
    g_error ("%u operations per thread: 1 to %d", ops_per_thread, G_MAXINT / MAX_THREADS - 1);
  g_mutex_init (&run.mutex);
  g_value_init (&zero, G_TYPE_INT);
  /* Created here: its ::changed emissions (getset's sets) queue in this
   * thread's context, which is iterated after the run. */
  run.object = sp_shared_object_new_with_value (&zero);
  g_value_unset (&zero);

  run.workers = g_new0 (Worker, n_threads);
  for (guint i = 0; i < n_threads; i++)
    {
      Worker *worker = &run.workers[i];

      worker->run = &run;
      worker->index = i;
      worker->context = g_main_context_new ();
      worker->rand = g_rand_new_with_seed (42 + i);
    }
  for (guint i = 0; i < n_threads; i++)
    run.workers[i].thread = g_thread_new ("bench-threads", worker_run, &run.workers[i]);
  for (guint i = 0; i < n_threads; i++)
    {
      Worker *worker = &run.workers[i];

      g_thread_join (worker->thread);
      end = MAX (end, worker->end);
      writes += worker->writes;
      reads += worker->reads;
      iterations += worker->iterations;
      cpu_us += worker->cpu_us;
    }
  if (writes + reads != run.ops_per_thread * n_threads)
    g_error ("%u operations done, expected %u", writes + reads, run.ops_per_thread * n_threads);

  check_run (&run, writes, reads);

  if (verbose)
    {
      g_autoptr (SpStats) stats = sp_shared_object_get_stats (run.object);

      g_printerr ("# %s%s-T%u: %.2f iterations per op, %.2f CPUs busy", is_floor ? "floor-" : "",
                  mode_names[mode], n_threads, (double) iterations / (writes + reads),
                  (double) cpu_us / MAX (end - run.start, 1));
      if (!is_floor)
        g_printerr (", %.1f%% of grants queued, peak queue %u",
                    100.0 * stats->waited_grants / (writes + reads), stats->peak_queue_length);
      g_printerr ("\n");
    }

  for (guint i = 0; i < n_threads; i++)
    {
      g_main_context_unref (run.workers[i].context);
      g_rand_free (run.workers[i].rand);
    }
  g_free (run.workers);
  g_object_unref (run.object);
  /* The emissions the sets queued here. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_mutex_clear (&run.mutex);

  return end - run.start;
}

static double
ns_per_op (gint64 us, guint ops)
{
  return us * 1000.0 / ops;
}

/* Ours and its floor at each T, then the scaling against T = 1. */
static void
run_mode (Mode mode, const guint *threads, guint n_threads, guint ops, gboolean verbose)
{
  double *ours = g_new0 (double, n_threads);
  double  at_1 = -1;
  char    name[64];

  for (guint i = 0; i < n_threads; i++)
    {
      guint t = threads[i];
      /* Whole operations per thread, the same in every measurement. */
      guint  per_thread = MAX (ops / t, 2);
      guint  total = per_thread * t;
      gint64 floor_us;

      floor_us = measure (mode, TRUE, t, per_thread / 2, verbose);
      ours[i] = ns_per_op (measure (mode, FALSE, t, per_thread, verbose), total);
      floor_us += measure (mode, TRUE, t, per_thread - per_thread / 2, verbose);
      g_snprintf (name, sizeof name, "threads-%s-T%u", mode_names[mode], t);
      bench_report (name, ours[i], ns_per_op (floor_us, total));
      if (t == 1)
        at_1 = ours[i];
    }
  for (guint i = 0; i < n_threads && at_1 >= 0; i++)
    {
      if (threads[i] == 1)
        continue;
      g_snprintf (name, sizeof name, "threads-%s-scaling-T%u", mode_names[mode], threads[i]);
      bench_report (name, ours[i], at_1);
    }
  g_free (ours);
}

/* --only=[floor-]MODE-TN [OPS], or none */
static void
run_only (const char *only, guint ops)
{
  gboolean    is_floor = g_str_has_prefix (only, "floor-");
  const char *rest = is_floor ? only + strlen ("floor-") : only;
  char        name[64];

  if (g_str_equal (only, "none"))
    return;
  for (Mode mode = 0; mode < N_MODES; mode++)
    {
      gsize  n = strlen (mode_names[mode]);
      guint  t, per_thread;
      double value;

      if (strncmp (rest, mode_names[mode], n) != 0 || strncmp (rest + n, "-T", 2) != 0)
        continue;
      t = (guint) atoi (rest + n + 2);
      if (t == 0 || t > MAX_THREADS)
        break;
      per_thread = MAX (ops / t, 1);
      g_snprintf (name, sizeof name, "threads-%s", only);
      value = ns_per_op (measure (mode, is_floor, t, per_thread, FALSE), per_thread * t);
      bench_report (name, value, value);
      return;
    }
  g_error ("--only=%s: unknown figure (MODE-TN, floor-MODE-TN or none)", only);
}

static void
usage (void)
{
  g_error ("usage: bench-threads [--smoke] [--threads=LIST] [--ops=N] "
           "[--mode=exclusive|shared90|getset|update|all] [--verbose]\n"
           "       bench-threads --only=[floor-]MODE-TN [OPS] | --only=none");
}

int
main (int argc, char *argv[])
{
  gboolean    smoke = FALSE, verbose = FALSE;
  const char *only = NULL, *threads_arg = NULL, *mode_arg = "all";
  guint       ops = 0, only_ops = 20000;
  guint       threads[64];
  guint       n_threads = 0;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--smoke"))
        smoke = TRUE;
      else if (g_str_equal (arg, "--verbose"))
        verbose = TRUE;
      else if (g_str_has_prefix (arg, "--threads="))
        threads_arg = arg + strlen ("--threads=");
      else if (g_str_has_prefix (arg, "--ops="))
        ops = (guint) atoi (arg + strlen ("--ops="));
      else if (g_str_has_prefix (arg, "--mode="))
        mode_arg = arg + strlen ("--mode=");
      else if (g_str_has_prefix (arg, "--only="))
        only = arg + strlen ("--only=");
      else if (only != NULL && g_ascii_isdigit (arg[0]))
        only_ops = (guint) atoi (arg);
      else
        usage ();
    }

  if (only != NULL)
    {
      run_only (only, only_ops);
      return 0;
    }

  if (ops == 0)
    ops = smoke ? 2000 : 300000;
  if (!g_str_equal (mode_arg, "all") && !g_str_equal (mode_arg, "exclusive") &&
      !g_str_equal (mode_arg, "shared90") && !g_str_equal (mode_arg, "getset") &&
      !g_str_equal (mode_arg, "update"))
    usage ();

  if (threads_arg != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (threads_arg, ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          guint t = (guint) atoi (parts[i]);

          if (t == 0 || t > MAX_THREADS || n_threads == G_N_ELEMENTS (threads))
            g_error ("--threads=%s: 1 to %d threads each, at most %u figures", threads_arg,
                     MAX_THREADS, (guint) G_N_ELEMENTS (threads));
          threads[n_threads++] = t;
        }
    }
  else
    {
      /* 1, 2, 4, then powers of two up to the number of processors, and
       * that number itself if it is not one. */
      guint cores = MIN ((guint) g_get_num_processors (), MAX_THREADS);

      for (guint t = 1; t <= MAX (4, cores); t *= 2)
        threads[n_threads++] = t;
      if (cores > 4 && threads[n_threads - 1] != cores)
        threads[n_threads++] = cores;
    }

  for (Mode mode = 0; mode < N_MODES; mode++)
    if (g_str_equal (mode_arg, "all") || g_str_equal (mode_arg, mode_names[mode]))
      run_mode (mode, threads, n_threads, ops, verbose);

  return 0;
}
