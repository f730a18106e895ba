/* sp-shared-set-private.h: what the set views share with their set
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "sp-shared-set.h"

G_BEGIN_DECLS

typedef enum
{
  SP_SET_OP_ADD,
  SP_SET_OP_DISCARD,
  SP_SET_OP_CONTAINS,
  SP_SET_OP_SIZE,
  SP_SET_OP_SNAPSHOT,
  SP_SET_OP_CLEAR,
} SpSetOp;

/* The outcome of one operation: @flag is added, removed or contains;
 * @size the size, or the length of @snapshot. */
typedef struct
{
  gboolean flag;
  guint    size;
  GValue  *snapshot;
} SpSetOutcome;

/* Every operation, whether called on the set or through a view, runs
 * through these. @source is the object callbacks receive (the set or the
 * view), @source_tag the public _async function that was called. @item
 * is NULL for the operations that take none. */
void _sp_shared_set_call_async (SpSharedSet        *self,
                                gpointer            source,
                                SpSetOp             op,
                                const GValue       *item,
                                int                 timeout_ms,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data,
                                gpointer            source_tag,
                                const char         *name);
/* Checks that @result came from @source_tag on @source; fills @outcome
 * (whose snapshot, if any, becomes the caller's). */
gboolean _sp_shared_set_call_finish (gpointer      source,
                                     GAsyncResult *result,
                                     gpointer      source_tag,
                                     SpSetOutcome *outcome,
                                     GError      **error);
/* Blocks the calling thread; @function (static) names the call in the
 * critical that refuses it in the owner context, and its task. */
gboolean _sp_shared_set_call_sync (SpSharedSet  *self,
                                   SpSetOp       op,
                                   const GValue *item,
                                   int           timeout_ms,
                                   GCancellable *cancellable,
                                   SpSetOutcome *outcome,
                                   const char   *function,
                                   GError      **error);
/* Never waits: G_IO_ERROR_WOULD_BLOCK when the lock is not free. */
gboolean _sp_shared_set_call_try (SpSharedSet  *self,
                                  SpSetOp       op,
                                  const GValue *item,
                                  SpSetOutcome *outcome,
                                  GError      **error);

/* The preconditions of a blocking twin, on the set or a view of it. */
#define SP_SET_CHECK_SYNC(is_type, self, timeout_ms, cancellable, error, fail)                     \
 g_return_val_if_fail (is_type (self), fail);                                                      \
 g_return_val_if_fail (timeout_ms >= -1, fail);                                                    \
 g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), fail);               \
 g_return_val_if_fail (error == NULL || *error == NULL, fail)

SpSetQuery   *_sp_set_query_new (SpSharedSet *set);
SpSetSetter  *_sp_set_setter_new (SpSharedSet *set);
SpSetDeleter *_sp_set_deleter_new (SpSharedSet *set);
SpSetUpdater *_sp_set_updater_new (SpSharedSet *set);
SpSetScanner *_sp_set_scanner_new (SpSharedSet *set);

G_END_DECLS
