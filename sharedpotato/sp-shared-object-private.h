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
void     _sp_shared_object_downgrade_hold (SpSharedObject *self);
/* Ends an initializer run: without a value, every get waiting for one
 * fails with @error (or NOT_INITIALIZED); then the write hold is released
 * or, with @downgrade, turned into a read hold. */
void     _sp_shared_object_end_initializer (SpSharedObject *self,
                                            const GError   *error,
                                            gboolean        downgrade);

G_END_DECLS
