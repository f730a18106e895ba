/* sp-setter.c: a capability view of a SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-setter.h"
#include "sp-view-private.h"

/**
 * SpSetter:
 *
 * A view of a [class@Sharedpotato.SharedObject] that can set the value and read it back.
 *
 * Get one with [method@Sharedpotato.SharedObject.get_setter] and hand it
 * to a component that should have exactly these capabilities. The view
 * keeps its object alive, but offers no way back to it and no way to
 * close it: its callbacks receive the view as their source object.
 * Calls follow the object's conventions and errors; on a closed object
 * they fail with %G_IO_ERROR_CLOSED.
 *
 * Since: 1.0
 */

struct _SpSetter
{
  GObject         parent_instance;
  SpSharedObject *object;
};

G_DEFINE_FINAL_TYPE (SpSetter, sp_setter, G_TYPE_OBJECT)

SpSetter *
_sp_setter_new (SpSharedObject *object)
{
  SpSetter *self = g_object_new (SP_TYPE_SETTER, NULL);

  self->object = g_object_ref (object);

  return self;
}

static void
sp_setter_finalize (GObject *object)
{
  SpSetter *self = (SpSetter *) object;

  g_clear_object (&self->object);

  G_OBJECT_CLASS (sp_setter_parent_class)->finalize (object);
}

static void
sp_setter_class_init (SpSetterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_setter_finalize;
}

static void
sp_setter_init (SpSetter *self)
{
}

/**
 * sp_setter_set_async:
 * @self: a #SpSetter
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
sp_setter_set_async (SpSetter            *self,
                      const GValue        *value,
                      int                  timeout_ms,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (SP_IS_SETTER (self));
  g_return_if_fail (G_IS_VALUE (value));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_view_set_async (self, self->object, value, timeout_ms, cancellable, callback, user_data,
                      sp_setter_set_async);
}

/**
 * sp_setter_set_finish:
 * @self: a #SpSetter
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.Setter.set_async].
 *
 * Returns: %TRUE if the value was stored
 *
 * Since: 1.0
 */
gboolean
sp_setter_set_finish (SpSetter       *self,
                       GAsyncResult   *result,
                       GError        **error)
{
  g_return_val_if_fail (SP_IS_SETTER (self), FALSE);

  return _sp_view_boolean_finish (self, result, error, sp_setter_set_async);
}

/**
 * sp_setter_get_async:
 * @self: a #SpSetter
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
sp_setter_get_async (SpSetter            *self,
                      int                  timeout_ms,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (SP_IS_SETTER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_view_get_async (self, self->object, timeout_ms, cancellable, callback, user_data,
                      sp_setter_get_async);
}

/**
 * sp_setter_get_finish:
 * @self: a #SpSetter
 * @result: the #GAsyncResult passed to the callback
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.Setter.get_async].
 *
 * Returns: (skip): %TRUE with @value set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_setter_get_finish (SpSetter       *self,
                       GAsyncResult   *result,
                       GValue         *value,
                       GError        **error)
{
  g_return_val_if_fail (SP_IS_SETTER (self), FALSE);

  return _sp_view_get_finish (self, result, value, error, sp_setter_get_async);
}
