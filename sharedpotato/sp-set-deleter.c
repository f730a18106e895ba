/* sp-set-deleter.c: a capability view of a SpSharedSet
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

#include "sp-set-deleter.h"
#include "sp-shared-set-private.h"

/**
 * SpSetDeleter:
 *
 * A view of a [class@Sharedpotato.SharedSet] that can only discard items and clear the set.
 *
 * Get one with [method@Sharedpotato.SharedSet.get_deleter] and hand it to a
 * component that should have exactly these capabilities. The view keeps
 * its set alive, but offers no way back to it and no way to close it: its
 * callbacks receive the view as their source object. Calls follow the
 * set's conventions and errors; on a closed set they fail with
 * %G_IO_ERROR_CLOSED.
 *
 * Since: 1.0
 */

struct _SpSetDeleter
{
  GObject      parent_instance;
  SpSharedSet *set;
};

static const char *
sp_set_deleter_view_get_name (SpView *view)
{
  return sp_shared_set_get_name (((SpSetDeleter *) view)->set);
}

static gboolean
sp_set_deleter_view_is_closed (SpView *view)
{
  return sp_shared_set_is_closed (((SpSetDeleter *) view)->set);
}

static void
sp_set_deleter_view_init (SpViewInterface *iface)
{
  iface->get_name = sp_set_deleter_view_get_name;
  iface->is_closed = sp_set_deleter_view_is_closed;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpSetDeleter,
                               sp_set_deleter,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SP_TYPE_VIEW, sp_set_deleter_view_init))

SpSetDeleter *
_sp_set_deleter_new (SpSharedSet *set)
{
  SpSetDeleter *self = g_object_new (SP_TYPE_SET_DELETER, NULL);

  self->set = g_object_ref (set);

  return self;
}

static void
sp_set_deleter_finalize (GObject *object)
{
  SpSetDeleter *self = (SpSetDeleter *) object;

  g_clear_object (&self->set);

  G_OBJECT_CLASS (sp_set_deleter_parent_class)->finalize (object);
}

static void
sp_set_deleter_class_init (SpSetDeleterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_set_deleter_finalize;
}

static void
sp_set_deleter_init (SpSetDeleter *self)
{
}

/**
 * sp_set_deleter_discard_async:
 * @self: a #SpSetDeleter
 * @item: the item to remove; converted to the set's item type if needed
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for the set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the item is no longer in the set
 * @user_data: data for @callback
 *
 * Removes the item equal to @item, if the set holds one, as
 * [method@Sharedpotato.SharedSet.discard_async] does.
 *
 * Since: 1.0
 */
void
sp_set_deleter_discard_async (SpSetDeleter       *self,
                              const GValue       *item,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_DELETER (self));
  g_return_if_fail (G_IS_VALUE (item));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_DISCARD, item, timeout_ms, cancellable,
                             callback, user_data, sp_set_deleter_discard_async,
                             "sp_set_deleter_discard_async");
}

/**
 * sp_set_deleter_discard_finish:
 * @self: a #SpSetDeleter
 * @result: the #GAsyncResult passed to the callback
 * @removed: (out) (optional): %TRUE if the item was in the set
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetDeleter.discard_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_deleter_discard_finish (SpSetDeleter *self,
                               GAsyncResult *result,
                               gboolean     *removed,
                               GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_DELETER (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_set_deleter_discard_async, &outcome, error);
  if (removed != NULL)
    *removed = outcome.flag;

  return ok;
}

/**
 * sp_set_deleter_clear_async:
 * @self: a #SpSetDeleter
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for the set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the set is empty
 * @user_data: data for @callback
 *
 * Removes every item, as [method@Sharedpotato.SharedSet.clear_async] does.
 *
 * Since: 1.0
 */
void
sp_set_deleter_clear_async (SpSetDeleter       *self,
                            int                 timeout_ms,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_DELETER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_CLEAR, NULL, timeout_ms, cancellable,
                             callback, user_data, sp_set_deleter_clear_async,
                             "sp_set_deleter_clear_async");
}

/**
 * sp_set_deleter_clear_finish:
 * @self: a #SpSetDeleter
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetDeleter.clear_async].
 *
 * Returns: %TRUE if the set was cleared
 *
 * Since: 1.0
 */
gboolean
sp_set_deleter_clear_finish (SpSetDeleter *self, GAsyncResult *result, GError **error)
{
  SpSetOutcome outcome;

  g_return_val_if_fail (SP_IS_SET_DELETER (self), FALSE);

  return _sp_shared_set_call_finish (self, result, sp_set_deleter_clear_async, &outcome, error);
}

/**
 * sp_set_deleter_try_discard:
 * @self: a #SpSetDeleter
 * @item: the item to remove
 * @removed: (out) (optional): %TRUE if the item was in the set
 * @error: return location for a #GError
 *
 * Does what [method@Sharedpotato.SharedSet.try_discard] does: at once, if that
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
sp_set_deleter_try_discard (SpSetDeleter *self,
                            const GValue *item,
                            gboolean     *removed,
                            GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_DELETER (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _sp_shared_set_call_try (self->set, SP_SET_OP_DISCARD, item, &outcome, error);
  if (removed != NULL)
    *removed = outcome.flag;

  return ok;
}

/**
 * sp_set_deleter_discard_sync:
 * @self: a #SpSetDeleter
 * @item: the item; converted to the set's item type if needed
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @discarded: (out) (optional): %TRUE if the item was there
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetDeleter.discard_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.discard_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_deleter_discard_sync (SpSetDeleter *self,
                             const GValue *item,
                             int           timeout_ms,
                             GCancellable *cancellable,
                             gboolean     *discarded,
                             GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_DELETER, self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_DISCARD, item, timeout_ms, cancellable,
                                 &outcome, G_STRFUNC, error);
  if (discarded != NULL)
    *discarded = outcome.flag;

  return ok;
}

/**
 * sp_set_deleter_clear_sync:
 * @self: a #SpSetDeleter
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetDeleter.clear_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.clear_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_deleter_clear_sync (SpSetDeleter *self,
                           int           timeout_ms,
                           GCancellable *cancellable,
                           GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_DELETER, self, timeout_ms, cancellable, error, FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_CLEAR, NULL, timeout_ms, cancellable,
                                 &outcome, G_STRFUNC, error);

  return ok;
}
