/* sp-waiter.c: an asynchronous call waiting for its turn
 *
 * SPDX-License-Identifier: MIT
 */

/* THE WAITER PROTOCOL
 *
 * Shared by SpSharedObject (waiting for the lock, for a value, for close)
 * and SpSharedQueue (waiting for room, for an item, for close). The owner
 * decides what a waiter waits for and when it is served; this file makes
 * sure each waiter ends exactly once and reaches its callback in order,
 * in its own context, never on somebody else's stack.
 *
 * States (SpWaiterState), guarded by the owner's mutex until DONE:
 *
 *   NEW      created; its cancellable is connected but it is in no list.
 *            A cancellation now only records the error, and the owner's
 *            enter_locked() fails it instead of queueing it.
 *   WAITING  in waiter->list, one of the owner's GQueues; it embeds its
 *            link, so leaving is O(1) from anywhere in the list.
 *   DONE     its outcome is decided (served, or an error) and it sits in
 *            its dispatcher's FIFO. Nothing but its delivery touches it.
 *
 * Only a holder of the owner's mutex moves a waiter out of NEW or
 * WAITING, and every move is to DONE, in the same critical section that
 * takes it out of its list. A grant, a cancellation, a timeout and a close
 * therefore cannot both win: the first to take the mutex decides, the
 * others find DONE and do nothing.
 *
 * Cancellation and timeout
 *
 *   WAITING: the waiter leaves its list, becomes DONE with CANCELLED or
 *   TIMED_OUT, and the owner's abandoned_locked() counts it and lets those
 *   it blocked go on. DONE: a timeout lost the race and does nothing; a
 *   cancellation is the owner's to honour at delivery (settle()).
 *
 * Delivery
 *
 *   A DONE waiter is pushed to the SpDispatcher of its task's context,
 *   whose source runs it in a later iteration. The delivery disconnects
 *   the cancellable, destroys the timeout, traces the outcome and returns
 *   the task, which calls the callback directly. The GTask is given no
 *   cancellable: GTask would complete a cancelled task through an idle of
 *   its own, out of order with the other completions, and would report
 *   CANCELLED for something already granted.
 *
 * Tracing
 *
 *   Records are written outside the owner's mutex: a log writer is user
 *   code, which may block, iterate a context or wait for another thread.
 *   A waiter that queues writes "wait" after the mutex is released, when
 *   another thread (or this one, from inside the writer) may already
 *   deliver it. Neither side waits for the other; wait_record decides,
 *   by compare-and-exchange, who writes the outcome (acquired, timeout,
 *   cancelled, failed):
 *
 *     PENDING   set under the mutex when the waiter queues; the starting
 *               thread has not finished writing "wait"
 *     NONE      "wait" is written (or there is none): the delivery writes
 *               the outcome itself
 *     DEFERRED  the delivery came first: it stored the outcome in the
 *               waiter, and the starting thread writes it after "wait"
 *               (it holds a reference until then)
 *
 * References: the task owns the waiter (task data); a connected
 * cancellable handler owns another, because a "cancelled" emission in
 * another thread may still be running when the task is gone.
 *
 * The owner: until the task is made, the caller's reference keeps it
 * alive (sp_waiter_start() runs inside the caller's call); after that, the
 * task's reference on its source object, the owner, does, for as long as
 * anything reaches the owner through the waiter: the delivery ends by
 * dropping the task, and GLib drops the source before the task data, so a
 * waiter freed then must not touch the owner. The waiter takes a
 * reference of its own when it may still use the owner after its task:
 * with a cancellable (the handler locks the owner's mutex), when tracing
 * (a deferred record names it), when the task's source is another object
 * (a set's), or when its owner frees user data with it
 * (sp_waiter_keep_owner(): a destroy notify may expect the object alive,
 * as it was before). That saves the common call an atomic update of the
 * owner's reference count, a cache line every calling thread writes.
 */

#include "config.h"

#include <string.h>

#include "sp-lifecycle-private.h"
#include "sp-mutex-private.h"
#include "sp-types.h"
#include "sp-waiter-private.h"

static SpWaiter *
waiter_ref (SpWaiter *waiter)
{
  g_atomic_int_inc (&waiter->ref_count);
  return waiter;
}

static void
waiter_unref (gpointer data)
{
  SpWaiter *waiter = data;

  if (!g_atomic_int_dec_and_test (&waiter->ref_count))
    return;

  g_assert (waiter->timeout_source == NULL);
  g_free (waiter->outcome_error);
  if (waiter->klass->finalize != NULL)
    waiter->klass->finalize (waiter);
  g_clear_error (&waiter->error);
  g_clear_object (&waiter->cancellable);
  if (waiter->owner_ref)
    g_object_unref (waiter->owner);
  g_free (waiter);
}

typedef enum
{
  WAIT_RECORD_NONE,
  WAIT_RECORD_PENDING,
  WAIT_RECORD_DEFERRED,
} WaitRecord;

static void
emit_outcome (SpWaiter *waiter, int event, gint64 wait_us, const char *error_message)
{
  if (event == SP_TRACE_FAILED)
    sp_trace_emit_failed (waiter->owner, waiter->name, waiter->operation, wait_us, error_message);
  else
    sp_trace_emit_labelled (waiter->owner, waiter->name, event, waiter->operation, wait_us, -1,
                            event == SP_TRACE_ACQUIRED && waiter->klass->guard_label != NULL
                                ? waiter->klass->guard_label (waiter)
                                : NULL);
}

static int
outcome_event (SpWaiter *waiter, gint64 *wait_us)
{
  gint64 since_queued = g_get_monotonic_time () - waiter->enqueued_at;

  if (waiter->error == NULL)
    {
      *wait_us = MAX (waiter->wait_us, 0);
      return SP_TRACE_ACQUIRED;
    }
  if (g_error_matches (waiter->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      *wait_us = since_queued;
      return SP_TRACE_TIMEOUT;
    }
  if (g_error_matches (waiter->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      *wait_us = since_queued;
      return SP_TRACE_CANCELLED;
    }
  *wait_us = waiter->starting ? -1 : since_queued;
  return SP_TRACE_FAILED;
}

/* At delivery: writes the outcome, or leaves it to the thread still
 * writing the waiter's "wait" record. */
static void
trace_outcome (SpWaiter *waiter)
{
  gint64      wait_us;
  int         event = outcome_event (waiter, &wait_us);
  const char *message = waiter->error != NULL ? waiter->error->message : NULL;

  if (g_atomic_int_get (&waiter->wait_record) == WAIT_RECORD_PENDING)
    {
      waiter->outcome_event = event;
      waiter->outcome_wait_us = wait_us;
      waiter->outcome_error = g_strdup (message);
      if (g_atomic_int_compare_and_exchange (&waiter->wait_record, WAIT_RECORD_PENDING,
                                             WAIT_RECORD_DEFERRED))
        return;
      /* "wait" was written in between. */
      g_clear_pointer (&waiter->outcome_error, g_free);
    }

  emit_outcome (waiter, event, wait_us, message);
}

static void
waiter_deliver (SpDispatchItem *item)
{
  SpWaiter *waiter = (SpWaiter *) item;
  GTask    *task = g_steal_pointer (&waiter->task);

  g_assert (waiter->state == SP_WAITER_DONE);

  if (waiter->klass->settle != NULL)
    waiter->klass->settle (waiter);

  /* Not g_cancellable_disconnect(): it waits for a running emission, which
   * deadlocks if this delivery runs from inside one (a "cancelled" handler
   * that iterates the context). The handler holds its own reference and
   * finds the waiter DONE. */
  if (waiter->cancelled_id != 0)
    g_signal_handler_disconnect (waiter->cancellable, waiter->cancelled_id);
  waiter->cancelled_id = 0;

  if (waiter->timeout_source != NULL)
    {
      g_source_destroy (waiter->timeout_source);
      g_clear_pointer (&waiter->timeout_source, g_source_unref);
    }

  if (SP_TRACING (waiter))
    trace_outcome (waiter);

  if (waiter->error != NULL)
    g_task_return_error (task, g_steal_pointer (&waiter->error));
  else
    waiter->klass->return_task (waiter, task);

  g_object_unref (task);
}

void
sp_waiter_complete_locked (SpWaiter *waiter)
{
  g_assert (waiter->state != SP_WAITER_DONE);
  g_assert (waiter->link.prev == NULL && waiter->link.next == NULL);

  waiter->state = SP_WAITER_DONE;
  waiter->list = NULL;
  sp_dispatcher_push (waiter->dispatcher, &waiter->item);
}

void
sp_waiter_fail_locked (SpWaiter *waiter, GIOErrorEnum code, const char *message)
{
  if (waiter->error == NULL)
    waiter->error = g_error_new_literal (G_IO_ERROR, code, message);
  sp_waiter_complete_locked (waiter);
}

void
sp_waiter_wait_locked (SpWaiter *waiter, GQueue *list)
{
  g_assert (waiter->state != SP_WAITER_DONE);

  waiter->state = SP_WAITER_WAITING;
  waiter->list = list;
  g_queue_push_tail_link (list, &waiter->link);
}

SpWaiter *
sp_waiter_pop_locked (GQueue *list)
{
  GList *link = g_queue_pop_head_link (list);

  return link != NULL ? link->data : NULL;
}

void
sp_waiter_fail_all_locked (GQueue *list, GIOErrorEnum code, const char *message)
{
  SpWaiter *waiter;

  while ((waiter = sp_waiter_pop_locked (list)))
    sp_waiter_fail_locked (waiter, code, message);
}

void
sp_waiter_fail_all_with_error_locked (GQueue *list, const GError *error)
{
  SpWaiter *waiter;

  while ((waiter = sp_waiter_pop_locked (list)))
    {
      g_clear_error (&waiter->error);
      waiter->error = g_error_copy (error);
      sp_waiter_complete_locked (waiter);
    }
}

/* The verb each operation takes in a sentence about it. */
static const char *
operation_phrase (const char *operation)
{
  static const struct
  {
    const char *operation, *phrase;
  } phrases[] = {
    { "peek", "peek at" }, { "push", "push to" },         { "pop", "pop from" },
    { "add", "add to" },   { "discard", "discard from" }, { "contains", "look up an item in" },
    { "size", "count" },   { "snapshot", "copy" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (phrases); i++)
    if (g_str_equal (operation, phrases[i].operation))
      return phrases[i].phrase;
  return operation;
}

char *
sp_describe_call (const char *operation, const char *name)
{
  return g_strdup_printf ("%s “%s”", operation_phrase (operation), name);
}

/* The call and the instance it was made on, named by the public type
 * for an unnamed one (not by the view called, nor by a set's private
 * object). */
static char *
waiter_describe (SpWaiter *waiter)
{
  const char *name = waiter->name;

  if (name == NULL)
    name = sp_public_type_name (waiter->owner);
  return sp_describe_call (waiter->operation, name);
}

static void
waiter_fail_with_message_locked (SpWaiter *waiter, GIOErrorEnum code, char *message)
{
  if (waiter->error == NULL)
    waiter->error = g_error_new_literal (G_IO_ERROR, code, message);
  g_free (message);
  sp_waiter_complete_locked (waiter);
}

static char *
closed_message (SpWaiter *waiter, const char *kind)
{
  g_autofree char *call = waiter_describe (waiter);

  return g_strdup_printf ("Cannot %s: the %s is closed", call, kind);
}

void
sp_waiter_fail_closed_locked (SpWaiter *waiter, const char *kind)
{
  waiter_fail_with_message_locked (waiter, G_IO_ERROR_CLOSED, closed_message (waiter, kind));
}

void
sp_waiter_fail_all_closed_locked (GQueue *list, const char *kind)
{
  SpWaiter *waiter;

  while ((waiter = sp_waiter_pop_locked (list)))
    sp_waiter_fail_closed_locked (waiter, kind);
}

static char *
cancelled_message (SpWaiter *waiter)
{
  g_autofree char *call = waiter_describe (waiter);

  return g_strdup_printf ("Cancelled while waiting to %s", call);
}

static char *
timed_out_message (SpWaiter *waiter)
{
  g_autofree char *call = waiter_describe (waiter);

  return g_strdup_printf ("Timed out after %d ms waiting to %s", waiter->timeout_ms, call);
}

gint64
sp_waiter_note_grant_locked (SpWaiter *waiter)
{
  if (waiter->starting)
    return -1;

  waiter->wait_us = g_get_monotonic_time () - waiter->enqueued_at;
  return waiter->wait_us;
}

/* Returns TRUE if the waiter was still waiting and is now failed. */
static gboolean
waiter_abandon_locked (SpWaiter *waiter, GIOErrorEnum code)
{
  GObject             *owner = waiter->owner;
  const SpWaiterClass *klass = waiter->klass;
  char                *message;

  if (waiter->state != SP_WAITER_WAITING)
    return FALSE;

  message = code == G_IO_ERROR_TIMED_OUT ? timed_out_message (waiter) : cancelled_message (waiter);
  if (klass->leave_locked != NULL)
    klass->leave_locked (waiter);
  g_queue_unlink (waiter->list, &waiter->link);
  /* From here on the waiter belongs to its delivery, which another thread
   * may run without this mutex: not a field of it is read again. */
  waiter_fail_with_message_locked (waiter, code, message);
  klass->abandoned_locked (owner, code);

  return TRUE;
}

static void
waiter_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  SpWaiter *waiter = user_data;
  GMutex   *mutex;

  sp_tsan_acquire (waiter);
  mutex = waiter->mutex;

  sp_mutex_lock (mutex);
  if (waiter->state == SP_WAITER_NEW)
    {
      /* A refused argument already decided the outcome. */
      if (waiter->error == NULL)
        {
          g_autofree char *message = cancelled_message (waiter);

          waiter->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, message);
        }
    }
  else
    waiter_abandon_locked (waiter, G_IO_ERROR_CANCELLED);
  sp_mutex_unlock (mutex);
}

static gboolean
waiter_timed_out_cb (gpointer user_data)
{
  SpWaiter *waiter = user_data;
  GMutex   *mutex = waiter->mutex;

  sp_mutex_lock (mutex);
  waiter_abandon_locked (waiter, G_IO_ERROR_TIMED_OUT);
  sp_mutex_unlock (mutex);

  return G_SOURCE_REMOVE;
}

gpointer
sp_waiter_new (const SpWaiterClass *klass,
               gsize                size,
               const SpWaiterHost  *host,
               const char          *operation,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag,
               const char          *task_name)
{
  SpWaiter     *waiter;
  GMainContext *context;

  g_assert (size >= sizeof (SpWaiter));

  /* Not g_malloc0: glibc's calloc skips the per-thread cache that malloc
   * and free use, and then costs more than the rest of a grant. */
  waiter = memset (g_malloc (size), 0, size);
  waiter->item.func = waiter_deliver;
  waiter->link.data = waiter;
  waiter->klass = klass;
  waiter->ref_count = 1;
  waiter->owner_ref = cancellable != NULL || host->trace ||
                      (host->task_source != NULL && host->task_source != host->owner);
  waiter->owner = waiter->owner_ref ? g_object_ref (host->owner) : host->owner;
  waiter->mutex = host->mutex;
  waiter->name = host->name;
  waiter->operation = operation;
  waiter->trace = host->trace;
  waiter->wait_us = -1;
  waiter->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  waiter->task = g_task_new (host->task_source != NULL ? host->task_source : host->owner, NULL,
                             callback, user_data);
  /* The function, not GLib's macro, which would name the task first and
   * make it copy a name twice. */
  (g_task_set_source_tag) (waiter->task, source_tag);
  g_task_set_name (waiter->task, task_name);
  waiter->task_name = task_name;
  sp_dispatch_item_init_for_task (&waiter->item);
  g_task_set_task_data (waiter->task, waiter, waiter_unref);

  context = g_task_get_context (waiter->task);
  waiter->dispatcher = context == host->owner_context ? host->owner_dispatcher
                                                      : sp_dispatcher_get_for_context (context);

  return waiter;
}

void
sp_waiter_keep_owner (SpWaiter *waiter)
{
  if (!waiter->owner_ref)
    {
      g_object_ref (waiter->owner);
      waiter->owner_ref = TRUE;
    }
}

void
sp_waiter_start (SpWaiter *waiter, int timeout_ms)
{
  GMutex  *mutex = waiter->mutex;
  gboolean waits;

  if (SP_TRACING (waiter))
    sp_trace_emit (waiter->owner, waiter->name, SP_TRACE_CALL, waiter->operation, -1, -1);

  /* Once DONE, the waiter may be delivered and freed by the thread running
   * its context at any moment, mutex or not: keep it alive to the end. */
  waiter_ref (waiter);

  /* Connected outside the mutex: if already cancelled, the handler runs
   * right here and only records the error (state NEW). */
  if (waiter->cancellable != NULL)
    {
      /* The handler may run in another thread; GCancellable's own lock
       * publishes the waiter, but TSan cannot see that lock. */
      sp_tsan_release (waiter);
      waiter->cancelled_id = g_cancellable_connect (
          waiter->cancellable, G_CALLBACK (waiter_cancelled_cb), waiter_ref (waiter), waiter_unref);
    }

  /* Read before the mutex, which is held the shorter for it: the wait
   * counted includes the wait for the mutex. */
  waiter->enqueued_at = g_get_monotonic_time ();
  sp_mutex_lock (mutex);
  waiter->starting = TRUE;

  waiter->klass->enter_locked (waiter);

  waits = waiter->state != SP_WAITER_DONE;
  /* Only while still waiting is the waiter ours to write to. */
  if (waits)
    waiter->starting = FALSE;

  /* Only a waiter still waiting needs a timeout; delivering one that is
   * DONE never looks at it again. */
  if (waits && timeout_ms > 0)
    {
      waiter->timeout_ms = timeout_ms;
      waiter->timeout_source = g_timeout_source_new (timeout_ms);
      g_source_set_static_name (waiter->timeout_source, "[sharedpotato] timeout");
      g_source_set_callback (waiter->timeout_source, waiter_timed_out_cb, waiter, NULL);
      g_source_attach (waiter->timeout_source, g_task_get_context (waiter->task));
    }

  /* Once the mutex is released, the waiter can be delivered while its
   * "wait" record is being written: see "Tracing" above. */
  if (waits && SP_TRACING (waiter))
    g_atomic_int_set (&waiter->wait_record, WAIT_RECORD_PENDING);

  sp_mutex_unlock (mutex);

  if (waits && SP_TRACING (waiter))
    {
      sp_trace_emit (waiter->owner, waiter->name, SP_TRACE_WAIT, waiter->operation, -1, -1);
      if (!g_atomic_int_compare_and_exchange (&waiter->wait_record, WAIT_RECORD_PENDING,
                                              WAIT_RECORD_NONE))
        emit_outcome (waiter, waiter->outcome_event, waiter->outcome_wait_us,
                      waiter->outcome_error);
    }

  waiter_unref (waiter);
}

/* Blocking twins --------------------------------------------------------- */

/* Whether blocking this thread could stop the owner context: the thread
 * is dispatching it now; or nobody is running it at the moment and this
 * thread is the one expected to (it made it its thread-default, or it is
 * the thread that created the owner there, usually the main thread). A
 * thread whose default is the owner context while another thread runs it
 * may block. */
gboolean
sp_in_owner_context (GMainContext *owner_context, GThread *owner_thread)
{
  g_autoptr (GMainContext) current = NULL;

  if (g_main_context_is_owner (owner_context))
    return TRUE;

  current = g_main_context_ref_thread_default ();
  if (current != owner_context)
    return FALSE;

  if (!g_main_context_acquire (owner_context))
    return FALSE;
  g_main_context_release (owner_context);

  return g_main_context_get_thread_default () == owner_context || g_thread_self () == owner_thread;
}

gboolean
sp_sync_call_begin (SpSyncCall   *call,
                    GMainContext *owner_context,
                    GThread      *owner_thread,
                    const char   *function,
                    const char   *kind,
                    const char   *display_name,
                    GError      **error)
{
  /* Waiting here would stop the context that has to run the initializer,
   * the signal handlers and, most likely, the holder we wait for. The
   * critical tells the programmer; the error makes every binding raise
   * instead of returning what looks like a result. */
  if (sp_in_owner_context (owner_context, owner_thread))
    {
      g_critical ("%s: called from the owner context of %s “%s”, "
                  "where it could deadlock; use the _async variant there",
                  function, kind, display_name);
      g_set_error (error, SP_ERROR, SP_ERROR_WOULD_DEADLOCK,
                   "%s was called from the owner context of %s “%s”, where "
                   "blocking could deadlock; use the _async variant there",
                   function, kind, display_name);
      return FALSE;
    }

  call->context = g_main_context_new ();
  call->result = NULL;
  g_main_context_push_thread_default (call->context);
  return TRUE;
}

void
sp_sync_call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SpSyncCall *call = user_data;

  call->result = g_object_ref (result);
}

/* Blocks only this thread, on a context of its own. */
void
sp_sync_call_wait (SpSyncCall *call)
{
  while (call->result == NULL)
    g_main_context_iteration (call->context, TRUE);
  g_main_context_pop_thread_default (call->context);
}

void
sp_sync_call_end (SpSyncCall *call)
{
  g_clear_object (&call->result);
  g_clear_pointer (&call->context, g_main_context_unref);
}
