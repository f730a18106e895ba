/* sp-dispatcher-private.h: per-GMainContext delivery of completions
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SpDispatcher   SpDispatcher;
typedef struct _SpDispatchItem SpDispatchItem;

typedef void (*SpDispatchFunc) (SpDispatchItem *item);

/* Embedded in whatever needs to run in a given context (a waiter, a
 * signal emission). The dispatcher owns nothing: @func takes over the
 * item when it runs.
 */
struct _SpDispatchItem
{
  SpDispatchItem *next;
  SpDispatchFunc  func;
  /* The item waits for an iteration whose source time is later than this
   * (see sp_dispatch_item_init_for_task()); 0 runs in any. */
  gint64 ready_after;
};

/* GTask completes a task on the spot only in a later main-loop iteration
 * than the one it was created in; otherwise it goes through an idle of its
 * own and loses its place in line. An item that will complete a task
 * created now keeps its place by waiting for the next iteration instead. */
void sp_dispatch_item_init_for_task (SpDispatchItem *item);

SpDispatcher *sp_dispatcher_get_for_context (GMainContext *context);
void          sp_dispatcher_push (SpDispatcher *dispatcher, SpDispatchItem *item);
SpDispatcher *sp_dispatcher_get_running (void);

G_END_DECLS
