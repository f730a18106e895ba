/* sp-set-item.h: one item of a SpSharedSet, as a list model shows it
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

#define SP_TYPE_SET_ITEM (sp_set_item_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSetItem, sp_set_item, SP, SET_ITEM, GObject)

SP_AVAILABLE_IN_ALL
void sp_set_item_get_value (SpSetItem *self, GValue *value);
SP_AVAILABLE_IN_ALL
const char *sp_set_item_get_string (SpSetItem *self);

G_END_DECLS
