/* sp-shared-queue-private.h: what the queue's views need
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "sp-queue-consumer.h"
#include "sp-queue-producer.h"
#include "sp-shared-queue.h"

G_BEGIN_DECLS

SpQueueProducer *_sp_queue_producer_new (SpSharedQueue *queue);
SpQueueConsumer *_sp_queue_consumer_new (SpSharedQueue *queue);

/* The calls behind the public _async functions. @source becomes the
 * task's source object, so a view's callback is handed the view and
 * never the queue behind it; @source_tag is the public function. */
void     _sp_shared_queue_push_async (SpSharedQueue      *self,
                                      gpointer            source,
                                      const GValue       *item,
                                      int                 timeout_ms,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data,
                                      gpointer            source_tag);
gboolean _sp_shared_queue_push_finish (gpointer source, GAsyncResult *result, GError **error);
void     _sp_shared_queue_pop_async (SpSharedQueue      *self,
                                     gpointer            source,
                                     int                 timeout_ms,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data,
                                     gpointer            source_tag);
gboolean _sp_shared_queue_pop_finish (SpSharedQueue *self,
                                      GAsyncResult  *result,
                                      GValue        *item,
                                      GError       **error);
gboolean
_sp_shared_queue_result_is_valid (gpointer source, GAsyncResult *result, gpointer source_tag);

G_END_DECLS
