/* sp-queue-producer.c: the push side of an SpSharedQueue
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

#include "sp-shared-queue-private.h"

/**
 * SpQueueProducer:
 *
 * A view of a [class@Sharedpotato.SharedQueue] that can only push, from
 * [method@Sharedpotato.SharedQueue.get_producer]. It keeps the queue
 * alive but offers no way back to it: a component given a producer can
 * neither consume nor close the queue. Callbacks of its calls receive the
 * producer as their source object.
 *
 * Since: 1.0
 */

struct _SpQueueProducer
{
  GObject        parent_instance;
  SpSharedQueue *queue;
};

static const char *
sp_queue_producer_view_get_name (SpView *view)
{
  return sp_shared_queue_get_name (((SpQueueProducer *) view)->queue);
}

static gboolean
sp_queue_producer_view_is_closed (SpView *view)
{
  return sp_shared_queue_is_closed (((SpQueueProducer *) view)->queue);
}

static void
sp_queue_producer_view_init (SpViewInterface *iface)
{
  iface->get_name = sp_queue_producer_view_get_name;
  iface->is_closed = sp_queue_producer_view_is_closed;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpQueueProducer,
                               sp_queue_producer,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SP_TYPE_VIEW, sp_queue_producer_view_init))

static void
sp_queue_producer_finalize (GObject *object)
{
  SpQueueProducer *self = SP_QUEUE_PRODUCER (object);

  g_clear_object (&self->queue);

  G_OBJECT_CLASS (sp_queue_producer_parent_class)->finalize (object);
}

static void
sp_queue_producer_class_init (SpQueueProducerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_queue_producer_finalize;
}

static void
sp_queue_producer_init (SpQueueProducer *self)
{
}

SpQueueProducer *
_sp_queue_producer_new (SpSharedQueue *queue)
{
  SpQueueProducer *self = g_object_new (SP_TYPE_QUEUE_PRODUCER, NULL);

  self->queue = g_object_ref (queue);
  return self;
}

/**
 * sp_queue_producer_push_async:
 * @self: a #SpQueueProducer
 * @item: the item to append
 * @timeout_ms: milliseconds to wait for room at most; 0 for no limit, -1
 *   for the queue's default timeout
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the item is in the queue, or the
 *   call failed
 * @user_data: data for @callback
 *
 * Appends a copy of @item; see [method@Sharedpotato.SharedQueue.push_async].
 *
 * Since: 1.0
 */
void
sp_queue_producer_push_async (SpQueueProducer    *self,
                              const GValue       *item,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (SP_IS_QUEUE_PRODUCER (self));
  g_return_if_fail (G_IS_VALUE (item));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_queue_push_async (self->queue, self, item, timeout_ms, cancellable, callback,
                               user_data, sp_queue_producer_push_async);
}

/**
 * sp_queue_producer_push_finish:
 * @self: a #SpQueueProducer
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.QueueProducer.push_async].
 *
 * Returns: %TRUE if the item was appended
 *
 * Since: 1.0
 */
gboolean
sp_queue_producer_push_finish (SpQueueProducer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_QUEUE_PRODUCER (self), FALSE);
  g_return_val_if_fail (
      _sp_shared_queue_result_is_valid (self, result, sp_queue_producer_push_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _sp_shared_queue_push_finish (self, result, error);
}

/**
 * sp_queue_producer_try_push:
 * @self: a #SpQueueProducer
 * @item: the item to append
 * @error: return location for a #GError
 *
 * Appends a copy of @item if that needs no wait; see
 * [method@Sharedpotato.SharedQueue.try_push].
 *
 * Returns: %TRUE if the item was appended
 *
 * Since: 1.0
 */
gboolean
sp_queue_producer_try_push (SpQueueProducer *self, const GValue *item, GError **error)
{
  g_return_val_if_fail (SP_IS_QUEUE_PRODUCER (self), FALSE);

  return sp_shared_queue_try_push (self->queue, item, error);
}

/**
 * sp_queue_producer_push_sync:
 * @self: a #SpQueueProducer
 * @item: the item to append
 * @timeout_ms: milliseconds to wait for room at most; 0 for no limit, -1
 *   for the queue's default timeout
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.QueueProducer.push_async],
 * for worker threads; see [method@Sharedpotato.SharedQueue.push_sync].
 *
 * Returns: %TRUE if the item was appended
 *
 * Since: 1.0
 */
gboolean
sp_queue_producer_push_sync (SpQueueProducer *self,
                             const GValue    *item,
                             int              timeout_ms,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_return_val_if_fail (SP_IS_QUEUE_PRODUCER (self), FALSE);

  return sp_shared_queue_push_sync (self->queue, item, timeout_ms, cancellable, error);
}

/**
 * sp_queue_producer_get_capacity:
 * @self: a #SpQueueProducer
 *
 * Gets the capacity of the queue.
 *
 * Returns: the most items the queue holds, 0 if unbounded
 *
 * Since: 1.0
 */
guint
sp_queue_producer_get_capacity (SpQueueProducer *self)
{
  g_return_val_if_fail (SP_IS_QUEUE_PRODUCER (self), 0);

  return sp_shared_queue_get_capacity (self->queue);
}

/**
 * sp_queue_producer_get_length:
 * @self: a #SpQueueProducer
 *
 * Counts the items in the queue now.
 *
 * Returns: the number of items in the queue now
 *
 * Since: 1.0
 */
guint
sp_queue_producer_get_length (SpQueueProducer *self)
{
  g_return_val_if_fail (SP_IS_QUEUE_PRODUCER (self), 0);

  return sp_shared_queue_get_length (self->queue);
}

/**
 * sp_queue_producer_is_closed:
 * @self: a #SpQueueProducer
 *
 * Tells whether the queue is closed.
 *
 * Returns: whether the queue is closed, so pushes fail
 *
 * Since: 1.0
 */
gboolean
sp_queue_producer_is_closed (SpQueueProducer *self)
{
  g_return_val_if_fail (SP_IS_QUEUE_PRODUCER (self), FALSE);

  return sp_shared_queue_is_closed (self->queue);
}
