/* sp-shared-set.h: a set of values shared by many asynchronous clients
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sp-set-deleter.h"
#include "sp-set-query.h"
#include "sp-set-scanner.h"
#include "sp-set-setter.h"
#include "sp-set-updater.h"
#include "sp-stats.h"
#include "sp-version-macros.h"

G_BEGIN_DECLS

#define SP_TYPE_SHARED_SET (sp_shared_set_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSharedSet, sp_shared_set, SP, SHARED_SET, GObject)

SP_AVAILABLE_IN_ALL
SpSharedSet *sp_shared_set_new (GType item_type);
SP_AVAILABLE_IN_ALL
SpSharedSet *sp_shared_set_new_full (GType       item_type,
                                     const char *name,
                                     GHashFunc   hash_func,
                                     GEqualFunc  equal_func);

SP_AVAILABLE_IN_ALL
GType sp_shared_set_get_item_type (SpSharedSet *self);
SP_AVAILABLE_IN_ALL
const char *sp_shared_set_get_name (SpSharedSet *self);
SP_AVAILABLE_IN_ALL
int sp_shared_set_get_default_timeout (SpSharedSet *self);
SP_AVAILABLE_IN_ALL
void sp_shared_set_set_default_timeout (SpSharedSet *self, int timeout_ms);
SP_AVAILABLE_IN_ALL
SpStats *sp_shared_set_get_stats (SpSharedSet *self);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_is_closed (SpSharedSet *self);

SP_AVAILABLE_IN_ALL
void sp_shared_set_add_async (SpSharedSet        *self,
                              const GValue       *item,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean
sp_shared_set_add_finish (SpSharedSet *self, GAsyncResult *result, gboolean *added, GError **error);

SP_AVAILABLE_IN_ALL
void sp_shared_set_discard_async (SpSharedSet        *self,
                                  const GValue       *item,
                                  int                 timeout_ms,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_discard_finish (SpSharedSet  *self,
                                       GAsyncResult *result,
                                       gboolean     *removed,
                                       GError      **error);

SP_AVAILABLE_IN_ALL
void sp_shared_set_contains_async (SpSharedSet        *self,
                                   const GValue       *item,
                                   int                 timeout_ms,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_contains_finish (SpSharedSet  *self,
                                        GAsyncResult *result,
                                        gboolean     *contains,
                                        GError      **error);

SP_AVAILABLE_IN_ALL
void sp_shared_set_size_async (SpSharedSet        *self,
                               int                 timeout_ms,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean
sp_shared_set_size_finish (SpSharedSet *self, GAsyncResult *result, guint *size, GError **error);

SP_AVAILABLE_IN_ALL
void sp_shared_set_snapshot_async (SpSharedSet        *self,
                                   int                 timeout_ms,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
SP_AVAILABLE_IN_ALL
GValue *sp_shared_set_snapshot_finish (SpSharedSet  *self,
                                       GAsyncResult *result,
                                       guint        *n_items,
                                       GError      **error);

SP_AVAILABLE_IN_ALL
void sp_shared_set_clear_async (SpSharedSet        *self,
                                int                 timeout_ms,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_clear_finish (SpSharedSet *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
void sp_shared_set_close_async (SpSharedSet        *self,
                                int                 timeout_ms,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_close_finish (SpSharedSet *self, GAsyncResult *result, GError **error);
SP_AVAILABLE_IN_ALL
void sp_shared_set_hold_close (SpSharedSet *self);
SP_AVAILABLE_IN_ALL
void sp_shared_set_release_close (SpSharedSet *self);

SP_AVAILABLE_IN_ALL
gboolean
sp_shared_set_try_add (SpSharedSet *self, const GValue *item, gboolean *added, GError **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_try_discard (SpSharedSet  *self,
                                    const GValue *item,
                                    gboolean     *removed,
                                    GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_try_contains (SpSharedSet  *self,
                                     const GValue *item,
                                     gboolean     *contains,
                                     GError      **error);

SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_add_sync (SpSharedSet  *self,
                                 const GValue *item,
                                 int           timeout_ms,
                                 GCancellable *cancellable,
                                 gboolean     *added,
                                 GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_discard_sync (SpSharedSet  *self,
                                     const GValue *item,
                                     int           timeout_ms,
                                     GCancellable *cancellable,
                                     gboolean     *removed,
                                     GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_contains_sync (SpSharedSet  *self,
                                      const GValue *item,
                                      int           timeout_ms,
                                      GCancellable *cancellable,
                                      gboolean     *contains,
                                      GError      **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_size_sync (SpSharedSet  *self,
                                  int           timeout_ms,
                                  GCancellable *cancellable,
                                  guint        *size,
                                  GError      **error);
SP_AVAILABLE_IN_ALL
GValue *sp_shared_set_snapshot_sync (SpSharedSet  *self,
                                     int           timeout_ms,
                                     GCancellable *cancellable,
                                     guint        *n_items,
                                     GError      **error);
SP_AVAILABLE_IN_ALL
void sp_set_snapshot_free (GValue *items, guint n_items);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_set_clear_sync (SpSharedSet  *self,
                                   int           timeout_ms,
                                   GCancellable *cancellable,
                                   GError      **error);

SP_AVAILABLE_IN_ALL
SpSetQuery *sp_shared_set_get_query (SpSharedSet *self);
SP_AVAILABLE_IN_ALL
SpSetSetter *sp_shared_set_get_setter (SpSharedSet *self);
SP_AVAILABLE_IN_ALL
SpSetDeleter *sp_shared_set_get_deleter (SpSharedSet *self);
SP_AVAILABLE_IN_ALL
SpSetUpdater *sp_shared_set_get_updater (SpSharedSet *self);
SP_AVAILABLE_IN_ALL
SpSetScanner *sp_shared_set_get_scanner (SpSharedSet *self);

G_END_DECLS
