/* sp-view.h: what every capability view offers
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <glib-object.h>

#include "sp-version-macros.h"

G_BEGIN_DECLS

#define SP_TYPE_VIEW (sp_view_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (SpView, sp_view, SP, VIEW, GObject)

/**
 * SpViewInterface:
 *
 * The interface every capability view implements. Only sharedpotato's
 * own views implement it.
 *
 * Since: 1.0
 */
struct _SpViewInterface
{
  /*< private >*/
  GTypeInterface g_iface;

  const char *(*get_name) (SpView *self);
  gboolean (*is_closed) (SpView *self);
};

SP_AVAILABLE_IN_ALL
const char *sp_view_get_name (SpView *self);
SP_AVAILABLE_IN_ALL
gboolean sp_view_is_closed (SpView *self);

G_END_DECLS
