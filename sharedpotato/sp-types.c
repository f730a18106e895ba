/* sp-types.c
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-types.h"

/**
 * sp_error_quark:
 *
 * The error domain of sharedpotato, [error@Sharedpotato.Error].
 *
 * Returns: the quark of the domain
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (sp-error-quark, sp_error)
