/* sp-set-scanner.h: a capability view of a SpSharedSet
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

#define SP_TYPE_SET_SCANNER (sp_set_scanner_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSetScanner, sp_set_scanner, SP, SET_SCANNER, GObject)

SP_AVAILABLE_IN_ALL
void sp_set_scanner_snapshot_async (SpSetScanner       *self,
                                    int                 timeout_ms,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
SP_AVAILABLE_IN_ALL
GValue *sp_set_scanner_snapshot_finish (SpSetScanner *self,
                                        GAsyncResult *result,
                                        guint        *n_items,
                                        GError      **error);

SP_AVAILABLE_IN_ALL
GValue *sp_set_scanner_snapshot_sync (SpSetScanner *self,
                                      int           timeout_ms,
                                      GCancellable *cancellable,
                                      guint        *n_items,
                                      GError      **error);

G_END_DECLS
