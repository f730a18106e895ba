/* sp-set-query.c: a capability view of a SpSharedSet
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

#include "sp-set-query.h"
#include "sp-shared-set-private.h"

/**
 * SpSetQuery:
 *
 * A read-only view of a [class@Sharedpotato.SharedSet]: it can ask whether the set contains an
 * item, its size, and for a snapshot, nothing else.
 *
 * Get one with [method@Sharedpotato.SharedSet.get_query] and hand it to a
 * component that should have exactly these capabilities. The view keeps
 * its set alive, but offers no way back to it and no way to close it: its
 * callbacks receive the view as their source object. Calls follow the
 * set's conventions and errors; on a closed set they fail with
 * %G_IO_ERROR_CLOSED.
 *
 * Since: 1.0
 */

struct _SpSetQuery
{
  GObject      parent_instance;
  SpSharedSet *set;
};

static const char *
sp_set_query_view_get_name (SpView *view)
{
  return sp_shared_set_get_name (((SpSetQuery *) view)->set);
}

static gboolean
sp_set_query_view_is_closed (SpView *view)
{
  return sp_shared_set_is_closed (((SpSetQuery *) view)->set);
}

static void
sp_set_query_view_init (SpViewInterface *iface)
{
  iface->get_name = sp_set_query_view_get_name;
  iface->is_closed = sp_set_query_view_is_closed;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpSetQuery,
                               sp_set_query,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SP_TYPE_VIEW, sp_set_query_view_init))

SpSetQuery *
_sp_set_query_new (SpSharedSet *set)
{
  SpSetQuery *self = g_object_new (SP_TYPE_SET_QUERY, NULL);

  self->set = g_object_ref (set);

  return self;
}

static void
sp_set_query_finalize (GObject *object)
{
  SpSetQuery *self = (SpSetQuery *) object;

  g_clear_object (&self->set);

  G_OBJECT_CLASS (sp_set_query_parent_class)->finalize (object);
}

static void
sp_set_query_class_init (SpSetQueryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_set_query_finalize;
}

static void
sp_set_query_init (SpSetQuery *self)
{
}

/**
 * sp_set_query_contains_async:
 * @self: a #SpSetQuery
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
sp_set_query_contains_async (SpSetQuery         *self,
                             const GValue       *item,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_QUERY (self));
  g_return_if_fail (G_IS_VALUE (item));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_CONTAINS, item, timeout_ms, cancellable,
                             callback, user_data, sp_set_query_contains_async,
                             "sp_set_query_contains_async");
}

/**
 * sp_set_query_contains_finish:
 * @self: a #SpSetQuery
 * @result: the #GAsyncResult passed to the callback
 * @contains: (out) (optional): whether the set held the item
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetQuery.contains_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_query_contains_finish (SpSetQuery   *self,
                              GAsyncResult *result,
                              gboolean     *contains,
                              GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_QUERY (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_set_query_contains_async, &outcome, error);
  if (contains != NULL)
    *contains = outcome.flag;

  return ok;
}

/**
 * sp_set_query_size_async:
 * @self: a #SpSetQuery
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
sp_set_query_size_async (SpSetQuery         *self,
                         int                 timeout_ms,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_QUERY (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_SIZE, NULL, timeout_ms, cancellable,
                             callback, user_data, sp_set_query_size_async,
                             "sp_set_query_size_async");
}

/**
 * sp_set_query_size_finish:
 * @self: a #SpSetQuery
 * @result: the #GAsyncResult passed to the callback
 * @size: (out) (optional): the number of items
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetQuery.size_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_query_size_finish (SpSetQuery *self, GAsyncResult *result, guint *size, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_QUERY (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_set_query_size_async, &outcome, error);
  if (size != NULL)
    *size = outcome.size;

  return ok;
}

/**
 * sp_set_query_snapshot_async:
 * @self: a #SpSetQuery
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
sp_set_query_snapshot_async (SpSetQuery         *self,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_QUERY (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_SNAPSHOT, NULL, timeout_ms, cancellable,
                             callback, user_data, sp_set_query_snapshot_async,
                             "sp_set_query_snapshot_async");
}

/**
 * sp_set_query_snapshot_finish:
 * @self: a #SpSetQuery
 * @result: the #GAsyncResult passed to the callback
 * @n_items: (out): the number of items copied
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetQuery.snapshot_async].
 *
 * In C, free the copy with sp_set_snapshot_free().
 *
 * Returns: (transfer full) (array length=n_items) (nullable): a copy of
 *   every item, or %NULL with @error set
 *
 * Since: 1.0
 */
GValue *
sp_set_query_snapshot_finish (SpSetQuery   *self,
                              GAsyncResult *result,
                              guint        *n_items,
                              GError      **error)
{
  SpSetOutcome outcome;

  g_return_val_if_fail (SP_IS_SET_QUERY (self), NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  _sp_shared_set_call_finish (self, result, sp_set_query_snapshot_async, &outcome, error);
  *n_items = outcome.size;

  return outcome.snapshot;
}

/**
 * sp_set_query_try_contains:
 * @self: a #SpSetQuery
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
sp_set_query_try_contains (SpSetQuery *self, const GValue *item, gboolean *contains, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SET_QUERY (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _sp_shared_set_call_try (self->set, SP_SET_OP_CONTAINS, item, &outcome, error);
  if (contains != NULL)
    *contains = outcome.flag;

  return ok;
}

/**
 * sp_set_query_contains_sync:
 * @self: a #SpSetQuery
 * @item: the item; converted to the set's item type if needed
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @contains: (out) (optional): whether the set holds the item
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetQuery.contains_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.contains_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_query_contains_sync (SpSetQuery   *self,
                            const GValue *item,
                            int           timeout_ms,
                            GCancellable *cancellable,
                            gboolean     *contains,
                            GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_QUERY, self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_CONTAINS, item, timeout_ms, cancellable,
                                 &outcome, G_STRFUNC, error);
  if (contains != NULL)
    *contains = outcome.flag;

  return ok;
}

/**
 * sp_set_query_size_sync:
 * @self: a #SpSetQuery
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @size: (out) (optional): the number of items
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetQuery.size_async], for worker
 * threads, as [method@Sharedpotato.SharedSet.size_sync] is: it blocks the
 * calling thread only, and is refused (a critical and
 * %SP_ERROR_WOULD_DEADLOCK) in the set's owner context.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_set_query_size_sync (SpSetQuery   *self,
                        int           timeout_ms,
                        GCancellable *cancellable,
                        guint        *size,
                        GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  SP_SET_CHECK_SYNC (SP_IS_SET_QUERY, self, timeout_ms, cancellable, error, FALSE);

  ok = _sp_shared_set_call_sync (self->set, SP_SET_OP_SIZE, NULL, timeout_ms, cancellable, &outcome,
                                 G_STRFUNC, error);
  if (size != NULL)
    *size = outcome.size;

  return ok;
}

/**
 * sp_set_query_snapshot_sync:
 * @self: a #SpSetQuery
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @n_items: (out): the number of items copied
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetQuery.snapshot_async], for worker
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
sp_set_query_snapshot_sync (SpSetQuery   *self,
                            int           timeout_ms,
                            GCancellable *cancellable,
                            guint        *n_items,
                            GError      **error)
{
  SpSetOutcome outcome;

  SP_SET_CHECK_SYNC (SP_IS_SET_QUERY, self, timeout_ms, cancellable, error, NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  _sp_shared_set_call_sync (self->set, SP_SET_OP_SNAPSHOT, NULL, timeout_ms, cancellable, &outcome,
                            G_STRFUNC, error);
  *n_items = outcome.size;

  return outcome.snapshot;
}
