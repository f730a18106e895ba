/* sp-set-query.h: a capability view of a SpSharedSet
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

#define SP_TYPE_SET_QUERY (sp_set_query_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSetQuery, sp_set_query, SP, SET_QUERY, GObject)

SP_AVAILABLE_IN_ALL
void sp_set_query_contains_async (SpSetQuery         *self,
                                  const GValue       *item,
                                  int                 timeout_ms,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_set_query_contains_finish (SpSetQuery   *self,
                                       GAsyncResult *result,
                                       gboolean     *contains,
                                       GError      **error);
SP_AVAILABLE_IN_ALL
void sp_set_query_size_async (SpSetQuery         *self,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean
sp_set_query_size_finish (SpSetQuery *self, GAsyncResult *result, guint *size, GError **error);
SP_AVAILABLE_IN_ALL
void sp_set_query_snapshot_async (SpSetQuery         *self,
                                  int                 timeout_ms,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
SP_AVAILABLE_IN_ALL
GValue *sp_set_query_snapshot_finish (SpSetQuery   *self,
                                      GAsyncResult *result,
                                      guint        *n_items,
                                      GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_query_try_contains (SpSetQuery   *self,
                                    const GValue *item,
                                    gboolean     *contains,
                                    GError      **error);

SP_AVAILABLE_IN_ALL
gboolean sp_set_query_contains_sync (SpSetQuery   *self,
                                     const GValue *item,
                                     int           timeout_ms,
                                     GCancellable *cancellable,
                                     gboolean     *contains,
                                     GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_query_size_sync (SpSetQuery   *self,
                                 int           timeout_ms,
                                 GCancellable *cancellable,
                                 guint        *size,
                                 GError      **error);
SP_AVAILABLE_IN_ALL
GValue *sp_set_query_snapshot_sync (SpSetQuery   *self,
                                    int           timeout_ms,
                                    GCancellable *cancellable,
                                    guint        *n_items,
                                    GError      **error);

G_END_DECLS
