/* sp-queue-producer.h: the push side of an SpSharedQueue
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sp-version-macros.h"

G_BEGIN_DECLS

#define SP_TYPE_QUEUE_PRODUCER (sp_queue_producer_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpQueueProducer, sp_queue_producer, SP, QUEUE_PRODUCER, GObject)

SP_AVAILABLE_IN_ALL
void sp_queue_producer_push_async (SpQueueProducer    *self,
                                   const GValue       *item,
                                   int                 timeout_ms,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean
sp_queue_producer_push_finish (SpQueueProducer *self, GAsyncResult *result, GError **error);
SP_AVAILABLE_IN_ALL
gboolean sp_queue_producer_try_push (SpQueueProducer *self, const GValue *item, GError **error);
SP_AVAILABLE_IN_ALL
gboolean sp_queue_producer_push_sync (SpQueueProducer *self,
                                      const GValue    *item,
                                      int              timeout_ms,
                                      GCancellable    *cancellable,
                                      GError         **error);
SP_AVAILABLE_IN_ALL
guint sp_queue_producer_get_capacity (SpQueueProducer *self);
SP_AVAILABLE_IN_ALL
guint sp_queue_producer_get_length (SpQueueProducer *self);
SP_AVAILABLE_IN_ALL
gboolean sp_queue_producer_is_closed (SpQueueProducer *self);

G_END_DECLS
