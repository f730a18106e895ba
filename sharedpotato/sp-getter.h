/* sp-getter.h: a capability view of a SpSharedObject
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

#define SP_TYPE_GETTER (sp_getter_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpGetter, sp_getter, SP, GETTER, GObject)

SP_AVAILABLE_IN_ALL
void sp_getter_get_async (SpGetter           *self,
                          int                 timeout_ms,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_getter_get_finish (SpGetter *self, GAsyncResult *result, GValue *value, GError **error);

SP_AVAILABLE_IN_ALL
void sp_getter_peek_async (SpGetter           *self,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_getter_peek_finish (SpGetter     *self,
                                GAsyncResult *result,
                                gboolean     *initialized,
                                GValue       *value,
                                GError      **error);

SP_AVAILABLE_IN_ALL
gboolean sp_getter_try_get (SpGetter *self, GValue *value);

SP_AVAILABLE_IN_ALL
gboolean sp_getter_get_sync (SpGetter     *self,
                             int           timeout_ms,
                             GCancellable *cancellable,
                             GValue       *value,
                             GError      **error);

G_END_DECLS
