/* sp-updater.h: a capability view of a SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sp-guard.h"
#include "sp-types.h"
#include "sp-version-macros.h"

G_BEGIN_DECLS

#define SP_TYPE_UPDATER (sp_updater_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpUpdater, sp_updater, SP, UPDATER, GObject)

SP_AVAILABLE_IN_ALL
void sp_updater_get_async (SpUpdater          *self,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean
sp_updater_get_finish (SpUpdater *self, GAsyncResult *result, GValue *value, GError **error);

SP_AVAILABLE_IN_ALL
void sp_updater_set_async (SpUpdater          *self,
                           const GValue       *value,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_updater_set_finish (SpUpdater *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
void sp_updater_clear_async (SpUpdater          *self,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_updater_clear_finish (SpUpdater *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
void sp_updater_lock_async (SpUpdater          *self,
                            SpLockMode          mode,
                            int                 timeout_ms,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data);
SP_AVAILABLE_IN_ALL
SpGuard *sp_updater_lock_finish (SpUpdater *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
void sp_updater_peek_async (SpUpdater          *self,
                            int                 timeout_ms,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_updater_peek_finish (SpUpdater    *self,
                                 GAsyncResult *result,
                                 gboolean     *initialized,
                                 GValue       *value,
                                 GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_updater_try_get (SpUpdater *self, GValue *value);
SP_AVAILABLE_IN_ALL
gboolean sp_updater_get_sync (SpUpdater    *self,
                              int           timeout_ms,
                              GCancellable *cancellable,
                              GValue       *value,
                              GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_updater_set_sync (SpUpdater    *self,
                              const GValue *value,
                              int           timeout_ms,
                              GCancellable *cancellable,
                              GError      **error);
SP_AVAILABLE_IN_ALL
gboolean
sp_updater_clear_sync (SpUpdater *self, int timeout_ms, GCancellable *cancellable, GError **error);
SP_AVAILABLE_IN_ALL
SpGuard *sp_updater_lock_sync (SpUpdater    *self,
                               SpLockMode    mode,
                               int           timeout_ms,
                               GCancellable *cancellable,
                               GError      **error);

G_END_DECLS
