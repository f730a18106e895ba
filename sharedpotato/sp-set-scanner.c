/* sp-set-scanner.c: a capability view of a SpSharedSet
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

#include "sp-set-scanner.h"
#include "sp-shared-set-private.h"

/**
 * SpSetScanner:
 *
 * A view of a [class@Sharedpotato.SharedSet] that can only take snapshots of it, to iterate them.
 *
 * Get one with [method@Sharedpotato.SharedSet.get_scanner] and hand it to a
 * component that should have exactly these capabilities. The view keeps
 * its set alive, but offers no way back to it and no way to close it: its
 * callbacks receive the view as their source object. Calls follow the
 * set's conventions and errors; on a closed set they fail with
 * %G_IO_ERROR_CLOSED.
 *
 * Since: 1.0
 */

struct _SpSetScanner
{
  GObject      parent_instance;
  SpSharedSet *set;
};

static const char *
sp_set_scanner_view_get_name (SpView *view)
{
  return sp_shared_set_get_name (((SpSetScanner *) view)->set);
}

static gboolean
sp_set_scanner_view_is_closed (SpView *view)
{
  return sp_shared_set_is_closed (((SpSetScanner *) view)->set);
}

static void
sp_set_scanner_view_init (SpViewInterface *iface)
{
  iface->get_name = sp_set_scanner_view_get_name;
  iface->is_closed = sp_set_scanner_view_is_closed;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpSetScanner,
                               sp_set_scanner,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SP_TYPE_VIEW, sp_set_scanner_view_init))

SpSetScanner *
_sp_set_scanner_new (SpSharedSet *set)
{
  SpSetScanner *self = g_object_new (SP_TYPE_SET_SCANNER, NULL);

  self->set = g_object_ref (set);

  return self;
}

static void
sp_set_scanner_finalize (GObject *object)
{
  SpSetScanner *self = (SpSetScanner *) object;

  g_clear_object (&self->set);

  G_OBJECT_CLASS (sp_set_scanner_parent_class)->finalize (object);
}

static void
sp_set_scanner_class_init (SpSetScannerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sp_set_scanner_finalize;
}

static void
sp_set_scanner_init (SpSetScanner *self)
{
}

/**
 * sp_set_scanner_snapshot_async:
 * @self: a #SpSetScanner
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
sp_set_scanner_snapshot_async (SpSetScanner       *self,
                               int                 timeout_ms,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_return_if_fail (SP_IS_SET_SCANNER (self));
  g_return_if_fail (timeout_ms >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _sp_shared_set_call_async (self->set, self, SP_SET_OP_SNAPSHOT, NULL, timeout_ms, cancellable,
                             callback, user_data, sp_set_scanner_snapshot_async,
                             "sp_set_scanner_snapshot_async");
}

/**
 * sp_set_scanner_snapshot_finish:
 * @self: a #SpSetScanner
 * @result: the #GAsyncResult passed to the callback
 * @n_items: (out): the number of items copied
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SetScanner.snapshot_async].
 *
 * In C, free the copy with sp_set_snapshot_free().
 *
 * Returns: (transfer full) (array length=n_items) (nullable): a copy of
 *   every item, or %NULL with @error set
 *
 * Since: 1.0
 */
GValue *
sp_set_scanner_snapshot_finish (SpSetScanner *self,
                                GAsyncResult *result,
                                guint        *n_items,
                                GError      **error)
{
  SpSetOutcome outcome;

  g_return_val_if_fail (SP_IS_SET_SCANNER (self), NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  _sp_shared_set_call_finish (self, result, sp_set_scanner_snapshot_async, &outcome, error);
  *n_items = outcome.size;

  return outcome.snapshot;
}

/**
 * sp_set_scanner_snapshot_sync:
 * @self: a #SpSetScanner
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for the
 *   set's [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @n_items: (out): the number of items copied
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SetScanner.snapshot_async], for worker
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
sp_set_scanner_snapshot_sync (SpSetScanner *self,
                              int           timeout_ms,
                              GCancellable *cancellable,
                              guint        *n_items,
                              GError      **error)
{
  SpSetOutcome outcome;

  SP_SET_CHECK_SYNC (SP_IS_SET_SCANNER, self, timeout_ms, cancellable, error, NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  _sp_shared_set_call_sync (self->set, SP_SET_OP_SNAPSHOT, NULL, timeout_ms, cancellable, &outcome,
                            G_STRFUNC, error);
  *n_items = outcome.size;

  return outcome.snapshot;
}
