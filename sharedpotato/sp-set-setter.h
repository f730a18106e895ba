/* sp-set-setter.h: a capability view of a SpSharedSet
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

#define SP_TYPE_SET_SETTER (sp_set_setter_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSetSetter, sp_set_setter, SP, SET_SETTER, GObject)

SP_AVAILABLE_IN_ALL
void sp_set_setter_add_async (SpSetSetter        *self,
                              const GValue       *item,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean
sp_set_setter_add_finish (SpSetSetter *self, GAsyncResult *result, gboolean *added, GError **error);
SP_AVAILABLE_IN_ALL
gboolean
sp_set_setter_try_add (SpSetSetter *self, const GValue *item, gboolean *added, GError **error);

SP_AVAILABLE_IN_ALL
gboolean sp_set_setter_add_sync (SpSetSetter  *self,
                                 const GValue *item,
                                 int           timeout_ms,
                                 GCancellable *cancellable,
                                 gboolean     *added,
                                 GError      **error);

G_END_DECLS
