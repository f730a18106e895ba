/* sp-shared-queue.h: a bounded FIFO shared by asynchronous producers and
 * consumers
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sp-queue-consumer.h"
#include "sp-queue-producer.h"
#include "sp-stats.h"
#include "sp-types.h"
#include "sp-version-macros.h"

G_BEGIN_DECLS

#define SP_TYPE_SHARED_QUEUE (sp_shared_queue_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSharedQueue, sp_shared_queue, SP, SHARED_QUEUE, GObject)

SP_AVAILABLE_IN_ALL
SpSharedQueue *sp_shared_queue_new (GType item_type, guint capacity);
SP_AVAILABLE_IN_ALL
SpSharedQueue *sp_shared_queue_new_full (GType item_type, guint capacity, const char *name);

SP_AVAILABLE_IN_ALL
GType sp_shared_queue_get_item_type (SpSharedQueue *self);
SP_AVAILABLE_IN_ALL
guint sp_shared_queue_get_capacity (SpSharedQueue *self);
SP_AVAILABLE_IN_ALL
const char *sp_shared_queue_get_name (SpSharedQueue *self);
SP_AVAILABLE_IN_ALL
int sp_shared_queue_get_default_timeout (SpSharedQueue *self);
SP_AVAILABLE_IN_ALL
void sp_shared_queue_set_default_timeout (SpSharedQueue *self, int timeout_ms);
SP_AVAILABLE_IN_ALL
guint sp_shared_queue_get_length (SpSharedQueue *self);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_is_closed (SpSharedQueue *self);
SP_AVAILABLE_IN_ALL
SpStats *sp_shared_queue_get_stats (SpSharedQueue *self);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_peek (SpSharedQueue *self, GValue *item);

SP_AVAILABLE_IN_ALL
void sp_shared_queue_push_async (SpSharedQueue      *self,
                                 const GValue       *item,
                                 int                 timeout_ms,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_push_finish (SpSharedQueue *self, GAsyncResult *result, GError **error);
SP_AVAILABLE_IN_ALL
void sp_shared_queue_pop_async (SpSharedQueue      *self,
                                int                 timeout_ms,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_pop_finish (SpSharedQueue *self,
                                     GAsyncResult  *result,
                                     GValue        *item,
                                     GError       **error);

SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_push_front (SpSharedQueue *self, const GValue *item, GError **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_try_push (SpSharedQueue *self, const GValue *item, GError **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_try_pop (SpSharedQueue *self, GValue *item, GError **error);

SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_push_sync (SpSharedQueue *self,
                                    const GValue  *item,
                                    int            timeout_ms,
                                    GCancellable  *cancellable,
                                    GError       **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_pop_sync (SpSharedQueue *self,
                                   int            timeout_ms,
                                   GCancellable  *cancellable,
                                   GValue        *item,
                                   GError       **error);

SP_AVAILABLE_IN_ALL
void sp_shared_queue_close_async (SpSharedQueue      *self,
                                  SpQueueCloseFlags   flags,
                                  int                 timeout_ms,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_queue_close_finish (SpSharedQueue *self, GAsyncResult *result, GError **error);
SP_AVAILABLE_IN_ALL
void sp_shared_queue_hold_close (SpSharedQueue *self);
SP_AVAILABLE_IN_ALL
void sp_shared_queue_release_close (SpSharedQueue *self);

SP_AVAILABLE_IN_ALL
SpQueueProducer *sp_shared_queue_get_producer (SpSharedQueue *self);
SP_AVAILABLE_IN_ALL
SpQueueConsumer *sp_shared_queue_get_consumer (SpSharedQueue *self);

G_END_DECLS
