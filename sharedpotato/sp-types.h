/* sp-types.h: enumerations shared by the sharedpotato types
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <glib-object.h>

#include "sp-version-macros.h"

G_BEGIN_DECLS

/**
 * SpLockMode:
 * @SP_LOCK_MODE_SHARED: a read lock; any number of shared holders may
 *   hold the lock together
 * @SP_LOCK_MODE_EXCLUSIVE: a write lock; an exclusive holder holds the
 *   lock alone
 *
 * How [method@Sharedpotato.SharedObject.lock_async] and
 * [method@Sharedpotato.SharedObject.try_lock] take the lock.
 *
 * Since: 1.0
 */
typedef enum
{
  SP_LOCK_MODE_SHARED,
  SP_LOCK_MODE_EXCLUSIVE,
} SpLockMode;

G_END_DECLS
