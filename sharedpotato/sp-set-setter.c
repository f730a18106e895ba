/* sp-set-setter.c: a capability view of a SpSharedSet
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

#include "sp-set-setter.h"
#include "sp-shared-set-private.h"

/**
 * SpSetSetter:
 *
 * A view of a [class@Sharedpotato.SharedSet] that can only add items.
 *
 * Get one with [method@Sharedpotato.SharedSet.get_setter] and hand it to a
 * component that should have exactly these capabilities. The view keeps
 * its set alive, but offers no way back to it and no way to close it: its
 * callbacks receive the view as their source object. Calls follow the
 * set's conventions and errors; on a closed set they fail with
 * %G_IO_ERROR_CLOSED.
 *
 * Since: 1.0
 */

struct _SpSetSetter
{
  GObject      parent_instance;
  SpSharedSet *set;
};

static const char *
sp_set_setter_view_get_name (SpView *view)
{
  return sp_shared_set_get_name (((SpSetSetter *) view)->set);
}

static gboolean
sp_set_setter_view_is_closed (SpView *view)
{
  return sp_shared_set_is_closed (((SpSetSetter *) view)->set);
}

static void
sp_set_setter_view_init (SpViewInterface *iface)
{
  iface->get_name = sp_set_setter_view_get_name;
  iface->is_closed = sp_set_setter_view_is_closed;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpSetSetter,
                               sp_set_setter,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SP_TYPE_VIEW, sp_set_setter_view_init))

SpSetSetter *
_sp_set_setter_new (SpSharedSet *set)
{
  SpSetSetter *self = g_object_new (SP_TYPE_SET_SETTER, NULL);

  self->set = g_object_ref (set);

  return self;
}

static void
sp_set_setter_finalize (GObject *object)
{
  SpSetSetter *self = (SpSetSetter *) object;

  g_clear_object (&self->set);

  G_OBJECT_CLASS (sp_set_setter_parent_class)->finalize (object);
}

static void
sp_set_setter_class_init (SpSetSetterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_set_setter_finalize;
}

static void
sp_set_setter_init (SpSetSetter *self)
{
}

/**
 * sp_set_setter_add_async:
 * @self: a #SpSetSetter
 * @item: the item to add; converted to the set's item type if needed
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for the set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the item is in the set
 * @user_data: data for @callback
 *
 * Adds a copy of @item if the set holds no equal item yet, as
 * [method@Sharedpotato.SharedSet.add_async] does.
 *
 * Since: 1.0
 */
void
sp_set_setter_add_async (SpSetSetter        *self,
                         const GValue       *item,
                         int                 timeout_ms,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_SETTER (self));
  g_return_if_fail (G_IS_VALUE (item));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_ADD, item, timeout_ms, cancellable,
                             callback, user_data, sp_set_setter_add_async,
                             "sp_set_setter_add_async");
}

/**
 * sp_set_setter_add_finish:
 * @self: a #SpSetSetter
 * @result: the #GAsyncResult passed to the callback
 * @added: (out) (optional): %TRUE if the item was new, %FALSE if the set already held an equal item
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetSetter.add_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_setter_add_finish (SpSetSetter *self, GAsyncResult *result, gboolean *added, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_SETTER (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_set_setter_add_async, &outcome, error);
  if (added != NULL)
    *added = outcome.flag;

  return ok;
}

/**
 * sp_set_setter_try_add:
 * @self: a #SpSetSetter
 * @item: the item to add
 * @added: (out) (optional): %TRUE if the item was new, %FALSE if the set already held an equal item
 * @error: return location for a #GError
 *
 * Does what [method@Sharedpotato.SharedSet.try_add] does: at once, if that
 * needs no waiting.
 *
 * Returns: (skip): %TRUE on success; %FALSE with
 *   %G_IO_ERROR_WOULD_BLOCK when it would have to wait,
 *   %G_IO_ERROR_CLOSED or
 *   %G_IO_ERROR_INVALID_ARGUMENT
 *
 * Since: 1.0
 */
gboolean
sp_set_setter_try_add (SpSetSetter *self, const GValue *item, gboolean *added, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_SETTER (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _sp_shared_set_call_try (self->set, SP_SET_OP_ADD, item, &outcome, error);
  if (added != NULL)
    *added = outcome.flag;

  return ok;
}

/**
 * sp_set_setter_add_sync:
 * @self: a #SpSetSetter
 * @item: the item; converted to the set's item type if needed
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @added: (out) (optional): %TRUE if the item was new
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetSetter.add_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.add_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_setter_add_sync (SpSetSetter  *self,
                        const GValue *item,
                        int           timeout_ms,
                        GCancellable *cancellable,
                        gboolean     *added,
                        GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_SETTER, self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_ADD, item, timeout_ms, cancellable, &outcome,
                                 G_STRFUNC, error);
  if (added != NULL)
    *added = outcome.flag;

  return ok;
}
