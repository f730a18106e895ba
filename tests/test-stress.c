/* test-stress.c: a seeded multi-thread workload checked against a model
 *
 * SPDX-License-Identifier: MIT
 *
 * Three worker threads, each with its own main context, plus the creator's
 * context (which owns every object, so it runs the signals and the lazy
 * initializers) and a canceller thread, issue a random mix of every call
 * on several objects: get, peek, set, clear, shared and exclusive locks
 * (some held across iterations, some downgraded), try_get, try_lock, the
 * blocking twins, random timeouts (1 ms among them) and cancellations
 * before the call, while it waits and racing its grant from another
 * thread. The objects:
 *
 *  - two "counters", always initialized, which only ever grow by one
 *    inside an exclusive guard;
 *  - a "register" with a default value (-1), closed midway;
 *  - two slots of "cells", which start with no value and have no default
 *    (a clear makes them uninitialized again, so gets wait for a value):
 *    slot 0 is plain, slot 1 has a lazy initializer, which may hold its
 *    guard across iterations, fail, or store nothing. Each slot's object
 *    is closed and replaced by a fresh one five times during the run (at
 *    a moment when gets seem to wait for a value, if one comes soon) and
 *    the last one at the end, so closes meet gets waiting for a value,
 *    initializers and writers holding the lock.
 *
 * Exclusive holders of a cell, the initializer among them, often store a
 * "tentative" value, make one more call on the object while it is stored
 * (any call that queues makes the object grant what it can), and then
 * overwrite or clear it before they release or downgrade.
 *
 * The model and its invariants:
 *  - a counter's value, read by an exclusive or shared holder, is exactly
 *    the number of increments committed so far; at the end it equals the
 *    number of increments that succeeded (no grant lost, none doubled);
 *  - never a writer together with anyone else, counted by the holders (the
 *    model enters after the grant and leaves before the release, so it
 *    never sees more holders than there are); and no read at all granted
 *    while a writer holds the lock, a get waiting for a value included:
 *    the object's reads_granted stat does not move between an exclusive
 *    grant and its release or downgrade;
 *  - FIFO: within one thread, two calls on a counter that conflict and both
 *    succeed complete in the order they were made;
 *  - every value stored in the register or a cell is a fresh write id, and
 *    the model records each id's object and history. Every value anybody
 *    but its writer reads (get, peek, try_get, a guard, ::closed) must be
 *    an id written to that very object, or the register's default; never
 *    the value of a set that reported failure (a failed set stored
 *    nothing); never a tentative value, which only a reader served while
 *    its writer held the lock could see; and, except in ::closed, never a
 *    "late" value, written by a holder after it saw the object closed,
 *    which only a call served after the close began could see;
 *  - a call made after the object was seen closed fails with CLOSED (or
 *    CANCELLED, when cancelled before it was made); CLOSED never comes
 *    before the creator closed the object; a get never receives the error
 *    of an initializer run that ended after the close began (the close
 *    must have failed it with CLOSED first);
 *  - once a close completed, nothing waits on the object (the stats' queue
 *    length, gets waiting for a value included, is 0) and nothing holds
 *    it; ::closed was emitted once, with no holder left;
 *  - every call completes exactly once, with success, TIMED_OUT,
 *    CANCELLED, CLOSED or (a get on a lazy cell) the initializer's error.
 *    A get on a cell may rightly wait as long as nobody sets a value, so
 *    the end closes every cell; once every close has completed, the
 *    workers drain their contexts, and a call still not completed then (a
 *    get a close left waiting) is a violation, found without waiting for
 *    anything;
 *  - at the end nothing is held, the counters can be locked, and every
 *    object is finalized.
 *
 * A failed check counts a violation and says what failed (the first
 * MAX_REPORTED); the test fails at the end if there was any. A hang (a
 * grant lost on an object nobody closes) fails too: the creator aborts,
 * listing the calls still in flight, when nothing at all has happened for
 * STALL_SECONDS, which never comes to pass in a correct run.
 *
 * SP_STRESS_SEED=n reproduces each thread's choices (not the interleaving);
 * SP_STRESS_OPS=n sets the run's length (the default is short, for the
 * test suite; see the README for the long run).
 */

#include <stdlib.h>
#include <string.h>

#include <sharedpotato.h>

#define N_WORKERS 3
#define IN_FLIGHT 6
#define N_COUNTERS 2
#define N_CELL_SLOTS 2  /* slot 0 plain, slot 1 with an initializer */
#define N_GENERATIONS 6 /* objects per cell slot over a run */
#define REGISTER N_COUNTERS
#define FIRST_CELL (N_COUNTERS + 1)
#define N_TARGETS (FIRST_CELL + N_CELL_SLOTS * N_GENERATIONS)
#define STALL_SECONDS 30
#define MAX_REPORTED 20

typedef enum
{
  TARGET_COUNTER,
  TARGET_REGISTER,
  TARGET_CELL,
} TargetKind;

typedef struct
{
  SpSharedObject *object;
  TargetKind      kind;
  guint           index; /* in targets[]; write ids record it */
  char           *name;
  gboolean        lazy; /* a cell with an initializer */
  /* Atomics from here on: several threads read them, and TSan cannot see
   * GLib 2.74's GMutex. */
  int closing;                /* set before close_async is called */
  int closed_emitted;         /* ::closed emissions */
  int outstanding[N_WORKERS]; /* calls made and not completed */
  int readers;                /* shared holders right now */
  int writers;                /* exclusive holders right now */
  int committed;              /* counters: increments done under the lock */
  int succeeded;              /* counters: increments whose call succeeded */
} Target;

/* The history of a write id, in writes[id]: its target's index above
 * WRITE_TARGET_SHIFT, flags below. */
enum
{
  WRITE_ISSUED = 1 << 0,
  WRITE_TENTATIVE = 1 << 1, /* overwritten before its holder lets go */
  WRITE_LATE = 1 << 2,      /* written after the object was closed */
  WRITE_FAILED = 1 << 3,    /* its set reported failure */
  WRITE_OBSERVED = 1 << 4,  /* somebody other than its writer read it */
};
#define WRITE_TARGET_SHIFT 8

typedef enum
{
  OP_GET,
  OP_PEEK,
  OP_SET,
  OP_CLEAR,
  OP_LOCK_SHARED,
  OP_LOCK_EXCLUSIVE,
} Op;

static const char *const op_names[] = {
  "get", "peek", "set", "clear", "shared lock", "exclusive lock",
};

typedef enum
{
  OUTCOME_SUCCESS,
  OUTCOME_TIMED_OUT,
  OUTCOME_CANCELLED,
  OUTCOME_CLOSED,
  OUTCOME_INIT_FAILED,
  N_OUTCOMES
} Outcome;

/* What the initializer of a lazy cell fails with: whether it saw the
 * object closed before it failed. */
#define STRESS_INIT_ERROR (stress_init_error_quark ())
static GQuark stress_init_error_quark (void);
G_DEFINE_QUARK (stress - init - error - quark, stress_init_error)
enum
{
  STRESS_INIT_FAILED_OPEN,
  STRESS_INIT_FAILED_CLOSED,
};

typedef struct Worker Worker;

typedef struct
{
  Worker       *worker;
  Target       *target;
  Op            op;
  guint         seq;         /* issue order within the worker */
  int           write_id;    /* OP_SET: the value it stores */
  gboolean      after_close; /* the object was closed before the call */
  GCancellable *cancellable;
  gboolean      hold; /* keep the guard a few iterations */
} Call;

struct Worker
{
  guint         id;
  GRand        *rand;
  GMainContext *context;
  guint         ops_left;
  guint         next_seq;
  guint         held; /* guards kept across iterations now */
  /* Per counter: only calls on one object are ordered. */
  guint    last_write_done[N_COUNTERS]; /* seq of the last successful write */
  guint    last_done[N_COUNTERS];       /* seq of the last successful call */
  GThread *thread;
  /* Atomics: the creator watches them. */
  int issued;
  int completed;
  int finished; /* issued everything; its calls that must end did */
};

static Target       targets[N_TARGETS];
static Worker       workers[N_WORKERS];
static int          cell_generation[N_CELL_SLOTS]; /* atomic */
static guint       *writes;                        /* atomic entries, indexed by write id */
static int          n_writes;                      /* atomic: the last id handed out */
static int          max_writes;
static int          n_tentative; /* atomic */
static GRand       *init_rand;   /* the initializers', in the creator thread */
static GAsyncQueue *to_cancel;
static int          outcomes[N_OUTCOMES];
static int          violations;
static int          stop; /* atomic: every close completed, drain and go */

/* The model's checks ------------------------------------------------------- */

static void G_GNUC_PRINTF (2, 3) violation (const char *where, const char *format, ...)
{
  va_list args;
  char   *message;

  /* Counted, not asserted at once: the end reports how many, and the
   * first few say what went wrong while the run goes on. */
  if (g_atomic_int_add (&violations, 1) >= MAX_REPORTED)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("stress: VIOLATION (%s): %s\n", where, message);
  g_free (message);
}

#define CHECK(cond, ...)                                                                           \
 G_STMT_START                                                                                      \
 {                                                                                                 \
  if (G_UNLIKELY (!(cond)))                                                                        \
   violation (G_STRLOC, __VA_ARGS__);                                                              \
 }                                                                                                 \
 G_STMT_END

/* A fresh value to store in @t; flagged late when @t is already closed,
 * before the value can be stored and read. */
static int
new_write (Target *t, guint flags)
{
  int id = g_atomic_int_add (&n_writes, 1) + 1;

  if (id > max_writes)
    g_error ("stress: more writes than the model has room for (%d)", max_writes);
  if (sp_shared_object_is_closed (t->object))
    flags |= WRITE_LATE;
  if (flags & WRITE_TENTATIVE)
    g_atomic_int_inc (&n_tentative);
  g_atomic_int_set ((int *) &writes[id],
                    (int) ((t->index << WRITE_TARGET_SHIFT) | WRITE_ISSUED | flags));

  return id;
}

/* @v was read from @t by @who, somebody other than the holder that wrote
 * it. @allow_late: ::closed, which reports whatever holders left. */
static void
check_read (Target *t, int v, const char *who, gboolean allow_late)
{
  guint state;

  if (t->kind == TARGET_REGISTER && v == -1)
    return; /* its default */

  if (v < 1 || v > g_atomic_int_get (&n_writes))
    {
      violation (G_STRLOC, "%s on %s read %d, which nobody wrote", who, t->name, v);
      return;
    }

  state = g_atomic_int_or (&writes[v], WRITE_OBSERVED);
  CHECK (state & WRITE_ISSUED, "%s on %s read %d before anybody wrote it", who, t->name, v);
  CHECK ((state >> WRITE_TARGET_SHIFT) == t->index, "%s on %s read %d, which was written to %s",
         who, t->name, v, targets[state >> WRITE_TARGET_SHIFT].name);
  CHECK (!(state & WRITE_TENTATIVE),
         "%s on %s read %d, which an exclusive holder had stored and not yet "
         "committed: served while a writer held the lock",
         who, t->name, v);
  CHECK (allow_late || !(state & WRITE_LATE),
         "%s on %s read %d, which a holder wrote after the object was closed: "
         "served after the close began",
         who, t->name, v);
  CHECK (!(state & WRITE_FAILED), "%s on %s read %d, stored by a set that reported failure", who,
         t->name, v);
}

static void
mark_failed (Call *call)
{
  guint state = g_atomic_int_or (&writes[call->write_id], WRITE_FAILED);

  CHECK (!(state & WRITE_OBSERVED), "a set on %s reported failure, but its value %d was read",
         call->target->name, call->write_id);
}

static const char *
outcome_error_name (const GError *error)
{
  return error != NULL ? error->message : "success";
}

/* Every call ends here exactly once (a held guard's call when the lock is
 * granted; it is done when the guard is released). */
static void
note_outcome (Call *call, const GError *error)
{
  Target *t = call->target;
  Outcome outcome;

  if (error == NULL)
    outcome = OUTCOME_SUCCESS;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    outcome = OUTCOME_TIMED_OUT;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    outcome = OUTCOME_CANCELLED;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    {
      outcome = OUTCOME_CLOSED;
      CHECK (g_atomic_int_get (&t->closing), "%s on %s failed with CLOSED before anyone closed it",
             op_names[call->op], t->name);
    }
  else if (call->op == OP_GET && t->lazy &&
           (g_error_matches (error, SP_ERROR, SP_ERROR_NOT_INITIALIZED) ||
            g_error_matches (error, STRESS_INIT_ERROR, STRESS_INIT_FAILED_OPEN)))
    outcome = OUTCOME_INIT_FAILED;
  else if (g_error_matches (error, STRESS_INIT_ERROR, STRESS_INIT_FAILED_CLOSED))
    {
      outcome = OUTCOME_INIT_FAILED;
      violation (G_STRLOC,
                 "%s on %s got the error of an initializer run that ended after "
                 "the close began, which should have failed it with CLOSED",
                 op_names[call->op], t->name);
    }
  else
    {
      outcome = OUTCOME_INIT_FAILED; /* wherever: it is counted as a violation */
      violation (G_STRLOC, "%s on %s failed unexpectedly: %s", op_names[call->op], t->name,
                 error->message);
    }

  CHECK (!call->after_close || outcome == OUTCOME_CLOSED || outcome == OUTCOME_CANCELLED,
         "%s on %s, made after it was closed, ended with: %s", op_names[call->op], t->name,
         outcome_error_name (error));

  g_atomic_int_inc (&outcomes[outcome]);
}

/* FIFO within a worker: a successful call must not complete after a later
 * successful call it conflicts with. Reads after reads may reorder only
 * when granted together, which delivers them in order anyway. */
static void
check_order (Call *call)
{
  Worker  *w = call->worker;
  guint    i = call->target->index;
  gboolean write = call->op == OP_LOCK_EXCLUSIVE;

  g_assert (call->target->kind == TARGET_COUNTER);
  if (write)
    CHECK (call->seq > w->last_done[i], "worker %u: %s %u on %s completed after call %u", w->id,
           op_names[call->op], call->seq, call->target->name, w->last_done[i]);
  else
    CHECK (call->seq > w->last_write_done[i], "worker %u: %s %u on %s completed after write %u",
           w->id, op_names[call->op], call->seq, call->target->name, w->last_write_done[i]);

  w->last_done[i] = MAX (w->last_done[i], call->seq);
  if (write)
    w->last_write_done[i] = MAX (w->last_write_done[i], call->seq);
}

/* Holders ---------------------------------------------------------------- */

static void
enter_shared (Target *t, const char *who)
{
  CHECK (g_atomic_int_add (&t->readers, 1) >= 0, "%s on %s: negative readers", who, t->name);
  CHECK (g_atomic_int_get (&t->writers) == 0, "%s on %s granted while a writer holds it", who,
         t->name);
}

static guint64
reads_granted (Target *t)
{
  g_autoptr (SpStats) stats = sp_shared_object_get_stats (t->object);

  return stats->reads_granted;
}

/* While a writer holds the lock nobody may read: not a get waiting for a
 * value, whatever value the writer stored. */
static void
check_no_reads (Target *t, guint64 reads_at_grant, const char *who)
{
  guint64 reads = reads_granted (t);

  CHECK (reads == reads_at_grant,
         "%" G_GUINT64_FORMAT " reads of %s were granted while the %s held it exclusively",
         reads - reads_at_grant, t->name, who);
}

/* Returns how many reads the object had granted: as many as it will have
 * granted when the writer leaves. */
static guint64
enter_exclusive (Target *t, const char *who)
{
  CHECK (g_atomic_int_add (&t->writers, 1) == 0, "%s on %s granted to a second writer", who,
         t->name);
  CHECK (g_atomic_int_get (&t->readers) == 0, "%s on %s granted while readers hold it", who,
         t->name);
  return reads_granted (t);
}

/* The model leaves before the lock does: it never counts a holder that
 * is gone. */
static void
leave (Target *t, SpGuard *guard, gboolean exclusive)
{
  g_atomic_int_add (exclusive ? &t->writers : &t->readers, -1);
  sp_guard_release (guard);
  sp_guard_unref (guard);
}

static void
leave_exclusive (Target *t, SpGuard *guard, guint64 reads_at_grant, const char *who)
{
  check_no_reads (t, reads_at_grant, who);
  leave (t, guard, TRUE);
}

/* Exclusive to shared: counted as a reader before it stops being the
 * writer, so that nobody granted by the downgrade finds a writer. */
static void
downgrade (Target *t, SpGuard *guard)
{
  g_atomic_int_inc (&t->readers);
  g_atomic_int_add (&t->writers, -1);
  sp_guard_downgrade (guard);
}

static gboolean
guard_read (SpGuard *guard, int *v)
{
  GValue   value = G_VALUE_INIT;
  gboolean initialized = sp_guard_get_value (guard, &value);

  *v = initialized ? g_value_get_int (&value) : 0;
  g_value_unset (&value);
  return initialized;
}

static void
guard_write (Target *t, SpGuard *guard, guint flags)
{
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, new_write (t, flags));
  CHECK (sp_guard_set_value (guard, &value, NULL), "a guard on %s could not write", t->name);
  g_value_unset (&value);
}

/* A holder's first look at a cell. */
static void
guard_check (Target *t, SpGuard *guard, const char *who)
{
  int v;

  if (guard_read (guard, &v))
    check_read (t, v, who, FALSE);
}

static void
counter_check_shared (Target *t, SpGuard *guard)
{
  int v;

  /* No writer: the value is exactly what the model committed. */
  CHECK (guard_read (guard, &v), "%s lost its value", t->name);
  CHECK (v == g_atomic_int_get (&t->committed), "a reader of %s read %d, %d committed", t->name, v,
         g_atomic_int_get (&t->committed));
}

static void
counter_increment (Target *t, SpGuard *guard)
{
  GValue value = G_VALUE_INIT;
  int    v;

  CHECK (guard_read (guard, &v), "%s lost its value", t->name);
  CHECK (v == g_atomic_int_get (&t->committed), "a writer of %s read %d, %d committed", t->name, v,
         g_atomic_int_get (&t->committed));
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, v + 1);
  CHECK (sp_guard_set_value (guard, &value, NULL), "a guard on %s could not write", t->name);
  g_value_unset (&value);
  g_atomic_int_inc (&t->committed);
  g_atomic_int_inc (&t->succeeded);
}

/* Calls ------------------------------------------------------------------- */

static void worker_issue (Worker *w, Target *target);

static void
call_done (Call *call)
{
  Worker *w = call->worker;

  CHECK (g_atomic_int_add (&call->target->outstanding[w->id], -1) > 0,
         "a call on %s completed twice", call->target->name);
  g_clear_object (&call->cancellable);
  g_free (call);
  g_atomic_int_inc (&w->completed);
  g_main_context_wakeup (NULL); /* the creator watches the progress */
}

/* A guard kept across a few iterations of its worker's context, so that
 * other calls arrive (and the lock is granted again, or not) meanwhile. */
typedef enum
{
  HELD_SHARED,
  HELD_EXCLUSIVE,  /* a counter's increment, already committed */
  HELD_TENTATIVE,  /* a cell's writer with a tentative value stored */
  HELD_DOWNGRADED, /* a cell's writer, now shared */
} HeldState;

typedef struct
{
  Call     *call;
  SpGuard  *guard;
  HeldState state;
  guint     iterations;
  guint64   reads_at_grant; /* exclusive */
} Held;

static gboolean
release_held (gpointer data)
{
  Held   *held = data;
  Call   *call = held->call;
  Target *t = call->target;

  if (held->iterations-- > 0)
    return G_SOURCE_CONTINUE;

  switch (held->state)
    {
    case HELD_TENTATIVE:
      /* Commit or clear: the tentative value never outlives the hold. */
      if (g_rand_int_range (call->worker->rand, 0, 4) > 0)
        guard_write (t, held->guard, 0);
      else
        sp_guard_clear (held->guard);
      leave_exclusive (t, held->guard, held->reads_at_grant, op_names[call->op]);
      break;
    case HELD_EXCLUSIVE:
      leave_exclusive (t, held->guard, held->reads_at_grant, op_names[call->op]);
      break;
    case HELD_SHARED:
    case HELD_DOWNGRADED:
    default:
      leave (t, held->guard, FALSE);
      break;
    }

  call->worker->held--;
  call_done (call);
  g_free (held);
  return G_SOURCE_REMOVE;
}

static void
hold (Call *call, SpGuard *guard, HeldState state, guint64 reads_at_grant)
{
  Held    *held = g_new0 (Held, 1);
  GSource *idle = g_idle_source_new ();

  held->call = call;
  held->guard = guard;
  held->state = state;
  held->reads_at_grant = reads_at_grant;
  held->iterations = g_rand_int_range (call->worker->rand, 1, 4);
  call->worker->held++;
  g_source_set_callback (idle, release_held, held, NULL);
  g_source_attach (idle, call->worker->context);
  g_source_unref (idle);
}

static void
counter_locked (Call *call, SpGuard *guard)
{
  Target  *t = call->target;
  gboolean exclusive = call->op == OP_LOCK_EXCLUSIVE;
  guint64  reads = 0;

  check_order (call);
  if (exclusive)
    {
      reads = enter_exclusive (t, op_names[call->op]);
      counter_increment (t, guard);
    }
  else
    {
      enter_shared (t, op_names[call->op]);
      counter_check_shared (t, guard);
    }

  if (call->hold)
    {
      hold (call, guard, exclusive ? HELD_EXCLUSIVE : HELD_SHARED, reads);
      return;
    }

  if (exclusive)
    leave_exclusive (t, guard, reads, op_names[call->op]);
  else
    leave (t, guard, FALSE);
  call_done (call);
}

static void
cell_locked (Call *call, SpGuard *guard)
{
  Target *t = call->target;
  guint64 reads;

  if (call->op == OP_LOCK_SHARED)
    {
      enter_shared (t, op_names[call->op]);
      guard_check (t, guard, op_names[call->op]);
      if (call->hold)
        {
          hold (call, guard, HELD_SHARED, 0);
          return;
        }
      leave (t, guard, FALSE);
      call_done (call);
      return;
    }

  reads = enter_exclusive (t, op_names[call->op]);
  guard_check (t, guard, op_names[call->op]);
  switch (g_rand_int_range (call->worker->rand, 0, 6))
    {
    case 0:
    case 1:
    case 2:
      /* The value gets waiting for one must not receive. While it is
       * stored, this worker makes one more call on the object: any call
       * that queues makes the object grant what it can. */
      guard_write (t, guard, WRITE_TENTATIVE);
      hold (call, guard, HELD_TENTATIVE, reads);
      if (call->worker->ops_left > 0)
        worker_issue (call->worker, t);
      return;
    case 3:
      guard_write (t, guard, 0);
      check_no_reads (t, reads, op_names[call->op]);
      downgrade (t, guard);
      hold (call, guard, HELD_DOWNGRADED, 0);
      return;
    case 4:
      guard_write (t, guard, 0);
      break;
    default:
      sp_guard_clear (guard);
      break;
    }
  leave_exclusive (t, guard, reads, op_names[call->op]);
  call_done (call);
}

static void
lock_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  g_autoptr (GError) error = NULL;
  SpGuard *guard = sp_shared_object_lock_finish (SP_SHARED_OBJECT (source), result, &error);

  note_outcome (call, error);
  if (guard == NULL)
    call_done (call);
  else if (call->target->kind == TARGET_COUNTER)
    counter_locked (call, guard);
  else
    cell_locked (call, guard);
}

static void
counter_get_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  g_autoptr (GError) error = NULL;
  GValue   value = G_VALUE_INIT;
  gboolean initialized = FALSE;

  if (call->op == OP_GET &&
      sp_shared_object_get_finish (SP_SHARED_OBJECT (source), result, &value, &error))
    {
      check_order (call);
      CHECK (g_value_get_int (&value) <= g_atomic_int_get (&call->target->committed),
             "a get on %s read %d, more than committed", call->target->name,
             g_value_get_int (&value));
    }
  else if (call->op == OP_PEEK && sp_shared_object_peek_finish (SP_SHARED_OBJECT (source), result,
                                                                &initialized, &value, &error))
    {
      check_order (call);
      CHECK (initialized, "a peek on %s found no value", call->target->name);
    }
  g_value_unset (&value);
  note_outcome (call, error);
  call_done (call);
}

/* get, peek, set and clear on the register and the cells. */
static void
value_call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call           *call = data;
  SpSharedObject *object = SP_SHARED_OBJECT (source);
  g_autoptr (GError) error = NULL;
  GValue   value = G_VALUE_INIT;
  gboolean initialized = FALSE;

  switch (call->op)
    {
    case OP_GET:
      if (sp_shared_object_get_finish (object, result, &value, &error))
        check_read (call->target, g_value_get_int (&value), "get", FALSE);
      break;
    case OP_PEEK:
      if (sp_shared_object_peek_finish (object, result, &initialized, &value, &error) &&
          initialized)
        check_read (call->target, g_value_get_int (&value), "peek", FALSE);
      break;
    case OP_SET:
      if (!sp_shared_object_set_finish (object, result, &error))
        mark_failed (call);
      break;
    case OP_CLEAR:
      sp_shared_object_clear_finish (object, result, &error);
      break;
    case OP_LOCK_SHARED:
    case OP_LOCK_EXCLUSIVE:
    default:
      g_assert_not_reached ();
    }
  g_value_unset (&value);
  note_outcome (call, error);
  call_done (call);
}

/* Issuing ---------------------------------------------------------------- */

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
  int           how = g_rand_int_range (rand, 0, 10);

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

/* A call that completed at once (a fast path, a blocking twin). */
static void
done_now (Call *call, const GError *error)
{
  note_outcome (call, error);
  call_done (call);
}

/* Returns whether the call is still in flight. */
static gboolean
issue_counter (Call *call, int timeout)
{
  Worker *w = call->worker;
  Target *t = call->target;
  g_autoptr (GError) error = NULL;
  GValue   value = G_VALUE_INIT;
  SpGuard *guard;

  switch (g_rand_int_range (w->rand, 0, 10))
    {
    case 0:
    case 1:
      call->op = OP_GET;
      sp_shared_object_get_async (t->object, timeout, call->cancellable, counter_get_done, call);
      return TRUE;

    case 2:
      call->op = OP_PEEK;
      sp_shared_object_peek_async (t->object, timeout, call->cancellable, counter_get_done, call);
      return TRUE;

    case 3:
    case 4:
      call->op = OP_LOCK_SHARED;
      call->hold = g_rand_boolean (w->rand);
      sp_shared_object_lock_async (t->object, SP_LOCK_MODE_SHARED, timeout, call->cancellable,
                                   lock_done, call);
      return TRUE;

    case 5:
    case 6:
    case 7:
      call->op = OP_LOCK_EXCLUSIVE;
      call->hold = g_rand_int_range (w->rand, 0, 4) == 0;
      sp_shared_object_lock_async (t->object, SP_LOCK_MODE_EXCLUSIVE, timeout, call->cancellable,
                                   lock_done, call);
      return TRUE;

    case 8:
      /* The fast paths complete at once, in order with nothing. */
      call->op = OP_LOCK_EXCLUSIVE;
      if (sp_shared_object_try_get (t->object, &value))
        CHECK (g_value_get_int (&value) <= g_atomic_int_get (&t->committed),
               "try_get on %s read %d, more than committed", t->name, g_value_get_int (&value));
      g_value_unset (&value);
      guard = sp_shared_object_try_lock (t->object, SP_LOCK_MODE_EXCLUSIVE);
      if (guard != NULL)
        {
          guint64 reads = enter_exclusive (t, "try_lock");

          counter_increment (t, guard);
          leave_exclusive (t, guard, reads, "try_lock");
        }
      done_now (call, NULL);
      return FALSE;

    default:
      /* A blocking twin. Not while this worker keeps a guard: blocked, it
       * could not release it, and would wait for itself until the timeout
       * (correct, but it makes long runs crawl). */
      call->op = OP_LOCK_EXCLUSIVE;
      if (w->held == 0)
        {
          guard = sp_shared_object_lock_sync (t->object, SP_LOCK_MODE_EXCLUSIVE, 20, NULL, &error);
          if (guard != NULL)
            {
              guint64 reads = enter_exclusive (t, "lock_sync");

              counter_increment (t, guard);
              leave_exclusive (t, guard, reads, "lock_sync");
            }
        }
      done_now (call, error);
      return FALSE;
    }
}

/* The register and the cells, which hold write ids. */
static gboolean
issue_value (Call *call, int timeout)
{
  Worker *w = call->worker;
  Target *t = call->target;
  g_autoptr (GError) error = NULL;
  GValue   value = G_VALUE_INIT;
  SpGuard *guard;
  /* The register only gets, sets and clears. */
  static const int register_picks[] = { 0, 5, 5, 7 };
  int              pick;

  if (t->kind == TARGET_REGISTER)
    pick = register_picks[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (register_picks))];
  else
    pick = g_rand_int_range (w->rand, 0, 16);

  switch (pick)
    {
    case 0:
    case 1:
    case 2:
    case 3:
      call->op = OP_GET;
      sp_shared_object_get_async (t->object, timeout, call->cancellable, value_call_done, call);
      return TRUE;

    case 4:
      call->op = OP_PEEK;
      sp_shared_object_peek_async (t->object, timeout, call->cancellable, value_call_done, call);
      return TRUE;

    case 5:
    case 6:
      call->op = OP_SET;
      call->write_id = new_write (t, 0);
      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, call->write_id);
      sp_shared_object_set_async (t->object, &value, timeout, call->cancellable, value_call_done,
                                  call);
      g_value_unset (&value);
      return TRUE;

    case 7:
    case 8:
      call->op = OP_CLEAR;
      sp_shared_object_clear_async (t->object, timeout, call->cancellable, value_call_done, call);
      return TRUE;

    case 9:
    case 10:
    case 11:
      call->op = OP_LOCK_EXCLUSIVE;
      sp_shared_object_lock_async (t->object, SP_LOCK_MODE_EXCLUSIVE, timeout, call->cancellable,
                                   lock_done, call);
      return TRUE;

    case 12:
    case 13:
      call->op = OP_LOCK_SHARED;
      call->hold = g_rand_boolean (w->rand);
      sp_shared_object_lock_async (t->object, SP_LOCK_MODE_SHARED, timeout, call->cancellable,
                                   lock_done, call);
      return TRUE;

    case 14:
      call->op = OP_GET;
      if (sp_shared_object_try_get (t->object, &value))
        {
          CHECK (!call->after_close, "try_get on %s succeeded after it was closed", t->name);
          check_read (t, g_value_get_int (&value), "try_get", FALSE);
        }
      g_value_unset (&value);
      guard = sp_shared_object_try_lock (t->object, SP_LOCK_MODE_EXCLUSIVE);
      if (guard != NULL)
        {
          guint64 reads = enter_exclusive (t, "try_lock");

          CHECK (!call->after_close, "try_lock on %s succeeded after it was closed", t->name);
          guard_check (t, guard, "try_lock");
          guard_write (t, guard, 0);
          leave_exclusive (t, guard, reads, "try_lock");
        }
      /* Checked above: a fast path has no error to fail with. */
      call->after_close = FALSE;
      done_now (call, NULL);
      return FALSE;

    default:
      /* The blocking twins, not while this worker keeps a guard (see
       * issue_counter()). */
      if (w->held > 0)
        {
          call->op = OP_PEEK;
          call->after_close = FALSE;
          done_now (call, NULL);
        }
      else if (g_rand_boolean (w->rand))
        {
          call->op = OP_GET;
          if (sp_shared_object_get_sync (t->object, 20, NULL, &value, &error))
            check_read (t, g_value_get_int (&value), "get_sync", FALSE);
          g_value_unset (&value);
          done_now (call, error);
        }
      else
        {
          call->op = OP_SET;
          call->write_id = new_write (t, 0);
          g_value_init (&value, G_TYPE_INT);
          g_value_set_int (&value, call->write_id);
          if (!sp_shared_object_set_sync (t->object, &value, 20, NULL, &error))
            mark_failed (call);
          g_value_unset (&value);
          done_now (call, error);
        }
      return FALSE;
    }
}

static Target *
current_cell (guint slot)
{
  return &targets[FIRST_CELL + slot * N_GENERATIONS + g_atomic_int_get (&cell_generation[slot])];
}

/* Calls of @w in flight on the cells (@cells) or the other objects, not
 * counting the objects being closed. A call on a closing object no longer
 * takes a slot: its close must end it, and the end checks that it did;
 * were it left waiting forever, the worker still goes on. A get on a cell
 * may wait for a value as long as nobody sets one, which is correct: the
 * cells' calls have slots of their own, and only the other calls (which
 * always end) hold the worker up. */
static int
worker_in_flight (Worker *w, gboolean cells)
{
  int n = 0;

  for (guint i = 0; i < N_TARGETS; i++)
    if ((targets[i].kind == TARGET_CELL) == cells && !g_atomic_int_get (&targets[i].closing))
      n += g_atomic_int_get (&targets[i].outstanding[w->id]);

  return n;
}

/* @target: NULL for a random one */
static void
worker_issue (Worker *w, Target *target)
{
  Call    *call = g_new0 (Call, 1);
  int      timeout = random_timeout (w->rand);
  int      pick = g_rand_int_range (w->rand, 0, 20);
  gboolean cancel_after;
  gboolean in_flight;

  w->ops_left--;
  g_atomic_int_inc (&w->issued);
  call->worker = w;
  call->seq = ++w->next_seq;
  if (target != NULL)
    call->target = target;
  else if (pick >= 13 && worker_in_flight (w, TRUE) < IN_FLIGHT)
    call->target = current_cell (g_rand_int_range (w->rand, 0, N_CELL_SLOTS));
  else if (pick >= 10)
    call->target = &targets[REGISTER];
  else
    call->target = &targets[g_rand_int_range (w->rand, 0, N_COUNTERS)];
  g_atomic_int_inc (&call->target->outstanding[w->id]);
  call->after_close = sp_shared_object_is_closed (call->target->object);
  call->cancellable = random_cancellable (w->rand, &cancel_after);

  if (call->target->kind == TARGET_COUNTER)
    in_flight = issue_counter (call, timeout);
  else
    in_flight = issue_value (call, timeout);

  if (in_flight && cancel_after)
    g_cancellable_cancel (call->cancellable);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;

  g_main_context_push_thread_default (w->context);
  for (;;)
    {
      while (w->ops_left > 0 && worker_in_flight (w, FALSE) < IN_FLIGHT)
        worker_issue (w, NULL);
      if (w->ops_left == 0 && worker_in_flight (w, FALSE) == 0 && !g_atomic_int_get (&w->finished))
        {
          g_atomic_int_set (&w->finished, TRUE);
          g_main_context_wakeup (NULL);
        }
      /* Until every close has completed: a closing object may still wait
       * for a guard this worker holds. */
      if (g_atomic_int_get (&w->finished) && g_atomic_int_get (&stop))
        break;
      g_main_context_iteration (w->context, TRUE);
    }

  /* Every close completed, so every call is decided and its completion
   * queued to this context: running what is ready delivers them all. */
  while (g_main_context_iteration (w->context, FALSE))
    ;
  g_main_context_pop_thread_default (w->context);

  return NULL;
}

static gpointer
canceller_thread (gpointer data)
{
  GRand        *rand = data;
  GCancellable *cancellable;

  while ((cancellable = g_async_queue_pop (to_cancel)) != (gpointer) to_cancel)
    {
      /* Somewhere between before the grant and after the delivery. */
      for (int spin = g_rand_int_range (rand, 0, 2000); spin > 0; spin--)
        g_atomic_int_get (&targets[0].committed);
      g_cancellable_cancel (cancellable);
      g_object_unref (cancellable);
    }

  return NULL;
}

/* The lazy initializer (creator thread) ---------------------------------- */

typedef struct
{
  Target  *target;
  SpGuard *guard;
  guint    iterations;
  guint64  reads_at_grant;
} InitHold;

static int creator_in_flight; /* the creator's own calls */

/* Ends a run. After the close began, a run either stores a late value or
 * fails with STRESS_INIT_FAILED_CLOSED: whichever it is, no get may see
 * it, since the close failed every get that waited for it. */
static void
end_init_run (Target *t, SpGuard *guard, guint64 reads_at_grant)
{
  gboolean closed = sp_shared_object_is_closed (t->object);
  g_autoptr (GError) error = NULL;

  switch (g_rand_int_range (init_rand, 0, 6))
    {
    case 0:
    case 1:
      guard_write (t, guard, 0);
      leave_exclusive (t, guard, reads_at_grant, "initializer");
      return;
    case 2:
      /* Which ends the run as a release would. */
      guard_write (t, guard, 0);
      check_no_reads (t, reads_at_grant, "initializer");
      downgrade (t, guard);
      leave (t, guard, FALSE);
      return;
    case 3:
      if (!closed)
        {
          /* Nothing stored: the gets fail with NOT_INITIALIZED. */
          sp_guard_clear (guard);
          leave_exclusive (t, guard, reads_at_grant, "initializer");
          return;
        }
      G_GNUC_FALLTHROUGH;
    default:
      sp_guard_clear (guard);
      check_no_reads (t, reads_at_grant, "initializer");
      error = g_error_new (STRESS_INIT_ERROR,
                           closed ? STRESS_INIT_FAILED_CLOSED : STRESS_INIT_FAILED_OPEN,
                           "initializer of %s failed%s", t->name, closed ? " after close" : "");
      g_atomic_int_add (&t->writers, -1);
      sp_guard_release_with_error (guard, error);
      sp_guard_unref (guard);
      return;
    }
}

static gboolean
init_hold_done (gpointer data)
{
  InitHold *init_hold = data;

  if (init_hold->iterations-- > 0)
    return G_SOURCE_CONTINUE;

  end_init_run (init_hold->target, init_hold->guard, init_hold->reads_at_grant);
  g_free (init_hold);
  return G_SOURCE_REMOVE;
}

static void
init_probe_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Target *t = data;
  g_autoptr (GError) error = NULL;
  GValue   value = G_VALUE_INIT;
  gboolean initialized = FALSE;

  if (sp_shared_object_peek_finish (SP_SHARED_OBJECT (source), result, &initialized, &value,
                                    &error))
    {
      if (initialized)
        check_read (t, g_value_get_int (&value), "the initializer's peek", FALSE);
    }
  else
    CHECK (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED) && g_atomic_int_get (&t->closing),
           "the initializer's peek on %s failed: %s", t->name, error->message);
  g_value_unset (&value);
  creator_in_flight--;
}

static gboolean
cell_initialize (SpSharedObject *object, SpGuard *guard, gpointer data)
{
  Target   *t = data;
  InitHold *init_hold;
  guint64   reads;

  g_assert (object == t->object);
  reads = enter_exclusive (t, "initializer");
  CHECK (!sp_guard_is_initialized (guard), "the initializer of %s found a value", t->name);

  if (g_rand_boolean (init_rand))
    {
      end_init_run (t, guard, reads);
      return FALSE;
    }

  /* Asynchronous work with a tentative value stored, which the gets
   * waiting for the run must not receive; a call made meanwhile (queued
   * behind the run) makes the object grant what it can. */
  guard_write (t, guard, WRITE_TENTATIVE);
  creator_in_flight++;
  sp_shared_object_peek_async (object, 0, NULL, init_probe_done, t);
  init_hold = g_new0 (InitHold, 1);
  init_hold->target = t;
  init_hold->guard = guard;
  init_hold->iterations = g_rand_int_range (init_rand, 1, 4);
  init_hold->reads_at_grant = reads;
  g_idle_add (init_hold_done, init_hold);
  /* Kept: init_hold_done ends the run. */
  return TRUE;
}

/* The creator ------------------------------------------------------------ */

static int closes_started;
static int closes_done;

static void
closed_signal (SpSharedObject *object, const GValue *final_value, gpointer data)
{
  Target *t = data;

  CHECK (g_atomic_int_add (&t->closed_emitted, 1) == 0, "%s emitted ::closed twice", t->name);
  CHECK (g_atomic_int_get (&t->readers) == 0 && g_atomic_int_get (&t->writers) == 0,
         "%s emitted ::closed while held", t->name);
  if (final_value != NULL)
    check_read (t, g_value_get_int (final_value), "::closed", TRUE);
}

static void
close_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Target *t = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SpStats) stats = NULL;

  CHECK (sp_shared_object_close_finish (SP_SHARED_OBJECT (source), result, &error),
         "closing %s failed: %s", t->name, outcome_error_name (error));
  /* The close failed every waiter, gets waiting for a value included,
   * and waited for the holders: nothing waits or holds any more, and
   * nothing can start to. */
  stats = sp_shared_object_get_stats (t->object);
  CHECK (stats->queue_length == 0, "%u calls still wait on %s after its close completed",
         stats->queue_length, t->name);
  CHECK (stats->current_readers == 0 && !stats->current_writer,
         "%s still held after its close completed", t->name);
  closes_done++;
}

static void close_target (Target *t);

static void
last_get_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Target *t = data;
  g_autoptr (GError) error = NULL;
  GValue value = G_VALUE_INIT;

  if (sp_shared_object_get_finish (SP_SHARED_OBJECT (source), result, &value, &error))
    check_read (t, g_value_get_int (&value), "the last get", FALSE);
  else
    CHECK (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED), "the last get on %s failed: %s",
           t->name, error->message);
  g_value_unset (&value);
  creator_in_flight--;
}

/* A cell is closed right after one last get, with no timeout: on an
 * object with no value, it waits for one (the close must fail it), or
 * for the lock. */
static void
close_cell (Target *t)
{
  creator_in_flight++;
  sp_shared_object_get_async (t->object, 0, NULL, last_get_done, t);
  close_target (t);
}

static void
close_target (Target *t)
{
  /* Set first: a CLOSED error is only ever seen after it. */
  g_atomic_int_set (&t->closing, TRUE);
  closes_started++;
  sp_shared_object_close_async (t->object, 0, NULL, close_done, t);
  /* Their calls on it no longer count in flight: let them issue more. */
  for (guint i = 0; i < N_WORKERS; i++)
    g_main_context_wakeup (workers[i].context);
}

static int
progress (void)
{
  int sum = closes_done + g_atomic_int_get (&n_writes);

  for (guint i = 0; i < N_WORKERS; i++)
    sum += g_atomic_int_get (&workers[i].completed);

  return sum;
}

static void
report_in_flight (void)
{
  for (guint i = 0; i < N_TARGETS; i++)
    for (guint j = 0; j < N_WORKERS; j++)
      if (g_atomic_int_get (&targets[i].outstanding[j]) != 0)
        g_printerr ("stress: %s%s: %d calls of worker %u not completed\n", targets[i].name,
                    g_atomic_int_get (&targets[i].closing) ? " (closed)" : "",
                    g_atomic_int_get (&targets[i].outstanding[j]), j);
}

/* Turns a hang into a failure: nothing legitimately takes seconds here,
 * so no progress at all for STALL_SECONDS is a lost grant or a call that
 * never completes on an object nobody closes. Not a synchronization: it
 * never fires in a correct run, however slow the machine. */
static gboolean
stall_check (gpointer data)
{
  static int last = -1, still;
  int        now = progress ();

  if (now != last)
    {
      last = now;
      still = 0;
      return G_SOURCE_CONTINUE;
    }
  if (++still < STALL_SECONDS)
    return G_SOURCE_CONTINUE;

  report_in_flight ();
  g_error ("stress: nothing happened for %d s (%d invariant violations before)", STALL_SECONDS,
           g_atomic_int_get (&violations));
  return G_SOURCE_REMOVE;
}

static void
count_finalized (gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_inc ((int *) data);
}

static void
setup_target (guint i, TargetKind kind, const char *name, gboolean lazy, int *finalized)
{
  Target *t = &targets[i];
  GValue  value = G_VALUE_INIT;

  *t = (Target){ 0 };
  t->kind = kind;
  t->index = i;
  t->name = g_strdup (name);
  t->lazy = lazy;
  g_value_init (&value, G_TYPE_INT);
  if (kind == TARGET_COUNTER)
    t->object = sp_shared_object_new_full (G_TYPE_INT, name, &value, NULL);
  else if (kind == TARGET_REGISTER)
    {
      g_value_set_int (&value, -1);
      t->object = sp_shared_object_new_full (G_TYPE_INT, name, &value, &value);
    }
  else
    t->object = sp_shared_object_new_full (G_TYPE_INT, name, NULL, NULL);
  g_value_unset (&value);

  if (lazy)
    sp_shared_object_set_initializer (t->object, cell_initialize, t, NULL);
  if (kind != TARGET_COUNTER)
    g_signal_connect (t->object, "closed", G_CALLBACK (closed_signal), t);
  g_object_weak_ref (G_OBJECT (t->object), count_finalized, finalized);
}

/* Each slot's objects are closed at their share of the run, staggered
 * between the slots; at the moment gets seem to wait for a value (calls
 * wait and there is none) if one comes soon, since forgetting those is
 * what a close must not do. */
static gboolean
time_to_close_cell (guint slot, guint gen, guint issued, guint all)
{
  guint64 due = (guint64) all * (2 * (gen + 1) + slot) / (2 * N_GENERATIONS);
  guint64 grace = all / (4 * N_GENERATIONS);
  Target *t = current_cell (slot);
  g_autoptr (SpStats) stats = NULL;

  if (issued < due)
    return FALSE;
  if (issued >= due + grace)
    return TRUE;
  stats = sp_shared_object_get_stats (t->object);
  return stats->queue_length > 0 && !sp_shared_object_is_initialized (t->object);
}

static gboolean
all_finished (void)
{
  for (guint i = 0; i < N_WORKERS; i++)
    if (!g_atomic_int_get (&workers[i].finished))
      return FALSE;
  return TRUE;
}

static void
test_stress (void)
{
  const char *seed_env = g_getenv ("SP_STRESS_SEED");
  const char *ops_env = g_getenv ("SP_STRESS_OPS");
  guint32  seed = seed_env ? (guint32) strtoul (seed_env, NULL, 10) : (guint32) g_test_rand_int ();
  guint    ops = ops_env ? (guint) strtoul (ops_env, NULL, 10) : 6000;
  guint    per_worker = ops / N_WORKERS;
  guint    all = per_worker * N_WORKERS;
  GRand   *canceller_rand = g_rand_new_with_seed (seed ^ 0x5eed);
  GThread *canceller;
  GSource *stall;
  guint    total_ops = 0;
  int      finalized = 0;

  /* Printed first, so that a failure can be replayed. */
  g_test_message ("SP_STRESS_SEED=%" G_GUINT32_FORMAT " SP_STRESS_OPS=%u", seed, ops);
  g_printerr ("stress: SP_STRESS_SEED=%" G_GUINT32_FORMAT " SP_STRESS_OPS=%u\n", seed, ops);

  /* Every op writes at most two ids (tentative, final), so does every
   * initializer run, and each run is started by a get. */
  max_writes = 4 * (int) ops + 64;
  writes = g_new0 (guint, max_writes + 1);
  n_writes = 0;
  n_tentative = 0;
  violations = 0;
  stop = FALSE;
  closes_started = closes_done = 0;
  creator_in_flight = 0;
  memset (outcomes, 0, sizeof outcomes);
  init_rand = g_rand_new_with_seed (seed ^ 0x1417);

  for (guint i = 0; i < N_COUNTERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("counter-%u", i);
      setup_target (i, TARGET_COUNTER, name, FALSE, &finalized);
    }
  setup_target (REGISTER, TARGET_REGISTER, "register", FALSE, &finalized);
  for (guint slot = 0; slot < N_CELL_SLOTS; slot++)
    {
      cell_generation[slot] = 0;
      for (guint gen = 0; gen < N_GENERATIONS; gen++)
        {
          g_autofree char *name =
              g_strdup_printf ("%s-%u.%u", slot == 1 ? "lazy" : "cell", slot, gen);
          setup_target (FIRST_CELL + slot * N_GENERATIONS + gen, TARGET_CELL, name, slot == 1,
                        &finalized);
        }
    }

  /* G_DEFINE_QUARK's first call stores the quark in a plain static: made
   * here, before the threads start, not racing in two of them. */
  sp_error_quark ();
  stress_init_error_quark ();

  to_cancel = g_async_queue_new ();
  canceller = g_thread_new ("canceller", canceller_thread, canceller_rand);

  stall = g_timeout_source_new (1000);
  g_source_set_callback (stall, stall_check, NULL, NULL);
  g_source_attach (stall, NULL);

  /* All set before any worker starts: thread creation publishes it. */
  for (guint i = 0; i < N_WORKERS; i++)
    {
      workers[i] = (Worker){ 0 };
      workers[i].id = i;
      workers[i].rand = g_rand_new_with_seed (seed + i);
      workers[i].context = g_main_context_new ();
      workers[i].ops_left = per_worker;
    }
  for (guint i = 0; i < N_WORKERS; i++)
    workers[i].thread = g_thread_new ("stress-worker", worker_thread, &workers[i]);

  /* The creator's context runs the signals and the initializers; midway
   * it closes the register, and along the run it closes each cell slot's
   * object, staggered, and moves the workers on to the next one. */
  while (!all_finished ())
    {
      guint issued = 0;

      for (guint i = 0; i < N_WORKERS; i++)
        issued += g_atomic_int_get (&workers[i].issued);
      if (!g_atomic_int_get (&targets[REGISTER].closing) && issued >= all / 2)
        close_target (&targets[REGISTER]);
      for (guint slot = 0; slot < N_CELL_SLOTS; slot++)
        {
          guint gen = g_atomic_int_get (&cell_generation[slot]);

          if (gen + 1 < N_GENERATIONS && time_to_close_cell (slot, gen, issued, all))
            {
              Target *old = current_cell (slot);

              g_atomic_int_inc (&cell_generation[slot]);
              close_cell (old);
            }
        }
      g_main_context_iteration (NULL, TRUE);
    }

  /* Close what is still open (the counters stay open, to be checked), and
   * wait for every close: it waits for the holders, so the workers go on
   * iterating until it is done. */
  if (!g_atomic_int_get (&targets[REGISTER].closing))
    close_target (&targets[REGISTER]);
  for (guint i = FIRST_CELL; i < N_TARGETS; i++)
    if (!g_atomic_int_get (&targets[i].closing))
      close_cell (&targets[i]);
  while (closes_done < closes_started)
    g_main_context_iteration (NULL, TRUE);

  g_atomic_int_set (&stop, TRUE);
  for (guint i = 0; i < N_WORKERS; i++)
    g_main_context_wakeup (workers[i].context);
  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_thread_join (workers[i].thread);
      total_ops += g_atomic_int_get (&workers[i].issued);
    }
  g_async_queue_push (to_cancel, to_cancel);
  g_thread_join (canceller);
  g_source_destroy (stall);
  g_source_unref (stall);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  CHECK (creator_in_flight == 0, "%d calls of the creator never completed", creator_in_flight);

  /* Every close completed and every context was drained: a call that has
   * not completed now never will. */
  for (guint i = 0; i < N_TARGETS; i++)
    {
      int left = 0;

      for (guint j = 0; j < N_WORKERS; j++)
        left += g_atomic_int_get (&targets[i].outstanding[j]);
      CHECK (left == 0, "%d calls on %s never completed, though its close did", left,
             targets[i].name);
      if (targets[i].kind != TARGET_COUNTER)
        CHECK (g_atomic_int_get (&targets[i].closed_emitted) == 1, "%s emitted ::closed %d times",
               targets[i].name, g_atomic_int_get (&targets[i].closed_emitted));
    }

  for (guint i = 0; i < N_COUNTERS && violations == 0; i++)
    {
      Target *t = &targets[i];
      g_autoptr (SpStats) stats = sp_shared_object_get_stats (t->object);
      SpGuard *guard;
      int      v = -1;

      /* No grant lost: nobody holds it, and it can be taken. */
      CHECK (stats->current_readers == 0 && !stats->current_writer && stats->queue_length == 0,
             "%s still held or queued at the end", t->name);
      guard = sp_shared_object_try_lock (t->object, SP_LOCK_MODE_EXCLUSIVE);
      CHECK (guard != NULL, "%s cannot be locked at the end", t->name);
      if (guard == NULL)
        continue;
      /* None doubled, none lost: the value counts the successful writes. */
      CHECK (guard_read (guard, &v) && v == t->succeeded,
             "%s holds %d at the end, after %d increments", t->name, v, t->succeeded);
      sp_guard_unref (guard);
    }

  g_test_message ("%u operations: %d succeeded, %d timed out, %d cancelled, %d closed, "
                  "%d initializer failures; %d values written (%d tentative), %d closes; "
                  "%d invariant violations",
                  total_ops, outcomes[OUTCOME_SUCCESS], outcomes[OUTCOME_TIMED_OUT],
                  outcomes[OUTCOME_CANCELLED], outcomes[OUTCOME_CLOSED],
                  outcomes[OUTCOME_INIT_FAILED], n_writes, n_tentative, closes_done, violations);
  g_printerr ("stress: %u operations: %d succeeded, %d timed out, %d cancelled, %d closed, "
              "%d initializer failures; %d values written (%d tentative), %d closes; "
              "%d invariant violations\n",
              total_ops, outcomes[OUTCOME_SUCCESS], outcomes[OUTCOME_TIMED_OUT],
              outcomes[OUTCOME_CANCELLED], outcomes[OUTCOME_CLOSED], outcomes[OUTCOME_INIT_FAILED],
              n_writes, n_tentative, closes_done, violations);
  /* Before the teardown, which a call never completed would hang or
   * crash. */
  g_assert_cmpint (violations, ==, 0);

  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_main_context_unref (workers[i].context);
      g_rand_free (workers[i].rand);
    }
  for (guint i = 0; i < N_TARGETS; i++)
    {
      g_object_unref (targets[i].object);
      g_free (targets[i].name);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (finalized, ==, N_TARGETS);

  g_async_queue_unref (to_cancel);
  g_rand_free (canceller_rand);
  g_rand_free (init_rand);
  g_free (writes);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/Stress/model", test_stress);

  return g_test_run ();
}
