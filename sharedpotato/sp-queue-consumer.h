/* sp-queue-consumer.h: the pop side of an SpSharedQueue
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

#define SP_TYPE_QUEUE_CONSUMER (sp_queue_consumer_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpQueueConsumer, sp_queue_consumer, SP, QUEUE_CONSUMER, GObject)

SP_AVAILABLE_IN_ALL
void sp_queue_consumer_pop_async (SpQueueConsumer    *self,
                                  int                 timeout_ms,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_queue_consumer_pop_finish (SpQueueConsumer *self,
                                       GAsyncResult    *result,
                                       GValue          *item,
                                       GError         **error);
SP_AVAILABLE_IN_ALL
gboolean sp_queue_consumer_push_front (SpQueueConsumer *self, const GValue *item, GError **error);
SP_AVAILABLE_IN_ALL
gboolean sp_queue_consumer_try_pop (SpQueueConsumer *self, GValue *item, GError **error);
SP_AVAILABLE_IN_ALL
gboolean sp_queue_consumer_pop_sync (SpQueueConsumer *self,
                                     int              timeout_ms,
                                     GCancellable    *cancellable,
                                     GValue          *item,
                                     GError         **error);
SP_AVAILABLE_IN_ALL
gboolean sp_queue_consumer_peek (SpQueueConsumer *self, GValue *item);
SP_AVAILABLE_IN_ALL
guint sp_queue_consumer_get_length (SpQueueConsumer *self);
SP_AVAILABLE_IN_ALL
gboolean sp_queue_consumer_is_closed (SpQueueConsumer *self);

G_END_DECLS
