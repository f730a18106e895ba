/* sp-queue-consumer.c: the pop side of an SpSharedQueue
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

#include "sp-shared-queue-private.h"

/**
 * SpQueueConsumer:
 *
 * A view of a [class@Sharedpotato.SharedQueue] that can only pop and
 * peek, from [method@Sharedpotato.SharedQueue.get_consumer]. It keeps the
 * queue alive but offers no way back to it: a component given a consumer
 * can neither produce nor close the queue. Callbacks of its calls receive
 * the consumer as their source object.
 *
 * Since: 1.0
 */

struct _SpQueueConsumer
{
  GObject        parent_instance;
  SpSharedQueue *queue;
};

static const char *
sp_queue_consumer_view_get_name (SpView *view)
{
  return sp_shared_queue_get_name (((SpQueueConsumer *) view)->queue);
}

static gboolean
sp_queue_consumer_view_is_closed (SpView *view)
{
  return sp_shared_queue_is_closed (((SpQueueConsumer *) view)->queue);
}

static void
sp_queue_consumer_view_init (SpViewInterface *iface)
{
  iface->get_name = sp_queue_consumer_view_get_name;
  iface->is_closed = sp_queue_consumer_view_is_closed;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpQueueConsumer,
                               sp_queue_consumer,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SP_TYPE_VIEW, sp_queue_consumer_view_init))

static void
sp_queue_consumer_finalize (GObject *object)
{
  SpQueueConsumer *self = SP_QUEUE_CONSUMER (object);

  g_clear_object (&self->queue);

  G_OBJECT_CLASS (sp_queue_consumer_parent_class)->finalize (object);
}

static void
sp_queue_consumer_class_init (SpQueueConsumerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_queue_consumer_finalize;
}

static void
sp_queue_consumer_init (SpQueueConsumer *self)
{
}

SpQueueConsumer *
_sp_queue_consumer_new (SpSharedQueue *queue)
{
  SpQueueConsumer *self = g_object_new (SP_TYPE_QUEUE_CONSUMER, NULL);

  self->queue = g_object_ref (queue);
  return self;
}

/**
 * sp_queue_consumer_pop_async:
 * @self: a #SpQueueConsumer
 * @timeout_ms: milliseconds to wait for an item at most; 0 for no limit,
 *   -1 for the queue's default timeout
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the oldest item, or when the call
 *   failed; required, since an item nobody finishes would be lost
 * @user_data: data for @callback
 *
 * Takes the oldest item; see [method@Sharedpotato.SharedQueue.pop_async].
 *
 * Since: 1.0
 */
void
sp_queue_consumer_pop_async (SpQueueConsumer    *self,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (SP_IS_QUEUE_CONSUMER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  _sp_shared_queue_pop_async (self->queue, self, timeout_ms, cancellable, callback, user_data,
                              sp_queue_consumer_pop_async);
}

/**
 * sp_queue_consumer_pop_finish:
 * @self: a #SpQueueConsumer
 * @result: the #GAsyncResult given to the callback
 * @item: (out caller-allocates) (optional): an empty #GValue that receives
 *   the item; on failure it holds the zero of the item type
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.QueueConsumer.pop_async].
 *
 * Returns: (skip): %TRUE with @item set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_queue_consumer_pop_finish (SpQueueConsumer *self,
                              GAsyncResult    *result,
                              GValue          *item,
                              GError         **error)
{
  g_return_val_if_fail (SP_IS_QUEUE_CONSUMER (self), FALSE);
  g_return_val_if_fail (
      _sp_shared_queue_result_is_valid (self, result, sp_queue_consumer_pop_async), FALSE);
  g_return_val_if_fail (item == NULL || !G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _sp_shared_queue_pop_finish (self->queue, result, item, error);
}

/**
 * sp_queue_consumer_push_front:
 * @self: a #SpQueueConsumer
 * @item: the item to put back
 * @error: return location for a #GError
 *
 * Gives back an item this consumer popped and could not deliver or
 * process, to the head of the queue, where the next pop takes it; see
 * [method@Sharedpotato.SharedQueue.push_front]. A consumer cannot push
 * at the tail.
 *
 * Returns: %TRUE if the item is back in the queue, or with a pop
 *
 * Since: 1.0
 */
gboolean
sp_queue_consumer_push_front (SpQueueConsumer *self, const GValue *item, GError **error)
{
  g_return_val_if_fail (SP_IS_QUEUE_CONSUMER (self), FALSE);

  return sp_shared_queue_push_front (self->queue, item, error);
}

/**
 * sp_queue_consumer_try_pop:
 * @self: a #SpQueueConsumer
 * @item: (out caller-allocates) (optional): an empty #GValue that receives
 *   the item; on failure it holds the zero of the item type
 * @error: return location for a #GError
 *
 * Takes the oldest item if there is one; see
 * [method@Sharedpotato.SharedQueue.try_pop].
 *
 * Returns: (skip): %TRUE with @item set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_queue_consumer_try_pop (SpQueueConsumer *self, GValue *item, GError **error)
{
  g_return_val_if_fail (SP_IS_QUEUE_CONSUMER (self), FALSE);

  return sp_shared_queue_try_pop (self->queue, item, error);
}

/**
 * sp_queue_consumer_pop_sync:
 * @self: a #SpQueueConsumer
 * @timeout_ms: milliseconds to wait for an item at most; 0 for no limit,
 *   -1 for the queue's default timeout
 * @cancellable: (nullable): a #GCancellable
 * @item: (out caller-allocates) (optional): an empty #GValue that receives
 *   the item; on failure it holds the zero of the item type
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.QueueConsumer.pop_async], for
 * worker threads; see [method@Sharedpotato.SharedQueue.pop_sync].
 *
 * Returns: (skip): %TRUE with @item set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_queue_consumer_pop_sync (SpQueueConsumer *self,
                            int              timeout_ms,
                            GCancellable    *cancellable,
                            GValue          *item,
                            GError         **error)
{
  g_return_val_if_fail (SP_IS_QUEUE_CONSUMER (self), FALSE);

  return sp_shared_queue_pop_sync (self->queue, timeout_ms, cancellable, item, error);
}

/**
 * sp_queue_consumer_peek:
 * @self: a #SpQueueConsumer
 * @item: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the oldest item
 *
 * Looks at the item the next pop would take; see
 * [method@Sharedpotato.SharedQueue.peek].
 *
 * Returns: %TRUE if the queue had an item
 *
 * Since: 1.0
 */
gboolean
sp_queue_consumer_peek (SpQueueConsumer *self, GValue *item)
{
  g_return_val_if_fail (SP_IS_QUEUE_CONSUMER (self), FALSE);

  return sp_shared_queue_peek (self->queue, item);
}

/**
 * sp_queue_consumer_get_length:
 * @self: a #SpQueueConsumer
 *
 * Counts the items in the queue now.
 *
 * Returns: the number of items in the queue now
 *
 * Since: 1.0
 */
guint
sp_queue_consumer_get_length (SpQueueConsumer *self)
{
  g_return_val_if_fail (SP_IS_QUEUE_CONSUMER (self), 0);

  return sp_shared_queue_get_length (self->queue);
}

/**
 * sp_queue_consumer_is_closed:
 * @self: a #SpQueueConsumer
 *
 * Tells whether the queue is closed.
 *
 * Returns: whether the queue is closed (pops still take the items left)
 *
 * Since: 1.0
 */
gboolean
sp_queue_consumer_is_closed (SpQueueConsumer *self)
{
  g_return_val_if_fail (SP_IS_QUEUE_CONSUMER (self), FALSE);

  return sp_shared_queue_is_closed (self->queue);
}
