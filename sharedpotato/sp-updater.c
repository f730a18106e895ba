/* sp-updater.c: a capability view of a SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

#include "sp-updater.h"
#include "sp-shared-object-private.h"
#include "sp-view-private.h"

/**
 * SpUpdater:
 *
 * A view of a [class@Sharedpotato.SharedObject] that can get, set, clear and lock it, but not close
 * it.
 *
 * Get one with [method@Sharedpotato.SharedObject.get_updater] and hand it
 * to a component that should have exactly these capabilities. The view
 * keeps its object alive, but offers no way back to it and no way to
 * close it: its callbacks receive the view as their source object.
 * Calls follow the object's conventions and errors; on a closed object
 * they fail with %G_IO_ERROR_CLOSED.
 *
 * Since: 1.0
 */

struct _SpUpdater
{
  GObject         parent_instance;
  SpSharedObject *object;
};

static const char *
sp_updater_view_get_name (SpView *view)
{
  return sp_shared_object_get_name (((SpUpdater *) view)->object);
}

static gboolean
sp_updater_view_is_closed (SpView *view)
{
  return sp_shared_object_is_closed (((SpUpdater *) view)->object);
}

static void
sp_updater_view_init (SpViewInterface *iface)
{
  iface->get_name = sp_updater_view_get_name;
  iface->is_closed = sp_updater_view_is_closed;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpUpdater,
                               sp_updater,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SP_TYPE_VIEW, sp_updater_view_init))

SpUpdater *
_sp_updater_new (SpSharedObject *object)
{
  SpUpdater *self = g_object_new (SP_TYPE_UPDATER, NULL);

  self->object = g_object_ref (object);

  return self;
}

static void
sp_updater_finalize (GObject *object)
{
  SpUpdater *self = (SpUpdater *) object;

  g_clear_object (&self->object);

  G_OBJECT_CLASS (sp_updater_parent_class)->finalize (object);
}

static void
sp_updater_class_init (SpUpdaterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_updater_finalize;
}

static void
sp_updater_init (SpUpdater *self)
{
}

/**
 * sp_updater_get_async:
 * @self: a #SpUpdater
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the value
 * @user_data: data for @callback
 *
 * Gets a copy of the value, waiting for one if needed, as
 * [method@Sharedpotato.SharedObject.get_async] does.
 *
 * Since: 1.0
 */
void
sp_updater_get_async (SpUpdater          *self,
                      int                 timeout_ms,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_return_if_fail (SP_IS_UPDATER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_view_get_async (self, self->object, timeout_ms, cancellable, callback, user_data,
                      sp_updater_get_async);
}

/**
 * sp_updater_get_finish:
 * @self: a #SpUpdater
 * @result: the #GAsyncResult passed to the callback
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.Updater.get_async].
 *
 * Returns: (skip): %TRUE with @value set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_updater_get_finish (SpUpdater *self, GAsyncResult *result, GValue *value, GError **error)
{
  g_return_val_if_fail (SP_IS_UPDATER (self), FALSE);

  return _sp_view_get_finish (self, result, value, error, sp_updater_get_async);
}

/**
 * sp_updater_set_async:
 * @self: a #SpUpdater
 * @value: the value to store
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the value is stored
 * @user_data: data for @callback
 *
 * Stores a copy of @value, as [method@Sharedpotato.SharedObject.set_async]
 * does.
 *
 * Since: 1.0
 */
void
sp_updater_set_async (SpUpdater          *self,
                      const GValue       *value,
                      int                 timeout_ms,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_return_if_fail (SP_IS_UPDATER (self));
  g_return_if_fail (G_IS_VALUE (value));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_view_set_async (self, self->object, value, timeout_ms, cancellable, callback, user_data,
                      sp_updater_set_async);
}

/**
 * sp_updater_set_finish:
 * @self: a #SpUpdater
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.Updater.set_async].
 *
 * Returns: %TRUE if the value was stored
 *
 * Since: 1.0
 */
gboolean
sp_updater_set_finish (SpUpdater *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_UPDATER (self), FALSE);

  return _sp_view_boolean_finish (self, result, error, sp_updater_set_async);
}

/**
 * sp_updater_clear_async:
 * @self: a #SpUpdater
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the object is cleared
 * @user_data: data for @callback
 *
 * Returns the object to its default value or to uninitialized, as
 * [method@Sharedpotato.SharedObject.clear_async] does.
 *
 * Since: 1.0
 */
void
sp_updater_clear_async (SpUpdater          *self,
                        int                 timeout_ms,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_return_if_fail (SP_IS_UPDATER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_view_clear_async (self, self->object, timeout_ms, cancellable, callback, user_data,
                        sp_updater_clear_async);
}

/**
 * sp_updater_clear_finish:
 * @self: a #SpUpdater
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.Updater.clear_async].
 *
 * Returns: %TRUE if the object was cleared
 *
 * Since: 1.0
 */
gboolean
sp_updater_clear_finish (SpUpdater *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_UPDATER (self), FALSE);

  return _sp_view_boolean_finish (self, result, error, sp_updater_clear_async);
}

/**
 * sp_updater_lock_async:
 * @self: a #SpUpdater
 * @mode: shared (read) or exclusive (write)
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the lock is granted
 * @user_data: data for @callback
 *
 * Waits for the lock in @mode, as
 * [method@Sharedpotato.SharedObject.lock_async] does.
 *
 * Since: 1.0
 */
void
sp_updater_lock_async (SpUpdater          *self,
                       SpLockMode          mode,
                       int                 timeout_ms,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_return_if_fail (SP_IS_UPDATER (self));
  g_return_if_fail (mode == SP_LOCK_MODE_SHARED || mode == SP_LOCK_MODE_EXCLUSIVE);
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_view_lock_async (self, self->object, mode, timeout_ms, cancellable, callback, user_data,
                       sp_updater_lock_async);
}

/**
 * sp_updater_lock_finish:
 * @self: a #SpUpdater
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.Updater.lock_async].
 *
 * Returns: (transfer full): the guard holding the lock, or %NULL with
 *   @error set
 *
 * Since: 1.0
 */
SpGuard *
sp_updater_lock_finish (SpUpdater *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_UPDATER (self), NULL);

  return _sp_view_lock_finish (self, result, error, sp_updater_lock_async);
}

/**
 * sp_updater_peek_async:
 * @self: a #SpUpdater
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with what the object holds
 * @user_data: data for @callback
 *
 * Looks at the value without waiting for one, as
 * [method@Sharedpotato.SharedObject.peek_async] does.
 *
 * Since: 1.0
 */
void
sp_updater_peek_async (SpUpdater          *self,
                       int                 timeout_ms,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_return_if_fail (SP_IS_UPDATER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_view_peek_async (self, self->object, timeout_ms, cancellable, callback, user_data,
                       sp_updater_peek_async);
}

/**
 * sp_updater_peek_finish:
 * @self: a #SpUpdater
 * @result: the #GAsyncResult passed to the callback
 * @initialized: (out) (optional): whether the object held a value
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value, or the zero of the value type if the object held
 *   none
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.Updater.peek_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_updater_peek_finish (SpUpdater    *self,
                        GAsyncResult *result,
                        gboolean     *initialized,
                        GValue       *value,
                        GError      **error)
{
  g_return_val_if_fail (SP_IS_UPDATER (self), FALSE);

  return _sp_view_peek_finish (self, result, initialized, value, error, sp_updater_peek_async);
}

/**
 * sp_updater_try_get:
 * @self: a #SpUpdater
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value, or the zero of the value type when this returns
 *   %FALSE
 *
 * Gets the value at once if that needs no waiting, as
 * [method@Sharedpotato.SharedObject.try_get] does.
 *
 * Returns: %TRUE with @value set, %FALSE if the value was not available
 *   without waiting
 *
 * Since: 1.0
 */
gboolean
sp_updater_try_get (SpUpdater *self, GValue *value)
{
  g_return_val_if_fail (SP_IS_UPDATER (self), FALSE);

  return sp_shared_object_try_get (self->object, value);
}

/**
 * sp_updater_get_sync:
 * @self: a #SpUpdater
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.Updater.get_async], for worker
 * threads, as [method@Sharedpotato.SharedObject.get_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the object's owner context.
 *
 * Returns: (skip): %TRUE with @value set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_updater_get_sync (SpUpdater    *self,
                     int           timeout_ms,
                     GCancellable *cancellable,
                     GValue       *value,
                     GError      **error)
{
  SP_OBJECT_CHECK_SYNC (SP_IS_UPDATER, self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  return _sp_shared_object_call_sync (self->object, SP_OBJECT_CALL_GET, NULL, 0, timeout_ms,
                                      cancellable, value, NULL, G_STRFUNC, error);
}

/**
 * sp_updater_set_sync:
 * @self: a #SpUpdater
 * @value: the value to store
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.Updater.set_async], for worker
 * threads, as [method@Sharedpotato.SharedObject.set_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the object's owner context.
 *
 * Returns: %TRUE if the value was stored
 *
 * Since: 1.0
 */
gboolean
sp_updater_set_sync (SpUpdater    *self,
                     const GValue *value,
                     int           timeout_ms,
                     GCancellable *cancellable,
                     GError      **error)
{
  SP_OBJECT_CHECK_SYNC (SP_IS_UPDATER, self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);

  return _sp_shared_object_call_sync (self->object, SP_OBJECT_CALL_SET, value, 0, timeout_ms,
                                      cancellable, NULL, NULL, G_STRFUNC, error);
}

/**
 * sp_updater_clear_sync:
 * @self: a #SpUpdater
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.Updater.clear_async], for worker
 * threads, as [method@Sharedpotato.SharedObject.clear_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the object's owner context.
 *
 * Returns: %TRUE if the value was cleared
 *
 * Since: 1.0
 */
gboolean
sp_updater_clear_sync (SpUpdater *self, int timeout_ms, GCancellable *cancellable, GError **error)
{
  SP_OBJECT_CHECK_SYNC (SP_IS_UPDATER, self, timeout_ms, cancellable, error, FALSE);

  return _sp_shared_object_call_sync (self->object, SP_OBJECT_CALL_CLEAR, NULL, 0, timeout_ms,
                                      cancellable, NULL, NULL, G_STRFUNC, error);
}

/**
 * sp_updater_lock_sync:
 * @self: a #SpUpdater
 * @mode: shared (read) or exclusive (write)
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.Updater.lock_async], for worker
 * threads, as [method@Sharedpotato.SharedObject.lock_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the object's owner context.
 *
 * Returns: (transfer full): the guard holding the lock, or %NULL with
 *   @error set
 *
 * Since: 1.0
 */
SpGuard *
sp_updater_lock_sync (SpUpdater    *self,
                      SpLockMode    mode,
                      int           timeout_ms,
                      GCancellable *cancellable,
                      GError      **error)
{
  SpGuard *guard = NULL;

  SP_OBJECT_CHECK_SYNC (SP_IS_UPDATER, self, timeout_ms, cancellable, error, NULL);
  g_return_val_if_fail (mode == SP_LOCK_MODE_SHARED || mode == SP_LOCK_MODE_EXCLUSIVE, NULL);

  _sp_shared_object_call_sync (self->object, SP_OBJECT_CALL_LOCK, NULL, mode, timeout_ms,
                               cancellable, NULL, &guard, G_STRFUNC, error);
  return guard;
}
