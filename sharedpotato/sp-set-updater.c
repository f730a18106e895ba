/* sp-set-updater.c: a capability view of a SpSharedSet
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

#include "sp-set-updater.h"
#include "sp-shared-set-private.h"

/**
 * SpSetUpdater:
 *
 * A view of a [class@Sharedpotato.SharedSet] that can add, discard, clear, look up, count and copy
 * items, but not close the set.
 *
 * Get one with [method@Sharedpotato.SharedSet.get_updater] and hand it to a
 * component that should have exactly these capabilities. The view keeps
 * its set alive, but offers no way back to it and no way to close it: its
 * callbacks receive the view as their source object. Calls follow the
 * set's conventions and errors; on a closed set they fail with
 * %G_IO_ERROR_CLOSED.
 *
 * Since: 1.0
 */

struct _SpSetUpdater
{
  GObject      parent_instance;
  SpSharedSet *set;
};

static const char *
sp_set_updater_view_get_name (SpView *view)
{
  return sp_shared_set_get_name (((SpSetUpdater *) view)->set);
}

static gboolean
sp_set_updater_view_is_closed (SpView *view)
{
  return sp_shared_set_is_closed (((SpSetUpdater *) view)->set);
}

static void
sp_set_updater_view_init (SpViewInterface *iface)
{
  iface->get_name = sp_set_updater_view_get_name;
  iface->is_closed = sp_set_updater_view_is_closed;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpSetUpdater,
                               sp_set_updater,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SP_TYPE_VIEW, sp_set_updater_view_init))

SpSetUpdater *
_sp_set_updater_new (SpSharedSet *set)
{
  SpSetUpdater *self = g_object_new (SP_TYPE_SET_UPDATER, NULL);

  self->set = g_object_ref (set);

  return self;
}

static void
sp_set_updater_finalize (GObject *object)
{
  SpSetUpdater *self = (SpSetUpdater *) object;

  g_clear_object (&self->set);

  G_OBJECT_CLASS (sp_set_updater_parent_class)->finalize (object);
}

static void
sp_set_updater_class_init (SpSetUpdaterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_set_updater_finalize;
}

static void
sp_set_updater_init (SpSetUpdater *self)
{
}

/**
 * sp_set_updater_add_async:
 * @self: a #SpSetUpdater
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
sp_set_updater_add_async (SpSetUpdater       *self,
                          const GValue       *item,
                          int                 timeout_ms,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_UPDATER (self));
  g_return_if_fail (G_IS_VALUE (item));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_ADD, item, timeout_ms, cancellable,
                             callback, user_data, sp_set_updater_add_async,
                             "sp_set_updater_add_async");
}

/**
 * sp_set_updater_add_finish:
 * @self: a #SpSetUpdater
 * @result: the #GAsyncResult passed to the callback
 * @added: (out) (optional): %TRUE if the item was new, %FALSE if the set already held an equal item
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetUpdater.add_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_add_finish (SpSetUpdater *self,
                           GAsyncResult *result,
                           gboolean     *added,
                           GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_UPDATER (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_set_updater_add_async, &outcome, error);
  if (added != NULL)
    *added = outcome.flag;

  return ok;
}

/**
 * sp_set_updater_discard_async:
 * @self: a #SpSetUpdater
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
sp_set_updater_discard_async (SpSetUpdater       *self,
                              const GValue       *item,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_UPDATER (self));
  g_return_if_fail (G_IS_VALUE (item));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_DISCARD, item, timeout_ms, cancellable,
                             callback, user_data, sp_set_updater_discard_async,
                             "sp_set_updater_discard_async");
}

/**
 * sp_set_updater_discard_finish:
 * @self: a #SpSetUpdater
 * @result: the #GAsyncResult passed to the callback
 * @removed: (out) (optional): %TRUE if the item was in the set
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetUpdater.discard_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_discard_finish (SpSetUpdater *self,
                               GAsyncResult *result,
                               gboolean     *removed,
                               GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_UPDATER (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_set_updater_discard_async, &outcome, error);
  if (removed != NULL)
    *removed = outcome.flag;

  return ok;
}

/**
 * sp_set_updater_contains_async:
 * @self: a #SpSetUpdater
 * @item: the item to look for; converted to the set's item type if needed
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for the set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the answer
 * @user_data: data for @callback
 *
 * Tells whether the set holds an item equal to @item, as
 * [method@Sharedpotato.SharedSet.contains_async] does.
 *
 * Since: 1.0
 */
void
sp_set_updater_contains_async (SpSetUpdater       *self,
                               const GValue       *item,
                               int                 timeout_ms,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_UPDATER (self));
  g_return_if_fail (G_IS_VALUE (item));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_CONTAINS, item, timeout_ms, cancellable,
                             callback, user_data, sp_set_updater_contains_async,
                             "sp_set_updater_contains_async");
}

/**
 * sp_set_updater_contains_finish:
 * @self: a #SpSetUpdater
 * @result: the #GAsyncResult passed to the callback
 * @contains: (out) (optional): whether the set held the item
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetUpdater.contains_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_contains_finish (SpSetUpdater *self,
                                GAsyncResult *result,
                                gboolean     *contains,
                                GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_UPDATER (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_set_updater_contains_async, &outcome, error);
  if (contains != NULL)
    *contains = outcome.flag;

  return ok;
}

/**
 * sp_set_updater_size_async:
 * @self: a #SpSetUpdater
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for the set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the size
 * @user_data: data for @callback
 *
 * Counts the items, as [method@Sharedpotato.SharedSet.size_async] does.
 *
 * Since: 1.0
 */
void
sp_set_updater_size_async (SpSetUpdater       *self,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_UPDATER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_SIZE, NULL, timeout_ms, cancellable,
                             callback, user_data, sp_set_updater_size_async,
                             "sp_set_updater_size_async");
}

/**
 * sp_set_updater_size_finish:
 * @self: a #SpSetUpdater
 * @result: the #GAsyncResult passed to the callback
 * @size: (out) (optional): the number of items
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetUpdater.size_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_size_finish (SpSetUpdater *self, GAsyncResult *result, guint *size, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_UPDATER (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_set_updater_size_async, &outcome, error);
  if (size != NULL)
    *size = outcome.size;

  return ok;
}

/**
 * sp_set_updater_snapshot_async:
 * @self: a #SpSetUpdater
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for the set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the copy
 * @user_data: data for @callback
 *
 * Copies the items; the copy belongs to the caller and is safe to iterate
 * while others change the set, as
 * [method@Sharedpotato.SharedSet.snapshot_async] does.
 *
 * Since: 1.0
 */
void
sp_set_updater_snapshot_async (SpSetUpdater       *self,
                               int                 timeout_ms,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_UPDATER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_SNAPSHOT, NULL, timeout_ms, cancellable,
                             callback, user_data, sp_set_updater_snapshot_async,
                             "sp_set_updater_snapshot_async");
}

/**
 * sp_set_updater_snapshot_finish:
 * @self: a #SpSetUpdater
 * @result: the #GAsyncResult passed to the callback
 * @n_items: (out): the number of items copied
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetUpdater.snapshot_async].
 *
 * In C, free the copy with sp_set_snapshot_free().
 *
 * Returns: (transfer full) (array length=n_items) (nullable): a copy of
 *   every item, or %NULL with @error set
 *
 * Since: 1.0
 */
GValue *
sp_set_updater_snapshot_finish (SpSetUpdater *self,
                                GAsyncResult *result,
                                guint        *n_items,
                                GError      **error)
{
  SpSetOutcome outcome;

  g_return_val_if_fail (SP_IS_SET_UPDATER (self), NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  _sp_shared_set_call_finish (self, result, sp_set_updater_snapshot_async, &outcome, error);
  *n_items = outcome.size;

  return outcome.snapshot;
}

/**
 * sp_set_updater_clear_async:
 * @self: a #SpSetUpdater
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
sp_set_updater_clear_async (SpSetUpdater       *self,
                            int                 timeout_ms,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_UPDATER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_CLEAR, NULL, timeout_ms, cancellable,
                             callback, user_data, sp_set_updater_clear_async,
                             "sp_set_updater_clear_async");
}

/**
 * sp_set_updater_clear_finish:
 * @self: a #SpSetUpdater
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetUpdater.clear_async].
 *
 * Returns: %TRUE if the set was cleared
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_clear_finish (SpSetUpdater *self, GAsyncResult *result, GError **error)
{
  SpSetOutcome outcome;

  g_return_val_if_fail (SP_IS_SET_UPDATER (self), FALSE);

  return _sp_shared_set_call_finish (self, result, sp_set_updater_clear_async, &outcome, error);
}

/**
 * sp_set_updater_try_add:
 * @self: a #SpSetUpdater
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
sp_set_updater_try_add (SpSetUpdater *self, const GValue *item, gboolean *added, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_UPDATER (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _sp_shared_set_call_try (self->set, SP_SET_OP_ADD, item, &outcome, error);
  if (added != NULL)
    *added = outcome.flag;

  return ok;
}

/**
 * sp_set_updater_try_discard:
 * @self: a #SpSetUpdater
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
sp_set_updater_try_discard (SpSetUpdater *self,
                            const GValue *item,
                            gboolean     *removed,
                            GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_UPDATER (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _sp_shared_set_call_try (self->set, SP_SET_OP_DISCARD, item, &outcome, error);
  if (removed != NULL)
    *removed = outcome.flag;

  return ok;
}

/**
 * sp_set_updater_try_contains:
 * @self: a #SpSetUpdater
 * @item: the item to look for
 * @contains: (out) (optional): whether the set held the item
 * @error: return location for a #GError
 *
 * Does what [method@Sharedpotato.SharedSet.try_contains] does: at once, if that
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
sp_set_updater_try_contains (SpSetUpdater *self,
                             const GValue *item,
                             gboolean     *contains,
                             GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_UPDATER (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _sp_shared_set_call_try (self->set, SP_SET_OP_CONTAINS, item, &outcome, error);
  if (contains != NULL)
    *contains = outcome.flag;

  return ok;
}

/**
 * sp_set_updater_add_sync:
 * @self: a #SpSetUpdater
 * @item: the item; converted to the set's item type if needed
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @added: (out) (optional): %TRUE if the item was new
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetUpdater.add_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.add_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_add_sync (SpSetUpdater *self,
                         const GValue *item,
                         int           timeout_ms,
                         GCancellable *cancellable,
                         gboolean     *added,
                         GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_UPDATER, self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_ADD, item, timeout_ms, cancellable, &outcome,
                                 G_STRFUNC, error);
  if (added != NULL)
    *added = outcome.flag;

  return ok;
}

/**
 * sp_set_updater_discard_sync:
 * @self: a #SpSetUpdater
 * @item: the item; converted to the set's item type if needed
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @discarded: (out) (optional): %TRUE if the item was there
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetUpdater.discard_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.discard_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_discard_sync (SpSetUpdater *self,
                             const GValue *item,
                             int           timeout_ms,
                             GCancellable *cancellable,
                             gboolean     *discarded,
                             GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_UPDATER, self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_DISCARD, item, timeout_ms, cancellable,
                                 &outcome, G_STRFUNC, error);
  if (discarded != NULL)
    *discarded = outcome.flag;

  return ok;
}

/**
 * sp_set_updater_contains_sync:
 * @self: a #SpSetUpdater
 * @item: the item; converted to the set's item type if needed
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @contains: (out) (optional): whether the set holds the item
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetUpdater.contains_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.contains_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_contains_sync (SpSetUpdater *self,
                              const GValue *item,
                              int           timeout_ms,
                              GCancellable *cancellable,
                              gboolean     *contains,
                              GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_UPDATER, self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_CONTAINS, item, timeout_ms, cancellable,
                                 &outcome, G_STRFUNC, error);
  if (contains != NULL)
    *contains = outcome.flag;

  return ok;
}

/**
 * sp_set_updater_size_sync:
 * @self: a #SpSetUpdater
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @size: (out) (optional): the number of items
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetUpdater.size_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.size_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_size_sync (SpSetUpdater *self,
                          int           timeout_ms,
                          GCancellable *cancellable,
                          guint        *size,
                          GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_UPDATER, self, timeout_ms, cancellable, error, FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_SIZE, NULL, timeout_ms, cancellable, &outcome,
                                 G_STRFUNC, error);
  if (size != NULL)
    *size = outcome.size;

  return ok;
}

/**
 * sp_set_updater_snapshot_sync:
 * @self: a #SpSetUpdater
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @n_items: (out): the number of items copied
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetUpdater.snapshot_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.snapshot_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: (transfer full) (array length=n_items) (nullable): a copy of
 *   every item, or %NULL with @error set
 *
 * Since: 1.0
 */
GValue *
sp_set_updater_snapshot_sync (SpSetUpdater *self,
                              int           timeout_ms,
                              GCancellable *cancellable,
                              guint        *n_items,
                              GError      **error)
{
  SpSetOutcome outcome;

  SP_SET_CHECK_SYNC (SP_IS_SET_UPDATER, self, timeout_ms, cancellable, error, NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  _sp_shared_set_call_sync (self->set, SP_SET_OP_SNAPSHOT, NULL, timeout_ms, cancellable, &outcome,
                            G_STRFUNC, error);
  *n_items = outcome.size;

  return outcome.snapshot;
}

/**
 * sp_set_updater_clear_sync:
 * @self: a #SpSetUpdater
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetUpdater.clear_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.clear_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_updater_clear_sync (SpSetUpdater *self,
                           int           timeout_ms,
                           GCancellable *cancellable,
                           GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_UPDATER, self, timeout_ms, cancellable, error, FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_CLEAR, NULL, timeout_ms, cancellable,
                                 &outcome, G_STRFUNC, error);

  return ok;
}
