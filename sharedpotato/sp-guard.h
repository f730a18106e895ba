/* sp-guard.h: a held lock on a SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <glib-object.h>

#include "sp-types.h"
#include "sp-version-macros.h"

G_BEGIN_DECLS

#define SP_TYPE_GUARD (sp_guard_get_type ())

typedef struct _SpGuard SpGuard;

SP_AVAILABLE_IN_ALL
GType sp_guard_get_type (void) G_GNUC_CONST;
SP_AVAILABLE_IN_ALL
SpGuard *sp_guard_ref (SpGuard *self);
SP_AVAILABLE_IN_ALL
void sp_guard_unref (SpGuard *self);

SP_AVAILABLE_IN_ALL
SpLockMode sp_guard_get_mode (SpGuard *self);
SP_AVAILABLE_IN_ALL
gboolean sp_guard_is_released (SpGuard *self);
SP_AVAILABLE_IN_ALL
void sp_guard_set_label (SpGuard *self, const char *label);
SP_AVAILABLE_IN_ALL
gboolean sp_guard_is_initialized (SpGuard *self);
SP_AVAILABLE_IN_ALL
gboolean sp_guard_get_value (SpGuard *self, GValue *value);
SP_AVAILABLE_IN_ALL
gboolean sp_guard_set_value (SpGuard *self, const GValue *value, GError **error);
SP_AVAILABLE_IN_ALL
void sp_guard_clear (SpGuard *self);
SP_AVAILABLE_IN_ALL
void sp_guard_downgrade (SpGuard *self);
SP_AVAILABLE_IN_ALL
void sp_guard_release (SpGuard *self);
SP_AVAILABLE_IN_ALL
void sp_guard_release_with_error (SpGuard *self, const GError *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpGuard, sp_guard_unref)

G_END_DECLS
