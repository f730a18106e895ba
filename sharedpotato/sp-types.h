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

/**
 * SpQueueCloseFlags:
 * @SP_QUEUE_CLOSE_NONE: pops go on taking the items left, then fail with
 *   %G_IO_ERROR_CLOSED
 * @SP_QUEUE_CLOSE_DROP_ITEMS: the items left are dropped at once, each
 *   announced by [signal@Sharedpotato.SharedQueue::item-dropped]
 *
 * How [method@Sharedpotato.SharedQueue.close_async] treats the items left
 * in the queue.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/
{
  SP_QUEUE_CLOSE_NONE = 0,
  SP_QUEUE_CLOSE_DROP_ITEMS = 1 << 0,
} SpQueueCloseFlags;

/**
 * SP_ERROR:
 *
 * The error domain of sharedpotato, for the cases
 * [error@Gio.IOErrorEnum] has no code for. Errors in this domain are from
 * the [error@Sharedpotato.Error] enumeration.
 *
 * Since: 1.0
 */
#define SP_ERROR (sp_error_quark ())

/**
 * SpError:
 * @SP_ERROR_FAILED: a failure with no more specific code
 * @SP_ERROR_NOT_INITIALIZED: a lazy initializer finished without setting
 *   a value and without reporting an error of its own
 * @SP_ERROR_WOULD_DEADLOCK: a blocking (`_sync`) call was refused because
 *   it was made from the owner context, which it would have stopped
 *
 * Errors of the [error@Sharedpotato.Error] domain.
 *
 * Since: 1.0
 */
typedef enum
{
  SP_ERROR_FAILED,
  SP_ERROR_NOT_INITIALIZED,
  SP_ERROR_WOULD_DEADLOCK,
} SpError;

SP_AVAILABLE_IN_ALL
GQuark sp_error_quark (void);

G_END_DECLS
