/* sp-shared-object.h: one value shared by many asynchronous clients
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sp-deleter.h"
#include "sp-getter.h"
#include "sp-guard.h"
#include "sp-setter.h"
#include "sp-stats.h"
#include "sp-updater.h"
#include "sp-types.h"
#include "sp-version-macros.h"

G_BEGIN_DECLS

#define SP_TYPE_SHARED_OBJECT (sp_shared_object_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSharedObject, sp_shared_object, SP, SHARED_OBJECT, GObject)

/**
 * SpInitializeFunc:
 * @object: the object to initialize
 * @guard: (transfer full): an exclusive guard on @object
 * @user_data: the data given to [method@Sharedpotato.SharedObject.set_initializer]
 *
 * A lazy initializer, run in the object's owner context when a get finds
 * the object uninitialized. It stores a value with
 * [method@Sharedpotato.Guard.set_value], or reports a failure with
 * [method@Sharedpotato.Guard.release_with_error].
 *
 * The return value says who ends the run. An initializer that finishes
 * before it returns returns %FALSE: the guard is then released for it if
 * it is still held, and the waiting gets receive the value it stored, or
 * fail with %SP_ERROR_NOT_INITIALIZED if it stored none. An initializer
 * that goes on asynchronously keeps @guard and returns %TRUE; it releases
 * the guard when its work is done. One that goes on but forgets to return
 * %TRUE (a Python function returns None, a JavaScript one undefined) has
 * its run ended when it returns: its later writes through the guard fail
 * with a critical.
 *
 * A Python or JavaScript initializer that raises returns the default,
 * %FALSE, so an exception never leaves the object locked, garbage
 * collection or not. (The `Sharedpotato` Python overrides and the
 * JavaScript module also pass the exception's message on to the waiting
 * gets.)
 *
 * Returns: %TRUE if the initializer kept @guard to end the run later,
 *   %FALSE if the run ends when it returns
 *
 * Since: 1.0
 */
typedef gboolean (*SpInitializeFunc) (SpSharedObject *object, SpGuard *guard, gpointer user_data);

/**
 * SpUpdateFunc:
 * @value: the current value, or the zero of the value type when the object
 *   holds none; change it in place, keeping its type
 * @user_data: the data given to [method@Sharedpotato.SharedObject.update_async]
 *
 * A read-modify-write step, run by
 * [method@Sharedpotato.SharedObject.update_async] at the moment its call
 * is granted the exclusive lock: in the thread that grants it (any
 * thread), with the object's internal mutex held. It must be short, must
 * not block, and must not call any function of this object.
 *
 * Returns: %TRUE to store @value, %FALSE to leave the object as it was
 *
 * Since: 1.0
 */
typedef gboolean (*SpUpdateFunc) (GValue *value, gpointer user_data);

SP_AVAILABLE_IN_ALL
SpSharedObject *sp_shared_object_new (GType value_type);
SP_AVAILABLE_IN_ALL
SpSharedObject *sp_shared_object_new_with_value (const GValue *value);
SP_AVAILABLE_IN_ALL
SpSharedObject *sp_shared_object_new_full (GType         value_type,
                                           const char   *name,
                                           const GValue *initial_value,
                                           const GValue *default_value);

SP_AVAILABLE_IN_ALL
GType sp_shared_object_get_value_type (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
const char *sp_shared_object_get_name (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
int sp_shared_object_get_default_timeout (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
void sp_shared_object_set_default_timeout (SpSharedObject *self, int timeout_ms);
SP_AVAILABLE_IN_ALL
int sp_shared_object_get_hold_warning_ms (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
void sp_shared_object_set_hold_warning_ms (SpSharedObject *self, int hold_warning_ms);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_get_measure_hold_times (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
void sp_shared_object_set_measure_hold_times (SpSharedObject *self, gboolean measure);
SP_AVAILABLE_IN_ALL
SpStats *sp_shared_object_get_stats (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_is_initialized (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_is_closed (SpSharedObject *self);

SP_AVAILABLE_IN_ALL
void sp_shared_object_get_async (SpSharedObject     *self,
                                 int                 timeout_ms,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_get_finish (SpSharedObject *self,
                                      GAsyncResult   *result,
                                      GValue         *value,
                                      GError        **error);

SP_AVAILABLE_IN_ALL
void sp_shared_object_peek_async (SpSharedObject     *self,
                                  int                 timeout_ms,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_peek_finish (SpSharedObject *self,
                                       GAsyncResult   *result,
                                       gboolean       *initialized,
                                       GValue         *value,
                                       GError        **error);

SP_AVAILABLE_IN_ALL
void sp_shared_object_set_async (SpSharedObject     *self,
                                 const GValue       *value,
                                 int                 timeout_ms,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_set_finish (SpSharedObject *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
void sp_shared_object_update_async (SpSharedObject     *self,
                                    SpUpdateFunc        func,
                                    gpointer            func_data,
                                    GDestroyNotify      func_data_destroy,
                                    int                 timeout_ms,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_update_finish (SpSharedObject *self,
                                         GAsyncResult   *result,
                                         GValue         *value,
                                         GError        **error);

SP_AVAILABLE_IN_ALL
void sp_shared_object_clear_async (SpSharedObject     *self,
                                   int                 timeout_ms,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_clear_finish (SpSharedObject *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
void sp_shared_object_lock_async (SpSharedObject     *self,
                                  SpLockMode          mode,
                                  int                 timeout_ms,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
SP_AVAILABLE_IN_ALL
SpGuard *sp_shared_object_lock_finish (SpSharedObject *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
void sp_shared_object_close_async (SpSharedObject     *self,
                                   int                 timeout_ms,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_close_finish (SpSharedObject *self, GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
void sp_shared_object_set_initializer (SpSharedObject  *self,
                                       SpInitializeFunc func,
                                       gpointer         user_data,
                                       GDestroyNotify   notify);

SP_AVAILABLE_IN_ALL
SpGetter *sp_shared_object_get_getter (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
SpSetter *sp_shared_object_get_setter (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
SpDeleter *sp_shared_object_get_deleter (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
SpUpdater *sp_shared_object_get_updater (SpSharedObject *self);

SP_AVAILABLE_IN_ALL
void sp_shared_object_hold_close (SpSharedObject *self);
SP_AVAILABLE_IN_ALL
void sp_shared_object_release_close (SpSharedObject *self);

SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_get_sync (SpSharedObject *self,
                                    int             timeout_ms,
                                    GCancellable   *cancellable,
                                    GValue         *value,
                                    GError        **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_set_sync (SpSharedObject *self,
                                    const GValue   *value,
                                    int             timeout_ms,
                                    GCancellable   *cancellable,
                                    GError        **error);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_clear_sync (SpSharedObject *self,
                                      int             timeout_ms,
                                      GCancellable   *cancellable,
                                      GError        **error);
SP_AVAILABLE_IN_ALL
SpGuard *sp_shared_object_lock_sync (SpSharedObject *self,
                                     SpLockMode      mode,
                                     int             timeout_ms,
                                     GCancellable   *cancellable,
                                     GError        **error);

SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_try_get (SpSharedObject *self, GValue *value);
SP_AVAILABLE_IN_ALL
SpGuard *sp_shared_object_try_lock (SpSharedObject *self, SpLockMode mode);

G_END_DECLS
