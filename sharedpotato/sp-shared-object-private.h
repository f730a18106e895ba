/* sp-shared-object-private.h: what SpGuard and SpSharedSet need from an
 * SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "sp-shared-object.h"
#include "sp-waiter-private.h"

G_BEGIN_DECLS

/* What a guard holds. A guard's hold changes only under its object's
 * mutex, in the same critical section as the lock state it stands for, so
 * a release racing a downgrade from another thread cannot count twice. */
typedef enum
{
  SP_HOLD_NONE,
  SP_HOLD_SHARED,
  SP_HOLD_EXCLUSIVE,
  SP_HOLD_INITIALIZER, /* exclusive, given to an initializer run */
} SpHold;

/* Each of these takes the object's mutex itself. */

/* Gives the hold back. An initializer's hold ends the run: without a
 * value (or with @error), the gets waiting for it fail with @error or
 * NOT_INITIALIZED. Returns FALSE if *hold was already SP_HOLD_NONE. */
gboolean _sp_shared_object_end_hold (SpSharedObject *self,
                                     int            *hold,
                                     gint64          acquired_at,
                                     gboolean        counted,
                                     const GError   *error,
                                     const char     *label);
/* Whether the object writes trace records. */
gboolean _sp_shared_object_is_tracing (SpSharedObject *self);
/* Exclusive (or initializer) to shared. Returns the hold it found. */
SpHold   _sp_shared_object_downgrade_hold (SpSharedObject *self, int *hold);
gboolean _sp_shared_object_read_value (SpSharedObject *self, GValue *value);
gboolean _sp_shared_object_has_value (SpSharedObject *self);
gboolean _sp_shared_object_write_value (SpSharedObject *self, const GValue *value, GError **error);
void     _sp_shared_object_write_clear (SpSharedObject *self);

/* Another type's asynchronous call built on this object's lock, with a
 * single GTask: when the lock is granted, @func runs with it held in
 * @mode, in the task's context, at delivery; the lock is then released
 * and the task (whose source object is @task_source) returns TRUE. As for
 * lock_async, a cancellation between grant and delivery passes the lock
 * on and reports CANCELLED, without running @func. @operation (static)
 * names the call in traces. The caller's finish propagates the boolean;
 * _sp_shared_object_run_held_get_data() gives @data back after a success.
 * @data_free runs when the task is finalized. */
typedef void (*SpHeldFunc) (gpointer data);

void     _sp_shared_object_run_held_async (SpSharedObject     *self,
                                           SpLockMode          mode,
                                           int                 timeout_ms,
                                           GCancellable       *cancellable,
                                           GObject            *task_source,
                                           const char         *operation,
                                           SpHeldFunc          func,
                                           gpointer            data,
                                           GDestroyNotify      data_free,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data,
                                           gpointer            source_tag,
                                           const char         *task_name);
gpointer _sp_shared_object_run_held_get_data (GAsyncResult *result);

/* sp_sync_call_begin() against this object's owner context, for the
 * blocking twins of a type built on it (@kind and @display_name name that
 * type's instance in the critical). */
gboolean _sp_shared_object_sync_call_begin (SpSharedObject *self,
                                            SpSyncCall     *call,
                                            const char     *function,
                                            const char     *kind,
                                            const char     *display_name,
                                            GError        **error);

/* The close holds of a type built on this object (a set), whose
 * instance @owner each hold keeps alive and @kind names in criticals. */
void     _sp_shared_object_hold_close_for (SpSharedObject *self,
                                           GObject        *owner,
                                           const char     *kind,
                                           const char     *function);
void     _sp_shared_object_release_close_for (SpSharedObject *self,
                                              GObject        *owner,
                                              const char     *kind,
                                              const char     *function);
gboolean _sp_shared_object_is_close_held (SpSharedObject *self);

/* The calls of the object and of its views: @source is the task's source
 * object, the object itself or the view called; @task_name a literal. */
typedef enum
{
  SP_OBJECT_CALL_GET,
  SP_OBJECT_CALL_PEEK,
  SP_OBJECT_CALL_SET,
  SP_OBJECT_CALL_CLEAR,
  SP_OBJECT_CALL_LOCK,
} SpObjectCall;

void _sp_shared_object_call_async (SpSharedObject     *self,
                                   SpObjectCall        call,
                                   gpointer            source,
                                   const GValue       *value,
                                   SpLockMode          mode,
                                   int                 timeout_ms,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data,
                                   gpointer            source_tag,
                                   const char         *task_name);
/* @guard for a lock (the result then says whether it is set); @value
 * and @initialized for a get or a peek. @self may be NULL (a view's
 * finish): the call knows its object. */
gboolean _sp_shared_object_call_finish (SpSharedObject *self,
                                        gpointer        source,
                                        GAsyncResult   *result,
                                        gpointer        source_tag,
                                        gboolean       *initialized,
                                        GValue         *value,
                                        SpGuard       **guard,
                                        GError        **error);

/* The preconditions of a view's blocking twin. */
#define SP_OBJECT_CHECK_SYNC(is_type, self, timeout_ms, cancellable, error, fail)                  \
 g_return_val_if_fail (is_type (self), fail);                                                      \
 g_return_val_if_fail (timeout_ms >= -1, fail);                                                    \
 g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), fail);               \
 g_return_val_if_fail (error == NULL || *error == NULL, fail)

/* The blocking twin of _sp_shared_object_call_async(), for the views'
 * _sync calls: @function (static) names the call in the critical that
 * refuses it in the owner context. */
gboolean _sp_shared_object_call_sync (SpSharedObject *self,
                                      SpObjectCall    call,
                                      const GValue   *value_in,
                                      SpLockMode      mode,
                                      int             timeout_ms,
                                      GCancellable   *cancellable,
                                      GValue         *value,
                                      SpGuard       **guard,
                                      const char     *function,
                                      GError        **error);

/* For the held-too-long warning; these need no mutex. */
gint64 _sp_shared_object_hold_started_at (SpSharedObject *self, int *warning_ms, gboolean *counted);
GMainContext *_sp_shared_object_get_owner_context (SpSharedObject *self);
/* Whether the calling thread runs, or is expected to run, the owner
 * context (the test the blocking twins refuse on). */
gboolean    _sp_shared_object_in_owner_context (SpSharedObject *self);
const char *_sp_shared_object_get_display_name (SpSharedObject *self);

G_END_DECLS
