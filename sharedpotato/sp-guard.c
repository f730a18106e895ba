/* sp-guard.c: a held lock on a SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

/* A guard is the hold itself: it is created only for a hold its object
 * has already counted (a granted lock_async, a successful try_lock, an
 * initializer run), and gives it back exactly once, on sp_guard_release()
 * or when its last reference goes, whichever comes first. `hold` changes
 * only under the object's mutex (see SpHold), so two threads racing to
 * release, or to release and downgrade, cannot both act on it; lock-free
 * readers use atomic loads.
 *
 * A refcounted boxed type, like GBytes or GMainContext, not a GObject:
 * one is created per lock, and a GObject's life cycle alone costs more
 * than taking the lock (see docs/performance.md).
 *
 * The held-too-long timer runs in the owner context while the guard may
 * be released and freed in any thread: it reaches the guard through an
 * SpHoldWarning whose `guard` pointer label_mutex guards, and which the
 * guard clears before it goes. The guard and the source's callback data
 * each hold a reference on the warning, so whichever goes last frees it,
 * even while the callback runs in another thread.
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
 * was never called, when the last reference to the guard is dropped
 * ([method@Sharedpotato.Guard.unref]), so `g_autoptr(SpGuard)` releases
 * at scope exit:
 *
 * ```c
 * g_autoptr(SpGuard) guard = sp_shared_object_lock_finish (object, result, &error);
 * if (guard == NULL)
 *   return;
 * sp_guard_set_value (guard, &new_value, &error);
 * ```
 *
 * A guard is a reference-counted boxed type (one is made for every lock,
 * so it is lighter than a #GObject). A guard returned by a call is
 * released when it is garbage-collected in Python and JavaScript, if it
 * was not released before; do not count on the collector, which may never
 * run (GJS 1.74 keeps the reference a callback receives): release guards
 * explicitly. An initializer's guard needs no more: the run ends when the
 * initializer returns %FALSE (see #SpInitializeFunc).
 *
 * Releasing a guard twice, or writing through a shared guard, is a
 * programmer error reported with a critical.
 *
 * Since: 1.0
 */

typedef struct _SpHoldWarning SpHoldWarning;

/* Catches a pointer to something else passed for a guard, as
 * G_TYPE_CHECK_INSTANCE_TYPE () did for the GObject it was: the value is
 * odd, so no aligned class pointer at the start of a GTypeInstance can
 * match it. Cleared at free, it may also catch a freed guard, but only
 * by chance: reading freed memory is undefined. */
#define SP_GUARD_MAGIC 0x53704775u /* "SpGu" */
#define SP_IS_GUARD(g) ((g) != NULL && (g)->magic == SP_GUARD_MAGIC)

struct _SpGuard
{
  guint32         magic;
  int             ref_count;
  SpSharedObject *object;      /* a reference */
  int             hold;        /* SpHold */
  int             mode;        /* SpLockMode, as last held */
  gint64          acquired_at; /* µs, monotonic; 0: not measured */
  /* Guarded by label_mutex. The default label is a string literal, not
   * copied: most guards are never labelled nor warned about. */
  const char    *static_label;
  char          *label;
  SpHoldWarning *warning; /* a reference, while the timer is armed */
  GSource       *warning_source;
  int            warned;
  guint8         counted; /* whether the stats count the hold's length */
};

/* An atomic reference-counted box shared by the guard and the timer
 * source's callback, which GLib may drop in another thread. */
struct _SpHoldWarning
{
  SpGuard *guard; /* label_mutex; NULL once the guard ended */
};

/* Labels are set by the holder and read by the warning timer in the owner
 * context; both are rare, so one lock for all guards is enough. */
static GMutex label_mutex;

G_DEFINE_BOXED_TYPE (SpGuard, sp_guard, sp_guard_ref, sp_guard_unref)

/* Each thread keeps the last guard it freed for the next one it makes,
 * so that a loop of try_lock and release allocates nothing: glibc's
 * malloc and free cost more than the rest of the pair. A thread's spare
 * is freed when it exits; the main thread's stays until the process does,
 * reachable. */
static _Thread_local SpGuard *spare_guard __attribute__ ((tls_model ("initial-exec")));
static _Thread_local gboolean spare_guard_registered __attribute__ ((tls_model ("initial-exec")));

static void
free_spare_guard (gpointer unused)
{
  g_clear_pointer (&spare_guard, g_free);
  /* A guard freed by a later destructor of this thread registers again. */
  spare_guard_registered = FALSE;
}

static GPrivate spare_guard_cleanup = G_PRIVATE_INIT (free_spare_guard);

/* Under AddressSanitizer every guard is freed for real, so that a guard
 * used after its last unref is reported instead of silently reused. */
#if defined(__SANITIZE_ADDRESS__)
# define SP_GUARD_KEEP_SPARE 0
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define SP_GUARD_KEEP_SPARE 0
# endif
#endif
#ifndef SP_GUARD_KEEP_SPARE
# define SP_GUARD_KEEP_SPARE 1
#endif

static SpGuard *
guard_alloc (void)
{
  SpGuard *guard = spare_guard;

  if (guard == NULL)
    return g_new (SpGuard, 1);
  spare_guard = NULL;
  return guard;
}

static void
guard_free (SpGuard *guard)
{
  if (!SP_GUARD_KEEP_SPARE || spare_guard != NULL)
    {
      g_free (guard);
      return;
    }
  if (G_UNLIKELY (!spare_guard_registered))
    {
      g_private_set (&spare_guard_cleanup, GINT_TO_POINTER (1));
      spare_guard_registered = TRUE;
    }
  spare_guard = guard;
}

static gboolean
sp_guard_warn_held_too_long (gpointer data)
{
  SpHoldWarning *warning = data;
  g_autoptr (SpSharedObject) object = NULL;
  g_autofree char *label = NULL;
  gint64           acquired_at;
  SpLockMode       mode;

  sp_mutex_lock (&label_mutex);
  if (warning->guard == NULL || sp_guard_is_released (warning->guard))
    {
      sp_mutex_unlock (&label_mutex);
      return G_SOURCE_REMOVE;
    }
  label = g_strdup (warning->guard->label != NULL ? warning->guard->label
                                                  : warning->guard->static_label);
  object = g_object_ref (warning->guard->object);
  acquired_at = warning->guard->acquired_at;
  mode = g_atomic_int_get (&warning->guard->mode);
  g_atomic_int_set (&warning->guard->warned, TRUE);
  sp_mutex_unlock (&label_mutex);

  /* Outside the mutex: a release in another thread may print its
   * "released after" message first, which is only the order of two log
   * lines. */
  g_warning ("Shared object “%s”: %s lock taken by %s held for %" G_GINT64_FORMAT " ms",
             _sp_shared_object_get_display_name (object),
             mode == SP_LOCK_MODE_EXCLUSIVE ? "exclusive" : "shared",
             label ? label : "(unlabelled)", (g_get_monotonic_time () - acquired_at) / 1000);

  return G_SOURCE_REMOVE;
}

static void
sp_guard_arm_warning (SpGuard *self, int after_ms)
{
  SpHoldWarning *warning = g_atomic_rc_box_new0 (SpHoldWarning);

  /* The timer must not keep the guard, and so the lock, alive: it sees
   * the guard only while the guard lets it. Set under the mutex the
   * callback reads it under: the guard's fields then reach the owner
   * thread through a lock ThreadSanitizer sees, not only through
   * g_source_attach()'s. */
  sp_mutex_lock (&label_mutex);
  warning->guard = self;
  sp_mutex_unlock (&label_mutex);
  self->warning = warning;
  self->warning_source = g_timeout_source_new (after_ms);
  g_source_set_static_name (self->warning_source, "[sharedpotato] hold warning");
  g_source_set_callback (self->warning_source, sp_guard_warn_held_too_long,
                         g_atomic_rc_box_acquire (warning), g_atomic_rc_box_release);
  g_source_attach (self->warning_source, _sp_shared_object_get_owner_context (self->object));
}

/* Once the guard has ended: the timer no longer sees it, and will not
 * run. */
static void
sp_guard_disarm_warning (SpGuard *self)
{
  SpHoldWarning *warning = g_steal_pointer (&self->warning);

  if (warning == NULL)
    return;

  sp_mutex_lock (&label_mutex);
  warning->guard = NULL;
  sp_mutex_unlock (&label_mutex);
  g_atomic_rc_box_release (warning);

  g_source_destroy (self->warning_source);
  g_clear_pointer (&self->warning_source, g_source_unref);
}

static SpGuard *
sp_guard_new_with_hold (SpSharedObject *object, SpLockMode mode, SpHold hold, const char *label)
{
  SpGuard *self = guard_alloc ();
  int      warning_ms;
  gboolean counted;

  *self = (SpGuard){
    .magic = SP_GUARD_MAGIC,
    .ref_count = 1,
    .object = g_object_ref (object),
    .mode = mode,
    .hold = hold,
    .acquired_at = _sp_shared_object_hold_started_at (object, &warning_ms, &counted),
    .static_label = label,
  };
  self->counted = counted;

  /* Last: from here on the timer may read the guard. */
  if (warning_ms > 0)
    sp_guard_arm_warning (self, warning_ms);

  return self;
}

SpGuard *
_sp_guard_new (SpSharedObject *object, SpLockMode mode, const char *label)
{
  return sp_guard_new_with_hold (
      object, mode, mode == SP_LOCK_MODE_EXCLUSIVE ? SP_HOLD_EXCLUSIVE : SP_HOLD_SHARED, label);
}

/* Gives the hold back, once; says so if it had been held too long. */
static gboolean
sp_guard_end (SpGuard *self, const GError *error)
{
  g_autofree char *label = NULL;

  if (_sp_shared_object_is_tracing (self->object))
    {
      sp_mutex_lock (&label_mutex);
      label = g_strdup (self->label != NULL ? self->label : self->static_label);
      sp_mutex_unlock (&label_mutex);
    }

  if (!_sp_shared_object_end_hold (self->object, &self->hold, self->acquired_at, self->counted,
                                   error, label))
    return FALSE;

  /* Only the one call that ended the hold gets here. */
  if (self->warning != NULL)
    sp_guard_disarm_warning (self);

  if (g_atomic_int_get (&self->warned))
    g_message ("Shared object “%s”: lock held too long was released after %" G_GINT64_FORMAT " ms",
               _sp_shared_object_get_display_name (self->object),
               (g_get_monotonic_time () - self->acquired_at) / 1000);

  return TRUE;
}

SpGuard *
_sp_guard_new_initializer (SpSharedObject *object)
{
  return sp_guard_new_with_hold (object, SP_LOCK_MODE_EXCLUSIVE, SP_HOLD_INITIALIZER,
                                 "the initializer");
}

void
_sp_guard_end_initializer_run (SpGuard *self)
{
  sp_guard_end (self, NULL);
}

/**
 * sp_guard_ref:
 * @self: a #SpGuard
 *
 * Takes a reference on @self. The lock is held until
 * [method@Sharedpotato.Guard.release], or until the last reference is
 * dropped.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
SpGuard *
sp_guard_ref (SpGuard *self)
{
  g_return_val_if_fail (SP_IS_GUARD (self), NULL);
  g_return_val_if_fail (g_atomic_int_get (&self->ref_count) > 0, NULL);

  g_atomic_int_inc (&self->ref_count);

  return self;
}

/**
 * sp_guard_unref:
 * @self: (transfer full): a #SpGuard
 *
 * Drops a reference on @self. Dropping the last one releases the lock if
 * [method@Sharedpotato.Guard.release] was not called.
 *
 * Since: 1.0
 */
void
sp_guard_unref (SpGuard *self)
{
  g_return_if_fail (SP_IS_GUARD (self));
  g_return_if_fail (g_atomic_int_get (&self->ref_count) > 0);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  /* The last reference: nobody else can release it now. */
  if (g_atomic_int_get (&self->hold) != SP_HOLD_NONE)
    sp_guard_end (self, NULL);
  if (self->warning != NULL)
    sp_guard_disarm_warning (self);

  g_object_unref (self->object);
  g_free (self->label);
  self->magic = 0;
  guard_free (self);
}

static gboolean
sp_guard_check_held (SpGuard *self, const char *function)
{
  if (g_atomic_int_get (&self->hold) == SP_HOLD_NONE)
    {
      g_critical ("%s: guard %p was already released", function, self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
sp_guard_check_writable (SpGuard *self, const char *function)
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
sp_guard_set_label (SpGuard *self, const char *label)
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
sp_guard_get_value (SpGuard *self, GValue *value)
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
sp_guard_set_value (SpGuard *self, const GValue *value, GError **error)
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
sp_guard_release_with_error (SpGuard *self, const GError *error)
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
