/* sp-shared-object-private.h: what SpGuard needs from its object
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "sp-shared-object.h"

G_BEGIN_DECLS

/* Each of these takes the object's mutex itself; the caller holds the
 * lock in @mode (the guard's), not the mutex.
 */
void     _sp_shared_object_release_hold (SpSharedObject *self,
                                         SpLockMode      mode);
gboolean _sp_shared_object_read_value   (SpSharedObject *self,
                                         GValue         *value);
gboolean _sp_shared_object_has_value    (SpSharedObject *self);
gboolean _sp_shared_object_write_value  (SpSharedObject *self,
                                         const GValue   *value,
                                         GError        **error);
void     _sp_shared_object_write_clear  (SpSharedObject *self);

G_END_DECLS
