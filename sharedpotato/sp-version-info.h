/* sp-version-info.h: the version of sharedpotato loaded at run time
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include "sp-version-macros.h"

G_BEGIN_DECLS

SP_AVAILABLE_IN_ALL
guint sp_get_major_version (void);
SP_AVAILABLE_IN_ALL
guint sp_get_minor_version (void);
SP_AVAILABLE_IN_ALL
guint sp_get_micro_version (void);
SP_AVAILABLE_IN_ALL
const char *sp_check_version (guint required_major, guint required_minor, guint required_micro);

G_END_DECLS
