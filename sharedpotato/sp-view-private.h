/* sp-view-private.h: what the capability views share
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "sp-deleter.h"
#include "sp-getter.h"
#include "sp-setter.h"
#include "sp-shared-object.h"
#include "sp-updater.h"

G_BEGIN_DECLS

SpGetter  *_sp_getter_new (SpSharedObject *object);
SpSetter  *_sp_setter_new (SpSharedObject *object);
SpDeleter *_sp_deleter_new (SpSharedObject *object);
SpUpdater *_sp_updater_new (SpSharedObject *object);

/* Each view forwards to its object through a GTask of its own whose
 * source object is the view, so a callback is handed the view and never
 * the object behind it. @source_tag is the view's public _async function.
 */

void     _sp_view_get_async (gpointer            view,
                             SpSharedObject     *object,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data,
                             gpointer            source_tag);
gboolean _sp_view_get_finish (gpointer      view,
                              GAsyncResult *result,
                              GValue       *value,
                              GError      **error,
                              gpointer      source_tag);

void     _sp_view_peek_async (gpointer            view,
                              SpSharedObject     *object,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data,
                              gpointer            source_tag);
gboolean _sp_view_peek_finish (gpointer      view,
                               GAsyncResult *result,
                               gboolean     *initialized,
                               GValue       *value,
                               GError      **error,
                               gpointer      source_tag);

void _sp_view_set_async (gpointer            view,
                         SpSharedObject     *object,
                         const GValue       *value,
                         int                 timeout_ms,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data,
                         gpointer            source_tag);
void _sp_view_clear_async (gpointer            view,
                           SpSharedObject     *object,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data,
                           gpointer            source_tag);
/* For set and clear. */
gboolean
_sp_view_boolean_finish (gpointer view, GAsyncResult *result, GError **error, gpointer source_tag);

void _sp_view_lock_async (gpointer            view,
                          SpSharedObject     *object,
                          SpLockMode          mode,
                          int                 timeout_ms,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data,
                          gpointer            source_tag);
SpGuard *
_sp_view_lock_finish (gpointer view, GAsyncResult *result, GError **error, gpointer source_tag);

G_END_DECLS
