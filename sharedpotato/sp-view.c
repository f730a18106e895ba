/* sp-view.c: what every capability view offers
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view.h"

/**
 * SpView:
 *
 * What every capability view offers, whatever it views: the name of the
 * shared instance behind it and whether that instance is closed.
 *
 * The views are [class@Sharedpotato.Getter], [class@Sharedpotato.Setter],
 * [class@Sharedpotato.Deleter] and [class@Sharedpotato.Updater] of a
 * [class@Sharedpotato.SharedObject]; [class@Sharedpotato.QueueProducer]
 * and [class@Sharedpotato.QueueConsumer] of a
 * [class@Sharedpotato.SharedQueue]; [class@Sharedpotato.SetQuery],
 * [class@Sharedpotato.SetSetter], [class@Sharedpotato.SetDeleter],
 * [class@Sharedpotato.SetUpdater] and [class@Sharedpotato.SetScanner] of a
 * [class@Sharedpotato.SharedSet]. Beyond this interface, the rule for
 * what a view offers is:
 *
 * - every view that can read offers the reads that never wait (`peek`
 *   and `try_get` for an object, `peek` for a queue consumer,
 *   `try_contains` for a set) along with its asynchronous reads;
 * - every call of a type that has a blocking `_sync` twin has it on the
 *   view too, refused in the owner context as the type's own is.
 *
 * A view keeps its instance alive but gives no way back to it, nor a way
 * to close it.
 *
 * Since: 1.0
 */

G_DEFINE_INTERFACE (SpView, sp_view, G_TYPE_OBJECT)

static void
sp_view_default_init (SpViewInterface *iface)
{
}

/**
 * sp_view_get_name:
 * @self: a #SpView
 *
 * Gets the name of the shared object, queue or set behind the view.
 *
 * Returns: (nullable): its name, or %NULL if it has none
 *
 * Since: 1.0
 */
const char *
sp_view_get_name (SpView *self)
{
  g_return_val_if_fail (SP_IS_VIEW (self), NULL);

  return SP_VIEW_GET_IFACE (self)->get_name (self);
}

/**
 * sp_view_is_closed:
 * @self: a #SpView
 *
 * Tells whether the shared object, queue or set behind the view is
 * closed (or closing): its calls then fail with %G_IO_ERROR_CLOSED.
 *
 * Returns: %TRUE once a close began
 *
 * Since: 1.0
 */
gboolean
sp_view_is_closed (SpView *self)
{
  g_return_val_if_fail (SP_IS_VIEW (self), TRUE);

  return SP_VIEW_GET_IFACE (self)->is_closed (self);
}
