/* sp-dispatcher.c: per-GMainContext delivery of completions
 *
 * SPDX-License-Identifier: MIT
 */

/* NOTES:
 *
 * Every completion sharedpotato produces (a lock granted, a waiter failed,
 * a signal to emit) has to run in some GMainContext: the caller's for a
 * GTask, the creator's for a signal. Each context gets one SpDispatcher, a
 * GSource attached to it for its whole life, holding a FIFO of items.
 *
 * Why not complete the GTask, or use an idle source per item:
 *
 *  - A release hands the lock to the next waiter. If that completed the
 *    waiter's GTask on the releaser's stack, and the waiter's callback
 *    released in turn, a chain of N waiters would nest N frames deep.
 *    Here a release only pushes an item; the callback runs later, from
 *    this source's dispatch, so the stack stays flat.
 *  - GTask runs a callback at once when it is returned from a source of
 *    the task's own context in a later iteration than the task's
 *    creation. One dispatch of this source therefore completes a whole
 *    batch of tasks, where an idle source per task costs a main-loop
 *    iteration each (about 1 µs against 0.3 µs per task batched).
 *  - g_main_context_invoke() may run the function in the calling thread
 *    when the target context is not being iterated; a source attached to
 *    the context never does.
 *
 * Order: items run in the order they were pushed, which is the order of
 * the grants. To keep it, no task may be completed through GTask's own
 * idle: GTask uses one when a task is returned in the iteration that
 * created it (such an item waits for the next iteration, see
 * SpDispatchItem.ready_after), or when its cancellable was cancelled (our
 * tasks have none; the library handles cancellation itself).
 *
 * A dispatch runs at most SP_DISPATCH_BATCH items, counting those pushed
 * while it runs (a callback releasing a lock hands the lock on to the next
 * waiter, whose callback then runs in the same dispatch, after the first
 * returned: a loop, never a recursion). Bounded, so that other sources of
 * the context are not starved.
 *
 * Lifetime: the source lives as long as its context. Nothing queued can
 * outlive the context, because every item holds, directly or through a
 * GTask or an object, a reference on the context it runs in. When the
 * context is finalized it finalizes the source, which leaves the
 * registry.
 *
 * Readiness: prepare and check look at the queue, so the thread running
 * the context pays no system call for an item it pushes itself; a push
 * from any other thread wakes the context (the first measurement of the
 * contended benchmark spent 38% of its time in the eventfd writes that
 * g_source_set_ready_time() makes on every call).
 *
 * Locking: dispatcher->mutex guards head, tail and length; the registry
 * mutex guards the registry. Neither is held while an item runs.
 * Callers may push while holding their own object mutex; the dispatcher
 * never calls back into an object with its mutex held.
 */

#include "config.h"

#include "sp-dispatcher-private.h"
#include "sp-mutex-private.h"

struct _SpDispatcher
{
  GSource         source;
  GMutex          mutex;
  GMainContext   *context;
  SpDispatchItem *head;
  SpDispatchItem *tail;
  guint           length;
  gint64          time; /* the source's time, during a dispatch */
};

/* Items run per dispatch at most, including those pushed meanwhile (the
 * next grant of a chain of releases): enough to spare most of the cost of
 * a main-loop iteration per grant, few enough that the context's other
 * sources run often. */
#define SP_DISPATCH_BATCH 64

static GMutex      registry_mutex;
static GHashTable *registry;

/* The dispatcher whose items this thread is running, innermost first: a
 * grant to one of its waiters is delivered by this very dispatch, without
 * waking any thread (see "Granting" in sp-shared-object.c). */
static _Thread_local SpDispatcher *running __attribute__ ((tls_model ("initial-exec")));

static gboolean
sp_dispatcher_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  SpDispatcher *self = (SpDispatcher *) source;
  SpDispatcher *outer = running;
  guint         budget = SP_DISPATCH_BATCH;
  gint64        time;

  /* Read once: it is the iteration's, and GLib takes the context's lock
   * to read it. Only this thread reads the field, while dispatching. */
  self->time = time = g_source_get_time (source);

  /* One item at a time, left on the queue until its turn: a callback that
   * runs a nested main loop re-enters this dispatch and must find the rest
   * of the batch there, or those grants would wait for it to return. */
  while (budget-- > 0)
    {
      SpDispatchItem *item;

      sp_mutex_lock (&self->mutex);
      item = self->head;
      /* Not yet: it and everything behind it wait for the next iteration,
       * which prepare() asks for as long as the queue is not empty. */
      if (item != NULL && item->ready_after >= self->time)
        item = NULL;
      if (item != NULL)
        {
          self->head = item->next;
          self->length--;
          if (self->head == NULL)
            self->tail = NULL;
        }
      sp_mutex_unlock (&self->mutex);

      if (item == NULL)
        break;

      item->next = NULL;
      running = self;
      item->func (item);
      /* A nested main loop may have dispatched this source again. */
      self->time = time;
    }

  running = outer;
  return G_SOURCE_CONTINUE;
}

void
sp_dispatch_item_init_for_task (SpDispatchItem *item)
{
  GSource *current = g_main_current_source ();

  if (current == NULL)
    item->ready_after = 0;
  else if (running != NULL && current == &running->source)
    item->ready_after = running->time;
  else
    item->ready_after = g_source_get_time (current);
}

/*
 * sp_dispatcher_get_running:
 *
 * Returns: (nullable) (transfer none): the dispatcher running an item on
 *   this thread's stack, innermost, or %NULL outside any dispatch. Its
 *   thread is awake and delivers what is pushed to it in this dispatch or
 *   the next iteration.
 */
SpDispatcher *
sp_dispatcher_get_running (void)
{
  return running;
}

static gboolean
sp_dispatcher_has_items (SpDispatcher *self)
{
  gboolean has_items;

  sp_mutex_lock (&self->mutex);
  has_items = self->head != NULL;
  sp_mutex_unlock (&self->mutex);

  return has_items;
}

static gboolean
sp_dispatcher_prepare (GSource *source, int *timeout)
{
  *timeout = -1;
  return sp_dispatcher_has_items ((SpDispatcher *) source);
}

static gboolean
sp_dispatcher_check (GSource *source)
{
  return sp_dispatcher_has_items ((SpDispatcher *) source);
}

static void
sp_dispatcher_finalize (GSource *source)
{
  SpDispatcher *self = (SpDispatcher *) source;

  sp_mutex_lock (&registry_mutex);
  if (registry != NULL && g_hash_table_lookup (registry, self->context) == self)
    g_hash_table_remove (registry, self->context);
  sp_mutex_unlock (&registry_mutex);

  g_assert (self->head == NULL);
  g_mutex_clear (&self->mutex);
}

static GSourceFuncs sp_dispatcher_funcs = {
  .prepare = sp_dispatcher_prepare,
  .check = sp_dispatcher_check,
  .dispatch = sp_dispatcher_dispatch,
  .finalize = sp_dispatcher_finalize,
};

/*
 * sp_dispatcher_get_for_context:
 *
 * Returns: (transfer none): the dispatcher of @context, created on first
 *   use. It stays valid as long as @context does.
 */
SpDispatcher *
sp_dispatcher_get_for_context (GMainContext *context)
{
  SpDispatcher *self;

  g_assert (context != NULL);

  /* A call made from a callback this library delivered, the common case,
   * finds its dispatcher without the registry's lock, which every thread
   * would otherwise take for every call. */
  if (running != NULL && running->context == context)
    return running;

  sp_mutex_lock (&registry_mutex);

  if (registry == NULL)
    registry = g_hash_table_new (NULL, NULL);

  self = g_hash_table_lookup (registry, context);
  if (self == NULL)
    {
      GSource *source = g_source_new (&sp_dispatcher_funcs, sizeof (SpDispatcher));

      self = (SpDispatcher *) source;
      g_mutex_init (&self->mutex);
      self->context = context;
      g_source_set_static_name (source, "[sharedpotato] delivery");
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      /* A callback may iterate the context again (a nested main loop);
       * refusing to recurse would stall every completion behind it. */
      g_source_set_can_recurse (source, TRUE);
      g_source_attach (source, context);
      /* The context now owns the source; it finalizes it with itself. */
      g_source_unref (source);
      g_hash_table_insert (registry, context, self);
    }

  sp_mutex_unlock (&registry_mutex);

  return self;
}

void
sp_dispatcher_push (SpDispatcher *self, SpDispatchItem *item)
{
  gboolean was_empty;

  g_assert (item->next == NULL);

  sp_mutex_lock (&self->mutex);

  was_empty = self->head == NULL;
  if (was_empty)
    self->head = item;
  else
    self->tail->next = item;
  self->tail = item;
  self->length++;

  /* The thread running the context sees the item at its next prepare
   * (or, while it runs this dispatcher, its next turn of the loop: no
   * need to ask GLib, whose answer takes the context's lock); any other
   * thread may have to wake it from poll(). Still under the
   * mutex: once it is released, the item can run and drop the last
   * reference to the context (a blocking call's private one), and the
   * context and this source with it. */
  if (was_empty && running != self && !g_main_context_is_owner (self->context))
    g_main_context_wakeup (self->context);

  sp_mutex_unlock (&self->mutex);
}
