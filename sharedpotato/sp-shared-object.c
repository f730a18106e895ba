/* sp-shared-object.c: one value shared by many asynchronous clients
 *
 * SPDX-License-Identifier: MIT
 */

/* THE PROTOCOL
 *
 * An SpSharedObject is a value plus a fair readers-writer lock whose
 * waiters are GTasks. Everything below is about how a waiter travels from
 * its _async call to its callback without ever being lost, granted twice,
 * or completed on somebody else's stack.
 *
 * Fields and who guards them
 *
 *   Set in constructed() and never changed: value_type, default_value,
 *   and life's name, owner_context, owner_dispatcher, owner_thread.
 *   life.default_timeout: atomic. Everything else: self->mutex.
 *
 *     value          the value; G_IS_VALUE (&value) is "initialized"
 *     n_readers      shared holders (guards and granted, undelivered locks)
 *     writer         TRUE while an exclusive holder exists
 *     queue          waiters for the lock, FIFO
 *     lanes          the same waiters by context (see "Lanes")
 *     value_waiters  gets that reached the head and found no value
 *     life           the close (OPEN → CLOSING → EMITTING → HOLDING →
 *                    CLOSED), its waiters and holds, and the stats: the
 *                    lifecycle core shared with the queue, whose protocol
 *                    is in sp-lifecycle-private.h
 *
 *   A waiter's own fields (error, value) are guarded by the mutex of its
 *   object until it is DONE. From then on only its delivery touches it.
 *
 * Waiters
 *
 *   A waiter's life (NEW → WAITING in a list → DONE, cancellation,
 *   timeout, delivery through an SpDispatcher) is sp-waiter.c's, shared
 *   with SpSharedQueue; read its protocol first. An SpSharedObject's
 *   waiters wait in one of three lists:
 *
 *     queue          for the lock, FIFO
 *     value_waiters  gets that reached the head and found no value. They
 *                    hold no lock and block nobody: a writer behind them
 *                    goes first.
 *     close_waiters  close calls waiting for the holders to leave and the
 *                    close handlers to finish.
 *
 * Granting (grant_waiters_locked, after every change that can unblock)
 *
 *   Waiters leave the head of the queue in order while the head can be
 *   granted: a reader when there is no writer, a writer when there is no
 *   holder at all. A writer at the head therefore blocks every reader
 *   behind it, and consecutive readers at the head are granted together.
 *   get, peek, set and clear are performed right there, under the mutex,
 *   in queue order, and hold nothing afterwards; lock counts its hold
 *   (n_readers or writer) at the moment of the grant. Before looking at
 *   the queue, value_waiters are all served if there is a value and no
 *   writer: they arrived before anything still queued.
 *
 * Lanes: the lock stays with the thread that is running
 *
 *   A grant to a waiter of another thread's context holds the lock until
 *   that thread wakes up (futex, eventfd, scheduler), releases and grants
 *   again: with clients on several threads, strict FIFO puts a wake-up
 *   inside every critical section (a lock convoy). So the queue is also
 *   threaded, per context, into lanes (self->lanes, one per SpDispatcher
 *   with waiters; each waiter's lane_prev/lane_next, in queue order). When
 *   grant_waiters_locked runs inside a dispatch on this thread (a callback
 *   that releases, or a call made from one: sp_dispatcher_get_running),
 *   and the first waiter of that dispatcher's lane can be granted, it is
 *   granted before the head of the queue, and delivered by the same
 *   dispatch without waking anyone. That is an overtake. Every grant to
 *   the head of the queue resets the count; once SP_OVERTAKES_MAX
 *   overtakes have happened, or SP_OVERTAKE_US since the first of them,
 *   the head is next: nothing overtakes it any more, and once it can be
 *   granted it is. The bound, as the threading guide states it: a waiter
 *   at the head of the queue is overtaken at most 1024 times and for at
 *   most 0.5 ms (beyond the holders ahead of it), so one with n waiters
 *   ahead of it by at most 1024 (n + 1).
 *
 *   What one context sees is unchanged: a lane is in the order its calls
 *   were made and only its head is ever granted, so a context's calls are
 *   granted in order, its queued writer blocks its later readers, and a
 *   single context (or grants made outside any dispatch) is strict FIFO.
 *   Lanes change who is granted, never how: a grant still takes the
 *   waiter out of both lists under the mutex and makes it DONE, so the
 *   cancel, timeout and close races below are the same. A waiter that
 *   times out or is cancelled leaves its lane in leave_locked, before it
 *   becomes DONE; a close empties the queue for good, and the lanes are
 *   never looked at again.
 *
 * Delivery and cancellation
 *
 *   As in sp-waiter.c. What is particular to an object: a waiter that
 *   times out or is cancelled while queued lets grant_waiters_locked serve
 *   those it blocked; and a lock granted but cancelled before its delivery
 *   is given back at delivery (settle): under the mutex the hold is
 *   released, which grants the next waiters, and the task returns
 *   CANCELLED. A get, peek, set or clear already happened; it reports its
 *   real result, as a GIO call that finished first does.
 *
 * Close
 *
 *   close_async moves OPEN to CLOSING: every waiter in queue and
 *   value_waiters becomes DONE with CLOSED, and any new call fails with
 *   CLOSED. Holders keep their guards. When the last guard goes, CLOSING
 *   becomes EMITTING and a signal emission is pushed to the owner context;
 *   it emits ::closed with the final value, then moves to HOLDING, where
 *   it stays while close handlers hold it (hold_close, each hold a
 *   reference); the last release_close moves it to CLOSED and completes
 *   every close waiter. A close before CLOSED joins the first; one after
 *   succeeds at once. A close call that times out or is cancelled reports
 *   so; the object still finishes closing.
 *
 *   The last unref of an OPEN object closes it: through the same states
 *   (the emissions hold references, resurrecting it) when someone observes
 *   ::closed or notify::closed, at once otherwise.
 *
 * Signals and notifications
 *
 *   State changes happen under the mutex in whatever thread made them;
 *   what they must announce is captured there (old and new values) into
 *   an SpEmission pushed to the owner context's dispatcher, so handlers
 *   run in the context the object was created in, in the order the
 *   changes happened, after them.
 *
 * Lock order: self->mutex, then a dispatcher's mutex. No user code
 * (callbacks, signal handlers, value copy functions other than the
 * stored type's value_copy, called through its cached value table) runs
 * with self->mutex held.
 */

#include "config.h"

#include "sp-dispatcher-private.h"
#include "sp-guard-private.h"
#include "sp-lifecycle-private.h"
#include "sp-mutex-private.h"
#include "sp-shared-object-private.h"
#include "sp-trace-private.h"
#include "sp-value-private.h"
#include "sp-view-private.h"
#include "sp-waiter-private.h"

/**
 * SpSharedObject:
 *
 * One value of a fixed type, shared by many asynchronous clients.
 *
 * Every access is a GIO-style asynchronous call backed by a [class@Gio.Task],
 * with a timeout and a [class@Gio.Cancellable]:
 * [method@Sharedpotato.SharedObject.get_async] waits until there is a
 * value, [method@Sharedpotato.SharedObject.peek_async] does not,
 * [method@Sharedpotato.SharedObject.set_async] and
 * [method@Sharedpotato.SharedObject.clear_async] change it, and
 * [method@Sharedpotato.SharedObject.lock_async] returns a
 * [struct@Sharedpotato.Guard] that holds the lock across any asynchronous
 * work. [method@Sharedpotato.SharedObject.try_get] and
 * [method@Sharedpotato.SharedObject.try_lock] never wait.
 *
 * The calls are ordered by one FIFO queue: readers (get, peek, shared
 * locks) share the lock, writers (set, clear, exclusive locks) hold it
 * alone, a queued writer makes later readers wait, and readers at the head
 * of the queue are granted together. A get waiting for a value blocks
 * nobody. A call that times out or is cancelled leaves the queue at once
 * and never takes a grant with it.
 *
 * Every call may be made from any thread. Callbacks run in the
 * thread-default main context of the caller, never before the `_async`
 * function returned. Signals and property notifications are emitted in
 * the main context that was thread-default when the object was created,
 * after the change they announce; see the [threading guide](threading.html).
 *
 * ```c
 * g_autoptr(SpSharedObject) counter = sp_shared_object_new (G_TYPE_INT);
 *
 * sp_shared_object_lock_async (counter, SP_LOCK_MODE_EXCLUSIVE, 500, NULL,
 *                              on_locked, NULL);
 * ```
 *
 * Since: 1.0
 */

typedef enum
{
  INIT_IDLE,
  INIT_PENDING,
  INIT_RUNNING,
} InitState;

/* Shared between the object and a run in progress, so replacing the
 * initializer while it runs cannot free what it is using. */
typedef struct
{
  int              ref_count; /* inline atomics: TSan sees them */
  SpInitializeFunc func;
  gpointer         user_data;
  GDestroyNotify   notify;
} SpInitializer;

typedef struct
{
  SpDispatchItem  item;
  SpSharedObject *self;
  SpInitializer  *initializer;
} SpInitRun;

typedef enum
{
  OP_GET,
  OP_PEEK,
  OP_SET,
  OP_CLEAR,
  OP_LOCK,
  OP_CLOSE,
  OP_RUN_HELD, /* private: another type's call run under the lock */
  OP_UPDATE,   /* an SpUpdateWaiter */
} WaiterOp;

typedef struct _SpObjectWaiter SpObjectWaiter;

struct _SpObjectWaiter
{
  SpWaiter base;
  guint8   op;          /* WaiterOp */
  guint8   mode;        /* SpLockMode */
  guint8   initialized; /* OP_PEEK: there was a value */
  guint16  lane;        /* in self->lanes while in self->queue */
  /* Its context's waiters in self->queue, in order: see "Lanes". */
  SpObjectWaiter *lane_prev, *lane_next;
  /* A waiter is allocated, and zeroed, per call: kept at most 248 bytes,
   * the largest a 256-byte malloc chunk holds (calloc clears more above). */
  union
  {
    GValue value; /* OP_GET, OP_PEEK, OP_SET */
    struct        /* OP_RUN_HELD */
    {
      SpHeldFunc     held_func;
      gpointer       held_data;
      GDestroyNotify held_data_free;
    };
  };
};

G_STATIC_ASSERT (sizeof (SpObjectWaiter) <= 248);

/* An update's function goes with it; its value is the base's. */
typedef struct
{
  SpObjectWaiter base;
  SpUpdateFunc   func;
  gpointer       func_data;
  GDestroyNotify func_data_destroy;
} SpUpdateWaiter;

typedef enum
{
  EMIT_CHANGED = 1 << 0,
  EMIT_CLEARED = 1 << 1,
  EMIT_INITIALIZED = 1 << 2,
  EMIT_UNINITIALIZED = 1 << 3,
  EMIT_CLOSING = 1 << 4,
  EMIT_CLOSED = 1 << 5,
  EMIT_TIMEOUT = 1 << 6,
  EMIT_HOLD_WARNING = 1 << 7,
  EMIT_MEASURE_HOLD_TIMES = 1 << 8,
} EmitFlags;

typedef struct
{
  SpDispatchItem  item;
  SpSharedObject *self;
  EmitFlags       flags;
  GValue          old_value;
  GValue          new_value;
  SpInitializer  *initializer; /* dropped outside the mutex */
} SpEmission;

/* The waiters of self->queue by context: see "Lanes" above. */
typedef struct
{
  SpDispatcher   *dispatcher; /* whose waiters these are; NULL: never used */
  SpObjectWaiter *head, *tail;
} SpLane;

typedef struct
{
  guint  n_lanes, allocated;
  guint  overtakes;    /* grants past the head since one went to it */
  gint64 overtaken_at; /* µs: the first of those */
  SpLane lane[];
} SpLanes;

#define NO_LANE G_MAXUINT16

/* Whether a GValue of ours holds a value: G_IS_VALUE() without the
 * function call, for values the library initialized itself. */
#define HAS_VALUE(v) (G_VALUE_TYPE (v) != G_TYPE_INVALID)

/* The bound of "Lanes": how many grants, and for how long, may go past
 * the head of the queue before it is next. */
#define SP_OVERTAKES_MAX 1024
#define SP_OVERTAKE_US 500

struct _SpSharedObject
{
  GObject parent_instance;

  GType                  value_type;
  const GTypeValueTable *value_table;   /* value_type's; NULL if invalid */
  GValue                *default_value; /* NULL: clear makes it uninitialized */
  /* Name, owner context, default timeout, close, and the stats (allocated
   * by the first call, so that an object nobody used stays small; their
   * current_* fields are filled in by get_stats). */
  SpLifecycle life;

  /* What follows is the mutex's, and the mutex comes first: far from the
   * reference count above, which every thread's ref and unref write
   * without it, so the two do not share a cache line. */
  GMutex         mutex;
  GValue         value;
  GQueue         queue;
  SpLanes       *lanes; /* NULL until a call queues */
  GQueue         value_waiters;
  SpInitializer *initializer;
  guint          n_readers;
  int            hold_warning_ms;
  int            measure_hold_times; /* atomic, read without the mutex */
  guint8         writer;
  guint8         init_state;     /* InitState */
  guint8         measure_chosen; /* by the property, or the first get_stats */
};

G_DEFINE_FINAL_TYPE (SpSharedObject, sp_shared_object, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_VALUE_TYPE,
  PROP_NAME,
  PROP_DEFAULT_TIMEOUT,
  PROP_HOLD_WARNING_MS,
  PROP_MEASURE_HOLD_TIMES,
  PROP_INITIALIZED,
  PROP_CLOSED,
  PROP_VALUE,
  N_PROPS
};

enum
{
  SIGNAL_INITIALIZED,
  SIGNAL_CHANGED,
  SIGNAL_CLEARED,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];
static guint       notify_signal_id;

static void     grant_waiters_locked (SpSharedObject *self);
static void     grant_waiter_locked (SpSharedObject *self, SpObjectWaiter *waiter);
static gboolean can_grant_locked (SpSharedObject *self, gboolean exclusive);
static gboolean waiter_is_exclusive (SpObjectWaiter *waiter);
static void     initializer_unref (SpInitializer *initializer);

static void     release_hold_locked (SpSharedObject *self, SpLockMode mode);
static void     note_queue_length_locked (SpSharedObject *self);
static SpStats *stats_locked (SpSharedObject *self);

static gboolean
convert_value (GType value_type, const GValue *src, GValue *dest, GError **error)
{
  return sp_value_convert (value_type, src, dest, "shared object", error);
}

#define move_value sp_value_move

/* convert_value() to the object's type; a value of that very type, the
 * common case, is copied without GLib's table lookups. */
static gboolean
convert_value_for (SpSharedObject *self, const GValue *src, GValue *dest, GError **error)
{
  if (self->value_table != NULL && G_VALUE_TYPE (src) == self->value_type)
    {
      sp_value_copy_with_table (self->value_table, src, dest);
      return TRUE;
    }

  return convert_value (self->value_type, src, dest, error);
}

static const char *
op_name (WaiterOp op)
{
  static const char *const names[] = {
    [OP_GET] = "get",   [OP_PEEK] = "peek",   [OP_SET] = "set",      [OP_CLEAR] = "clear",
    [OP_LOCK] = "lock", [OP_CLOSE] = "close", [OP_RUN_HELD] = "run", [OP_UPDATE] = "update",
  };

  return names[op];
}

static const char *
object_display_name (SpSharedObject *self)
{
  return sp_lifecycle_display_name (&self->life, self);
}

/* Emissions ------------------------------------------------------------ */

static void
emission_run (SpDispatchItem *item)
{
  SpEmission     *emission = (SpEmission *) item;
  SpSharedObject *self = emission->self;
  GValue         *old_value = HAS_VALUE (&emission->old_value) ? &emission->old_value : NULL;
  GValue         *new_value = HAS_VALUE (&emission->new_value) ? &emission->new_value : NULL;

  if (emission->flags & EMIT_TIMEOUT)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_TIMEOUT]);

  if (emission->flags & EMIT_HOLD_WARNING)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLD_WARNING_MS]);

  if (emission->flags & EMIT_MEASURE_HOLD_TIMES)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURE_HOLD_TIMES]);

  if (emission->flags & EMIT_CHANGED)
    {
      if (SP_TRACING (&self->life))
        sp_trace_emit (self, self->life.name, SP_TRACE_CHANGED, NULL, -1, -1);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0, old_value, new_value);
    }

  if (emission->flags & EMIT_CLEARED)
    {
      if (SP_TRACING (&self->life))
        sp_trace_emit (self, self->life.name, SP_TRACE_CLEARED, NULL, -1, -1);
      g_signal_emit (self, signals[SIGNAL_CLEARED], 0);
    }

  if (emission->flags & (EMIT_CHANGED | EMIT_CLEARED))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);

  if (emission->flags & (EMIT_INITIALIZED | EMIT_UNINITIALIZED))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INITIALIZED]);

  if (emission->flags & EMIT_INITIALIZED)
    {
      if (SP_TRACING (&self->life))
        sp_trace_emit (self, self->life.name, SP_TRACE_INITIALIZED, NULL, -1, -1);
      g_signal_emit (self, signals[SIGNAL_INITIALIZED], 0);
    }

  if (emission->flags & EMIT_CLOSING)
    {
      if (SP_TRACING (&self->life))
        sp_trace_emit (self, self->life.name, SP_TRACE_CLOSE_STARTED, NULL, -1, -1);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSED]);
    }

  if (emission->flags & EMIT_CLOSED)
    {
      g_signal_emit (self, signals[SIGNAL_CLOSED], 0, old_value);

      /* Handlers may have taken close holds; the close completes when the
       * last is released. */
      sp_lifecycle_closed_emitted (&self->life, &self->mutex);

      if (SP_TRACING (&self->life))
        sp_trace_emit (self, self->life.name, SP_TRACE_CLOSED, NULL, -1, -1);
    }

  if (HAS_VALUE (&emission->old_value))
    g_value_unset (&emission->old_value);
  if (HAS_VALUE (&emission->new_value))
    g_value_unset (&emission->new_value);
  g_clear_pointer (&emission->initializer, initializer_unref);
  g_object_unref (emission->self);
  g_free (emission);
}

/* Takes @old_value and @new_value (either may be unset). */
static SpEmission *
emission_new (SpSharedObject *self, EmitFlags flags, GValue *old_value, GValue *new_value)
{
  SpEmission *emission = g_new0 (SpEmission, 1);

  emission->item.func = emission_run;
  emission->self = g_object_ref (self);
  emission->flags = flags;
  if (old_value != NULL)
    move_value (&emission->old_value, old_value);
  if (new_value != NULL)
    move_value (&emission->new_value, new_value);

  return emission;
}

/* Pushed under the mutex, so emissions keep the order of the changes. */
static void
emit_later_locked (SpSharedObject *self, EmitFlags flags, GValue *old_value, GValue *new_value)
{
  SpEmission *emission = emission_new (self, flags, old_value, new_value);

  sp_dispatcher_push (self->life.owner_dispatcher, &emission->item);
}

/* Value changes, with the lock held by whoever changes it ------------- */

/* Any handler of @signal_id, whatever its detail ("notify::value" and
 * plain "notify" alike), blocked or not. */
static gboolean
has_handler (SpSharedObject *self, guint signal_id)
{
  return g_signal_handler_find (self, G_SIGNAL_MATCH_ID, signal_id, 0, NULL, NULL, NULL) != 0;
}

/* A property's notify, announced like a change of the value: to the
 * notify handlers connected now, and not at all when there is none. An
 * emission holds a reference on the object until the owner context runs
 * it, so one queued for nobody would keep an object whose context no
 * longer runs alive for good. */
static void
notify_later_locked (SpSharedObject *self, EmitFlags flag)
{
  if (has_handler (self, notify_signal_id))
    emit_later_locked (self, flag, NULL, NULL);
}

/* Whether anyone will see the announcement of a change of the value: a
 * handler of a signal it emits (a blocked one too, which may be unblocked
 * before it runs), or the trace. Nobody does, usually: then the emission,
 * the copy of the value it carries and its trip to the owner context are
 * skipped. Asked under the mutex, when the change happens, so a handler
 * connected later only sees the changes made after it was. The old value
 * is then freed under the mutex, which must run no user code: only for
 * value types whose free function is GLib's own. */
static gboolean
change_observed_locked (SpSharedObject *self, EmitFlags flags)
{
  if (self->value_table != NULL && self->value_table->value_free != NULL &&
      self->value_type != G_TYPE_STRING)
    return TRUE;
  if (SP_TRACING (&self->life))
    return TRUE;
  return has_handler (self, notify_signal_id) || has_handler (self, signals[SIGNAL_CHANGED]) ||
         ((flags & EMIT_CLEARED) && has_handler (self, signals[SIGNAL_CLEARED])) ||
         ((flags & EMIT_INITIALIZED) && has_handler (self, signals[SIGNAL_INITIALIZED]));
}

/* Takes @new_value. */
static void
store_value_locked (SpSharedObject *self, GValue *new_value)
{
  GValue    old_value = G_VALUE_INIT;
  GValue    announced = G_VALUE_INIT;
  EmitFlags flags = EMIT_CHANGED;

  move_value (&old_value, &self->value);
  move_value (&self->value, new_value);

  if (!HAS_VALUE (&old_value))
    flags |= EMIT_INITIALIZED;

  if (!change_observed_locked (self, flags))
    {
      if (HAS_VALUE (&old_value))
        g_value_unset (&old_value);
      return;
    }

  sp_value_copy_with_table (self->value_table, &self->value, &announced);
  emit_later_locked (self, flags, &old_value, &announced);
}

static void
clear_value_locked (SpSharedObject *self)
{
  GValue    old_value = G_VALUE_INIT;
  GValue    announced = G_VALUE_INIT;
  EmitFlags flags = EMIT_CHANGED;

  if (!HAS_VALUE (&self->value) && self->default_value == NULL)
    return;

  move_value (&old_value, &self->value);

  if (HAS_VALUE (&old_value))
    flags |= EMIT_CLEARED;

  if (self->default_value != NULL)
    {
      sp_value_copy_with_table (self->value_table, self->default_value, &self->value);
      sp_value_copy_with_table (self->value_table, &self->value, &announced);
      if (!HAS_VALUE (&old_value))
        flags |= EMIT_INITIALIZED;
    }
  else
    {
      flags |= EMIT_UNINITIALIZED;
    }

  if (!change_observed_locked (self, flags))
    {
      if (HAS_VALUE (&old_value))
        g_value_unset (&old_value);
      if (HAS_VALUE (&announced))
        g_value_unset (&announced);
      return;
    }

  emit_later_locked (self, flags, &old_value, &announced);
}

/* Lanes ---------------------------------------------------------------- */

static guint
lane_index_locked (SpSharedObject *self, SpDispatcher *dispatcher)
{
  SpLanes *lanes = self->lanes;
  guint    free_lane = NO_LANE;

  if (lanes == NULL)
    {
      lanes = self->lanes = g_malloc0 (sizeof (SpLanes) + 2 * sizeof (SpLane));
      lanes->allocated = 2;
    }

  for (guint i = 0; i < lanes->n_lanes; i++)
    {
      if (lanes->lane[i].dispatcher == dispatcher)
        return i;
      if (free_lane == NO_LANE && lanes->lane[i].head == NULL)
        free_lane = i;
    }

  /* An empty lane's dispatcher may be gone with its context: it is only
   * ever compared, never used. */
  if (free_lane != NO_LANE)
    {
      lanes->lane[free_lane].dispatcher = dispatcher;
      return free_lane;
    }

  if (lanes->n_lanes == NO_LANE)
    return NO_LANE;
  if (lanes->n_lanes == lanes->allocated)
    {
      lanes->allocated = MIN (lanes->allocated * 2, NO_LANE);
      lanes = self->lanes =
          g_realloc (lanes, sizeof (SpLanes) + lanes->allocated * sizeof (SpLane));
    }
  lanes->lane[lanes->n_lanes] = (SpLane){ .dispatcher = dispatcher };
  return lanes->n_lanes++;
}

/* @waiter was just queued at the tail of self->queue. */
static void
lane_push_locked (SpSharedObject *self, SpObjectWaiter *waiter)
{
  SpLane *lane;

  waiter->lane = lane_index_locked (self, waiter->base.dispatcher);
  if (waiter->lane == NO_LANE)
    return;

  lane = &self->lanes->lane[waiter->lane];
  waiter->lane_prev = lane->tail;
  waiter->lane_next = NULL;
  if (lane->tail != NULL)
    lane->tail->lane_next = waiter;
  else
    lane->head = waiter;
  lane->tail = waiter;
}

/* @waiter is leaving self->queue. */
static void
lane_remove_locked (SpSharedObject *self, SpObjectWaiter *waiter)
{
  SpLane *lane;

  if (waiter->lane == NO_LANE)
    return;

  lane = &self->lanes->lane[waiter->lane];
  if (waiter->lane_prev != NULL)
    waiter->lane_prev->lane_next = waiter->lane_next;
  else
    lane->head = waiter->lane_next;
  if (waiter->lane_next != NULL)
    waiter->lane_next->lane_prev = waiter->lane_prev;
  else
    lane->tail = waiter->lane_prev;
  waiter->lane_prev = waiter->lane_next = NULL;
  waiter->lane = NO_LANE;
}

static SpObjectWaiter *
lane_head_locked (SpSharedObject *self, SpDispatcher *dispatcher)
{
  SpLanes *lanes = self->lanes;

  for (guint i = 0; i < lanes->n_lanes; i++)
    if (lanes->lane[i].dispatcher == dispatcher)
      return lanes->lane[i].head;
  return NULL;
}

/* Whether a grant may still go past the head of the queue (the bound of
 * "Lanes" above); counts it if so. */
static gboolean
overtake_locked (SpSharedObject *self)
{
  SpLanes *lanes = self->lanes;
  gint64   now = g_get_monotonic_time ();

  if (lanes->overtakes == 0)
    lanes->overtaken_at = now;
  else if (lanes->overtakes >= SP_OVERTAKES_MAX || now - lanes->overtaken_at >= SP_OVERTAKE_US)
    return FALSE;

  lanes->overtakes++;
  return TRUE;
}

/* Waiters -------------------------------------------------------------- */

/* The lifecycle of a waiter (cancellation, timeout, delivery) is in
 * sp-waiter.c; what follows is what an SpSharedObject waits for. */

static void
object_waiter_finalize (SpWaiter *base)
{
  SpObjectWaiter *waiter = (SpObjectWaiter *) base;

  if (waiter->op == OP_RUN_HELD)
    {
      if (waiter->held_data_free != NULL)
        waiter->held_data_free (waiter->held_data);
      return;
    }

  if (waiter->op == OP_UPDATE && ((SpUpdateWaiter *) waiter)->func_data_destroy != NULL)
    ((SpUpdateWaiter *) waiter)->func_data_destroy (((SpUpdateWaiter *) waiter)->func_data);
  if (HAS_VALUE (&waiter->value))
    g_value_unset (&waiter->value);
}

static void
object_waiter_settle (SpWaiter *base)
{
  SpObjectWaiter *waiter = (SpObjectWaiter *) base;
  SpSharedObject *self = SP_SHARED_OBJECT (base->owner);

  if ((waiter->op == OP_LOCK || waiter->op == OP_RUN_HELD) && base->error == NULL &&
      g_cancellable_is_cancelled (base->cancellable))
    {
      /* Cancelled between grant and delivery: pass the hold on. */
      sp_mutex_lock (&self->mutex);
      stats_locked (self)->cancellations++;
      release_hold_locked (self, waiter->mode);
      sp_mutex_unlock (&self->mutex);
      g_autofree char *call = sp_describe_call (base->operation, object_display_name (self));

      base->error =
          g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled while waiting to %s", call);
    }
}

static void
object_waiter_return_task (SpWaiter *base, GTask *task)
{
  SpObjectWaiter *waiter = (SpObjectWaiter *) base;

  if (waiter->op == OP_LOCK)
    g_task_return_pointer (
        task, _sp_guard_new (SP_SHARED_OBJECT (base->owner), waiter->mode, base->task_name),
        (GDestroyNotify) sp_guard_unref);
  else if (waiter->op == OP_RUN_HELD)
    {
      SpSharedObject *self = SP_SHARED_OBJECT (base->owner);
      int      hold = waiter->mode == SP_LOCK_MODE_EXCLUSIVE ? SP_HOLD_EXCLUSIVE : SP_HOLD_SHARED;
      gboolean counted;
      gint64   acquired_at = _sp_shared_object_hold_started_at (self, NULL, &counted);

      /* What a guard's holder would do, without the guard. */
      waiter->held_func (waiter->held_data);
      _sp_shared_object_end_hold (self, &hold, acquired_at, counted, NULL, base->operation);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
object_waiter_abandoned_locked (GObject *owner, GIOErrorEnum code)
{
  SpSharedObject *self = SP_SHARED_OBJECT (owner);

  if (code == G_IO_ERROR_TIMED_OUT)
    stats_locked (self)->timeouts++;
  else if (code == G_IO_ERROR_CANCELLED)
    stats_locked (self)->cancellations++;

  /* It may have been the writer blocking everyone behind it, or the last
   * get a pending initializer was about to run for. */
  grant_waiters_locked (self);
}

static void begin_close_locked (SpSharedObject *self);
static void maybe_finish_close_locked (SpSharedObject *self);

/* Queued, granted, or failed at once. */
static void
object_waiter_enter_locked (SpWaiter *base)
{
  SpObjectWaiter *waiter = (SpObjectWaiter *) base;
  SpSharedObject *self = SP_SHARED_OBJECT (base->owner);

  if (waiter->op == OP_CLOSE)
    {
      /* A close cancelled before it was made still closes, as GIO's
       * streams do; only the call reports the cancellation. */
      begin_close_locked (self);
      sp_lifecycle_enter_close_locked (&self->life, base);
      maybe_finish_close_locked (self);
      return;
    }

  if (base->error != NULL)
    {
      /* Cancelled before it was made: still a cancelled call. */
      if (g_error_matches (base->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        stats_locked (self)->cancellations++;
      sp_waiter_complete_locked (base);
      return;
    }

  if (self->life.close_state != SP_CLOSE_OPEN)
    {
      sp_waiter_fail_closed_locked (base, sp_public_kind (self, "shared object"));
      return;
    }

  /* Nobody ahead and the lock compatible: granted now, without entering
   * the queue and its lane (the mutex is held the shorter for it). */
  if (self->queue.length == 0 && self->init_state != INIT_PENDING &&
      can_grant_locked (self, waiter_is_exclusive (waiter)))
    {
      grant_waiter_locked (self, waiter);
      grant_waiters_locked (self);
      return;
    }

  sp_waiter_wait_locked (base, &self->queue);
  lane_push_locked (self, waiter);
  note_queue_length_locked (self);
  grant_waiters_locked (self);
}

static void
object_waiter_leave_locked (SpWaiter *base)
{
  SpSharedObject *self = SP_SHARED_OBJECT (base->owner);

  if (base->list == &self->queue)
    lane_remove_locked (self, (SpObjectWaiter *) base);
}

/* A lock's guard starts with the name of the call as its label. */
static const char *
object_waiter_guard_label (SpWaiter *base)
{
  return ((SpObjectWaiter *) base)->op == OP_LOCK ? base->task_name : NULL;
}

static const SpWaiterClass object_waiter_class = {
  .enter_locked = object_waiter_enter_locked,
  .abandoned_locked = object_waiter_abandoned_locked,
  .leave_locked = object_waiter_leave_locked,
  .settle = object_waiter_settle,
  .return_task = object_waiter_return_task,
  .finalize = object_waiter_finalize,
  .guard_label = object_waiter_guard_label,
};

/* @task_source: the task's source object, NULL for the object itself;
 * @operation: the name in traces, NULL for the op's. */
static SpObjectWaiter *
waiter_new_full (SpSharedObject     *self,
                 WaiterOp            op,
                 const char         *operation,
                 GObject            *task_source,
                 GCancellable       *cancellable,
                 GAsyncReadyCallback callback,
                 gpointer            user_data,
                 gpointer            source_tag,
                 const char         *task_name)
{
  SpWaiterHost host = {
    .owner = G_OBJECT (self),
    .mutex = &self->mutex,
    .name = self->life.name,
    .owner_context = self->life.owner_context,
    .owner_dispatcher = self->life.owner_dispatcher,
    .trace = self->life.trace,
    .task_source = task_source,
  };
  SpObjectWaiter *waiter;

  waiter = sp_waiter_new (&object_waiter_class,
                          op == OP_UPDATE ? sizeof (SpUpdateWaiter) : sizeof (SpObjectWaiter),
                          &host, operation != NULL ? operation : op_name (op), cancellable,
                          callback, user_data, source_tag, task_name);
  waiter->op = op;

  return waiter;
}

static SpObjectWaiter *
waiter_new (SpSharedObject     *self,
            WaiterOp            op,
            GCancellable       *cancellable,
            GAsyncReadyCallback callback,
            gpointer            user_data,
            gpointer            source_tag,
            const char         *task_name)
{
  return waiter_new_full (self, op, NULL, NULL, cancellable, callback, user_data, source_tag,
                          task_name);
}

static void
waiter_start (SpObjectWaiter *waiter, int timeout_ms)
{
  sp_waiter_start (&waiter->base, sp_lifecycle_resolve_timeout (
                                      &SP_SHARED_OBJECT (waiter->base.owner)->life, timeout_ms));
}
/* Granting ------------------------------------------------------------- */

static gboolean
waiter_is_exclusive (SpObjectWaiter *waiter)
{
  switch (waiter->op)
    {
    case OP_SET:
    case OP_CLEAR:
    case OP_UPDATE:
      return TRUE;
    case OP_LOCK:
    case OP_RUN_HELD:
      return waiter->mode == SP_LOCK_MODE_EXCLUSIVE;
    case OP_GET:
    case OP_PEEK:
    case OP_CLOSE:
    default:
      return FALSE;
    }
}

static gboolean
can_grant_locked (SpSharedObject *self, gboolean exclusive)
{
  if (self->writer)
    return FALSE;
  return !exclusive || self->n_readers == 0;
}

static void
take_hold_locked (SpSharedObject *self, SpLockMode mode)
{
  if (mode == SP_LOCK_MODE_EXCLUSIVE)
    self->writer = TRUE;
  else
    self->n_readers++;
}

static SpStats *
stats_locked (SpSharedObject *self)
{
  return sp_lifecycle_stats_locked (&self->life);
}

static void
note_queue_length_locked (SpSharedObject *self)
{
  SpStats *stats = stats_locked (self);
  guint    length = self->queue.length + self->value_waiters.length;

  stats->peak_queue_length = MAX (stats->peak_queue_length, length);
}

static void
count_grant_locked (SpSharedObject *self, SpObjectWaiter *waiter, gboolean exclusive)
{
  SpStats *stats = stats_locked (self);
  gint64   wait_us;

  if (exclusive)
    stats->writes_granted++;
  else
    stats->reads_granted++;

  if (waiter == NULL || (wait_us = sp_waiter_note_grant_locked (&waiter->base)) < 0)
    return;

  stats->waited_grants++;
  stats->total_wait_us += wait_us;
  stats->peak_wait_us = MAX (stats->peak_wait_us, (guint64) wait_us);
}

static void
copy_value_locked (SpSharedObject *self, GValue *dest)
{
  sp_value_copy_with_table (self->value_table, &self->value, dest);
}

/* What an out value holds when there is no value to copy: the zero of the
 * value type, which owns nothing (so a C caller that skips unsetting it
 * leaks nothing), and which bindings can convert, unlike an empty GValue. */
static void
init_zero_value (SpSharedObject *self, GValue *dest)
{
  if (G_TYPE_IS_VALUE_TYPE (self->value_type))
    g_value_init (dest, self->value_type);
}

static void
serve_value_waiters_locked (SpSharedObject *self)
{
  SpObjectWaiter *waiter;

  while ((waiter = (SpObjectWaiter *) sp_waiter_pop_locked (&self->value_waiters)))
    {
      copy_value_locked (self, &waiter->value);
      count_grant_locked (self, waiter, FALSE);
      sp_waiter_complete_locked (&waiter->base);
    }
}

/* The update's function, on a copy of the value (the waiter's, which
 * its call returns); stored back if it says so and kept its type. */
static void
run_update_locked (SpSharedObject *self, SpUpdateWaiter *update)
{
  GValue *value = &update->base.value;
  GValue  stored = G_VALUE_INIT;

  if (HAS_VALUE (&self->value))
    copy_value_locked (self, value);
  else
    init_zero_value (self, value);

  if (!update->func (value, update->func_data))
    return;

  if (G_VALUE_TYPE (value) != self->value_type)
    {
      update->base.base.error =
          g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "The update function of shared object “%s” changed the type of its value "
                       "from %s to %s",
                       object_display_name (self), g_type_name (self->value_type),
                       g_type_name (G_VALUE_TYPE (value)));
      if (HAS_VALUE (value))
        g_value_unset (value);
      return;
    }

  sp_value_copy_with_table (self->value_table, value, &stored);
  store_value_locked (self, &stored);
}

static void
grant_waiter_locked (SpSharedObject *self, SpObjectWaiter *waiter)
{
  switch (waiter->op)
    {
    case OP_GET:
      if (!HAS_VALUE (&self->value))
        {
          sp_waiter_wait_locked (&waiter->base, &self->value_waiters);
          note_queue_length_locked (self);
          if (self->initializer != NULL && self->init_state == INIT_IDLE)
            self->init_state = INIT_PENDING;
          return;
        }
      copy_value_locked (self, &waiter->value);
      break;

    case OP_PEEK:
      waiter->initialized = HAS_VALUE (&self->value);
      if (waiter->initialized)
        copy_value_locked (self, &waiter->value);
      else
        init_zero_value (self, &waiter->value);
      break;

    case OP_SET:
      store_value_locked (self, &waiter->value);
      break;

    case OP_CLEAR:
      clear_value_locked (self);
      break;

    case OP_UPDATE:
      run_update_locked (self, (SpUpdateWaiter *) waiter);
      break;

    case OP_LOCK:
    case OP_RUN_HELD:
      take_hold_locked (self, waiter->mode);
      break;

    case OP_CLOSE:
    default:
      g_assert_not_reached ();
    }

  count_grant_locked (self, waiter, waiter_is_exclusive (waiter));
  sp_waiter_complete_locked (&waiter->base);
}

static SpInitializer *
initializer_ref (SpInitializer *initializer)
{
  g_atomic_int_inc (&initializer->ref_count);
  return initializer;
}

static void
initializer_unref (SpInitializer *initializer)
{
  if (g_atomic_int_dec_and_test (&initializer->ref_count))
    {
      if (initializer->notify != NULL)
        initializer->notify (initializer->user_data);
      g_free (initializer);
    }
}

static void
init_run (SpDispatchItem *item)
{
  SpInitRun *run = (SpInitRun *) item;
  SpGuard   *guard = _sp_guard_new_initializer (run->self);
  gboolean   kept;

  if (SP_TRACING (&run->self->life))
    sp_trace_emit (run->self, run->self->life.name, SP_TRACE_INIT_STARTED, NULL, -1, -1);

  /* The initializer owns the reference it is given (it may drop it at
   * once); this one lets the run be ended for it when it returns FALSE,
   * which is also what a Python or JavaScript function that raised
   * returns. */
  kept = run->initializer->func (run->self, sp_guard_ref (guard), run->initializer->user_data);
  if (!kept)
    _sp_guard_end_initializer_run (guard);
  sp_guard_unref (guard);

  initializer_unref (run->initializer);
  g_object_unref (run->self);
  g_free (run);
}

/* Takes the write hold for the initializer and runs it in the owner
 * context; the hold ends with _sp_shared_object_end_hold(). */
static void
start_initializer_locked (SpSharedObject *self)
{
  SpInitRun *run = g_new0 (SpInitRun, 1);

  g_assert (self->init_state == INIT_PENDING);
  g_assert (!self->writer && self->n_readers == 0);

  self->init_state = INIT_RUNNING;
  take_hold_locked (self, SP_LOCK_MODE_EXCLUSIVE);
  count_grant_locked (self, NULL, TRUE);

  run->item.func = init_run;
  run->self = g_object_ref (self);
  run->initializer = initializer_ref (self->initializer);
  sp_dispatcher_push (self->life.owner_dispatcher, &run->item);
}

/* The next waiter to grant, or NULL: the head of the queue, or the first
 * waiter of the context running on this thread (see "Lanes"). */
static SpObjectWaiter *
pick_waiter_locked (SpSharedObject *self, SpObjectWaiter *head)
{
  SpDispatcher   *running = sp_dispatcher_get_running ();
  SpObjectWaiter *mine;

  if (running != NULL && head->base.dispatcher != running && self->lanes != NULL &&
      (mine = lane_head_locked (self, running)) != NULL &&
      can_grant_locked (self, waiter_is_exclusive (mine)) && overtake_locked (self))
    return mine;

  if (!can_grant_locked (self, waiter_is_exclusive (head)))
    return NULL;
  if (self->lanes != NULL)
    self->lanes->overtakes = 0;
  return head;
}

static void
grant_waiters_locked (SpSharedObject *self)
{
  for (;;)
    {
      GList          *head;
      SpObjectWaiter *waiter;

      if (self->value_waiters.length > 0 && HAS_VALUE (&self->value) && !self->writer)
        serve_value_waiters_locked (self);

      /* A pending initializer stands at the head of the queue, on behalf
       * of the gets that asked for it. */
      if (self->init_state == INIT_PENDING)
        {
          if (HAS_VALUE (&self->value) || self->value_waiters.length == 0 ||
              self->initializer == NULL)
            self->init_state = INIT_IDLE;
          else if (!can_grant_locked (self, TRUE))
            break;
          else
            start_initializer_locked (self);
          continue;
        }

      head = self->queue.head;
      if (head == NULL)
        break;

      waiter = pick_waiter_locked (self, head->data);
      if (waiter == NULL)
        break;

      g_queue_unlink (&self->queue, &waiter->base.link);
      lane_remove_locked (self, waiter);
      grant_waiter_locked (self, waiter);
    }
}

static void
release_hold_locked (SpSharedObject *self, SpLockMode mode)
{
  if (mode == SP_LOCK_MODE_EXCLUSIVE)
    {
      g_assert (self->writer);
      self->writer = FALSE;
    }
  else
    {
      g_assert (self->n_readers > 0);
      self->n_readers--;
    }

  /* Most releases find nobody waiting and the object open. */
  if (self->queue.length > 0 || self->value_waiters.length > 0 || self->init_state == INIT_PENDING)
    grant_waiters_locked (self);
  if (G_UNLIKELY (self->life.close_state == SP_CLOSE_CLOSING))
    maybe_finish_close_locked (self);
}

/* Close ---------------------------------------------------------------- */

static void
fail_all_locked (SpSharedObject *self, GQueue *list)
{
  sp_waiter_fail_all_closed_locked (list, sp_public_kind (self, "shared object"));
}

/* OPEN → CLOSING: queued calls and gets waiting for a value fail, new
 * ones are refused; guards still held keep the close waiting. */
static void
begin_close_locked (SpSharedObject *self)
{
  SpEmission *emission;

  if (!sp_lifecycle_begin_close_locked (&self->life))
    return;

  /* Its lanes are left as they are: nothing queues again. */
  fail_all_locked (self, &self->queue);
  fail_all_locked (self, &self->value_waiters);
  if (self->init_state == INIT_PENDING)
    self->init_state = INIT_IDLE;
  /* A closed object never initializes again; letting the initializer go
   * (outside the mutex, in the emission) also breaks the cycle that a
   * binding's closure capturing the object would make. A run in progress
   * holds its own reference. */
  emission = emission_new (self, EMIT_CLOSING, NULL, NULL);
  emission->initializer = g_steal_pointer (&self->initializer);
  sp_dispatcher_push (self->life.owner_dispatcher, &emission->item);
}

/* CLOSING → EMITTING once the last guard is gone. */
static void
maybe_finish_close_locked (SpSharedObject *self)
{
  GValue final_value = G_VALUE_INIT;

  if (self->writer || self->n_readers > 0 || !sp_lifecycle_holders_gone_locked (&self->life))
    return;

  if (HAS_VALUE (&self->value))
    copy_value_locked (self, &final_value);
  emit_later_locked (self, EMIT_CLOSED, &final_value, NULL);
}

/* For SpGuard ---------------------------------------------------------- */

/* The gets queued behind a failed initializer, up to the first waiter
 * that could store a value, were waiting for that run too: they would
 * find no value and start it again at once. They get its error instead. */
static void
fail_gets_before_writer_locked (SpSharedObject *self, const GError *error)
{
  GList *link = self->queue.head;

  while (link != NULL)
    {
      SpObjectWaiter *waiter = link->data;
      GList          *next = link->next;

      if (waiter_is_exclusive (waiter))
        break;

      if (waiter->op == OP_GET)
        {
          g_queue_unlink (&self->queue, link);
          lane_remove_locked (self, waiter);
          waiter->base.error = g_error_copy (error);
          sp_waiter_complete_locked (&waiter->base);
        }

      link = next;
    }
}

/* Ends an initializer run: gets waiting for it fail with @error, or with
 * NOT_INITIALIZED when it stored nothing. */
static void
end_initializer_run_locked (SpSharedObject *self, const GError *error)
{
  g_autoptr (GError) not_initialized = NULL;

  g_assert (self->init_state == INIT_RUNNING);
  self->init_state = INIT_IDLE;

  if (error == NULL && !HAS_VALUE (&self->value))
    error = not_initialized =
        g_error_new (SP_ERROR, SP_ERROR_NOT_INITIALIZED,
                     "The initializer of shared object “%s” finished without setting a value",
                     object_display_name (self));

  if (error != NULL)
    {
      sp_waiter_fail_all_with_error_locked (&self->value_waiters, error);
      fail_gets_before_writer_locked (self, error);
    }
}

gboolean
_sp_shared_object_end_hold (SpSharedObject *self,
                            int            *hold,
                            gint64          acquired_at,
                            gboolean        counted,
                            const GError   *error,
                            const char     *label)
{
  gint64   hold_us = acquired_at != 0 ? g_get_monotonic_time () - acquired_at : -1;
  gboolean initialized = FALSE;
  SpHold   held;

  sp_mutex_lock (&self->mutex);

  held = *hold;
  if (held != SP_HOLD_NONE)
    {
      /* Release order is enough (a seq_cst store is a locked instruction
       * on x86, a good part of a try_lock): it is written under the
       * mutex, and read without it only by the guard's own checks. */
      __atomic_store_n (hold, SP_HOLD_NONE, __ATOMIC_RELEASE);
      if (counted && hold_us >= 0)
        {
          stats_locked (self)->total_hold_us += hold_us;
          self->life.stats->peak_hold_us = MAX (self->life.stats->peak_hold_us, (guint64) hold_us);
        }
      if (held == SP_HOLD_INITIALIZER)
        {
          initialized = HAS_VALUE (&self->value);
          end_initializer_run_locked (self, error);
        }
      release_hold_locked (self,
                           held == SP_HOLD_SHARED ? SP_LOCK_MODE_SHARED : SP_LOCK_MODE_EXCLUSIVE);
    }

  sp_mutex_unlock (&self->mutex);

  if (held == SP_HOLD_INITIALIZER && SP_TRACING (&self->life))
    {
      if (error != NULL)
        sp_trace_emit_failed (self, self->life.name, "initializer", -1, error->message);
      else if (!initialized)
        sp_trace_emit_failed (self, self->life.name, "initializer", -1,
                              "finished without setting a value");
      else
        sp_trace_emit (self, self->life.name, SP_TRACE_INIT_FINISHED, NULL, -1, hold_us);
    }
  if (held != SP_HOLD_NONE && SP_TRACING (&self->life))
    sp_trace_emit_labelled (self, self->life.name, SP_TRACE_RELEASED,
                            held == SP_HOLD_SHARED ? "shared" : "exclusive", -1, hold_us, label);

  return held != SP_HOLD_NONE;
}

gboolean
_sp_shared_object_is_tracing (SpSharedObject *self)
{
  return SP_TRACING (&self->life);
}

SpHold
_sp_shared_object_downgrade_hold (SpSharedObject *self, int *hold)
{
  SpHold   held;
  gboolean initialized = FALSE;

  sp_mutex_lock (&self->mutex);

  held = *hold;
  if (held == SP_HOLD_EXCLUSIVE || held == SP_HOLD_INITIALIZER)
    {
      g_atomic_int_set (hold, SP_HOLD_SHARED);
      if (held == SP_HOLD_INITIALIZER)
        {
          initialized = HAS_VALUE (&self->value);
          end_initializer_run_locked (self, NULL);
        }
      g_assert (self->writer);
      self->writer = FALSE;
      self->n_readers++;
      grant_waiters_locked (self);
    }

  sp_mutex_unlock (&self->mutex);

  /* A downgrade ends an initializer's run as a release would: its record
   * says how. */
  if (held == SP_HOLD_INITIALIZER && SP_TRACING (&self->life))
    {
      if (initialized)
        sp_trace_emit (self, self->life.name, SP_TRACE_INIT_FINISHED, NULL, -1, -1);
      else
        sp_trace_emit_failed (self, self->life.name, "initializer", -1,
                              "finished without setting a value");
    }

  return held;
}

gboolean
_sp_shared_object_read_value (SpSharedObject *self, GValue *value)
{
  gboolean initialized;

  sp_mutex_lock (&self->mutex);
  initialized = HAS_VALUE (&self->value);
  if (initialized && value != NULL)
    copy_value_locked (self, value);
  else if (value != NULL)
    init_zero_value (self, value);
  sp_mutex_unlock (&self->mutex);

  return initialized;
}

gboolean
_sp_shared_object_has_value (SpSharedObject *self)
{
  return _sp_shared_object_read_value (self, NULL);
}

gboolean
_sp_shared_object_write_value (SpSharedObject *self, const GValue *value, GError **error)
{
  GValue converted = G_VALUE_INIT;

  if (!convert_value_for (self, value, &converted, error))
    return FALSE;

  sp_mutex_lock (&self->mutex);
  store_value_locked (self, &converted);
  sp_mutex_unlock (&self->mutex);

  return TRUE;
}

void
_sp_shared_object_write_clear (SpSharedObject *self)
{
  sp_mutex_lock (&self->mutex);
  clear_value_locked (self);
  sp_mutex_unlock (&self->mutex);
}

/* GObject -------------------------------------------------------------- */

static void
sp_shared_object_constructed (GObject *object)
{
  SpSharedObject *self = (SpSharedObject *) object;

  G_OBJECT_CLASS (sp_shared_object_parent_class)->constructed (object);

  /* Bindings construct through properties; a missing type is a
   * programmer error, but the object must stay safe to use: every value
   * is then refused with INVALID_ARGUMENT. */
  if (!G_TYPE_IS_VALUE_TYPE (self->value_type))
    g_critical ("SpSharedObject “%s” constructed without a valid value-type",
                object_display_name (self));

  else
    self->value_table = g_type_value_table_peek (self->value_type);

  sp_lifecycle_init (&self->life);

  if (SP_TRACING (&self->life))
    sp_trace_emit (self, self->life.name, SP_TRACE_CREATED, NULL, -1, -1);
}

/* The last reference of an open object closes it, as scope exit closes
 * an `async with` block (see sp-lifecycle-private.h). The emissions
 * queued by the close hold new references, so the object lives on until
 * ::closed has run in the owner context; the unref that follows finds it
 * closed and disposes of it for real. Chaining up is left to that second
 * dispose, because GObject's own dispose disconnects the handlers
 * ::closed is for. */
static void
sp_shared_object_dispose (GObject *object)
{
  SpSharedObject *self = (SpSharedObject *) object;
  gboolean        closing_now;

  sp_mutex_lock (&self->mutex);
  closing_now =
      sp_lifecycle_dispose_should_close_locked (&self->life, object, signals[SIGNAL_CLOSED], 0);
  if (closing_now)
    {
      begin_close_locked (self);
      maybe_finish_close_locked (self);
    }
  sp_mutex_unlock (&self->mutex);

  if (!closing_now)
    G_OBJECT_CLASS (sp_shared_object_parent_class)->dispose (object);
}

static void
sp_shared_object_finalize (GObject *object)
{
  SpSharedObject *self = (SpSharedObject *) object;

  if (SP_TRACING (&self->life))
    sp_trace_emit (self, self->life.name, SP_TRACE_FINALIZED, NULL, -1, -1);

  /* Every waiter's task and every guard holds a reference. */
  g_assert (self->queue.length == 0);
  g_assert (self->value_waiters.length == 0);
  g_assert (!self->writer && self->n_readers == 0);

  if (HAS_VALUE (&self->value))
    g_value_unset (&self->value);
  if (self->default_value != NULL)
    {
      g_value_unset (self->default_value);
      g_free (self->default_value);
    }
  g_clear_pointer (&self->initializer, initializer_unref);
  g_free (self->lanes);
  sp_lifecycle_clear (&self->life);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sp_shared_object_parent_class)->finalize (object);
}

static void
sp_shared_object_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SpSharedObject *self = SP_SHARED_OBJECT (object);

  switch (prop_id)
    {
    case PROP_VALUE_TYPE:
      g_value_set_gtype (value, self->value_type);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->life.name);
      break;

    case PROP_DEFAULT_TIMEOUT:
      g_value_set_int (value, sp_shared_object_get_default_timeout (self));
      break;

    case PROP_HOLD_WARNING_MS:
      g_value_set_int (value, sp_shared_object_get_hold_warning_ms (self));
      break;

    case PROP_MEASURE_HOLD_TIMES:
      g_value_set_boolean (value, sp_shared_object_get_measure_hold_times (self));
      break;

    case PROP_INITIALIZED:
      g_value_set_boolean (value, sp_shared_object_is_initialized (self));
      break;

    case PROP_CLOSED:
      g_value_set_boolean (value, sp_shared_object_is_closed (self));
      break;

    case PROP_VALUE:
      {
        GValue *current = g_new0 (GValue, 1);

        /* Uninitialized: NULL, which no value of the type is. */
        if (_sp_shared_object_read_value (self, current))
          g_value_take_boxed (value, current);
        else
          g_boxed_free (G_TYPE_VALUE, current);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_shared_object_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SpSharedObject *self = SP_SHARED_OBJECT (object);

  switch (prop_id)
    {
    case PROP_VALUE_TYPE:
      self->value_type = g_value_get_gtype (value);
      break;

    case PROP_NAME:
      self->life.name = g_value_dup_string (value);
      break;

    case PROP_DEFAULT_TIMEOUT:
      sp_shared_object_set_default_timeout (self, g_value_get_int (value));
      break;

    case PROP_HOLD_WARNING_MS:
      sp_shared_object_set_hold_warning_ms (self, g_value_get_int (value));
      break;

    case PROP_MEASURE_HOLD_TIMES:
      sp_shared_object_set_measure_hold_times (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* From a boxed GValue (the :value property) to @dest's type, converting
 * the content; NULL (uninitialized) leaves @dest at its default. */
static void
transform_boxed_value (const GValue *src, GValue *dest)
{
  const GValue *content = g_value_get_boxed (src);

  if (content == NULL)
    return;
  if (G_VALUE_HOLDS (content, G_VALUE_TYPE (dest)))
    g_value_copy (content, dest);
  else if (g_value_type_transformable (G_VALUE_TYPE (content), G_VALUE_TYPE (dest)))
    g_value_transform (content, dest);
}

/* So that g_object_bind_property() from :value works without a
 * transform function. GLib has no conversion from G_TYPE_VALUE at all;
 * none is replaced. Registered when the library is loaded, before any
 * thread can look the table up: GLib's transform table takes no lock. */
__attribute__ ((constructor)) static void
register_boxed_value_transforms (void)
{
  const GType targets[] = {
    G_TYPE_CHAR,  G_TYPE_UCHAR,  G_TYPE_BOOLEAN, G_TYPE_INT,     G_TYPE_UINT,   G_TYPE_LONG,
    G_TYPE_ULONG, G_TYPE_INT64,  G_TYPE_UINT64,  G_TYPE_FLOAT,   G_TYPE_DOUBLE, G_TYPE_ENUM,
    G_TYPE_FLAGS, G_TYPE_STRING, G_TYPE_OBJECT,  G_TYPE_VARIANT,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (targets); i++)
    if (!g_value_type_transformable (G_TYPE_VALUE, targets[i]))
      g_value_register_transform_func (G_TYPE_VALUE, targets[i], transform_boxed_value);
}

static void
sp_shared_object_class_init (SpSharedObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sp_shared_object_constructed;
  object_class->dispose = sp_shared_object_dispose;
  object_class->finalize = sp_shared_object_finalize;
  object_class->get_property = sp_shared_object_get_property;
  object_class->set_property = sp_shared_object_set_property;

  /**
   * SpSharedObject:value-type:
   *
   * The type of the value the object holds. Values of other types are
   * converted with g_value_transform() when they are stored, or refused
   * with %G_IO_ERROR_INVALID_ARGUMENT. A conversion between numbers that would lose information (a
   * fraction into an integer, a value out of range, a negative number into an unsigned type) is
   * refused the same way; rounding into a float is not a loss.
   *
   * Since: 1.0
   */
  properties[PROP_VALUE_TYPE] =
      g_param_spec_gtype ("value-type", NULL, NULL, G_TYPE_NONE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedObject:name:
   *
   * A name for the object, used in messages and traces.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
      g_param_spec_string ("name", NULL, NULL, NULL,
                           (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedObject:default-timeout:
   *
   * The timeout, in milliseconds, of calls made with a `timeout_ms` of -1.
   * 0 means no timeout.
   *
   * Since: 1.0
   */
  properties[PROP_DEFAULT_TIMEOUT] =
      g_param_spec_int ("default-timeout", NULL, NULL, 0, G_MAXINT, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedObject:hold-warning-ms:
   *
   * When positive, a guard still held this many milliseconds after it was
   * granted produces one warning naming the object, where the lock was
   * taken (see [method@Sharedpotato.Guard.set_label]) and how long it has
   * been held, and a message when it is finally released. 0 (the default)
   * turns the warning off. It applies to guards granted after it is set;
   * the timer runs in the owner context.
   *
   * Since: 1.0
   */
  properties[PROP_HOLD_WARNING_MS] =
      g_param_spec_int ("hold-warning-ms", NULL, NULL, 0, G_MAXINT, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedObject:measure-hold-times:
   *
   * Whether the object measures how long its locks are held, for the
   * @total_hold_us and @peak_hold_us of [struct@Sharedpotato.Stats].
   * Measuring reads the clock when a lock is taken and when it is given
   * back, which is more than half of what an uncontended
   * [method@Sharedpotato.SharedObject.try_lock] and release cost
   * otherwise, so a new object does not measure until asked to.
   *
   * The first [method@Sharedpotato.SharedObject.get_stats] turns it on
   * if it was never set, so a monitor that reads the stats from time to
   * time sees the hold times of every lock taken after its first
   * reading. Set it when constructing the object to count every lock
   * from the first one, or to keep it off. A lock counts if it was taken
   * while this was on. Tracing and
   * [property@Sharedpotato.SharedObject:hold-warning-ms] time their own
   * locks whatever this says. Notified in the owner context.
   *
   * Since: 1.0
   */
  properties[PROP_MEASURE_HOLD_TIMES] =
      g_param_spec_boolean ("measure-hold-times", NULL, NULL, FALSE,
                            (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedObject:initialized:
   *
   * Whether the object holds a value. Notified in the owner context.
   *
   * Since: 1.0
   */
  properties[PROP_INITIALIZED] = g_param_spec_boolean ("initialized", NULL, NULL, FALSE,
                                                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedObject:closed:
   *
   * Whether [method@Sharedpotato.SharedObject.close_async] was called.
   * From then on every new call fails with
   * %G_IO_ERROR_CLOSED. Notified in the owner context.
   *
   * Since: 1.0
   */
  properties[PROP_CLOSED] = g_param_spec_boolean ("closed", NULL, NULL, FALSE,
                                                  (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedObject:value: (type GValue)
   *
   * The value the object holds now, or %NULL while it holds none: a
   * snapshot, read without waiting for the lock, so it also shows what an
   * exclusive guard has stored before its release (as
   * [signal@Sharedpotato.SharedObject::changed] does).
   *
   * It is notified in the owner context after each change, so a user
   * interface can follow the object with `notify::value`, or with
   * g_object_bind_property() into a widget's property: sharedpotato
   * registers conversions from a boxed #GValue to the fundamental types
   * (the content is converted as g_value_transform() would), so a binding
   * to a `gchararray`, number, boolean, enum or object property needs no
   * transform function.
   *
   * The property is read-only: a change goes through
   * [method@Sharedpotato.SharedObject.set_async] or a guard, which wait
   * their turn in the lock's order and can fail, neither of which a
   * property setter can do.
   *
   * Since: 1.0
   */
  properties[PROP_VALUE] = g_param_spec_boxed ("value", NULL, NULL, G_TYPE_VALUE,
                                               (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SpSharedObject::initialized:
   * @self: the object
   *
   * Emitted when the object goes from holding no value to holding one,
   * after [signal@Sharedpotato.SharedObject::changed].
   *
   * Since: 1.0
   */
  signals[SIGNAL_INITIALIZED] =
      g_signal_new ("initialized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);

  /**
   * SpSharedObject::changed:
   * @self: the object
   * @old_value: (nullable): the value replaced, or %NULL if there was none
   * @new_value: (nullable): the value now stored, or %NULL if the object
   *   was cleared to uninitialized
   *
   * Emitted after every set and clear that changed the object. This is the
   * place to clean up a replaced value: @old_value is released after the
   * emission.
   *
   * Since: 1.0
   */
  signals[SIGNAL_CHANGED] = g_signal_new (
      "changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      G_TYPE_VALUE | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_VALUE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SpSharedObject::cleared:
   * @self: the object
   *
   * Emitted after a clear removed a value, following
   * [signal@Sharedpotato.SharedObject::changed].
   *
   * Since: 1.0
   */
  signals[SIGNAL_CLEARED] = g_signal_new ("cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * SpSharedObject::closed:
   * @self: the object
   * @final_value: (nullable): the value the object held when it closed,
   *   or %NULL if it held none
   *
   * Emitted once, when the object is closed and the last guard is
   * released.
   *
   * Since: 1.0
   */
  notify_signal_id = g_signal_lookup ("notify", G_TYPE_OBJECT);

  signals[SIGNAL_CLOSED] =
      g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, G_TYPE_VALUE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sp_shared_object_init (SpSharedObject *self)
{
  g_mutex_init (&self->mutex);
}

/* Public API ----------------------------------------------------------- */

/**
 * sp_shared_object_new:
 * @value_type: the type of the value to share
 *
 * Creates an uninitialized shared object: a
 * [method@Sharedpotato.SharedObject.get_async] waits until a value is set.
 *
 * Signals and property notifications of the object are emitted in the
 * thread-default main context of the thread calling this.
 *
 * Returns: (transfer full): a new #SpSharedObject
 *
 * Since: 1.0
 */
SpSharedObject *
sp_shared_object_new (GType value_type)
{
  g_return_val_if_fail (G_TYPE_IS_VALUE_TYPE (value_type), NULL);

  return g_object_new (SP_TYPE_SHARED_OBJECT, "value-type", value_type, NULL);
}

/**
 * sp_shared_object_new_with_value:
 * @value: the initial value; its type becomes the object's value type
 *
 * Creates a shared object holding a copy of @value.
 *
 * Returns: (transfer full): a new #SpSharedObject
 *
 * Since: 1.0
 */
SpSharedObject *
sp_shared_object_new_with_value (const GValue *value)
{
  g_return_val_if_fail (G_IS_VALUE (value), NULL);

  return sp_shared_object_new_full (G_VALUE_TYPE (value), NULL, value, NULL);
}

/* GJS 1.74 passes `null` for a nullable GValue argument as a GValue of
 * G_TYPE_POINTER holding NULL rather than as a NULL pointer. */
static gboolean
value_is_binding_null (GType value_type, const GValue *value)
{
  return value != NULL && G_VALUE_TYPE (value) == G_TYPE_POINTER &&
         g_value_get_pointer (value) == NULL && !g_type_is_a (value_type, G_TYPE_POINTER);
}

/**
 * sp_shared_object_new_full:
 * @value_type: the type of the value to share
 * @name: (nullable): a name used in messages and traces
 * @initial_value: (nullable): the initial value, or %NULL to start
 *   uninitialized
 * @default_value: (nullable): the value a clear returns to, or %NULL to
 *   make a clear leave the object uninitialized
 *
 * Creates a shared object. @initial_value and @default_value are converted
 * to @value_type; a value that cannot be converted is a programmer error.
 *
 * Returns: (transfer full) (nullable): a new #SpSharedObject, or %NULL if
 *   a value could not be converted
 *
 * Since: 1.0
 */
SpSharedObject *
sp_shared_object_new_full (GType         value_type,
                           const char   *name,
                           const GValue *initial_value,
                           const GValue *default_value)
{
  g_autoptr (GError) error = NULL;
  GValue          initial = G_VALUE_INIT;
  GValue          fallback = G_VALUE_INIT;
  SpSharedObject *self;

  g_return_val_if_fail (G_TYPE_IS_VALUE_TYPE (value_type), NULL);
  g_return_val_if_fail (initial_value == NULL || G_IS_VALUE (initial_value), NULL);
  g_return_val_if_fail (default_value == NULL || G_IS_VALUE (default_value), NULL);

  if (value_is_binding_null (value_type, initial_value))
    initial_value = NULL;
  if (value_is_binding_null (value_type, default_value))
    default_value = NULL;

  if ((initial_value != NULL && !convert_value (value_type, initial_value, &initial, &error)) ||
      (default_value != NULL && !convert_value (value_type, default_value, &fallback, &error)))
    {
      g_critical ("%s: %s", G_STRFUNC, error->message);
      if (G_IS_VALUE (&initial))
        g_value_unset (&initial);
      return NULL;
    }

  self = g_object_new (SP_TYPE_SHARED_OBJECT, "value-type", value_type, "name", name, NULL);

  /* Not yet shared with anyone: no mutex, no announcement. */
  move_value (&self->value, &initial);
  if (G_IS_VALUE (&fallback))
    {
      self->default_value = g_new0 (GValue, 1);
      move_value (self->default_value, &fallback);
    }

  return self;
}

/**
 * sp_shared_object_get_value_type:
 * @self: a #SpSharedObject
 *
 * Gets [property@Sharedpotato.SharedObject:value-type].
 *
 * Returns: the type of the value the object holds
 *
 * Since: 1.0
 */
GType
sp_shared_object_get_value_type (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), G_TYPE_INVALID);

  return self->value_type;
}

/**
 * sp_shared_object_get_name:
 * @self: a #SpSharedObject
 *
 * Gets [property@Sharedpotato.SharedObject:name].
 *
 * Returns: (nullable): the name of the object
 *
 * Since: 1.0
 */
const char *
sp_shared_object_get_name (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), NULL);

  return self->life.name;
}

/**
 * sp_shared_object_get_default_timeout:
 * @self: a #SpSharedObject
 *
 * Gets [property@Sharedpotato.SharedObject:default-timeout].
 *
 * Returns: the default timeout in milliseconds, 0 for none
 *
 * Since: 1.0
 */
int
sp_shared_object_get_default_timeout (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), 0);

  return g_atomic_int_get (&self->life.default_timeout);
}

/**
 * sp_shared_object_set_default_timeout:
 * @self: a #SpSharedObject
 * @timeout_ms: the timeout in milliseconds, 0 for none
 *
 * Sets [property@Sharedpotato.SharedObject:default-timeout], which calls
 * made with a `timeout_ms` of -1 use. Calls already made keep theirs.
 *
 * Since: 1.0
 */
void
sp_shared_object_set_default_timeout (SpSharedObject *self, int timeout_ms)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));
  g_return_if_fail (timeout_ms >= 0);

  if (sp_lifecycle_set_default_timeout (&self->life, timeout_ms))
    {
      sp_mutex_lock (&self->mutex);
      notify_later_locked (self, EMIT_TIMEOUT);
      sp_mutex_unlock (&self->mutex);
    }
}

/**
 * sp_shared_object_get_hold_warning_ms:
 * @self: a #SpSharedObject
 *
 * Gets [property@Sharedpotato.SharedObject:hold-warning-ms].
 *
 * Returns: the threshold in milliseconds, 0 when off
 *
 * Since: 1.0
 */
int
sp_shared_object_get_hold_warning_ms (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), 0);

  return g_atomic_int_get (&self->hold_warning_ms);
}

/**
 * sp_shared_object_set_hold_warning_ms:
 * @self: a #SpSharedObject
 * @hold_warning_ms: the threshold in milliseconds, 0 to turn it off
 *
 * Sets [property@Sharedpotato.SharedObject:hold-warning-ms].
 *
 * Since: 1.0
 */
void
sp_shared_object_set_hold_warning_ms (SpSharedObject *self, int hold_warning_ms)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));
  g_return_if_fail (hold_warning_ms >= 0);

  if (g_atomic_int_exchange (&self->hold_warning_ms, hold_warning_ms) != hold_warning_ms)
    {
      sp_mutex_lock (&self->mutex);
      notify_later_locked (self, EMIT_HOLD_WARNING);
      sp_mutex_unlock (&self->mutex);
    }
}

/**
 * sp_shared_object_get_measure_hold_times:
 * @self: a #SpSharedObject
 *
 * Gets [property@Sharedpotato.SharedObject:measure-hold-times].
 *
 * Returns: whether lock hold times are being measured
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_get_measure_hold_times (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);

  return g_atomic_int_get (&self->measure_hold_times);
}

/* Under the mutex, so that the notifications keep the order of the
 * changes. */
static void
set_measure_hold_times_locked (SpSharedObject *self, gboolean measure)
{
  if (g_atomic_int_exchange (&self->measure_hold_times, measure) != measure)
    notify_later_locked (self, EMIT_MEASURE_HOLD_TIMES);
}

/**
 * sp_shared_object_set_measure_hold_times:
 * @self: a #SpSharedObject
 * @measure: whether to measure lock hold times
 *
 * Sets [property@Sharedpotato.SharedObject:measure-hold-times]. Turning
 * it off keeps the hold times measured so far in the stats.
 *
 * Since: 1.0
 */
void
sp_shared_object_set_measure_hold_times (SpSharedObject *self, gboolean measure)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));

  sp_mutex_lock (&self->mutex);
  self->measure_chosen = TRUE;
  set_measure_hold_times_locked (self, !!measure);
  sp_mutex_unlock (&self->mutex);
}

/* When a hold begins: the clock if anyone will read the hold's length (the
 * stats, the trace, a held-too-long warning), else 0, which
 * _sp_shared_object_end_hold() takes for "not measured"; in @counted,
 * whether the stats will (measure-hold-times is on). Gives the
 * hold-warning-ms it went by in @warning_ms, if not NULL: one call, since
 * a try_lock costs little more than a few of them. */
gint64
_sp_shared_object_hold_started_at (SpSharedObject *self, int *warning_ms, gboolean *counted)
{
  int warning = g_atomic_int_get (&self->hold_warning_ms);

  *counted = g_atomic_int_get (&self->measure_hold_times);
  if (warning_ms != NULL)
    *warning_ms = warning;
  if (warning > 0 || *counted || SP_TRACING (&self->life))
    return g_get_monotonic_time ();
  return 0;
}

/**
 * sp_shared_object_get_stats:
 * @self: a #SpSharedObject
 *
 * Takes a snapshot of the object's counters: grants, waits, timeouts,
 * cancellations, the current holders and queue, and wait and hold times.
 * Every number of the snapshot was read at the same instant, under the
 * object's lock, so they agree with each other even while other threads
 * use the object.
 *
 * The first call turns on
 * [property@Sharedpotato.SharedObject:measure-hold-times], unless it was
 * set before: hold times count the locks taken from then on.
 *
 * Returns: (transfer full): a new #SpStats
 *
 * Since: 1.0
 */
SpStats *
sp_shared_object_get_stats (SpSharedObject *self)
{
  SpStats *stats;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), NULL);

  sp_mutex_lock (&self->mutex);
  if (!self->measure_chosen)
    {
      self->measure_chosen = TRUE;
      set_measure_hold_times_locked (self, TRUE);
    }
  stats = sp_lifecycle_copy_stats_locked (&self->life);
  stats->current_readers = self->n_readers;
  stats->current_writer = self->writer;
  stats->queue_length = self->queue.length + self->value_waiters.length;
  sp_mutex_unlock (&self->mutex);

  return stats;
}

gboolean
_sp_shared_object_in_owner_context (SpSharedObject *self)
{
  return sp_in_owner_context (self->life.owner_context, self->life.owner_thread);
}

GMainContext *
_sp_shared_object_get_owner_context (SpSharedObject *self)
{
  return self->life.owner_context;
}

const char *
_sp_shared_object_get_display_name (SpSharedObject *self)
{
  return object_display_name (self);
}

/**
 * sp_shared_object_is_initialized:
 * @self: a #SpSharedObject
 *
 * Gets [property@Sharedpotato.SharedObject:initialized]. Another thread
 * may change it at any moment; use
 * [method@Sharedpotato.SharedObject.peek_async] or a guard to act on it.
 *
 * Returns: whether the object holds a value
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_is_initialized (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);

  return _sp_shared_object_has_value (self);
}

/**
 * sp_shared_object_is_closed:
 * @self: a #SpSharedObject
 *
 * Gets [property@Sharedpotato.SharedObject:closed].
 *
 * Returns: whether the object was closed
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_is_closed (SpSharedObject *self)
{
  gboolean closed;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);

  sp_mutex_lock (&self->mutex);
  closed = self->life.close_state != SP_CLOSE_OPEN;
  sp_mutex_unlock (&self->mutex);

  return closed;
}

static gboolean
result_is_valid (SpSharedObject *self, GAsyncResult *result, gpointer source_tag)
{
  return g_task_is_valid (result, self) && g_task_get_source_tag (G_TASK (result)) == source_tag;
}

/* The calls, for the object itself and for its views: the task's source
 * is @source (the object or the view called), so a call through a view
 * is one GTask, as a direct one is. */

static WaiterOp
call_op (SpObjectCall call)
{
  switch (call)
    {
    case SP_OBJECT_CALL_GET:
      return OP_GET;
    case SP_OBJECT_CALL_PEEK:
      return OP_PEEK;
    case SP_OBJECT_CALL_SET:
      return OP_SET;
    case SP_OBJECT_CALL_CLEAR:
      return OP_CLEAR;
    case SP_OBJECT_CALL_LOCK:
      return OP_LOCK;
    default:
      g_assert_not_reached ();
    }
}

void
_sp_shared_object_call_async (SpSharedObject     *self,
                              SpObjectCall        call,
                              gpointer            source,
                              const GValue       *value,
                              SpLockMode          mode,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data,
                              gpointer            source_tag,
                              const char         *task_name)
{
  SpObjectWaiter *waiter;

  waiter = waiter_new_full (self, call_op (call), NULL, source == (gpointer) self ? NULL : source,
                            cancellable, callback, user_data, source_tag, task_name);
  waiter->mode = mode;
  /* Convert before queueing, so the grant under the mutex is only a move
   * and a refused value never takes a place in the queue. */
  if (call == SP_OBJECT_CALL_SET)
    convert_value_for (self, value, &waiter->value, &waiter->base.error);
  waiter_start (waiter, timeout_ms);
}

gboolean
_sp_shared_object_call_finish (SpSharedObject *self,
                               gpointer        source,
                               GAsyncResult   *result,
                               gpointer        source_tag,
                               gboolean       *initialized,
                               GValue         *value,
                               SpGuard       **guard,
                               GError        **error)
{
  SpObjectWaiter *waiter;

  g_return_val_if_fail (g_task_is_valid (result, source) &&
                            g_task_get_source_tag (G_TASK (result)) == source_tag,
                        FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  /* A view finishing knows only itself: the waiter knows its object. */
  if (self == NULL)
    self = SP_SHARED_OBJECT (((SpWaiter *) g_task_get_task_data (G_TASK (result)))->owner);

  if (initialized != NULL)
    *initialized = FALSE;

  if (guard != NULL)
    {
      *guard = g_task_propagate_pointer (G_TASK (result), error);
      return *guard != NULL;
    }

  waiter = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      /* GJS converts out values even when the call threw. */
      if (value != NULL)
        init_zero_value (self, value);
      return FALSE;
    }

  if (initialized != NULL)
    *initialized = waiter->initialized;
  if (value != NULL && HAS_VALUE (&waiter->value))
    move_value (value, &waiter->value);
  else if (value != NULL)
    init_zero_value (self, value);

  return TRUE;
}

/**
 * sp_shared_object_get_async:
 * @self: a #SpSharedObject
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the value
 * @user_data: data for @callback
 *
 * Gets a copy of the value, waiting if the object holds none yet until a
 * set (or a clear to a default value) gives it one.
 *
 * It takes the lock shared: it waits for a writer ahead of it in the
 * queue, but while it waits for a value it blocks nobody.
 *
 * @callback runs in the thread-default main context of the caller, after
 * this function has returned. It fails with
 * %G_IO_ERROR_TIMED_OUT, %G_IO_ERROR_CANCELLED or
 * %G_IO_ERROR_CLOSED.
 *
 * Since: 1.0
 */
void
sp_shared_object_get_async (SpSharedObject     *self,
                            int                 timeout_ms,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_object_call_async (self, SP_OBJECT_CALL_GET, self, NULL, 0, timeout_ms, cancellable,
                                callback, user_data, sp_shared_object_get_async,
                                "sp_shared_object_get_async");
}

/**
 * sp_shared_object_get_finish:
 * @self: a #SpSharedObject
 * @result: the #GAsyncResult passed to the callback
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value; on failure, the zero of the value type, which
 *   owns nothing
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObject.get_async].
 *
 * Returns: (skip): %TRUE with @value set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_get_finish (SpSharedObject *self,
                             GAsyncResult   *result,
                             GValue         *value,
                             GError        **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (result_is_valid (self, result, sp_shared_object_get_async), FALSE);

  return _sp_shared_object_call_finish (self, self, result, sp_shared_object_get_async, NULL, value,
                                        NULL, error);
}

/**
 * sp_shared_object_peek_async:
 * @self: a #SpSharedObject
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the result
 * @user_data: data for @callback
 *
 * Looks at the value without waiting for one: like
 * [method@Sharedpotato.SharedObject.get_async], it takes its turn for a
 * shared lock, then reports whether the object is initialized and, if so,
 * a copy of the value.
 *
 * Since: 1.0
 */
void
sp_shared_object_peek_async (SpSharedObject     *self,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_object_call_async (self, SP_OBJECT_CALL_PEEK, self, NULL, 0, timeout_ms, cancellable,
                                callback, user_data, sp_shared_object_peek_async,
                                "sp_shared_object_peek_async");
}

/**
 * sp_shared_object_peek_finish:
 * @self: a #SpSharedObject
 * @result: the #GAsyncResult passed to the callback
 * @initialized: (out) (optional): whether the object held a value
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value, or the zero of the value type if the object held
 *   none
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObject.peek_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_peek_finish (SpSharedObject *self,
                              GAsyncResult   *result,
                              gboolean       *initialized,
                              GValue         *value,
                              GError        **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (result_is_valid (self, result, sp_shared_object_peek_async), FALSE);

  return _sp_shared_object_call_finish (self, self, result, sp_shared_object_peek_async,
                                        initialized, value, NULL, error);
}

/**
 * sp_shared_object_set_async:
 * @self: a #SpSharedObject
 * @value: the value to store; converted to
 *   [property@Sharedpotato.SharedObject:value-type] if needed
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the value is stored
 * @user_data: data for @callback
 *
 * Stores a copy of @value, taking the lock exclusively for the moment of
 * the store. This initializes the object and wakes every
 * [method@Sharedpotato.SharedObject.get_async] waiting for a value.
 *
 * A value that cannot be converted fails with
 * %G_IO_ERROR_INVALID_ARGUMENT and changes nothing. If
 * @cancellable is cancelled after the value was stored, the call still
 * reports success.
 *
 * Since: 1.0
 */
void
sp_shared_object_set_async (SpSharedObject     *self,
                            const GValue       *value,
                            int                 timeout_ms,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));
  g_return_if_fail (G_IS_VALUE (value));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_object_call_async (self, SP_OBJECT_CALL_SET, self, value, 0, timeout_ms, cancellable,
                                callback, user_data, sp_shared_object_set_async,
                                "sp_shared_object_set_async");
}

/**
 * sp_shared_object_set_finish:
 * @self: a #SpSharedObject
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObject.set_async].
 *
 * Returns: %TRUE if the value was stored
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_set_finish (SpSharedObject *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (result_is_valid (self, result, sp_shared_object_set_async), FALSE);

  return _sp_shared_object_call_finish (self, self, result, sp_shared_object_set_async, NULL, NULL,
                                        NULL, error);
}

/**
 * sp_shared_object_update_async: (skip)
 * @self: a #SpSharedObject
 * @func: (scope notified) (closure func_data) (destroy func_data_destroy): the
 *   read-modify-write step
 * @func_data: data for @func
 * @func_data_destroy: (nullable): frees @func_data once the call is done
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the value the update left
 * @user_data: data for @callback
 *
 * Changes the value in one step: @func is given the current value (the
 * zero of the value type when there is none) and changes it in place,
 * at the moment the call is granted the exclusive lock, in the queue's
 * order, as [method@Sharedpotato.SharedObject.set_async] stores its value.
 * Nobody can change the value between the read and the write, and no
 * thread has to wake up while the lock is held: an update costs what a
 * set costs, where lock, get, set and release cost a main-loop turn of
 * the caller's thread under the lock.
 *
 * The price is where @func runs: in whatever thread grants the call (the
 * caller's, or one that releases the lock), with the object's internal
 * mutex held. It must be short and must not block, nor call any function
 * of this object (that would deadlock). An update that needs more (an
 * asynchronous step, a call to another object) takes the lock with
 * [method@Sharedpotato.SharedObject.lock_async] instead.
 *
 * If @func returns %FALSE the object is left as it was. A value whose type
 * @func changed fails the call with %G_IO_ERROR_INVALID_ARGUMENT and is
 * not stored. If @cancellable is cancelled after the update ran, the call
 * still reports its result.
 *
 * Python and JavaScript cannot run a function inside another thread's
 * lock: there, the `update()` of the `Sharedpotato` overrides and of the
 * JavaScript module takes the exclusive lock and calls the function in
 * the caller's context, with the same result.
 *
 * ```c
 * static gboolean
 * add_one (GValue *value, gpointer user_data)
 * {
 *   g_value_set_int (value, g_value_get_int (value) + 1);
 *   return TRUE;
 * }
 *
 * sp_shared_object_update_async (counter, add_one, NULL, NULL, -1, NULL,
 *                                on_updated, NULL);
 * ```
 *
 * Since: 1.0
 */
void
sp_shared_object_update_async (SpSharedObject     *self,
                               SpUpdateFunc        func,
                               gpointer            func_data,
                               GDestroyNotify      func_data_destroy,
                               int                 timeout_ms,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  SpUpdateWaiter *update;

  g_return_if_fail (SP_IS_SHARED_OBJECT (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  update = (SpUpdateWaiter *) waiter_new (self, OP_UPDATE, cancellable, callback, user_data,
                                          sp_shared_object_update_async,
                                          "sp_shared_object_update_async");
  update->func = func;
  update->func_data = func_data;
  update->func_data_destroy = func_data_destroy;
  if (func_data_destroy != NULL)
    sp_waiter_keep_owner (&update->base.base);
  waiter_start (&update->base, timeout_ms);
}

/**
 * sp_shared_object_update_finish: (skip)
 * @self: a #SpSharedObject
 * @result: the #GAsyncResult passed to the callback
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value the update left (stored, or unchanged when the
 *   function returned %FALSE); on failure, the zero of the value type
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObject.update_async].
 *
 * Returns: %TRUE with @value set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_update_finish (SpSharedObject *self,
                                GAsyncResult   *result,
                                GValue         *value,
                                GError        **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (result_is_valid (self, result, sp_shared_object_update_async), FALSE);

  return _sp_shared_object_call_finish (self, self, result, sp_shared_object_update_async, NULL,
                                        value, NULL, error);
}

/**
 * sp_shared_object_clear_async:
 * @self: a #SpSharedObject
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the value is cleared
 * @user_data: data for @callback
 *
 * Returns the object to its default value, or to uninitialized if it was
 * created without one, taking the lock exclusively for the moment.
 *
 * Since: 1.0
 */
void
sp_shared_object_clear_async (SpSharedObject     *self,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_object_call_async (self, SP_OBJECT_CALL_CLEAR, self, NULL, 0, timeout_ms, cancellable,
                                callback, user_data, sp_shared_object_clear_async,
                                "sp_shared_object_clear_async");
}

/**
 * sp_shared_object_clear_finish:
 * @self: a #SpSharedObject
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObject.clear_async].
 *
 * Returns: %TRUE if the object was cleared
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_clear_finish (SpSharedObject *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (result_is_valid (self, result, sp_shared_object_clear_async), FALSE);

  return _sp_shared_object_call_finish (self, self, result, sp_shared_object_clear_async, NULL,
                                        NULL, NULL, error);
}

/**
 * sp_shared_object_lock_async:
 * @self: a #SpSharedObject
 * @mode: shared (read) or exclusive (write)
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the lock is granted
 * @user_data: data for @callback
 *
 * Waits for the lock in @mode, in FIFO order with every other call: a
 * writer waits for all holders, a reader waits only for a writer, and a
 * queued writer makes readers that arrive after it wait (no writer
 * starvation). Readers at the head of the queue are granted together.
 *
 * The lock is held through the [struct@Sharedpotato.Guard] that
 * [method@Sharedpotato.SharedObject.lock_finish] returns, across any
 * asynchronous work, until [method@Sharedpotato.Guard.release] or its last
 * reference goes.
 *
 * If @cancellable is cancelled after the lock was granted but before the
 * callback runs, the lock passes on and the call reports
 * %G_IO_ERROR_CANCELLED: a grant is never lost.
 *
 * Since: 1.0
 */
void
sp_shared_object_lock_async (SpSharedObject     *self,
                             SpLockMode          mode,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));
  g_return_if_fail (mode == SP_LOCK_MODE_SHARED || mode == SP_LOCK_MODE_EXCLUSIVE);
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_object_call_async (self, SP_OBJECT_CALL_LOCK, self, NULL, mode, timeout_ms,
                                cancellable, callback, user_data, sp_shared_object_lock_async,
                                "sp_shared_object_lock_async");
}

void
_sp_shared_object_run_held_async (SpSharedObject     *self,
                                  SpLockMode          mode,
                                  int                 timeout_ms,
                                  GCancellable       *cancellable,
                                  GObject            *task_source,
                                  const char         *operation,
                                  SpHeldFunc          func,
                                  gpointer            data,
                                  GDestroyNotify      data_free,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data,
                                  gpointer            source_tag,
                                  const char         *task_name)
{
  SpObjectWaiter *waiter;

  waiter = waiter_new_full (self, OP_RUN_HELD, operation, task_source, cancellable, callback,
                            user_data, source_tag, task_name);
  waiter->mode = mode;
  waiter->held_func = func;
  waiter->held_data = data;
  waiter->held_data_free = data_free;
  if (data_free != NULL)
    sp_waiter_keep_owner (&waiter->base);
  waiter_start (waiter, timeout_ms);
}

gpointer
_sp_shared_object_run_held_get_data (GAsyncResult *result)
{
  SpObjectWaiter *waiter = g_task_get_task_data (G_TASK (result));

  g_assert (waiter->op == OP_RUN_HELD);

  return waiter->held_data;
}

/**
 * sp_shared_object_lock_finish:
 * @self: a #SpSharedObject
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObject.lock_async].
 *
 * Returns: (transfer full): the guard holding the lock, or %NULL with
 *   @error set
 *
 * Since: 1.0
 */
SpGuard *
sp_shared_object_lock_finish (SpSharedObject *self, GAsyncResult *result, GError **error)
{
  SpGuard *guard = NULL;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), NULL);
  g_return_val_if_fail (result_is_valid (self, result, sp_shared_object_lock_async), NULL);

  _sp_shared_object_call_finish (self, self, result, sp_shared_object_lock_async, NULL, NULL,
                                 &guard, error);
  return guard;
}

/**
 * sp_shared_object_close_async:
 * @self: a #SpSharedObject
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the object is closed
 * @user_data: data for @callback
 *
 * Closes the object. At once, every new call and every queued call fails
 * with %G_IO_ERROR_CLOSED. Guards already granted stay valid;
 * when the last is released, [signal@Sharedpotato.SharedObject::closed] is
 * emitted with the final value and the close completes.
 *
 * Closing an object that is closing or closed succeeds: the call completes
 * with the first close. If the close call times out or is cancelled, it
 * reports so, but the object still finishes closing.
 *
 * Since: 1.0
 */
void
sp_shared_object_close_async (SpSharedObject     *self,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  waiter_start (waiter_new (self, OP_CLOSE, cancellable, callback, user_data,
                            sp_shared_object_close_async, "sp_shared_object_close_async"),
                timeout_ms);
}

/**
 * sp_shared_object_close_finish:
 * @self: a #SpSharedObject
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObject.close_async].
 *
 * Returns: %TRUE if the object is closed
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_close_finish (SpSharedObject *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (result_is_valid (self, result, sp_shared_object_close_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sp_shared_object_try_get:
 * @self: a #SpSharedObject
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value, or the zero of the value type when this returns
 *   %FALSE
 *
 * Gets a copy of the value at once if that needs no waiting: the object is
 * open and initialized, and no writer holds or waits for the lock. Never
 * waits and never iterates a main context.
 *
 * Returns: %TRUE with @value set, %FALSE if the value was not available
 *   without waiting
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_try_get (SpSharedObject *self, GValue *value)
{
  gboolean available;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  sp_mutex_lock (&self->mutex);
  /* A non-empty queue always has a writer at or before its head. */
  available = self->life.close_state == SP_CLOSE_OPEN && HAS_VALUE (&self->value) &&
              !self->writer && self->queue.length == 0;
  if (available)
    count_grant_locked (self, NULL, FALSE);
  if (available && value != NULL)
    copy_value_locked (self, value);
  else if (value != NULL)
    init_zero_value (self, value);
  sp_mutex_unlock (&self->mutex);

  return available;
}

/**
 * sp_shared_object_try_lock:
 * @self: a #SpSharedObject
 * @mode: shared (read) or exclusive (write)
 *
 * Takes the lock at once if that needs no waiting and jumps nobody in the
 * queue. Never waits and never iterates a main context.
 *
 * Returns: (transfer full) (nullable): a guard holding the lock, or %NULL
 *
 * Since: 1.0
 */
SpGuard *
sp_shared_object_try_lock (SpSharedObject *self, SpLockMode mode)
{
  gboolean granted;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), NULL);
  g_return_val_if_fail (mode == SP_LOCK_MODE_SHARED || mode == SP_LOCK_MODE_EXCLUSIVE, NULL);

  sp_mutex_lock (&self->mutex);
  /* A pending initializer stands at the head of the queue. */
  granted = self->life.close_state == SP_CLOSE_OPEN && self->queue.length == 0 &&
            self->init_state != INIT_PENDING &&
            can_grant_locked (self, mode == SP_LOCK_MODE_EXCLUSIVE);
  if (granted)
    {
      take_hold_locked (self, mode);
      count_grant_locked (self, NULL, mode == SP_LOCK_MODE_EXCLUSIVE);
    }
  sp_mutex_unlock (&self->mutex);

  return granted ? _sp_guard_new (self, mode, "sp_shared_object_try_lock") : NULL;
}

/**
 * sp_shared_object_set_initializer:
 * @self: a #SpSharedObject
 * @func: (nullable) (scope notified): the initializer, or %NULL to remove it
 * @user_data: (closure func): data for @func
 * @notify: (destroy func): frees @user_data when the initializer is
 *   replaced or the object finalized
 *
 * Installs a lazy initializer. The first
 * [method@Sharedpotato.SharedObject.get_async] that finds the object
 * uninitialized starts it, exactly once however many gets are waiting; it
 * runs in the owner context, with an exclusive [struct@Sharedpotato.Guard]
 * that it may hold across asynchronous work. Gets that arrive meanwhile
 * wait for it like any other get, with their own timeouts and
 * cancellables, which never cancel the initializer for the others.
 *
 * When the initializer releases its guard with a value set, every waiting
 * get receives the value. If it calls
 * [method@Sharedpotato.Guard.release_with_error], every get that was
 * waiting for it fails with that error; if it releases (or drops) the
 * guard without setting a value, they fail with
 * %SP_ERROR_NOT_INITIALIZED. The next get then starts it
 * again. [method@Sharedpotato.SharedObject.peek_async] and
 * [method@Sharedpotato.SharedObject.try_get] never start it.
 *
 * Since: 1.0
 */
void
sp_shared_object_set_initializer (SpSharedObject  *self,
                                  SpInitializeFunc func,
                                  gpointer         user_data,
                                  GDestroyNotify   notify)
{
  SpInitializer *initializer = NULL;
  SpInitializer *old;

  g_return_if_fail (SP_IS_SHARED_OBJECT (self));

  if (func != NULL)
    {
      initializer = g_new0 (SpInitializer, 1);
      initializer->ref_count = 1;
      initializer->func = func;
      initializer->user_data = user_data;
      initializer->notify = notify;
    }
  else if (notify != NULL)
    {
      notify (user_data);
    }

  sp_mutex_lock (&self->mutex);
  old = g_steal_pointer (&self->initializer);
  self->initializer = initializer;
  /* Gets already waiting for a value now have someone to produce it, or
   * a pending run has nobody to run any more. */
  if (initializer != NULL && self->init_state == INIT_IDLE && self->value_waiters.length > 0)
    self->init_state = INIT_PENDING;
  else if (initializer == NULL && self->init_state == INIT_PENDING)
    self->init_state = INIT_IDLE;
  grant_waiters_locked (self);
  sp_mutex_unlock (&self->mutex);

  /* Outside the mutex: the notify is user code. */
  if (old != NULL)
    initializer_unref (old);
}

/**
 * sp_shared_object_hold_close:
 * @self: a #SpSharedObject that is not closed yet
 *
 * Delays the completion of a close, typically from a
 * [signal@Sharedpotato.SharedObject::closed] handler with asynchronous
 * cleanup to do, as g_application_hold() delays an application's exit.
 * Each hold keeps a reference on @self until it is released.
 * [method@Sharedpotato.SharedObject.close_async] completes when every hold
 * is released with [method@Sharedpotato.SharedObject.release_close], or
 * fails with %G_IO_ERROR_TIMED_OUT when its timeout runs out
 * first (the object stays closed either way).
 *
 * Since: 1.0
 */
void
sp_shared_object_hold_close (SpSharedObject *self)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));

  sp_lifecycle_hold_close (&self->life, G_OBJECT (self), &self->mutex, "shared object", G_STRFUNC);
}

/**
 * sp_shared_object_release_close:
 * @self: a #SpSharedObject
 *
 * Releases a hold taken with [method@Sharedpotato.SharedObject.hold_close].
 * When the last is released, a close in progress completes.
 *
 * Since: 1.0
 */
void
sp_shared_object_release_close (SpSharedObject *self)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT (self));

  sp_lifecycle_release_close (&self->life, G_OBJECT (self), &self->mutex, "shared object",
                              G_STRFUNC);
}

void
_sp_shared_object_hold_close_for (SpSharedObject *self,
                                  GObject        *owner,
                                  const char     *kind,
                                  const char     *function)
{
  sp_lifecycle_hold_close (&self->life, owner, &self->mutex, kind, function);
}

void
_sp_shared_object_release_close_for (SpSharedObject *self,
                                     GObject        *owner,
                                     const char     *kind,
                                     const char     *function)
{
  sp_lifecycle_release_close (&self->life, owner, &self->mutex, kind, function);
}

gboolean
_sp_shared_object_is_close_held (SpSharedObject *self)
{
  gboolean held;

  sp_mutex_lock (&self->mutex);
  held = self->life.close_holds > 0;
  sp_mutex_unlock (&self->mutex);

  return held;
}

/* Blocking twins ------------------------------------------------------- */

typedef SpSyncCall SyncCall;

static gboolean
sync_call_begin (SpSharedObject *self, SyncCall *call, const char *function, GError **error)
{
  return sp_lifecycle_sync_call_begin (&self->life, self, call, function, "shared object", error);
}

gboolean
_sp_shared_object_sync_call_begin (SpSharedObject *self,
                                   SpSyncCall     *call,
                                   const char     *function,
                                   const char     *kind,
                                   const char     *display_name,
                                   GError        **error)
{
  return sp_sync_call_begin (call, self->life.owner_context, self->life.owner_thread, function,
                             kind, display_name, error);
}

gboolean
_sp_shared_object_call_sync (SpSharedObject *self,
                             SpObjectCall    call,
                             const GValue   *value_in,
                             SpLockMode      mode,
                             int             timeout_ms,
                             GCancellable   *cancellable,
                             GValue         *value,
                             SpGuard       **guard,
                             const char     *function,
                             GError        **error)
{
  SyncCall sync;
  gboolean ok;

  if (guard != NULL)
    *guard = NULL;
  if (!sync_call_begin (self, &sync, function, error))
    {
      if (value != NULL)
        init_zero_value (self, value);
      return FALSE;
    }
  _sp_shared_object_call_async (self, call, self, value_in, mode, timeout_ms, cancellable,
                                sp_sync_call_done, &sync, _sp_shared_object_call_sync, function);
  sp_sync_call_wait (&sync);
  ok = _sp_shared_object_call_finish (self, self, sync.result, _sp_shared_object_call_sync, NULL,
                                      value, guard, error);
  sp_sync_call_end (&sync);

  return ok;
}

#define sync_call_done sp_sync_call_done
#define sync_call_wait sp_sync_call_wait
#define sync_call_end sp_sync_call_end

/**
 * sp_shared_object_get_sync:
 * @self: a #SpSharedObject
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedObject.get_async], for
 * worker threads: it blocks the calling thread only.
 *
 * The blocking twins must not be called from the object's owner context
 * (from code running in it, or from a thread that made it its
 * thread-default context): they would block the very context that runs
 * the initializer and, usually, the holder they wait for. Such a call is
 * refused with a critical, and fails with %SP_ERROR_WOULD_DEADLOCK.
 *
 * Returns: (skip): %TRUE with @value set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_get_sync (SpSharedObject *self,
                           int             timeout_ms,
                           GCancellable   *cancellable,
                           GValue         *value,
                           GError        **error)
{
  SyncCall call;
  gboolean ok;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (timeout_ms >= -1, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sync_call_begin (self, &call, G_STRFUNC, error))
    {
      if (value != NULL)
        init_zero_value (self, value);
      return FALSE;
    }
  sp_shared_object_get_async (self, timeout_ms, cancellable, sync_call_done, &call);
  sync_call_wait (&call);
  ok = sp_shared_object_get_finish (self, call.result, value, error);
  sync_call_end (&call);

  return ok;
}

/**
 * sp_shared_object_set_sync:
 * @self: a #SpSharedObject
 * @value: the value to store
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedObject.set_async], for
 * worker threads; see [method@Sharedpotato.SharedObject.get_sync] for
 * where it may be called.
 *
 * Returns: %TRUE if the value was stored
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_set_sync (SpSharedObject *self,
                           const GValue   *value,
                           int             timeout_ms,
                           GCancellable   *cancellable,
                           GError        **error)
{
  SyncCall call;
  gboolean ok;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (timeout_ms >= -1, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sync_call_begin (self, &call, G_STRFUNC, error))
    return FALSE;
  sp_shared_object_set_async (self, value, timeout_ms, cancellable, sync_call_done, &call);
  sync_call_wait (&call);
  ok = sp_shared_object_set_finish (self, call.result, error);
  sync_call_end (&call);

  return ok;
}

/**
 * sp_shared_object_clear_sync:
 * @self: a #SpSharedObject
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedObject.clear_async], for
 * worker threads; see [method@Sharedpotato.SharedObject.get_sync] for
 * where it may be called.
 *
 * Returns: %TRUE if the object was cleared
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_clear_sync (SpSharedObject *self,
                             int             timeout_ms,
                             GCancellable   *cancellable,
                             GError        **error)
{
  SyncCall call;
  gboolean ok;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), FALSE);
  g_return_val_if_fail (timeout_ms >= -1, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sync_call_begin (self, &call, G_STRFUNC, error))
    return FALSE;
  sp_shared_object_clear_async (self, timeout_ms, cancellable, sync_call_done, &call);
  sync_call_wait (&call);
  ok = sp_shared_object_clear_finish (self, call.result, error);
  sync_call_end (&call);

  return ok;
}

/**
 * sp_shared_object_lock_sync:
 * @self: a #SpSharedObject
 * @mode: shared (read) or exclusive (write)
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedObject.lock_async], for
 * worker threads; see [method@Sharedpotato.SharedObject.get_sync] for
 * where it may be called. The guard may be used and released from any
 * thread.
 *
 * Returns: (transfer full): the guard holding the lock, or %NULL with
 *   @error set
 *
 * Since: 1.0
 */
SpGuard *
sp_shared_object_lock_sync (SpSharedObject *self,
                            SpLockMode      mode,
                            int             timeout_ms,
                            GCancellable   *cancellable,
                            GError        **error)
{
  SyncCall call;
  SpGuard *guard;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), NULL);
  g_return_val_if_fail (mode == SP_LOCK_MODE_SHARED || mode == SP_LOCK_MODE_EXCLUSIVE, NULL);
  g_return_val_if_fail (timeout_ms >= -1, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sync_call_begin (self, &call, G_STRFUNC, error))
    return NULL;
  sp_shared_object_lock_async (self, mode, timeout_ms, cancellable, sync_call_done, &call);
  sync_call_wait (&call);
  guard = sp_shared_object_lock_finish (self, call.result, error);
  sync_call_end (&call);

  return guard;
}

/**
 * sp_shared_object_get_getter:
 * @self: a #SpSharedObject
 *
 * Creates a [class@Sharedpotato.Getter], a view of @self that can only
 * get, peek and try_get. Hand it to code that should have no other access.
 *
 * Returns: (transfer full): a new #SpGetter
 *
 * Since: 1.0
 */
SpGetter *
sp_shared_object_get_getter (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), NULL);

  return _sp_getter_new (self);
}

/**
 * sp_shared_object_get_setter:
 * @self: a #SpSharedObject
 *
 * Creates a [class@Sharedpotato.Setter], a view of @self that can only
 * set and get. Hand it to code that should have no other access.
 *
 * Returns: (transfer full): a new #SpSetter
 *
 * Since: 1.0
 */
SpSetter *
sp_shared_object_get_setter (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), NULL);

  return _sp_setter_new (self);
}

/**
 * sp_shared_object_get_deleter:
 * @self: a #SpSharedObject
 *
 * Creates a [class@Sharedpotato.Deleter], a view of @self that can only
 * clear. Hand it to code that should have no other access.
 *
 * Returns: (transfer full): a new #SpDeleter
 *
 * Since: 1.0
 */
SpDeleter *
sp_shared_object_get_deleter (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), NULL);

  return _sp_deleter_new (self);
}

/**
 * sp_shared_object_get_updater:
 * @self: a #SpSharedObject
 *
 * Creates a [class@Sharedpotato.Updater], a view of @self that can only
 * get, set, clear and lock. Hand it to code that should have no other access.
 *
 * Returns: (transfer full): a new #SpUpdater
 *
 * Since: 1.0
 */
SpUpdater *
sp_shared_object_get_updater (SpSharedObject *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), NULL);

  return _sp_updater_new (self);
}
