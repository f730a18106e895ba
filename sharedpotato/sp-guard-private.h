/* sp-guard-private.h
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "sp-guard.h"
#include "sp-shared-object.h"

G_BEGIN_DECLS

/* Takes over a hold of @object in @mode that the caller already counted. */
/* @label says where the lock was taken (a GTask name): see
 * sp_guard_set_label(). It must be a string literal: it is not copied. */
SpGuard *_sp_guard_new (SpSharedObject *object, SpLockMode mode, const char *label);
/* The exclusive hold an initializer run was given. */
SpGuard *_sp_guard_new_initializer (SpSharedObject *object);
/* After an initializer returned FALSE: ends its run if the guard still
 * holds the lock, as a release would. */
void _sp_guard_end_initializer_run (SpGuard *self);

G_END_DECLS
