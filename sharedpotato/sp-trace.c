/* sp-trace.c: structured tracing
 *
 * SPDX-License-Identifier: MIT
 */

/* NOTES:
 *
 * Records go through g_log_structured_array() at debug level in the
 * Sharedpotato domain, so the default writer shows them when
 * G_MESSAGES_DEBUG names the domain (or "all"), journald receives the
 * fields, and an application's own writer sees them all.
 *
 * Whether to trace is asked of GLib's default writer once, when an object
 * is created, and kept in the object: a traced call then costs one
 * predictable branch when tracing is off. Building with -Dtracing=false
 * removes even that (see the benchmark).
 */

#include "config.h"

#include "sp-trace-private.h"

static const char *const event_names[] = {
  [SP_TRACE_CREATED] = "created",
  [SP_TRACE_CALL] = "call",
  [SP_TRACE_WAIT] = "wait",
  [SP_TRACE_ACQUIRED] = "acquired",
  [SP_TRACE_RELEASED] = "released",
  [SP_TRACE_INITIALIZED] = "initialized",
  [SP_TRACE_CHANGED] = "changed",
  [SP_TRACE_CLEARED] = "cleared",
  [SP_TRACE_TIMEOUT] = "timeout",
  [SP_TRACE_CANCELLED] = "cancelled",
  [SP_TRACE_FAILED] = "failed",
  [SP_TRACE_CLOSE_STARTED] = "close-started",
  [SP_TRACE_CLOSED] = "closed",
  [SP_TRACE_FINALIZED] = "finalized",
  [SP_TRACE_INIT_STARTED] = "initializer-started",
  [SP_TRACE_INIT_FINISHED] = "initializer-finished",
};

gboolean
sp_trace_wanted (void)
{
#ifdef SP_ENABLE_TRACING
  return !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
#else
  return FALSE;
#endif
}

static void
trace_emit_record (gconstpointer object,
                   const char   *name,
                   SpTraceEvent  event,
                   const char   *operation,
                   gint64        wait_us,
                   gint64        hold_us,
                   const char   *label,
                   const char   *error_message)
{
  g_autofree char *address = NULL;
  g_autofree char *wait_text = NULL;
  g_autofree char *hold_text = NULL;
  GString         *message = g_string_new (NULL);
  GLogField        fields[10];
  gsize            n = 0;
  const char      *event_name = event_names[event];

  if (name == NULL)
    name = address = g_strdup_printf ("%p", object);

  if (wait_us >= 0)
    wait_text = g_strdup_printf ("%" G_GINT64_FORMAT, wait_us);
  if (hold_us >= 0)
    hold_text = g_strdup_printf ("%" G_GINT64_FORMAT, hold_us);

  g_string_append_printf (message, "%s: %s", name, event_name);
  if (operation != NULL)
    g_string_append_printf (message, " %s", operation);
  if (label != NULL)
    g_string_append_printf (message, " (%s)", label);
  if (wait_text != NULL)
    g_string_append_printf (message, ", waited %s us", wait_text);
  if (hold_text != NULL)
    g_string_append_printf (message, ", held %s us", hold_text);
  if (error_message != NULL)
    g_string_append_printf (message, ": %s", error_message);

  fields[n++] = (GLogField){ "GLIB_DOMAIN", G_LOG_DOMAIN, -1 };
  fields[n++] = (GLogField){ "PRIORITY", "7", -1 };
  fields[n++] = (GLogField){ "MESSAGE", message->str, -1 };
  fields[n++] = (GLogField){ "SP_OBJECT", name, -1 };
  fields[n++] = (GLogField){ "SP_EVENT", event_name, -1 };
  if (operation != NULL)
    fields[n++] = (GLogField){ "SP_OPERATION", operation, -1 };
  if (wait_text != NULL)
    fields[n++] = (GLogField){ "SP_WAIT_US", wait_text, -1 };
  if (hold_text != NULL)
    fields[n++] = (GLogField){ "SP_HOLD_US", hold_text, -1 };
  if (label != NULL)
    fields[n++] = (GLogField){ "SP_GUARD_LABEL", label, -1 };
  if (error_message != NULL)
    fields[n++] = (GLogField){ "SP_ERROR", error_message, -1 };

  g_log_structured_array (G_LOG_LEVEL_DEBUG, fields, n);
  g_string_free (message, TRUE);
}

void
sp_trace_emit (gconstpointer object,
               const char   *name,
               SpTraceEvent  event,
               const char   *operation,
               gint64        wait_us,
               gint64        hold_us)
{
  trace_emit_record (object, name, event, operation, wait_us, hold_us, NULL, NULL);
}

void
sp_trace_emit_labelled (gconstpointer object,
                        const char   *name,
                        SpTraceEvent  event,
                        const char   *operation,
                        gint64        wait_us,
                        gint64        hold_us,
                        const char   *label)
{
  trace_emit_record (object, name, event, operation, wait_us, hold_us, label, NULL);
}

void
sp_trace_emit_failed (gconstpointer object,
                      const char   *name,
                      const char   *operation,
                      gint64        wait_us,
                      const char   *error_message)
{
  trace_emit_record (object, name, SP_TRACE_FAILED, operation, wait_us, -1, NULL, error_message);
}
