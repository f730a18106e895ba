/* sp-deleter.c: a capability view of a SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

#include "sp-deleter.h"
#include "sp-shared-object-private.h"
#include "sp-view-private.h"

/**
 * SpDeleter:
 *
 * A view of a [class@Sharedpotato.SharedObject] that can only clear it.
 *
 * Get one with [method@Sharedpotato.SharedObject.get_deleter] and hand it
 * to a component that should have exactly these capabilities. The view
 * keeps its object alive, but offers no way back to it and no way to
 * close it: its callbacks receive the view as their source object.
 * Calls follow the object's conventions and errors; on a closed object
 * they fail with %G_IO_ERROR_CLOSED.
 *
 * Since: 1.0
 */

struct _SpDeleter
{
  GObject         parent_instance;
  SpSharedObject *object;
};

static const char *
sp_deleter_view_get_name (SpView *view)
{
  return sp_shared_object_get_name (((SpDeleter *) view)->object);
}

static gboolean
sp_deleter_view_is_closed (SpView *view)
{
  return sp_shared_object_is_closed (((SpDeleter *) view)->object);
}

static void
sp_deleter_view_init (SpViewInterface *iface)
{
  iface->get_name = sp_deleter_view_get_name;
  iface->is_closed = sp_deleter_view_is_closed;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpDeleter,
                               sp_deleter,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SP_TYPE_VIEW, sp_deleter_view_init))

SpDeleter *
_sp_deleter_new (SpSharedObject *object)
{
  SpDeleter *self = g_object_new (SP_TYPE_DELETER, NULL);

  self->object = g_object_ref (object);

  return self;
}

static void
sp_deleter_finalize (GObject *object)
{
  SpDeleter *self = (SpDeleter *) object;

  g_clear_object (&self->object);

  G_OBJECT_CLASS (sp_deleter_parent_class)->finalize (object);
}

static void
sp_deleter_class_init (SpDeleterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_deleter_finalize;
}

static void
sp_deleter_init (SpDeleter *self)
{
}

/**
 * sp_deleter_clear_async:
 * @self: a #SpDeleter
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
sp_deleter_clear_async (SpDeleter          *self,
                        int                 timeout_ms,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_return_if_fail (SP_IS_DELETER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_view_clear_async (self, self->object, timeout_ms, cancellable, callback, user_data,
                        sp_deleter_clear_async);
}

/**
 * sp_deleter_clear_finish:
 * @self: a #SpDeleter
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.Deleter.clear_async].
 *
 * Returns: %TRUE if the object was cleared
 *
 * Since: 1.0
 */
gboolean
sp_deleter_clear_finish (SpDeleter *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_DELETER (self), FALSE);

  return _sp_view_boolean_finish (self, result, error, sp_deleter_clear_async);
}

/**
 * sp_deleter_clear_sync:
 * @self: a #SpDeleter
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   object's [property@Sharedpotato.SharedObject:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.Deleter.clear_async], for worker
 * threads, as [method@Sharedpotato.SharedObject.clear_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the object's owner context.
 *
 * Returns: %TRUE if the value was cleared
 *
 * Since: 1.0
 */
gboolean
sp_deleter_clear_sync (SpDeleter *self, int timeout_ms, GCancellable *cancellable, GError **error)
{
  SP_OBJECT_CHECK_SYNC (SP_IS_DELETER, self, timeout_ms, cancellable, error, FALSE);

  return _sp_shared_object_call_sync (self->object, SP_OBJECT_CALL_CLEAR, NULL, 0, timeout_ms,
                                      cancellable, NULL, NULL, G_STRFUNC, error);
}
