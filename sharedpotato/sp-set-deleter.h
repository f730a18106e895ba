/* sp-set-deleter.h: a capability view of a SpSharedSet
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

#define SP_TYPE_SET_DELETER (sp_set_deleter_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSetDeleter, sp_set_deleter, SP, SET_DELETER, GObject)

SP_AVAILABLE_IN_ALL
void sp_set_deleter_discard_async (SpSetDeleter       *self,
                                   const GValue       *item,
                                   int                 timeout_ms,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_set_deleter_discard_finish (SpSetDeleter *self,
                                        GAsyncResult *result,
                                        gboolean     *removed,
                                        GError      **error);
SP_AVAILABLE_IN_ALL
void sp_set_deleter_clear_async (SpSetDeleter       *self,
                                 int                 timeout_ms,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_set_deleter_clear_finish (SpSetDeleter *self, GAsyncResult *result, GError **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_deleter_try_discard (SpSetDeleter *self,
                                     const GValue *item,
                                     gboolean     *removed,
                                     GError      **error);

SP_AVAILABLE_IN_ALL
gboolean sp_set_deleter_discard_sync (SpSetDeleter *self,
                                      const GValue *item,
                                      int           timeout_ms,
                                      GCancellable *cancellable,
                                      gboolean     *discarded,
                                      GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_deleter_clear_sync (SpSetDeleter *self,
                                    int           timeout_ms,
                                    GCancellable *cancellable,
                                    GError      **error);

G_END_DECLS
