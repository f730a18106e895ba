/* sp-test-util.h: driving main contexts by hand and recording results
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <sharedpotato.h>

G_BEGIN_DECLS

/* What one asynchronous call ended with. `order` is the position in which
 * its callback ran, counted by the test, so fairness is asserted on the
 * order callbacks actually ran, not on when calls were made. */
typedef struct
{
  gboolean done;
  guint    order;
  gboolean ok;
  gboolean initialized;
  GValue   value;
  SpGuard *guard;
  GError  *error;
  GThread *thread;
} Result;

static guint result_counter;

static inline void
result_clear (Result *r)
{
  if (G_IS_VALUE (&r->value))
    g_value_unset (&r->value);
  g_clear_pointer (&r->guard, sp_guard_unref);
  g_clear_error (&r->error);
  memset (r, 0, sizeof *r);
}

static inline void
result_mark_done (Result *r)
{
  g_assert_false (r->done);
  r->done = TRUE;
  r->order = ++result_counter;
  r->thread = g_thread_self ();
}

static inline void
get_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = sp_shared_object_get_finish (SP_SHARED_OBJECT (source), res, &r->value, &r->error);
  result_mark_done (r);
}

static inline void
peek_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = sp_shared_object_peek_finish (SP_SHARED_OBJECT (source), res, &r->initialized, &r->value,
                                        &r->error);
  result_mark_done (r);
}

static inline void
set_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = sp_shared_object_set_finish (SP_SHARED_OBJECT (source), res, &r->error);
  result_mark_done (r);
}

static inline void
clear_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = sp_shared_object_clear_finish (SP_SHARED_OBJECT (source), res, &r->error);
  result_mark_done (r);
}

static inline void
lock_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->guard = sp_shared_object_lock_finish (SP_SHARED_OBJECT (source), res, &r->error);
  r->ok = r->guard != NULL;
  result_mark_done (r);
}

static inline void
close_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = sp_shared_object_close_finish (SP_SHARED_OBJECT (source), res, &r->error);
  result_mark_done (r);
}

/* Runs everything the default context has ready, without blocking. */
static inline void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Blocks on the default context until @flag is set: it waits on the
 * event, not on time. The meson test timeout catches a bug that never
 * sets it. */
static inline void
iterate_until (const gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static inline void
set_int (SpSharedObject *object, int v, Result *r)
{
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, v);
  sp_shared_object_set_async (object, &value, 0, NULL, set_cb, r);
  g_value_unset (&value);
}

static inline SpSharedObject *
new_int_object (int initial)
{
  GValue          value = G_VALUE_INIT;
  SpSharedObject *object;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, initial);
  object = sp_shared_object_new_with_value (&value);
  g_value_unset (&value);

  return object;
}

/* Spins on the monotonic clock until @deadline: used only to make a timer
 * due before the main context is iterated, so that which of two ready
 * sources runs first is decided by the test, not by scheduling. */
static inline void
wait_until_monotonic (gint64 deadline)
{
  while (g_get_monotonic_time () < deadline)
    ;
}

/* Counts dispatches of sharedpotato's timeout sources, so that a race
 * test can assert that the timeout really ran in the interleaving it
 * names. GLib makes every g_timeout_source_new() with its exported
 * g_timeout_funcs; the first call wraps their dispatch. */
static inline guint *
timeout_dispatch_counter (void)
{
  static guint count;

  return &count;
}

static gboolean (*real_timeout_dispatch) (GSource *, GSourceFunc, gpointer);

static inline gboolean
counting_timeout_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  if (g_strcmp0 (g_source_get_name (source), "[sharedpotato] timeout") == 0)
    g_atomic_int_inc (timeout_dispatch_counter ());
  return real_timeout_dispatch (source, callback, user_data);
}

/* Call from the test's thread before any other thread runs. */
static inline guint
count_timeout_dispatches (void)
{
  if (real_timeout_dispatch == NULL)
    {
      real_timeout_dispatch = g_timeout_funcs.dispatch;
      g_timeout_funcs.dispatch = counting_timeout_dispatch;
    }
  return g_atomic_int_get (timeout_dispatch_counter ());
}

/* A programmer error: the call must log exactly one critical of ours,
 * the one its precondition names (@message, a g_pattern_match_simple()
 * pattern; the whole text, so that another check failing first, or a
 * different precondition, does not pass for it). */
#define EXPECT_CRITICAL(message, call)                                                             \
 G_STMT_START                                                                                      \
 {                                                                                                 \
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, message);                           \
  call;                                                                                            \
  g_test_assert_expected_messages ();                                                              \
 }                                                                                                 \
 G_STMT_END

G_END_DECLS
