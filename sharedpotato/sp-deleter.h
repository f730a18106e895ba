/* sp-deleter.h: a capability view of a SpSharedObject
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

#define SP_TYPE_DELETER (sp_deleter_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpDeleter, sp_deleter, SP, DELETER, GObject)

SP_AVAILABLE_IN_ALL
void sp_deleter_clear_async (SpDeleter          *self,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_deleter_clear_finish (SpDeleter *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
gboolean
sp_deleter_clear_sync (SpDeleter *self, int timeout_ms, GCancellable *cancellable, GError **error);

G_END_DECLS
