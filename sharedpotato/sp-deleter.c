/* sp-deleter.c: a capability view of a SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-deleter.h"
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

G_DEFINE_FINAL_TYPE (SpDeleter, sp_deleter, G_TYPE_OBJECT)

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
sp_deleter_clear_async (SpDeleter            *self,
                        int                  timeout_ms,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
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
sp_deleter_clear_finish (SpDeleter       *self,
                         GAsyncResult   *result,
                         GError        **error)
{
  g_return_val_if_fail (SP_IS_DELETER (self), FALSE);

  return _sp_view_boolean_finish (self, result, error, sp_deleter_clear_async);
}
