/* sp-lifecycle.c: what every shared type has in common
 *
 * SPDX-License-Identifier: MIT
 */

/* The protocol is in sp-lifecycle-private.h, next to the states. */

#include "config.h"

#include "sp-lifecycle-private.h"
#include "sp-mutex-private.h"
#include "sp-trace-private.h"

void
sp_lifecycle_init (SpLifecycle *life)
{
  life->owner_context = g_main_context_ref_thread_default ();
  life->owner_dispatcher = sp_dispatcher_get_for_context (life->owner_context);
  life->owner_thread = g_thread_ref (g_thread_self ());
#ifdef SP_ENABLE_TRACING
  life->trace = sp_trace_wanted ();
#endif
}

void
sp_lifecycle_clear (SpLifecycle *life)
{
  g_assert (life->close_waiters == NULL || life->close_waiters->length == 0);

  g_clear_pointer (&life->close_waiters, g_queue_free);
  g_clear_pointer (&life->stats, g_free);
  g_clear_pointer (&life->name, g_free);
  g_clear_pointer (&life->owner_context, g_main_context_unref);
  g_clear_pointer (&life->owner_thread, g_thread_unref);
}

/* Not G_DEFINE_QUARK, whose cache is a plain static (see sp_error_quark). */
static GQuark
sp_public_names_quark (void)
{
  static int quark;
  GQuark     q = (GQuark) g_atomic_int_get (&quark);

  if (G_UNLIKELY (q == 0))
    {
      q = g_quark_from_static_string ("sp-public-names");
      g_atomic_int_set (&quark, (int) q);
    }

  return q;
}

void
sp_set_public_names (gpointer owner, const SpPublicNames *names)
{
  g_object_set_qdata (owner, sp_public_names_quark (), (gpointer) names);
}

const char *
sp_public_type_name (gpointer owner)
{
  const SpPublicNames *names = g_object_get_qdata (owner, sp_public_names_quark ());

  return names != NULL ? names->type_name : G_OBJECT_TYPE_NAME (owner);
}

const char *
sp_public_kind (gpointer owner, const char *own_kind)
{
  const SpPublicNames *names = g_object_get_qdata (owner, sp_public_names_quark ());

  return names != NULL ? names->kind : own_kind;
}

const char *
sp_lifecycle_display_name (SpLifecycle *life, gpointer owner)
{
  return life->name != NULL ? life->name : sp_public_type_name (owner);
}

gboolean
sp_lifecycle_set_default_timeout (SpLifecycle *life, int timeout_ms)
{
  return g_atomic_int_exchange (&life->default_timeout, timeout_ms) != timeout_ms;
}

SpStats *
sp_lifecycle_copy_stats_locked (SpLifecycle *life)
{
  return life->stats != NULL ? sp_stats_copy (life->stats) : g_new0 (SpStats, 1);
}

gboolean
sp_lifecycle_begin_close_locked (SpLifecycle *life)
{
  if (life->close_state != SP_CLOSE_OPEN)
    return FALSE;

  life->close_state = SP_CLOSE_CLOSING;
  return TRUE;
}

gboolean
sp_lifecycle_holders_gone_locked (SpLifecycle *life)
{
  if (life->close_state != SP_CLOSE_CLOSING)
    return FALSE;

  life->close_state = SP_CLOSE_EMITTING;
  return TRUE;
}

static void
maybe_complete_close_locked (SpLifecycle *life)
{
  SpWaiter *waiter;

  if (life->close_state != SP_CLOSE_HOLDING || life->close_holds > 0)
    return;

  life->close_state = SP_CLOSE_CLOSED;
  if (life->close_waiters == NULL)
    return;
  while ((waiter = sp_waiter_pop_locked (life->close_waiters)))
    sp_waiter_complete_locked (waiter);
}

void
sp_lifecycle_closed_emitted (SpLifecycle *life, GMutex *mutex)
{
  sp_mutex_lock (mutex);
  g_assert (life->close_state == SP_CLOSE_EMITTING);
  life->close_state = SP_CLOSE_HOLDING;
  maybe_complete_close_locked (life);
  sp_mutex_unlock (mutex);
}

void
sp_lifecycle_enter_close_locked (SpLifecycle *life, SpWaiter *waiter)
{
  /* A close cancelled before it was made still closes, as GIO's streams
   * do (the caller began it); only the call reports the cancellation. */
  if (waiter->error != NULL || life->close_state == SP_CLOSE_CLOSED)
    sp_waiter_complete_locked (waiter);
  else
    {
      if (life->close_waiters == NULL)
        life->close_waiters = g_queue_new ();
      sp_waiter_wait_locked (waiter, life->close_waiters);
    }
}

void
sp_lifecycle_hold_close (SpLifecycle *life,
                         GObject     *owner,
                         GMutex      *mutex,
                         const char  *kind,
                         const char  *function)
{
  gboolean completed;

  sp_mutex_lock (mutex);
  completed = life->close_state == SP_CLOSE_CLOSED;
  if (!completed)
    life->close_holds++;
  sp_mutex_unlock (mutex);

  if (completed)
    {
      g_critical ("%s: %s “%s” has already finished closing", function, kind,
                  sp_lifecycle_display_name (life, owner));
      return;
    }

  /* Whoever will release it needs the owner alive until then: a handler
   * of a close by the last reference has no reference of its own. */
  g_object_ref (owner);
}

gboolean
sp_lifecycle_release_close (SpLifecycle *life,
                            GObject     *owner,
                            GMutex      *mutex,
                            const char  *kind,
                            const char  *function)
{
  gboolean held;

  sp_mutex_lock (mutex);
  held = life->close_holds > 0;
  if (held)
    {
      life->close_holds--;
      maybe_complete_close_locked (life);
    }
  sp_mutex_unlock (mutex);

  if (!held)
    {
      g_critical ("%s: %s “%s” has no close hold to release", function, kind,
                  sp_lifecycle_display_name (life, owner));
      return FALSE;
    }

  g_object_unref (owner);
  return TRUE;
}

gboolean
sp_lifecycle_dispose_should_close_locked (SpLifecycle *life,
                                          GObject     *owner,
                                          guint        closed_signal,
                                          guint        other_signal)
{
  static guint notify_signal; /* atomic: any thread may drop a reference */
  guint        notify_id = g_atomic_int_get (&notify_signal);
  gboolean     observed;

  if (life->close_state != SP_CLOSE_OPEN || life->owner_dispatcher == NULL)
    return FALSE;

  if (G_UNLIKELY (notify_id == 0))
    {
      notify_id = g_signal_lookup ("notify", G_TYPE_OBJECT);
      g_atomic_int_set (&notify_signal, notify_id);
    }

  /* GObject's signal lock, taken inside the owner's mutex: see the lock
   * order in HACKING.md. No signal is emitted from under it. */
  observed = life->close_holds > 0 ||
             g_signal_has_handler_pending (owner, closed_signal, 0, TRUE) ||
             g_signal_has_handler_pending (owner, notify_id, g_quark_from_static_string ("closed"),
                                           TRUE) ||
             (other_signal != 0 && g_signal_has_handler_pending (owner, other_signal, 0, TRUE));

  /* Nobody to tell: closed on the spot, so that an owner dropped in a
   * context that no longer runs is still freed. */
  if (!observed)
    life->close_state = SP_CLOSE_CLOSED;

  return observed;
}

gboolean
sp_lifecycle_sync_call_begin (SpLifecycle *life,
                              gpointer     owner,
                              SpSyncCall  *call,
                              const char  *function,
                              const char  *kind,
                              GError     **error)
{
  return sp_sync_call_begin (call, life->owner_context, life->owner_thread, function, kind,
                             sp_lifecycle_display_name (life, owner), error);
}
