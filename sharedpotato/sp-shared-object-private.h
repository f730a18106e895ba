/* sp-shared-object-private.h: what SpGuard needs from its object
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "sp-shared-object.h"

G_BEGIN_DECLS

/* What a guard holds. A guard's hold changes only under its object's
 * mutex, in the same critical section as the lock state it stands for, so
 * a release racing a downgrade from another thread cannot count twice. */
typedef enum
{
  SP_HOLD_NONE,
  SP_HOLD_SHARED,
  SP_HOLD_EXCLUSIVE,
  SP_HOLD_INITIALIZER,   /* exclusive, given to an initializer run */
} SpHold;

/* Each of these takes the object's mutex itself. */

/* Gives the hold back. An initializer's hold ends the run: without a
 * value (or with @error), the gets waiting for it fail with @error or
 * NOT_INITIALIZED. Returns FALSE if *hold was already SP_HOLD_NONE. */
gboolean _sp_shared_object_end_hold     (SpSharedObject *self,
                                         int            *hold,
                                         gint64          acquired_at,
                                         const GError   *error);
/* Exclusive (or initializer) to shared. Returns the hold it found. */
SpHold   _sp_shared_object_downgrade_hold (SpSharedObject *self,
                                           int            *hold);
gboolean _sp_shared_object_read_value   (SpSharedObject *self,
                                         GValue         *value);
gboolean _sp_shared_object_has_value    (SpSharedObject *self);
gboolean _sp_shared_object_write_value  (SpSharedObject *self,
                                         const GValue   *value,
                                         GError        **error);
void     _sp_shared_object_write_clear  (SpSharedObject *self);

/* For the held-too-long warning; these need no mutex. */
int           _sp_shared_object_get_hold_warning_ms (SpSharedObject *self);
GMainContext *_sp_shared_object_get_owner_context   (SpSharedObject *self);
const char   *_sp_shared_object_get_display_name    (SpSharedObject *self);

G_END_DECLS
