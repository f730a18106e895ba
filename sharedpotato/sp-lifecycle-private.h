/* sp-lifecycle-private.h: what every shared type has in common
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "sp-dispatcher-private.h"
#include "sp-stats.h"
#include "sp-waiter-private.h"

G_BEGIN_DECLS

/* THE LIFECYCLE
 *
 * Embedded in each shared type (SpSharedObject, SpSharedQueue), it owns
 * what they all have: the owner context, its dispatcher and thread, the
 * name, the default timeout, the statistics, and the close: its states,
 * its waiters and its holds, and the rule for the last reference. A type
 * adds only its serving policy (sp-waiter.c's enter/abandoned/settle) and
 * what it announces.
 *
 * Close states, guarded by the owner's mutex:
 *
 *   OPEN      calls are served
 *   CLOSING   new calls fail with CLOSED, queued ones have failed; the
 *             type's holders (an object's guards) are still there
 *   EMITTING  nobody holds anything: the type's ::closed emission is on
 *             its way to the owner context
 *   HOLDING   ::closed has run; close handlers may hold the close
 *             (hold_close, each with a reference on the owner)
 *   CLOSED    the last hold was released: every close call completes
 *
 * A type without holders moves from CLOSING to EMITTING in the same
 * critical section. A close call made before CLOSED waits in
 * close_waiters; one made after succeeds at once.
 *
 * The last reference: when it is dropped while OPEN and someone observes
 * the close (a close hold, a ::closed or notify::closed handler, or a
 * type's own: an object's nothing more, a queue's ::item-dropped), the
 * type closes through the states above, its emissions holding references
 * (resurrecting it) until ::closed has run; otherwise it closes on the
 * spot. Either way every queued waiter already held a reference, so none
 * is left.
 *
 * Fields: name, owner_*, trace are set in sp_lifecycle_init() and never
 * change; default_timeout is atomic; the rest is the owner's mutex's.
 */

typedef enum
{
  SP_CLOSE_OPEN,
  SP_CLOSE_CLOSING,
  SP_CLOSE_EMITTING,
  SP_CLOSE_HOLDING,
  SP_CLOSE_CLOSED,
} SpCloseState;

typedef struct
{
  char         *name;
  GMainContext *owner_context;
  SpDispatcher *owner_dispatcher;
  GThread      *owner_thread;
  SpStats      *stats;         /* allocated by the first call */
  GQueue       *close_waiters; /* allocated by the first close call */
  guint         close_holds;
  int           default_timeout; /* atomic */
  guint8        close_state;     /* SpCloseState */
  guint8        trace;
} SpLifecycle;

/* In constructed() (the name is a construct property, stored before):
 * the thread-default context becomes the owner's. */
void sp_lifecycle_init (SpLifecycle *life);
void sp_lifecycle_clear (SpLifecycle *life);

/* The name, or the type's name for an unnamed owner. */
const char *sp_lifecycle_display_name (SpLifecycle *life, gpointer owner);
/* What errors call an owner that serves a public type of another kind (an
 * SpSharedSet's private object is "SpSharedSet" when unnamed, and a
 * "shared set"): set before the owner is used, @names static. */
typedef struct
{
  const char *type_name;
  const char *kind;
} SpPublicNames;

void sp_set_public_names (gpointer owner, const SpPublicNames *names);
/* The type an unnamed owner is named by: the public one, or its own. */
const char *sp_public_type_name (gpointer owner);
/* Its kind in messages: the public one, or @own_kind. */
const char *sp_public_kind (gpointer owner, const char *own_kind);
/* Returns whether it changed. */
gboolean sp_lifecycle_set_default_timeout (SpLifecycle *life, int timeout_ms);
/* A copy for get_stats. */
SpStats *sp_lifecycle_copy_stats_locked (SpLifecycle *life);

/* OPEN → CLOSING. Returns FALSE if the close had begun already. */
gboolean sp_lifecycle_begin_close_locked (SpLifecycle *life);
/* CLOSING → EMITTING, once the type's holders are gone. Returns TRUE if
 * the type must now push its ::closed emission. */
gboolean sp_lifecycle_holders_gone_locked (SpLifecycle *life);
/* After the ::closed emission ran its handlers: EMITTING → HOLDING, and
 * CLOSED at once if nobody holds the close. Takes @mutex. */
void sp_lifecycle_closed_emitted (SpLifecycle *life, GMutex *mutex);
/* A close call: queued until CLOSED, or completed now. */
void sp_lifecycle_enter_close_locked (SpLifecycle *life, SpWaiter *waiter);

/* hold_close and release_close of @owner (whose @kind, "shared queue",
 * names it in the criticals). */
void     sp_lifecycle_hold_close (SpLifecycle *life,
                                  GObject     *owner,
                                  GMutex      *mutex,
                                  const char  *kind,
                                  const char  *function);
gboolean sp_lifecycle_release_close (SpLifecycle *life,
                                     GObject     *owner,
                                     GMutex      *mutex,
                                     const char  *kind,
                                     const char  *function);

/* In dispose, under the mutex: whether the last reference of an OPEN
 * owner should close it through the states (someone observes: a close
 * hold, a handler of @closed_signal, of notify::closed, or of
 * @other_signal when not 0). If not, it is CLOSED on the spot. Returns
 * FALSE for an owner that is not OPEN. */
gboolean sp_lifecycle_dispose_should_close_locked (SpLifecycle *life,
                                                   GObject     *owner,
                                                   guint        closed_signal,
                                                   guint        other_signal);

/* The blocking twins' setup, refused in the owner context. */
gboolean sp_lifecycle_sync_call_begin (SpLifecycle *life,
                                       gpointer     owner,
                                       SpSyncCall  *call,
                                       const char  *function,
                                       const char  *kind,
                                       GError     **error);

/* On every call and every grant: inline. */

/* -1: the default timeout. */
static inline int
sp_lifecycle_resolve_timeout (SpLifecycle *life, int timeout_ms)
{
  return timeout_ms < 0 ? g_atomic_int_get (&life->default_timeout) : timeout_ms;
}

static inline SpStats *
sp_lifecycle_stats_locked (SpLifecycle *life)
{
  if (G_UNLIKELY (life->stats == NULL))
    life->stats = g_new0 (SpStats, 1);

  return life->stats;
}

G_END_DECLS
