/* sp-guard-private.h
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "sp-guard.h"
#include "sp-shared-object.h"

G_BEGIN_DECLS

/* Takes over a hold of @object in @mode that the caller already counted. */
SpGuard *_sp_guard_new             (SpSharedObject *object,
                                    SpLockMode      mode);
/* The exclusive hold an initializer run was given. */
SpGuard *_sp_guard_new_initializer (SpSharedObject *object);

G_END_DECLS
