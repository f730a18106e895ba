/* sp-set-item-private.h: building a SpSetItem
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <string.h>

#include "sp-set-item.h"

G_BEGIN_DECLS

/* Takes @value, leaving it empty. */
SpSetItem *_sp_set_item_new_take (GValue *value);

G_END_DECLS
