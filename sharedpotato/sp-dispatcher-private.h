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
};

SpDispatcher *sp_dispatcher_get_for_context (GMainContext   *context);
void          sp_dispatcher_push            (SpDispatcher   *dispatcher,
                                             SpDispatchItem *item);

G_END_DECLS
