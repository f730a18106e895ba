/* sp-guard.c: a held lock on a SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

/* A guard is the hold itself: it is created only for a hold its object
 * has already counted (a granted lock_async, a successful try_lock, an
 * initializer run), and gives it back exactly once, on sp_guard_release()
 * or on dispose, whichever comes first. `hold` changes only under the
 * object's mutex (see SpHold), so two threads racing to release, or to
 * release and downgrade, cannot both act on it; lock-free readers use
 * atomic loads.
 */

#include "config.h"

#include "sp-guard-private.h"
#include "sp-mutex-private.h"
#include "sp-shared-object-private.h"

/**
 * SpGuard:
 *
 * A lock held on a [class@Sharedpotato.SharedObject], returned by
 * [method@Sharedpotato.SharedObject.lock_finish] and
 * [method@Sharedpotato.SharedObject.try_lock].
 *
 * While the guard is held, its accessors read (and, for an exclusive
 * guard, write) the value without waiting: the holder already has the
 * lock. An exclusive guard may hold the lock across asynchronous work,
 * set the value several times, and release it when done; readers queued
 * behind it see only the final value.
 *
 * The lock is released by [method@Sharedpotato.Guard.release] or, if that
 * was never called, when the last reference to the guard is dropped, so
 * `g_autoptr(SpGuard)` releases at scope exit:
 *
 * ```c
 * g_autoptr(SpGuard) guard = sp_shared_object_lock_finish (object, result, &error);
 * if (guard == NULL)
 *   return;
 * sp_guard_set_value (guard, &new_value, &error);
 * ```
 *
 * Releasing a guard twice, or writing through a shared guard, is a
 * programmer error reported with a critical.
 *
 * Since: 1.0
 */

struct _SpGuard
{
  GObject         parent_instance;
  SpSharedObject *object;
  int             hold;        /* SpHold */
  int             mode;        /* SpLockMode, as last held */
  gint64          acquired_at; /* µs, monotonic */
  /* Guarded by label_mutex. The default label is a string literal, not
   * copied: most guards are never labelled nor warned about. */
  const char     *static_label;
  char           *label;
  GSource        *warning;     /* the held-too-long timer, if any */
  int             warned;
};

/* Labels are set by the holder and read by the warning timer in the owner
 * context; both are rare, so one lock for all guards is enough. */
static GMutex label_mutex;

G_DEFINE_FINAL_TYPE (SpGuard, sp_guard, G_TYPE_OBJECT)

static gboolean
sp_guard_warn_held_too_long (gpointer data)
{
  g_autoptr(SpGuard) self = g_weak_ref_get (data);
  g_autofree char *label = NULL;

  if (self == NULL || sp_guard_is_released (self))
    return G_SOURCE_REMOVE;

  sp_mutex_lock (&label_mutex);
  label = g_strdup (self->label != NULL ? self->label : self->static_label);
  sp_mutex_unlock (&label_mutex);

  g_atomic_int_set (&self->warned, TRUE);
  g_warning ("Shared object “%s”: %s lock taken by %s held for %" G_GINT64_FORMAT " ms",
             _sp_shared_object_get_display_name (self->object),
             sp_guard_get_mode (self) == SP_LOCK_MODE_EXCLUSIVE ? "exclusive" : "shared",
             label ? label : "(unlabelled)",
             (g_get_monotonic_time () - self->acquired_at) / 1000);

  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
sp_guard_arm_warning (SpGuard *self,
                      int      after_ms)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  /* A weak reference: the timer must not keep the guard, and so the
   * lock, alive. */
  g_weak_ref_init (ref, self);
  self->warning = g_timeout_source_new (after_ms);
  g_source_set_static_name (self->warning, "[sharedpotato] hold warning");
  g_source_set_callback (self->warning, sp_guard_warn_held_too_long, ref, weak_ref_free);
  g_source_attach (self->warning, _sp_shared_object_get_owner_context (self->object));
}

SpGuard *
_sp_guard_new (SpSharedObject *object,
               SpLockMode      mode,
               const char     *label)
{
  SpGuard *self = g_object_new (SP_TYPE_GUARD, NULL);
  int warning_ms = _sp_shared_object_get_hold_warning_ms (object);

  self->object = g_object_ref (object);
  self->mode = mode;
  self->hold = mode == SP_LOCK_MODE_EXCLUSIVE ? SP_HOLD_EXCLUSIVE : SP_HOLD_SHARED;
  self->acquired_at = g_get_monotonic_time ();
  self->static_label = label;

  if (warning_ms > 0)
    sp_guard_arm_warning (self, warning_ms);

  return self;
}

/* Gives the hold back, once; says so if it had been held too long. */
static gboolean
sp_guard_end (SpGuard      *self,
              const GError *error)
{
  if (!_sp_shared_object_end_hold (self->object, &self->hold, self->acquired_at, error))
    return FALSE;

  if (self->warning != NULL)
    g_source_destroy (self->warning);

  if (g_atomic_int_get (&self->warned))
    g_message ("Shared object “%s”: lock held too long was released after %" G_GINT64_FORMAT " ms",
               _sp_shared_object_get_display_name (self->object),
               (g_get_monotonic_time () - self->acquired_at) / 1000);

  return TRUE;
}

SpGuard *
_sp_guard_new_initializer (SpSharedObject *object)
{
  SpGuard *self = _sp_guard_new (object, SP_LOCK_MODE_EXCLUSIVE, "the initializer");

  self->hold = SP_HOLD_INITIALIZER;

  return self;
}

static void
sp_guard_dispose (GObject *object)
{
  SpGuard *self = (SpGuard *) object;

  if (self->object != NULL)
    sp_guard_end (self, NULL);

  G_OBJECT_CLASS (sp_guard_parent_class)->dispose (object);
}

static void
sp_guard_finalize (GObject *object)
{
  SpGuard *self = (SpGuard *) object;

  g_clear_object (&self->object);
  g_clear_pointer (&self->warning, g_source_unref);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (sp_guard_parent_class)->finalize (object);
}

static void
sp_guard_class_init (SpGuardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_guard_dispose;
  object_class->finalize = sp_guard_finalize;
}

static void
sp_guard_init (SpGuard *self)
{
}

static gboolean
sp_guard_check_held (SpGuard    *self,
                     const char *function)
{
  if (self->object == NULL)
    {
      g_critical ("%s: guard %p holds no lock (it was not returned by sharedpotato)",
                  function, self);
      return FALSE;
    }

  if (g_atomic_int_get (&self->hold) == SP_HOLD_NONE)
    {
      g_critical ("%s: guard %p was already released", function, self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
sp_guard_check_writable (SpGuard    *self,
                         const char *function)
{
  if (!sp_guard_check_held (self, function))
    return FALSE;

  if (g_atomic_int_get (&self->hold) == SP_HOLD_SHARED)
    {
      g_critical ("%s: guard %p holds a shared lock, which cannot write", function, self);
      return FALSE;
    }

  return TRUE;
}

/**
 * sp_guard_get_mode:
 * @self: a #SpGuard
 *
 * Gets the mode the lock is held in.
 *
 * Returns: the lock mode
 *
 * Since: 1.0
 */
SpLockMode
sp_guard_get_mode (SpGuard *self)
{
  g_return_val_if_fail (SP_IS_GUARD (self), SP_LOCK_MODE_SHARED);

  return g_atomic_int_get (&self->mode);
}

/**
 * sp_guard_is_released:
 * @self: a #SpGuard
 *
 * Tells whether [method@Sharedpotato.Guard.release] was called.
 *
 * Returns: %TRUE if the guard no longer holds the lock
 *
 * Since: 1.0
 */
gboolean
sp_guard_is_released (SpGuard *self)
{
  g_return_val_if_fail (SP_IS_GUARD (self), TRUE);

  return g_atomic_int_get (&self->hold) == SP_HOLD_NONE;
}

/**
 * sp_guard_set_label:
 * @self: a #SpGuard
 * @label: (nullable): where the lock was taken, for example the name of
 *   the operation holding it
 *
 * Names the holder in the warning that
 * [property@Sharedpotato.SharedObject:hold-warning-ms] produces for a
 * guard held too long. By default the label is the name of the call that
 * granted the lock (`sp_shared_object_lock_async`,
 * `sp_shared_object_try_lock`, ...).
 *
 * Since: 1.0
 */
void
sp_guard_set_label (SpGuard    *self,
                    const char *label)
{
  char *old;

  g_return_if_fail (SP_IS_GUARD (self));

  sp_mutex_lock (&label_mutex);
  old = self->label;
  self->label = g_strdup (label);
  self->static_label = NULL;
  sp_mutex_unlock (&label_mutex);
  g_free (old);
}

/**
 * sp_guard_is_initialized:
 * @self: a #SpGuard that still holds its lock
 *
 * Tells whether the object holds a value. While the guard is held, only
 * its holder (for an exclusive guard) can change that.
 *
 * Returns: %TRUE if the object holds a value
 *
 * Since: 1.0
 */
gboolean
sp_guard_is_initialized (SpGuard *self)
{
  g_return_val_if_fail (SP_IS_GUARD (self), FALSE);

  if (!sp_guard_check_held (self, G_STRFUNC))
    return FALSE;

  return _sp_shared_object_has_value (self->object);
}

/**
 * sp_guard_get_value:
 * @self: a #SpGuard that still holds its lock
 * @value: (out caller-allocates) (optional): an empty #GValue that receives
 *   a copy of the value, or the zero of the value type if the object
 *   holds none
 *
 * Reads the value without waiting.
 *
 * Returns: %TRUE if the object holds a value and @value was set
 *
 * Since: 1.0
 */
gboolean
sp_guard_get_value (SpGuard *self,
                    GValue  *value)
{
  g_return_val_if_fail (SP_IS_GUARD (self), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  if (!sp_guard_check_held (self, G_STRFUNC))
    return FALSE;

  return _sp_shared_object_read_value (self->object, value);
}

/**
 * sp_guard_set_value:
 * @self: an exclusive #SpGuard that still holds its lock
 * @value: the value to store
 * @error: return location for a #GError
 *
 * Stores a copy of @value, converted to the object's
 * [property@Sharedpotato.SharedObject:value-type] if needed.
 * [signal@Sharedpotato.SharedObject::changed] is emitted for it; gets
 * waiting for a value receive it when the guard is released.
 *
 * Returns: %TRUE if stored; %FALSE with
 *   %G_IO_ERROR_INVALID_ARGUMENT if @value cannot be
 *   converted, in which case nothing changed
 *
 * Since: 1.0
 */
gboolean
sp_guard_set_value (SpGuard       *self,
                    const GValue  *value,
                    GError       **error)
{
  g_return_val_if_fail (SP_IS_GUARD (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sp_guard_check_writable (self, G_STRFUNC))
    return FALSE;

  return _sp_shared_object_write_value (self->object, value, error);
}

/**
 * sp_guard_clear:
 * @self: an exclusive #SpGuard that still holds its lock
 *
 * Returns the object to its default value, or to uninitialized if it has
 * none.
 *
 * Since: 1.0
 */
void
sp_guard_clear (SpGuard *self)
{
  g_return_if_fail (SP_IS_GUARD (self));

  if (!sp_guard_check_writable (self, G_STRFUNC))
    return;

  _sp_shared_object_write_clear (self->object);
}

/**
 * sp_guard_release:
 * @self: a #SpGuard that still holds its lock
 *
 * Releases the lock; the next waiters in the queue are granted. The guard
 * can no longer read or write. Dropping the last reference releases it
 * too; calling this twice is a programmer error.
 *
 * Since: 1.0
 */
void
sp_guard_release (SpGuard *self)
{
  g_return_if_fail (SP_IS_GUARD (self));

  if (!sp_guard_check_held (self, G_STRFUNC))
    return;

  if (!sp_guard_end (self, NULL))
    g_critical ("%s: guard %p was already released", G_STRFUNC, self);
}

/**
 * sp_guard_release_with_error:
 * @self: the #SpGuard an initializer was given, still held
 * @error: why the initialization failed
 *
 * Ends an initializer run that failed: releases the lock, and every
 * [method@Sharedpotato.SharedObject.get_async] that was waiting for the
 * initialization fails with a copy of @error. The next get starts the
 * initializer again. See
 * [method@Sharedpotato.SharedObject.set_initializer].
 *
 * Calling this on any other guard is a programmer error.
 *
 * Since: 1.0
 */
void
sp_guard_release_with_error (SpGuard      *self,
                             const GError *error)
{
  g_return_if_fail (SP_IS_GUARD (self));
  g_return_if_fail (error != NULL);

  if (!sp_guard_check_held (self, G_STRFUNC))
    return;

  if (g_atomic_int_get (&self->hold) != SP_HOLD_INITIALIZER)
    {
      g_critical ("%s: guard %p was not given to an initializer", G_STRFUNC, self);
      return;
    }

  if (!sp_guard_end (self, error))
    g_critical ("%s: guard %p was already released", G_STRFUNC, self);
}

/**
 * sp_guard_downgrade:
 * @self: an exclusive #SpGuard that still holds its lock
 *
 * Turns the exclusive lock into a shared one atomically: readers at the
 * head of the queue are granted at once, while no writer can take the
 * lock in between. The guard then reads like any shared guard and is
 * released as usual.
 *
 * Downgrading an initializer's guard ends the initialization, as a release
 * would: waiting gets receive the value, or fail if none was set.
 *
 * Since: 1.0
 */
void
sp_guard_downgrade (SpGuard *self)
{
  g_return_if_fail (SP_IS_GUARD (self));

  if (!sp_guard_check_writable (self, G_STRFUNC))
    return;

  switch (_sp_shared_object_downgrade_hold (self->object, &self->hold))
    {
    case SP_HOLD_EXCLUSIVE:
    case SP_HOLD_INITIALIZER:
      g_atomic_int_set (&self->mode, SP_LOCK_MODE_SHARED);
      break;
    case SP_HOLD_SHARED:
      g_critical ("%s: guard %p holds a shared lock already", G_STRFUNC, self);
      break;
    case SP_HOLD_NONE:
    default:
      g_critical ("%s: guard %p was already released", G_STRFUNC, self);
      break;
    }
}
