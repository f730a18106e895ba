/* sp-shared-queue.c: a bounded FIFO shared by asynchronous producers and
 * consumers
 *
 * SPDX-License-Identifier: MIT
 */

/* THE PROTOCOL
 *
 * A queue is a ring of items plus two lists of waiters: pushers waiting
 * for room and poppers waiting for an item. A waiter's life (NEW →
 * WAITING → DONE, cancellation, timeout, delivery through an
 * SpDispatcher) is sp-waiter.c's, the same as SpSharedObject's; read that
 * protocol first. This file decides when a push or a pop is served.
 *
 * Fields and who guards them
 *
 *   Set in constructed() and never changed: item_type, capacity, and
 *   life's name, owner_context, owner_dispatcher, owner_thread.
 *   life.default_timeout and length_notify_pending: atomic. Everything
 *   else: self->mutex.
 *
 *     ring, ring_size, head, n_items   the items, oldest at head
 *     pushers       push calls waiting for room, FIFO, each carrying its
 *                   item (not in the ring)
 *     poppers       pop calls waiting for an item, FIFO
 *     life          the close (OPEN → CLOSING → EMITTING → HOLDING →
 *                   CLOSED; a queue has no holders, so CLOSING lasts no
 *                   time), its waiters and holds, and the stats: see
 *                   sp-lifecycle-private.h
 *
 * Invariants while OPEN: poppers wait only while the ring is empty;
 * pushers wait only while it is full (capacity 0: never). So at most one
 * of the two lists is not empty, and a call that finds waiters of its own
 * kind ahead of it queues behind them: FIFO for each side.
 *
 * Serving (all under the mutex, in the call's enter_locked)
 *
 *   push: a waiting popper takes the item directly (both are DONE in the
 *   same critical section); otherwise, with room and nobody queued ahead,
 *   it goes into the ring; otherwise the pusher waits in pushers.
 *   pop: the oldest item moves into the popper (DONE); the room it frees
 *   goes to the first waiting pusher, whose item enters the ring (DONE
 *   too). An empty ring makes the popper wait in poppers, or fail with
 *   CLOSED once the queue is closed.
 *
 * No lost items
 *
 *   An item moves from a pusher into the ring or into a popper only in
 *   the critical section that makes both ends DONE. A popper that times
 *   out or is cancelled while WAITING holds nothing: it leaves poppers
 *   and the next item goes to whoever is next (unlike a channel whose
 *   receive keeps its claim on the next item after giving up). A pusher
 *   that gives up while WAITING takes its item back to its caller's
 *   error: it was never in the ring. A call cancelled after it was served
 *   (DONE, not yet delivered) reports what happened, as a GIO call that
 *   finished first does: its item was pushed, or its pop returns the
 *   item, which is therefore never dropped.
 *
 * Close
 *
 *   close_async moves OPEN to EMITTING: pushers and poppers fail with
 *   CLOSED (their items go back with them), new pushes fail with CLOSED,
 *   pops take what is left and then fail with CLOSED. With
 *   SP_QUEUE_CLOSE_DROP_ITEMS (also allowed on a queue already closed)
 *   the items left leave the ring at once. An emission pushed to the
 *   owner context notifies :closed, emits ::item-dropped for each dropped
 *   item and ::closed, then moves to HOLDING, where the close waits for
 *   close holds (hold_close); the last release moves it to CLOSED and
 *   completes the close calls. A close call that times out or is
 *   cancelled reports so; the queue still closes.
 *
 *   The last unref of an open queue cannot have waiters (each holds a
 *   reference). As for an object: when someone observes the close
 *   (::closed, notify::closed, ::item-dropped, a hold) it closes as a
 *   close dropping its items would, announcing each; otherwise it closes
 *   on the spot and its items are unset.
 *
 * Signals run in the owner context (the thread-default context at
 * construction), in the order of the changes, after them.
 *
 * Lock order: self->mutex, then a dispatcher's mutex. No user code
 * (callbacks, signal handlers, value copy functions other than the item
 * type's, which peek runs to copy the head item) runs with self->mutex
 * held. Items move in and out of the ring without being copied.
 */

#include "config.h"

#include "sp-dispatcher-private.h"
#include "sp-lifecycle-private.h"
#include "sp-mutex-private.h"
#include "sp-shared-queue-private.h"
#include "sp-trace-private.h"
#include "sp-value-private.h"
#include "sp-waiter-private.h"

/**
 * SpSharedQueue:
 *
 * A first-in first-out queue of values of one type, shared by
 * asynchronous producers and consumers.
 *
 * [method@Sharedpotato.SharedQueue.push_async] waits while the queue is
 * full and [method@Sharedpotato.SharedQueue.pop_async] while it is empty,
 * each with a timeout and a [class@Gio.Cancellable]; waiting pushers and
 * poppers are served in the order they came.
 * [method@Sharedpotato.SharedQueue.try_push] and
 * [method@Sharedpotato.SharedQueue.try_pop] never wait, and the `_sync`
 * twins block a worker thread (a producer thread feeding a consumer in
 * the main context is the classic use).
 *
 * No item is ever lost: a pop that times out or is cancelled leaves the
 * next item to the next consumer, and a push that times out or is
 * cancelled never inserts its item.
 *
 * Closing ([method@Sharedpotato.SharedQueue.close_async]) makes pushes
 * fail with %G_IO_ERROR_CLOSED; pops take what is left and then fail with
 * %G_IO_ERROR_CLOSED, unless the close drops the items left
 * (%SP_QUEUE_CLOSE_DROP_ITEMS), announcing each with
 * [signal@Sharedpotato.SharedQueue::item-dropped].
 *
 * A component can be given only one side of the queue:
 * [method@Sharedpotato.SharedQueue.get_producer] and
 * [method@Sharedpotato.SharedQueue.get_consumer].
 *
 * ```c
 * g_autoptr(SpSharedQueue) jobs = sp_shared_queue_new (G_TYPE_STRING, 16);
 *
 * sp_shared_queue_pop_async (jobs, -1, NULL, on_job, NULL);
 * ```
 *
 * Since: 1.0
 */

typedef enum
{
  OP_PUSH,
  OP_POP,
  OP_CLOSE,
} QueueOp;

typedef struct
{
  SpWaiter          base;
  QueueOp           op;
  SpQueueCloseFlags flags;
  GValue            item;
} SpQueueWaiter;

/* Allocated and zeroed per call: see SpObjectWaiter. */
G_STATIC_ASSERT (sizeof (SpQueueWaiter) <= 248);

typedef enum
{
  EMIT_CLOSING = 1 << 0,
  EMIT_CLOSED = 1 << 1,
  EMIT_TIMEOUT = 1 << 2,
  EMIT_LENGTH = 1 << 3,
} EmitFlags;

typedef struct
{
  SpDispatchItem item;
  SpSharedQueue *self;
  EmitFlags      flags;
  GValue        *dropped;
  guint          n_dropped;
} SpQueueEmission;

struct _SpSharedQueue
{
  GObject parent_instance;

  GMutex mutex;

  GType       item_type;
  guint       capacity; /* 0: unbounded */
  SpLifecycle life;     /* name, owner context, close, stats */

  GValue *ring;
  guint   ring_size;
  guint   head;
  guint   n_items;
  GQueue  pushers;
  GQueue  poppers;
  int     length_notify_pending; /* atomic */
  int     length_changes;        /* written under the mutex, read atomically */
};

G_DEFINE_FINAL_TYPE (SpSharedQueue, sp_shared_queue, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_CAPACITY,
  PROP_NAME,
  PROP_DEFAULT_TIMEOUT,
  PROP_CLOSED,
  PROP_LENGTH,
  N_PROPS
};

enum
{
  SIGNAL_ITEM_DROPPED,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static const char *
op_name (QueueOp op)
{
  static const char *const names[] = { "push", "pop", "close" };

  return names[op];
}

static const char *
queue_display_name (SpSharedQueue *self)
{
  return sp_lifecycle_display_name (&self->life, self);
}

static SpStats *
stats_locked (SpSharedQueue *self)
{
  return sp_lifecycle_stats_locked (&self->life);
}

/* For the calls that fail at once, without a waiter. */
static void
set_closed_error (SpSharedQueue *self, const char *operation, GError **error)
{
  g_autofree char *call = sp_describe_call (operation, queue_display_name (self));

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "Cannot %s: the shared queue is closed", call);
}

/* The ring ----------------------------------------------------------------- */

static gboolean
has_room_locked (SpSharedQueue *self)
{
  return self->capacity == 0 || self->n_items < self->capacity;
}

static void
ring_grow_locked (SpSharedQueue *self)
{
  guint   new_size = MAX (8, self->ring_size * 2);
  GValue *ring;

  /* A bounded queue never needs more than its capacity. */
  if (self->capacity > 0)
    new_size = MIN (new_size, MAX (self->capacity, self->ring_size + 1));
  ring = g_new0 (GValue, new_size);

  for (guint i = 0; i < self->n_items; i++)
    ring[i] = self->ring[(self->head + i) % self->ring_size];

  g_free (self->ring);
  self->ring = ring;
  self->ring_size = new_size;
  self->head = 0;
}

/* Takes @item. */
static void
ring_push_locked (SpSharedQueue *self, GValue *item)
{
  if (self->n_items == self->ring_size)
    ring_grow_locked (self);

  sp_value_move (&self->ring[(self->head + self->n_items) % self->ring_size], item);
  self->n_items++;
  g_atomic_int_inc (&self->length_changes);
}

/* Takes @item, and puts it where the next pop takes it first. */
static void
ring_push_front_locked (SpSharedQueue *self, GValue *item)
{
  if (self->n_items == self->ring_size)
    ring_grow_locked (self);

  self->head = (self->head + self->ring_size - 1) % self->ring_size;
  sp_value_move (&self->ring[self->head], item);
  self->n_items++;
  g_atomic_int_inc (&self->length_changes);
}

/* Moves the oldest item into @item (empty). */
static void
ring_pop_locked (SpSharedQueue *self, GValue *item)
{
  g_assert (self->n_items > 0);

  sp_value_move (item, &self->ring[self->head]);
  self->head = (self->head + 1) % self->ring_size;
  self->n_items--;
  g_atomic_int_inc (&self->length_changes);
}

/* Emissions --------------------------------------------------------------- */

static void
emission_run (SpDispatchItem *item)
{
  SpQueueEmission *emission = (SpQueueEmission *) item;
  SpSharedQueue   *self = emission->self;

  if (emission->flags & EMIT_TIMEOUT)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_TIMEOUT]);

  if (emission->flags & EMIT_LENGTH)
    {
      /* Cleared first: a change from now on schedules another. */
      g_atomic_int_set (&self->length_notify_pending, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LENGTH]);
    }

  if (emission->flags & EMIT_CLOSING)
    {
      if (SP_TRACING (&self->life))
        sp_trace_emit (self, self->life.name, SP_TRACE_CLOSE_STARTED, NULL, -1, -1);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSED]);
    }

  for (guint i = 0; i < emission->n_dropped; i++)
    {
      g_signal_emit (self, signals[SIGNAL_ITEM_DROPPED], 0, &emission->dropped[i]);
      g_value_unset (&emission->dropped[i]);
    }

  if (emission->flags & EMIT_CLOSED)
    {
      g_signal_emit (self, signals[SIGNAL_CLOSED], 0);

      /* Handlers may have taken close holds; the close completes when the
       * last is released. */
      sp_lifecycle_closed_emitted (&self->life, &self->mutex);

      if (SP_TRACING (&self->life))
        sp_trace_emit (self, self->life.name, SP_TRACE_CLOSED, NULL, -1, -1);
    }

  g_free (emission->dropped);
  g_object_unref (emission->self);
  g_free (emission);
}

/* Pushed under the mutex, so emissions keep the order of the changes.
 * Takes the items of @dropped. */
static void
emit_later_locked (SpSharedQueue *self, EmitFlags flags, GValue *dropped, guint n_dropped)
{
  SpQueueEmission *emission = g_new0 (SpQueueEmission, 1);

  emission->item.func = emission_run;
  emission->self = g_object_ref (self);
  emission->flags = flags;
  emission->dropped = dropped;
  emission->n_dropped = n_dropped;
  sp_dispatcher_push (self->life.owner_dispatcher, &emission->item);
}

/* After a call that may have changed the length, outside the mutex.
 * :length is notified in the owner context, coalesced: at most one
 * notification is pending, and it reads the length when it runs. Only
 * when someone listens, so that a queue nobody watches pays one check
 * per call (measured: under 1% of a push/pop round trip), not an
 * emission. */
static guint  notify_signal_id; /* set in class_init */
static GQuark length_quark;

static void
notify_length_if_observed (SpSharedQueue *self, int changes_before)
{
  SpQueueEmission *emission;

  /* Nothing entered or left the ring (a push handed straight to a
   * waiting pop, a call that waits): no signal lookup. */
  if (g_atomic_int_get (&self->length_changes) == changes_before)
    return;
  if (g_atomic_int_get (&self->length_notify_pending))
    return;
  /* GLib matches details exactly: "notify::length" handlers by its quark,
   * plain "notify" ones by detail 0. */
  if (!g_signal_has_handler_pending (self, notify_signal_id, length_quark, FALSE) &&
      !g_signal_has_handler_pending (self, notify_signal_id, 0, FALSE))
    return;
  if (!g_atomic_int_compare_and_exchange (&self->length_notify_pending, 0, 1))
    return;

  emission = g_new0 (SpQueueEmission, 1);
  emission->item.func = emission_run;
  emission->self = g_object_ref (self);
  emission->flags = EMIT_LENGTH;
  sp_dispatcher_push (self->life.owner_dispatcher, &emission->item);
}

/* Serving ---------------------------------------------------------------- */

static void
count_locked (SpSharedQueue *self, SpQueueWaiter *waiter)
{
  SpStats *stats = stats_locked (self);
  gint64   wait_us;

  if (waiter->op == OP_PUSH)
    stats->writes_granted++;
  else
    stats->reads_granted++;

  if ((wait_us = sp_waiter_note_grant_locked (&waiter->base)) < 0)
    return;

  stats->waited_grants++;
  stats->total_wait_us += wait_us;
  stats->peak_wait_us = MAX (stats->peak_wait_us, (guint64) wait_us);
}

static void
note_waiting_locked (SpSharedQueue *self)
{
  SpStats *stats = stats_locked (self);

  stats->peak_queue_length =
      MAX (stats->peak_queue_length, self->pushers.length + self->poppers.length);
}

static void
serve_locked (SpSharedQueue *self, SpQueueWaiter *waiter)
{
  count_locked (self, waiter);
  sp_waiter_complete_locked (&waiter->base);
}

/* A pop took an item: the first waiting pusher gets the room. */
static void
admit_pusher_locked (SpSharedQueue *self)
{
  SpQueueWaiter *pusher;

  if (!has_room_locked (self))
    return;

  pusher = (SpQueueWaiter *) sp_waiter_pop_locked (&self->pushers);
  if (pusher == NULL)
    return;

  ring_push_locked (self, &pusher->item);
  serve_locked (self, pusher);
}

static void
enter_push_locked (SpSharedQueue *self, SpQueueWaiter *waiter)
{
  SpQueueWaiter *popper;

  if (self->life.close_state != SP_CLOSE_OPEN)
    {
      sp_waiter_fail_closed_locked (&waiter->base, "shared queue");
      return;
    }

  popper = (SpQueueWaiter *) sp_waiter_pop_locked (&self->poppers);
  if (popper != NULL)
    {
      g_assert (self->n_items == 0);
      sp_value_move (&popper->item, &waiter->item);
      serve_locked (self, popper);
      serve_locked (self, waiter);
      return;
    }

  if (self->pushers.length == 0 && has_room_locked (self))
    {
      ring_push_locked (self, &waiter->item);
      serve_locked (self, waiter);
      return;
    }

  sp_waiter_wait_locked (&waiter->base, &self->pushers);
  note_waiting_locked (self);
}

static void
enter_pop_locked (SpSharedQueue *self, SpQueueWaiter *waiter)
{
  if (self->n_items > 0)
    {
      ring_pop_locked (self, &waiter->item);
      serve_locked (self, waiter);
      admit_pusher_locked (self);
      return;
    }

  if (self->life.close_state != SP_CLOSE_OPEN)
    {
      sp_waiter_fail_closed_locked (&waiter->base, "shared queue");
      return;
    }

  sp_waiter_wait_locked (&waiter->base, &self->poppers);
  note_waiting_locked (self);
}

/* Close ------------------------------------------------------------------ */

static void
drop_items_locked (SpSharedQueue *self, EmitFlags flags)
{
  GValue *dropped = NULL;
  guint   n_dropped = self->n_items;

  if (n_dropped > 0)
    {
      dropped = g_new0 (GValue, n_dropped);
      for (guint i = 0; i < n_dropped; i++)
        ring_pop_locked (self, &dropped[i]);
    }

  if (flags != 0 || n_dropped > 0)
    emit_later_locked (self, flags, dropped, n_dropped);
}

/* A queue has no holders: it goes from CLOSING to EMITTING at once. */
static void
begin_close_locked (SpSharedQueue *self, SpQueueCloseFlags flags)
{
  if (sp_lifecycle_begin_close_locked (&self->life))
    {
      sp_lifecycle_holders_gone_locked (&self->life);
      sp_waiter_fail_all_closed_locked (&self->pushers, "shared queue");
      sp_waiter_fail_all_closed_locked (&self->poppers, "shared queue");

      if (flags & SP_QUEUE_CLOSE_DROP_ITEMS)
        drop_items_locked (self, EMIT_CLOSING | EMIT_CLOSED);
      else
        emit_later_locked (self, EMIT_CLOSING | EMIT_CLOSED, NULL, 0);
    }
  else if (flags & SP_QUEUE_CLOSE_DROP_ITEMS)
    {
      drop_items_locked (self, 0);
    }
}

/* Waiters ---------------------------------------------------------------- */

static void
queue_waiter_enter_locked (SpWaiter *base)
{
  SpQueueWaiter *waiter = (SpQueueWaiter *) base;
  SpSharedQueue *self = SP_SHARED_QUEUE (base->owner);

  if (waiter->op == OP_CLOSE)
    {
      begin_close_locked (self, waiter->flags);
      sp_lifecycle_enter_close_locked (&self->life, base);
      return;
    }

  if (base->error != NULL)
    {
      /* Cancelled before it was made: still a cancelled call. */
      if (g_error_matches (base->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        stats_locked (self)->cancellations++;
      sp_waiter_complete_locked (base);
    }
  else if (waiter->op == OP_PUSH)
    enter_push_locked (self, waiter);
  else
    enter_pop_locked (self, waiter);
}

static void
queue_waiter_abandoned_locked (GObject *owner, GIOErrorEnum code)
{
  SpSharedQueue *self = SP_SHARED_QUEUE (owner);

  /* Whoever waited behind it still waits for the same thing: the ring did
   * not change. */
  if (code == G_IO_ERROR_TIMED_OUT)
    stats_locked (self)->timeouts++;
  else if (code == G_IO_ERROR_CANCELLED)
    stats_locked (self)->cancellations++;
}

static void
queue_waiter_return_task (SpWaiter *base, GTask *task)
{
  g_task_return_boolean (task, TRUE);
}

static void
queue_waiter_finalize (SpWaiter *base)
{
  SpQueueWaiter *waiter = (SpQueueWaiter *) base;

  if (G_IS_VALUE (&waiter->item))
    g_value_unset (&waiter->item);
}

static const SpWaiterClass queue_waiter_class = {
  .enter_locked = queue_waiter_enter_locked,
  .abandoned_locked = queue_waiter_abandoned_locked,
  .return_task = queue_waiter_return_task,
  .finalize = queue_waiter_finalize,
};

static SpQueueWaiter *
waiter_new (SpSharedQueue      *self,
            gpointer            source,
            QueueOp             op,
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
    .task_source = source,
  };
  SpQueueWaiter *waiter;

  waiter = sp_waiter_new (&queue_waiter_class, sizeof (SpQueueWaiter), &host, op_name (op),
                          cancellable, callback, user_data, source_tag, task_name);
  waiter->op = op;

  return waiter;
}

static void
waiter_start (SpQueueWaiter *waiter, int timeout_ms)
{
  SpSharedQueue *self = SP_SHARED_QUEUE (waiter->base.owner);
  int            changes = g_atomic_int_get (&self->length_changes);

  timeout_ms = sp_lifecycle_resolve_timeout (&self->life, timeout_ms);
  sp_waiter_start (&waiter->base, timeout_ms);
  notify_length_if_observed (self, changes);
}

/* GObject ---------------------------------------------------------------- */

static void
sp_shared_queue_constructed (GObject *object)
{
  SpSharedQueue *self = SP_SHARED_QUEUE (object);

  G_OBJECT_CLASS (sp_shared_queue_parent_class)->constructed (object);

  /* Bindings construct through properties; a missing type is a
   * programmer error, but the queue must stay safe to use: every item is
   * then refused with INVALID_ARGUMENT. */
  if (!G_TYPE_IS_VALUE_TYPE (self->item_type))
    g_critical ("SpSharedQueue “%s” constructed without a valid item-type",
                queue_display_name (self));

  sp_lifecycle_init (&self->life);

  if (SP_TRACING (&self->life))
    sp_trace_emit (self, self->life.name, SP_TRACE_CREATED, NULL, -1, -1);
}

static void
sp_shared_queue_dispose (GObject *object)
{
  SpSharedQueue *self = SP_SHARED_QUEUE (object);
  gboolean       closing_now;

  /* Every waiter holds a reference, so nobody waits any more. The last
   * reference closes the queue as a close dropping its items would, when
   * someone observes it (::closed, notify::closed, ::item-dropped, a
   * hold): the emission resurrects the queue until its handlers ran, and
   * the next dispose finds it closed. GObject's own dispose, which
   * disconnects those handlers, waits for that one. */
  sp_mutex_lock (&self->mutex);
  g_assert (self->pushers.length == 0 && self->poppers.length == 0);
  closing_now = sp_lifecycle_dispose_should_close_locked (
      &self->life, object, signals[SIGNAL_CLOSED], signals[SIGNAL_ITEM_DROPPED]);
  if (closing_now)
    begin_close_locked (self, SP_QUEUE_CLOSE_DROP_ITEMS);
  /* Closed without dropping, items left nobody popped: they go the way a
   * close would drop them, announced when someone listens. */
  else if (self->n_items > 0 &&
           g_signal_has_handler_pending (object, signals[SIGNAL_ITEM_DROPPED], 0, TRUE))
    {
      drop_items_locked (self, 0);
      closing_now = TRUE;
    }
  sp_mutex_unlock (&self->mutex);

  if (!closing_now)
    G_OBJECT_CLASS (sp_shared_queue_parent_class)->dispose (object);
}

static void
sp_shared_queue_finalize (GObject *object)
{
  SpSharedQueue *self = SP_SHARED_QUEUE (object);

  if (SP_TRACING (&self->life))
    sp_trace_emit (self, self->life.name, SP_TRACE_FINALIZED, NULL, -1, -1);

  while (self->n_items > 0)
    {
      GValue item = G_VALUE_INIT;

      ring_pop_locked (self, &item);
      g_value_unset (&item);
    }
  g_free (self->ring);
  sp_lifecycle_clear (&self->life);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sp_shared_queue_parent_class)->finalize (object);
}

static void
sp_shared_queue_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SpSharedQueue *self = SP_SHARED_QUEUE (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, self->item_type);
      break;

    case PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->life.name);
      break;

    case PROP_DEFAULT_TIMEOUT:
      g_value_set_int (value, sp_shared_queue_get_default_timeout (self));
      break;

    case PROP_CLOSED:
      g_value_set_boolean (value, sp_shared_queue_is_closed (self));
      break;

    case PROP_LENGTH:
      g_value_set_uint (value, sp_shared_queue_get_length (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_shared_queue_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SpSharedQueue *self = SP_SHARED_QUEUE (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      self->item_type = g_value_get_gtype (value);
      break;

    case PROP_CAPACITY:
      self->capacity = g_value_get_uint (value);
      break;

    case PROP_NAME:
      self->life.name = g_value_dup_string (value);
      break;

    case PROP_DEFAULT_TIMEOUT:
      sp_shared_queue_set_default_timeout (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_shared_queue_class_init (SpSharedQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sp_shared_queue_constructed;
  object_class->dispose = sp_shared_queue_dispose;
  object_class->finalize = sp_shared_queue_finalize;
  object_class->get_property = sp_shared_queue_get_property;
  object_class->set_property = sp_shared_queue_set_property;

  /**
   * SpSharedQueue:item-type:
   *
   * The type of the items. Items of other types are converted with
   * g_value_transform() when they are pushed, or refused with
   * %G_IO_ERROR_INVALID_ARGUMENT. A conversion between numbers that would lose information (a
   * fraction into an integer, a value out of range, a negative number into an unsigned type) is
   * refused the same way; rounding into a float is not a loss.
   *
   * Since: 1.0
   */
  properties[PROP_ITEM_TYPE] =
      g_param_spec_gtype ("item-type", NULL, NULL, G_TYPE_NONE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedQueue:capacity:
   *
   * The most items the queue holds; a push waits while it is full. 0
   * means unbounded: a push never waits.
   *
   * Since: 1.0
   */
  properties[PROP_CAPACITY] =
      g_param_spec_uint ("capacity", NULL, NULL, 0, G_MAXUINT, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedQueue:name:
   *
   * A name for messages and traces, or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
      g_param_spec_string ("name", NULL, NULL, NULL,
                           (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedQueue:default-timeout:
   *
   * The timeout, in milliseconds, of calls given a `timeout_ms` of -1.
   * 0 means no timeout.
   *
   * Since: 1.0
   */
  properties[PROP_DEFAULT_TIMEOUT] =
      g_param_spec_int ("default-timeout", NULL, NULL, 0, G_MAXINT, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedQueue:closed:
   *
   * Whether the queue is closed (or closing): pushes fail with
   * %G_IO_ERROR_CLOSED.
   *
   * Since: 1.0
   */
  properties[PROP_CLOSED] = g_param_spec_boolean ("closed", NULL, NULL, FALSE,
                                                  (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedQueue:length:
   *
   * The number of items in the queue now, as
   * [method@Sharedpotato.SharedQueue.get_length] returns it. It is
   * notified in the owner context after it changed; changes that come
   * quickly one after another are announced together, by one
   * notification that reads the length then.
   *
   * Since: 1.0
   */
  properties[PROP_LENGTH] = g_param_spec_uint ("length", NULL, NULL, 0, G_MAXUINT, 0,
                                               (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
  notify_signal_id = g_signal_lookup ("notify", G_TYPE_OBJECT);
  length_quark = g_quark_from_static_string ("length");

  /**
   * SpSharedQueue::item-dropped:
   * @self: the queue
   * @item: the dropped item
   *
   * Emitted in the owner context for each item a close with
   * %SP_QUEUE_CLOSE_DROP_ITEMS removed, oldest first: the place to clean
   * up an item nobody will pop. The items are announced before
   * [signal@Sharedpotato.SharedQueue::closed], except when a queue already
   * closed is closed again with %SP_QUEUE_CLOSE_DROP_ITEMS: they are
   * dropped then, after it.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ITEM_DROPPED] =
      g_signal_new ("item-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_VALUE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SpSharedQueue::closed:
   * @self: the queue
   *
   * Emitted in the owner context once the queue is closed. Handlers that
   * need asynchronous work before the close completes take a hold with
   * [method@Sharedpotato.SharedQueue.hold_close].
   *
   * Since: 1.0
   */
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sp_shared_queue_init (SpSharedQueue *self)
{
  g_mutex_init (&self->mutex);
  g_queue_init (&self->pushers);
  g_queue_init (&self->poppers);
}

/* Public API ------------------------------------------------------------- */

/**
 * sp_shared_queue_new:
 * @item_type: the type of the items
 * @capacity: the most items the queue holds, or 0 for no limit
 *
 * Creates an open, empty queue. Its signals are emitted in the
 * thread-default main context of the caller.
 *
 * Returns: (transfer full): a new #SpSharedQueue
 *
 * Since: 1.0
 */
SpSharedQueue *
sp_shared_queue_new (GType item_type, guint capacity)
{
  return sp_shared_queue_new_full (item_type, capacity, NULL);
}

/**
 * sp_shared_queue_new_full:
 * @item_type: the type of the items
 * @capacity: the most items the queue holds, or 0 for no limit
 * @name: (nullable): a name used in messages and traces
 *
 * Creates an open, empty, named queue.
 *
 * Returns: (transfer full): a new #SpSharedQueue
 *
 * Since: 1.0
 */
SpSharedQueue *
sp_shared_queue_new_full (GType item_type, guint capacity, const char *name)
{
  g_return_val_if_fail (G_TYPE_IS_VALUE_TYPE (item_type), NULL);

  return g_object_new (SP_TYPE_SHARED_QUEUE, "item-type", item_type, "capacity", capacity, "name",
                       name, NULL);
}

/**
 * sp_shared_queue_get_item_type:
 * @self: a #SpSharedQueue
 *
 * Gets [property@Sharedpotato.SharedQueue:item-type].
 *
 * Returns: the type of the items
 *
 * Since: 1.0
 */
GType
sp_shared_queue_get_item_type (SpSharedQueue *self)
{
  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), G_TYPE_INVALID);

  return self->item_type;
}

/**
 * sp_shared_queue_get_capacity:
 * @self: a #SpSharedQueue
 *
 * Gets [property@Sharedpotato.SharedQueue:capacity].
 *
 * Returns: the most items the queue holds, 0 if unbounded
 *
 * Since: 1.0
 */
guint
sp_shared_queue_get_capacity (SpSharedQueue *self)
{
  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), 0);

  return self->capacity;
}

/**
 * sp_shared_queue_get_name:
 * @self: a #SpSharedQueue
 *
 * Gets [property@Sharedpotato.SharedQueue:name].
 *
 * Returns: (nullable): the name of the queue
 *
 * Since: 1.0
 */
const char *
sp_shared_queue_get_name (SpSharedQueue *self)
{
  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), NULL);

  return self->life.name;
}

/**
 * sp_shared_queue_get_default_timeout:
 * @self: a #SpSharedQueue
 *
 * Gets [property@Sharedpotato.SharedQueue:default-timeout].
 *
 * Returns: the timeout, in milliseconds, of calls given -1; 0 for none
 *
 * Since: 1.0
 */
int
sp_shared_queue_get_default_timeout (SpSharedQueue *self)
{
  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), 0);

  return g_atomic_int_get (&self->life.default_timeout);
}

/**
 * sp_shared_queue_set_default_timeout:
 * @self: a #SpSharedQueue
 * @timeout_ms: milliseconds, or 0 for no timeout
 *
 * Sets the timeout of calls given a `timeout_ms` of -1. Calls already
 * waiting keep theirs.
 *
 * Since: 1.0
 */
void
sp_shared_queue_set_default_timeout (SpSharedQueue *self, int timeout_ms)
{
  g_return_if_fail (SP_IS_SHARED_QUEUE (self));
  g_return_if_fail (timeout_ms >= 0);

  if (!sp_lifecycle_set_default_timeout (&self->life, timeout_ms))
    return;

  sp_mutex_lock (&self->mutex);
  emit_later_locked (self, EMIT_TIMEOUT, NULL, 0);
  sp_mutex_unlock (&self->mutex);
}

/**
 * sp_shared_queue_get_length:
 * @self: a #SpSharedQueue
 *
 * The number of items in the queue now; other threads may change it at
 * any moment.
 *
 * Returns: the number of items
 *
 * Since: 1.0
 */
guint
sp_shared_queue_get_length (SpSharedQueue *self)
{
  guint length;

  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), 0);

  sp_mutex_lock (&self->mutex);
  length = self->n_items;
  sp_mutex_unlock (&self->mutex);

  return length;
}

/**
 * sp_shared_queue_is_closed:
 * @self: a #SpSharedQueue
 *
 * Gets [property@Sharedpotato.SharedQueue:closed].
 *
 * Returns: whether a close has begun
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_is_closed (SpSharedQueue *self)
{
  gboolean closed;

  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);

  sp_mutex_lock (&self->mutex);
  closed = self->life.close_state != SP_CLOSE_OPEN;
  sp_mutex_unlock (&self->mutex);

  return closed;
}

/**
 * sp_shared_queue_get_stats:
 * @self: a #SpSharedQueue
 *
 * Takes a snapshot of the queue's counters. In a queue's
 * [struct@Sharedpotato.Stats], @writes_granted counts pushes,
 * @reads_granted pops (including try_push and try_pop), @queue_length
 * the calls waiting now (pushers and poppers), and the hold fields stay
 * 0.
 *
 * Returns: (transfer full): the counters
 *
 * Since: 1.0
 */
SpStats *
sp_shared_queue_get_stats (SpSharedQueue *self)
{
  SpStats *stats;

  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), NULL);

  sp_mutex_lock (&self->mutex);
  stats = sp_lifecycle_copy_stats_locked (&self->life);
  stats->queue_length = self->pushers.length + self->poppers.length;
  sp_mutex_unlock (&self->mutex);

  return stats;
}

/**
 * sp_shared_queue_peek:
 * @self: a #SpSharedQueue
 * @item: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the oldest item
 *
 * Looks at the item the next pop would take, without taking it. With an
 * empty queue, @item holds the zero of the item type.
 *
 * The copy is made while the queue is locked, so the copy function of a
 * boxed item type must not call into the queue.
 *
 * Returns: %TRUE if the queue had an item
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_peek (SpSharedQueue *self, GValue *item)
{
  gboolean found;

  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);
  g_return_val_if_fail (item == NULL || !G_IS_VALUE (item), FALSE);

  sp_mutex_lock (&self->mutex);
  found = self->n_items > 0;
  if (item != NULL)
    {
      sp_value_init_zero (self->item_type, item);
      if (found)
        g_value_copy (&self->ring[self->head], item);
    }
  sp_mutex_unlock (&self->mutex);

  return found;
}

void
_sp_shared_queue_push_async (SpSharedQueue      *self,
                             gpointer            source,
                             const GValue       *item,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data,
                             gpointer            source_tag)
{
  SpQueueWaiter *waiter;

  waiter = waiter_new (self, source, OP_PUSH, cancellable, callback, user_data, source_tag,
                       "[sharedpotato] push");
  /* A refused item fails the call (at start, in order), not the queue. */
  sp_value_convert (self->item_type, item, &waiter->item, "shared queue", &waiter->base.error);
  waiter_start (waiter, timeout_ms);
}

gboolean
_sp_shared_queue_push_finish (gpointer source, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_sp_shared_queue_pop_async (SpSharedQueue      *self,
                            gpointer            source,
                            int                 timeout_ms,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data,
                            gpointer            source_tag)
{
  waiter_start (waiter_new (self, source, OP_POP, cancellable, callback, user_data, source_tag,
                            "[sharedpotato] pop"),
                timeout_ms);
}

gboolean
_sp_shared_queue_pop_finish (SpSharedQueue *self,
                             GAsyncResult  *result,
                             GValue        *item,
                             GError       **error)
{
  SpQueueWaiter *waiter = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      if (item != NULL)
        sp_value_init_zero (self->item_type, item);
      return FALSE;
    }

  /* A result is finished once; the item moves out of it. */
  if (item != NULL && G_IS_VALUE (&waiter->item))
    sp_value_move (item, &waiter->item);
  else if (item != NULL)
    sp_value_init_zero (self->item_type, item);

  return TRUE;
}

/* Whether @result is a finishable result of @source's @source_tag call. */
gboolean
_sp_shared_queue_result_is_valid (gpointer source, GAsyncResult *result, gpointer source_tag)
{
  return g_task_is_valid (result, source) && g_task_get_source_tag (G_TASK (result)) == source_tag;
}

/**
 * sp_shared_queue_push_async:
 * @self: a #SpSharedQueue
 * @item: the item to append, converted to
 *   [property@Sharedpotato.SharedQueue:item-type]
 * @timeout_ms: milliseconds to wait for room at most; 0 for no limit, -1
 *   for [property@Sharedpotato.SharedQueue:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the item is in the queue (or
 *   handed to a waiting pop), or the call failed
 * @user_data: data for @callback
 *
 * Appends a copy of @item, waiting while the queue is full. Pushes wait
 * in line: an earlier push goes first.
 *
 * It fails with %G_IO_ERROR_CLOSED once the queue is closed,
 * %G_IO_ERROR_INVALID_ARGUMENT when @item cannot be converted, and
 * %G_IO_ERROR_TIMED_OUT or %G_IO_ERROR_CANCELLED while it waits; a push
 * that fails never inserts its item.
 *
 * Since: 1.0
 */
void
sp_shared_queue_push_async (SpSharedQueue      *self,
                            const GValue       *item,
                            int                 timeout_ms,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (SP_IS_SHARED_QUEUE (self));
  g_return_if_fail (G_IS_VALUE (item));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_queue_push_async (self, self, item, timeout_ms, cancellable, callback, user_data,
                               sp_shared_queue_push_async);
}

/**
 * sp_shared_queue_push_finish:
 * @self: a #SpSharedQueue
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedQueue.push_async].
 *
 * Returns: %TRUE if the item was appended
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_push_finish (SpSharedQueue *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);
  g_return_val_if_fail (_sp_shared_queue_result_is_valid (self, result, sp_shared_queue_push_async),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _sp_shared_queue_push_finish (self, result, error);
}

/**
 * sp_shared_queue_pop_async:
 * @self: a #SpSharedQueue
 * @timeout_ms: milliseconds to wait for an item at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedQueue:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the oldest item, or when the call
 *   failed; required, since an item nobody finishes would be lost
 * @user_data: data for @callback
 *
 * Takes the oldest item, waiting while the queue is empty. Pops wait in
 * line: an earlier pop gets the earlier item.
 *
 * Once the queue is closed, pops take the items left and then fail with
 * %G_IO_ERROR_CLOSED. A pop that times out or is cancelled while it
 * waits takes nothing: the next item goes to the next pop.
 *
 * Since: 1.0
 */
void
sp_shared_queue_pop_async (SpSharedQueue      *self,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_return_if_fail (SP_IS_SHARED_QUEUE (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  _sp_shared_queue_pop_async (self, self, timeout_ms, cancellable, callback, user_data,
                              sp_shared_queue_pop_async);
}

/**
 * sp_shared_queue_pop_finish:
 * @self: a #SpSharedQueue
 * @result: the #GAsyncResult given to the callback
 * @item: (out caller-allocates) (optional): an empty #GValue that receives
 *   the item; on failure it holds the zero of the item type
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedQueue.pop_async].
 *
 * Returns: (skip): %TRUE with @item set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_pop_finish (SpSharedQueue *self, GAsyncResult *result, GValue *item, GError **error)
{
  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);
  g_return_val_if_fail (_sp_shared_queue_result_is_valid (self, result, sp_shared_queue_pop_async),
                        FALSE);
  g_return_val_if_fail (item == NULL || !G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _sp_shared_queue_pop_finish (self, result, item, error);
}

static gboolean
shared_queue_try_push_internal (SpSharedQueue *self, const GValue *item, GError **error)
{
  GValue         converted = G_VALUE_INIT;
  SpQueueWaiter *popper;
  gboolean       pushed = TRUE;

  if (!sp_value_convert (self->item_type, item, &converted, "shared queue", error))
    return FALSE;

  sp_mutex_lock (&self->mutex);
  if (self->life.close_state != SP_CLOSE_OPEN)
    {
      set_closed_error (self, "push", error);
      pushed = FALSE;
    }
  else if ((popper = (SpQueueWaiter *) sp_waiter_pop_locked (&self->poppers)))
    {
      sp_value_move (&popper->item, &converted);
      serve_locked (self, popper);
    }
  else if (self->pushers.length == 0 && has_room_locked (self))
    {
      ring_push_locked (self, &converted);
    }
  else
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "The shared queue is full");
      pushed = FALSE;
    }
  if (pushed)
    stats_locked (self)->writes_granted++;
  sp_mutex_unlock (&self->mutex);

  if (G_IS_VALUE (&converted))
    g_value_unset (&converted);

  return pushed;
}

/**
 * sp_shared_queue_push_front:
 * @self: a #SpSharedQueue
 * @item: the item to put back
 * @error: return location for a #GError
 *
 * Puts @item back at the head of the queue, where the next pop takes it,
 * without waiting: if a pop is waiting, it receives @item at once.
 *
 * It is meant for an item a pop took and could not deliver, such as the
 * result of a pop whose caller was cancelled after the pop was served (the
 * Python asyncio layer does this for a cancelled `await queue.pop()`): the
 * item goes back to the place it had, ahead of the others, and the
 * queue's capacity does not refuse it, so a full queue holds one item
 * more until the next pop.
 *
 * It fails with %G_IO_ERROR_CLOSED once the queue is closed, leaving the
 * item to the caller, or with %G_IO_ERROR_INVALID_ARGUMENT for an item
 * that cannot be converted to the item type.
 *
 * Returns: %TRUE if the item is back in the queue, or with a pop
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_push_front (SpSharedQueue *self, const GValue *item, GError **error)
{
  GValue         converted = G_VALUE_INIT;
  SpQueueWaiter *popper;
  gboolean       pushed = TRUE;
  int            changes;

  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  changes = g_atomic_int_get (&self->length_changes);
  if (!sp_value_convert (self->item_type, item, &converted, "shared queue", error))
    return FALSE;

  sp_mutex_lock (&self->mutex);
  if (self->life.close_state != SP_CLOSE_OPEN)
    {
      set_closed_error (self, "push to the front of", error);
      pushed = FALSE;
    }
  else if ((popper = (SpQueueWaiter *) sp_waiter_pop_locked (&self->poppers)))
    {
      sp_value_move (&popper->item, &converted);
      serve_locked (self, popper);
    }
  else
    {
      ring_push_front_locked (self, &converted);
    }
  sp_mutex_unlock (&self->mutex);

  if (G_IS_VALUE (&converted))
    g_value_unset (&converted);

  if (pushed)
    notify_length_if_observed (self, changes);
  return pushed;
}

/**
 * sp_shared_queue_try_push:
 * @self: a #SpSharedQueue
 * @item: the item to append
 * @error: return location for a #GError
 *
 * Appends a copy of @item if that needs no wait: the queue has room and
 * no push is waiting. Otherwise it fails with %G_IO_ERROR_WOULD_BLOCK
 * (as GIO's non-blocking calls do), or with %G_IO_ERROR_CLOSED or
 * %G_IO_ERROR_INVALID_ARGUMENT. A waiting pop receives the item at once.
 *
 * Returns: %TRUE if the item was appended
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_try_push (SpSharedQueue *self, const GValue *item, GError **error)
{
  gboolean pushed;
  int      changes;

  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  changes = g_atomic_int_get (&self->length_changes);
  pushed = shared_queue_try_push_internal (self, item, error);
  if (pushed)
    notify_length_if_observed (self, changes);
  return pushed;
}

static gboolean
shared_queue_try_pop_internal (SpSharedQueue *self, GValue *item, GError **error)
{
  GValue   taken = G_VALUE_INIT;
  gboolean popped = FALSE;

  sp_mutex_lock (&self->mutex);
  if (self->n_items > 0)
    {
      ring_pop_locked (self, &taken);
      stats_locked (self)->reads_granted++;
      admit_pusher_locked (self);
      popped = TRUE;
    }
  else if (self->life.close_state != SP_CLOSE_OPEN)
    set_closed_error (self, "pop", error);
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "The shared queue is empty");
  sp_mutex_unlock (&self->mutex);

  if (item != NULL && popped)
    sp_value_move (item, &taken);
  else if (item != NULL)
    sp_value_init_zero (self->item_type, item);
  else if (popped)
    g_value_unset (&taken);

  return popped;
}

/**
 * sp_shared_queue_try_pop:
 * @self: a #SpSharedQueue
 * @item: (out caller-allocates) (optional): an empty #GValue that receives
 *   the item; on failure it holds the zero of the item type
 * @error: return location for a #GError
 *
 * Takes the oldest item if there is one. Otherwise it fails with
 * %G_IO_ERROR_WOULD_BLOCK, or with %G_IO_ERROR_CLOSED when the queue is
 * closed and empty. The room it frees goes to the first waiting push.
 *
 * Returns: (skip): %TRUE with @item set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_try_pop (SpSharedQueue *self, GValue *item, GError **error)
{
  gboolean popped;
  int      changes;

  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);
  g_return_val_if_fail (item == NULL || !G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  changes = g_atomic_int_get (&self->length_changes);
  popped = shared_queue_try_pop_internal (self, item, error);
  if (popped)
    notify_length_if_observed (self, changes);
  return popped;
}

/**
 * sp_shared_queue_close_async:
 * @self: a #SpSharedQueue
 * @flags: whether to drop the items left
 * @timeout_ms: milliseconds to wait for the close handlers at most; 0 for
 *   no limit, -1 for [property@Sharedpotato.SharedQueue:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the close completed
 * @user_data: data for @callback
 *
 * Closes the queue: waiting and later pushes fail with
 * %G_IO_ERROR_CLOSED, and so do waiting pops (the queue is empty when a
 * pop waits). Later pops take the items left, then fail with
 * %G_IO_ERROR_CLOSED; with %SP_QUEUE_CLOSE_DROP_ITEMS the items left are
 * dropped instead, each announced by
 * [signal@Sharedpotato.SharedQueue::item-dropped].
 *
 * [signal@Sharedpotato.SharedQueue::closed] is emitted in the owner
 * context, and the call completes once every hold taken with
 * [method@Sharedpotato.SharedQueue.hold_close] is released. Closing again
 * joins the first close (and may drop the items left); a call that times
 * out or is cancelled reports so, but the queue closes all the same.
 *
 * Since: 1.0
 */
void
sp_shared_queue_close_async (SpSharedQueue      *self,
                             SpQueueCloseFlags   flags,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  SpQueueWaiter *waiter;

  g_return_if_fail (SP_IS_SHARED_QUEUE (self));
  g_return_if_fail ((flags & ~SP_QUEUE_CLOSE_DROP_ITEMS) == 0);
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  waiter = waiter_new (self, self, OP_CLOSE, cancellable, callback, user_data,
                       sp_shared_queue_close_async, "[sharedpotato] close");
  waiter->flags = flags;
  waiter_start (waiter, timeout_ms);
}

/**
 * sp_shared_queue_close_finish:
 * @self: a #SpSharedQueue
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedQueue.close_async].
 *
 * Returns: %TRUE if the close completed
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_close_finish (SpSharedQueue *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);
  g_return_val_if_fail (
      _sp_shared_queue_result_is_valid (self, result, sp_shared_queue_close_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sp_shared_queue_hold_close:
 * @self: a #SpSharedQueue that has not finished closing
 *
 * Keeps a close from completing until the matching
 * [method@Sharedpotato.SharedQueue.release_close], the way
 * g_application_hold() keeps an application running. A handler of
 * [signal@Sharedpotato.SharedQueue::closed] takes one to finish
 * asynchronous cleanup. Each hold keeps a reference on @self.
 *
 * Since: 1.0
 */
void
sp_shared_queue_hold_close (SpSharedQueue *self)
{
  g_return_if_fail (SP_IS_SHARED_QUEUE (self));

  sp_lifecycle_hold_close (&self->life, G_OBJECT (self), &self->mutex, "shared queue", G_STRFUNC);
}

/**
 * sp_shared_queue_release_close:
 * @self: a #SpSharedQueue
 *
 * Releases a hold taken with [method@Sharedpotato.SharedQueue.hold_close].
 *
 * Since: 1.0
 */
void
sp_shared_queue_release_close (SpSharedQueue *self)
{
  g_return_if_fail (SP_IS_SHARED_QUEUE (self));

  sp_lifecycle_release_close (&self->life, G_OBJECT (self), &self->mutex, "shared queue",
                              G_STRFUNC);
}

/* Blocking twins --------------------------------------------------------- */

static gboolean
shared_queue_sync_begin (SpSharedQueue *self,
                         SpSyncCall    *call,
                         const char    *function,
                         GError       **error)
{
  return sp_lifecycle_sync_call_begin (&self->life, self, call, function, "shared queue", error);
}

/**
 * sp_shared_queue_push_sync:
 * @self: a #SpSharedQueue
 * @item: the item to append
 * @timeout_ms: milliseconds to wait for room at most; 0 for no limit, -1
 *   for [property@Sharedpotato.SharedQueue:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedQueue.push_async], for
 * worker threads: it blocks the calling thread only. Like
 * [method@Sharedpotato.SharedObject.get_sync], it is refused in the
 * queue's owner context, which it could deadlock: it logs a critical and
 * fails with %SP_ERROR_WOULD_DEADLOCK.
 *
 * Returns: %TRUE if the item was appended
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_push_sync (SpSharedQueue *self,
                           const GValue  *item,
                           int            timeout_ms,
                           GCancellable  *cancellable,
                           GError       **error)
{
  SpSyncCall call;
  gboolean   ok;

  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (timeout_ms >= -1, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!shared_queue_sync_begin (self, &call, G_STRFUNC, error))
    return FALSE;
  _sp_shared_queue_push_async (self, self, item, timeout_ms, cancellable, sp_sync_call_done, &call,
                               sp_shared_queue_push_async);
  sp_sync_call_wait (&call);
  ok = _sp_shared_queue_push_finish (self, call.result, error);
  sp_sync_call_end (&call);

  return ok;
}

/**
 * sp_shared_queue_pop_sync:
 * @self: a #SpSharedQueue
 * @timeout_ms: milliseconds to wait for an item at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedQueue:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @item: (out caller-allocates) (optional): an empty #GValue that receives
 *   the item; on failure it holds the zero of the item type
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedQueue.pop_async], for
 * worker threads; see [method@Sharedpotato.SharedQueue.push_sync] for
 * where it may be called.
 *
 * Returns: (skip): %TRUE with @item set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_queue_pop_sync (SpSharedQueue *self,
                          int            timeout_ms,
                          GCancellable  *cancellable,
                          GValue        *item,
                          GError       **error)
{
  SpSyncCall call;
  gboolean   ok;

  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), FALSE);
  g_return_val_if_fail (timeout_ms >= -1, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (item == NULL || !G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!shared_queue_sync_begin (self, &call, G_STRFUNC, error))
    {
      if (item != NULL)
        sp_value_init_zero (self->item_type, item);
      return FALSE;
    }
  _sp_shared_queue_pop_async (self, self, timeout_ms, cancellable, sp_sync_call_done, &call,
                              sp_shared_queue_pop_async);
  sp_sync_call_wait (&call);
  ok = _sp_shared_queue_pop_finish (self, call.result, item, error);
  sp_sync_call_end (&call);

  return ok;
}

/**
 * sp_shared_queue_get_producer:
 * @self: a #SpSharedQueue
 *
 * Returns a view of @self that can only push: hand it to a component that
 * must not consume nor close the queue.
 *
 * Returns: (transfer full): a new #SpQueueProducer
 *
 * Since: 1.0
 */
SpQueueProducer *
sp_shared_queue_get_producer (SpSharedQueue *self)
{
  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), NULL);

  return _sp_queue_producer_new (self);
}

/**
 * sp_shared_queue_get_consumer:
 * @self: a #SpSharedQueue
 *
 * Returns a view of @self that can only pop and peek: hand it to a
 * component that must not produce nor close the queue.
 *
 * Returns: (transfer full): a new #SpQueueConsumer
 *
 * Since: 1.0
 */
SpQueueConsumer *
sp_shared_queue_get_consumer (SpSharedQueue *self)
{
  g_return_val_if_fail (SP_IS_SHARED_QUEUE (self), NULL);

  return _sp_queue_consumer_new (self);
}
