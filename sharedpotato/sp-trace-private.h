/* sp-trace-private.h: structured tracing
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SP_TRACE_CREATED,
  SP_TRACE_CALL,
  SP_TRACE_WAIT,
  SP_TRACE_ACQUIRED,
  SP_TRACE_RELEASED,
  SP_TRACE_INITIALIZED,
  SP_TRACE_CHANGED,
  SP_TRACE_CLEARED,
  SP_TRACE_TIMEOUT,
  SP_TRACE_CANCELLED,
  SP_TRACE_FAILED,
  SP_TRACE_CLOSE_STARTED,
  SP_TRACE_CLOSED,
  SP_TRACE_FINALIZED,
  SP_TRACE_INIT_STARTED,
  SP_TRACE_INIT_FINISHED,
} SpTraceEvent;

/* Whether an object created now should trace: decided once per object,
 * at construction, so that the hot path only tests a boolean and never
 * formats anything when tracing is off. */
gboolean sp_trace_wanted (void);

/* @wait_us and @hold_us are left out of the record when negative. */
void sp_trace_emit (gconstpointer object,
                    const char   *name,
                    SpTraceEvent  event,
                    const char   *operation,
                    gint64        wait_us,
                    gint64        hold_us);

/* The same, naming the guard that took or gave back the lock with its
 * label (SP_GUARD_LABEL), which the hold warning also shows. */
void sp_trace_emit_labelled (gconstpointer object,
                             const char   *name,
                             SpTraceEvent  event,
                             const char   *operation,
                             gint64        wait_us,
                             gint64        hold_us,
                             const char   *label);

/* The end of a call that failed for another reason than a timeout or a
 * cancellation (closed, invalid argument…), with the error's message. */
void sp_trace_emit_failed (gconstpointer object,
                           const char   *name,
                           const char   *operation,
                           gint64        wait_us,
                           const char   *error_message);

#ifdef SP_ENABLE_TRACING
# define SP_TRACING(self) G_UNLIKELY ((self)->trace)
#else
# define SP_TRACING(self) FALSE
#endif

G_END_DECLS
