/* sp-set-updater.h: a capability view of a SpSharedSet
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

#define SP_TYPE_SET_UPDATER (sp_set_updater_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSetUpdater, sp_set_updater, SP, SET_UPDATER, GObject)

SP_AVAILABLE_IN_ALL
void sp_set_updater_add_async (SpSetUpdater       *self,
                               const GValue       *item,
                               int                 timeout_ms,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_add_finish (SpSetUpdater *self,
                                    GAsyncResult *result,
                                    gboolean     *added,
                                    GError      **error);
SP_AVAILABLE_IN_ALL
void sp_set_updater_discard_async (SpSetUpdater       *self,
                                   const GValue       *item,
                                   int                 timeout_ms,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_discard_finish (SpSetUpdater *self,
                                        GAsyncResult *result,
                                        gboolean     *removed,
                                        GError      **error);
SP_AVAILABLE_IN_ALL
void sp_set_updater_contains_async (SpSetUpdater       *self,
                                    const GValue       *item,
                                    int                 timeout_ms,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_contains_finish (SpSetUpdater *self,
                                         GAsyncResult *result,
                                         gboolean     *contains,
                                         GError      **error);
SP_AVAILABLE_IN_ALL
void sp_set_updater_size_async (SpSetUpdater       *self,
                                int                 timeout_ms,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean
sp_set_updater_size_finish (SpSetUpdater *self, GAsyncResult *result, guint *size, GError **error);
SP_AVAILABLE_IN_ALL
void sp_set_updater_snapshot_async (SpSetUpdater       *self,
                                    int                 timeout_ms,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
SP_AVAILABLE_IN_ALL
GValue *sp_set_updater_snapshot_finish (SpSetUpdater *self,
                                        GAsyncResult *result,
                                        guint        *n_items,
                                        GError      **error);
SP_AVAILABLE_IN_ALL
void sp_set_updater_clear_async (SpSetUpdater       *self,
                                 int                 timeout_ms,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_clear_finish (SpSetUpdater *self, GAsyncResult *result, GError **error);
SP_AVAILABLE_IN_ALL
gboolean
sp_set_updater_try_add (SpSetUpdater *self, const GValue *item, gboolean *added, GError **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_try_discard (SpSetUpdater *self,
                                     const GValue *item,
                                     gboolean     *removed,
                                     GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_try_contains (SpSetUpdater *self,
                                      const GValue *item,
                                      gboolean     *contains,
                                      GError      **error);

SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_add_sync (SpSetUpdater *self,
                                  const GValue *item,
                                  int           timeout_ms,
                                  GCancellable *cancellable,
                                  gboolean     *added,
                                  GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_discard_sync (SpSetUpdater *self,
                                      const GValue *item,
                                      int           timeout_ms,
                                      GCancellable *cancellable,
                                      gboolean     *discarded,
                                      GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_contains_sync (SpSetUpdater *self,
                                       const GValue *item,
                                       int           timeout_ms,
                                       GCancellable *cancellable,
                                       gboolean     *contains,
                                       GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_size_sync (SpSetUpdater *self,
                                   int           timeout_ms,
                                   GCancellable *cancellable,
                                   guint        *size,
                                   GError      **error);
SP_AVAILABLE_IN_ALL
GValue *sp_set_updater_snapshot_sync (SpSetUpdater *self,
                                      int           timeout_ms,
                                      GCancellable *cancellable,
                                      guint        *n_items,
                                      GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_set_updater_clear_sync (SpSetUpdater *self,
                                    int           timeout_ms,
                                    GCancellable *cancellable,
                                    GError      **error);

G_END_DECLS
