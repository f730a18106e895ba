/* sp-types.c
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-types.h"

G_DEFINE_QUARK (sp-error-quark, sp_error)
