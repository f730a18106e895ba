/* sp-setter.h: a capability view of a SpSharedObject
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

#define SP_TYPE_SETTER (sp_setter_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSetter, sp_setter, SP, SETTER, GObject)

SP_AVAILABLE_IN_ALL
void sp_setter_set_async (SpSetter           *self,
                          const GValue       *value,
                          int                 timeout_ms,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_setter_set_finish (SpSetter *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
void sp_setter_get_async (SpSetter           *self,
                          int                 timeout_ms,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_setter_get_finish (SpSetter *self, GAsyncResult *result, GValue *value, GError **error);

SP_AVAILABLE_IN_ALL
void sp_setter_peek_async (SpSetter           *self,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_setter_peek_finish (SpSetter     *self,
                                GAsyncResult *result,
                                gboolean     *initialized,
                                GValue       *value,
                                GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_setter_try_get (SpSetter *self, GValue *value);
SP_AVAILABLE_IN_ALL
gboolean sp_setter_get_sync (SpSetter     *self,
                             int           timeout_ms,
                             GCancellable *cancellable,
                             GValue       *value,
                             GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_setter_set_sync (SpSetter     *self,
                             const GValue *value,
                             int           timeout_ms,
                             GCancellable *cancellable,
                             GError      **error);

G_END_DECLS
