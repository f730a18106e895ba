/* test-shared-queue.c: SpSharedQueue and its views
 *
 * SPDX-License-Identifier: MIT
 *
 * The main context is driven by hand, so which call is served first is
 * decided by the protocol under test, not by scheduling.
 */

#include <string.h>

#include "sp-test-util.h"

static void
push_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  if (SP_IS_QUEUE_PRODUCER (source))
    r->ok = sp_queue_producer_push_finish (SP_QUEUE_PRODUCER (source), res, &r->error);
  else
    r->ok = sp_shared_queue_push_finish (SP_SHARED_QUEUE (source), res, &r->error);
  result_mark_done (r);
}

static void
pop_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  if (SP_IS_QUEUE_CONSUMER (source))
    r->ok = sp_queue_consumer_pop_finish (SP_QUEUE_CONSUMER (source), res, &r->value, &r->error);
  else
    r->ok = sp_shared_queue_pop_finish (SP_SHARED_QUEUE (source), res, &r->value, &r->error);
  result_mark_done (r);
}

static void
queue_close_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->ok = sp_shared_queue_close_finish (SP_SHARED_QUEUE (source), res, &r->error);
  result_mark_done (r);
}

static void
push_int (SpSharedQueue *queue, int v, int timeout_ms, GCancellable *cancellable, Result *r)
{
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, v);
  sp_shared_queue_push_async (queue, &value, timeout_ms, cancellable, push_cb, r);
  g_value_unset (&value);
}

static gboolean
try_push_int (SpSharedQueue *queue, int v, GError **error)
{
  GValue   value = G_VALUE_INIT;
  gboolean ok;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, v);
  ok = sp_shared_queue_try_push (queue, &value, error);
  g_value_unset (&value);

  return ok;
}

/* Pops at once, and returns the item; -1 when the queue has none. */
static int
try_pop_int (SpSharedQueue *queue)
{
  GValue value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;
  int v = -1;

  if (sp_shared_queue_try_pop (queue, &value, &error))
    v = g_value_get_int (&value);
  else
    g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK) ||
                   g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED));
  g_value_unset (&value);

  return v;
}

static void
assert_popped (Result *r, int expected)
{
  g_assert_true (r->done);
  g_assert_no_error (r->error);
  g_assert_true (r->ok);
  g_assert_cmpint (g_value_get_int (&r->value), ==, expected);
}

static void
assert_failed (Result *r, gint code)
{
  g_assert_true (r->done);
  g_assert_false (r->ok);
  g_assert_error (r->error, G_IO_ERROR, code);
}

static void
test_fifo_order (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 0);
  Result pushes[5] = { 0 }, pops[5] = { 0 };
  GValue head = G_VALUE_INIT;

  g_assert_cmpuint (sp_shared_queue_get_capacity (queue), ==, 0);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);
  g_assert_false (sp_shared_queue_peek (queue, &head));
  g_assert_cmpint (g_value_get_int (&head), ==, 0);
  g_value_unset (&head);

  for (int i = 0; i < 5; i++)
    push_int (queue, 10 + i, 0, NULL, &pushes[i]);
  /* Pushed at once, announced later: the callback never runs before the
   * _async call returned. */
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 5);
  g_assert_false (pushes[0].done);

  g_assert_true (sp_shared_queue_peek (queue, &head));
  g_assert_cmpint (g_value_get_int (&head), ==, 10);
  g_value_unset (&head);

  for (int i = 0; i < 5; i++)
    sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &pops[i]);
  drain ();

  for (int i = 0; i < 5; i++)
    {
      g_assert_true (pushes[i].ok);
      assert_popped (&pops[i], 10 + i);
      g_assert_cmpuint (pops[i].order, >, pushes[4].order);
      if (i > 0)
        g_assert_cmpuint (pops[i].order, >, pops[i - 1].order);
      result_clear (&pushes[i]);
      result_clear (&pops[i]);
    }
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);
}

static void
test_pop_waits_for_push (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 4);
  Result pops[3] = { 0 }, push = { 0 };

  for (int i = 0; i < 3; i++)
    sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &pops[i]);
  drain ();
  for (int i = 0; i < 3; i++)
    g_assert_false (pops[i].done);

  /* Each push goes to the longest-waiting pop, never into the ring. */
  for (int i = 0; i < 3; i++)
    {
      push_int (queue, 100 + i, 0, NULL, &push);
      g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);
      drain ();
      g_assert_true (push.ok);
      assert_popped (&pops[i], 100 + i);
      for (int j = i + 1; j < 3; j++)
        g_assert_false (pops[j].done);
      result_clear (&push);
    }

  for (int i = 0; i < 3; i++)
    result_clear (&pops[i]);
}

static void
test_push_waits_while_full (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 2);
  g_autoptr (GError) error = NULL;
  Result pushes[4] = { 0 };

  for (int i = 0; i < 4; i++)
    push_int (queue, i, 0, NULL, &pushes[i]);
  drain ();
  g_assert_true (pushes[0].ok);
  g_assert_true (pushes[1].ok);
  g_assert_false (pushes[2].done);
  g_assert_false (pushes[3].done);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 2);

  /* A try_push does not jump the pushes waiting. */
  g_assert_false (try_push_int (queue, 99, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);

  /* Each pop lets the first waiting push in, in order. */
  g_assert_cmpint (try_pop_int (queue), ==, 0);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 2);
  drain ();
  g_assert_true (pushes[2].ok);
  g_assert_false (pushes[3].done);

  g_assert_cmpint (try_pop_int (queue), ==, 1);
  drain ();
  g_assert_true (pushes[3].ok);
  g_assert_cmpuint (pushes[3].order, >, pushes[2].order);

  /* An asynchronous pop admits the waiting push the same way. */
  {
    Result late = { 0 }, pop = { 0 };

    push_int (queue, 4, 0, NULL, &late);
    drain ();
    g_assert_false (late.done);
    sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &pop);
    drain ();
    g_assert_true (pop.done);
    assert_popped (&pop, 2);
    g_assert_true (late.done && late.ok);
    g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 2);
    result_clear (&late);
    result_clear (&pop);
  }

  g_assert_cmpint (try_pop_int (queue), ==, 3);
  g_assert_cmpint (try_pop_int (queue), ==, 4);
  g_assert_cmpint (try_pop_int (queue), ==, -1);

  for (int i = 0; i < 4; i++)
    result_clear (&pushes[i]);
}

static void
test_timed_out_pop_takes_nothing (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 0);
  Result early = { 0 }, patient = { 0 }, push = { 0 };

  sp_shared_queue_pop_async (queue, 1, NULL, pop_cb, &early);
  sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &patient);
  iterate_until (&early.done);
  assert_failed (&early, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_value_get_int (&early.value), ==, 0);

  /* The item goes to the pop still waiting, not to the one that gave up. */
  push_int (queue, 7, 0, NULL, &push);
  drain ();
  assert_popped (&patient, 7);

  /* And with nobody waiting, it stays for the next pop. */
  result_clear (&early);
  sp_shared_queue_pop_async (queue, 1, NULL, pop_cb, &early);
  iterate_until (&early.done);
  assert_failed (&early, G_IO_ERROR_TIMED_OUT);
  g_assert_true (try_push_int (queue, 8, NULL));
  g_assert_cmpint (try_pop_int (queue), ==, 8);

  result_clear (&early);
  result_clear (&patient);
  result_clear (&push);
}

static void
test_cancelled_pop_takes_nothing (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GCancellable) precancelled = g_cancellable_new ();
  Result cancelled = { 0 }, early = { 0 }, next = { 0 };

  sp_shared_queue_pop_async (queue, 0, cancellable, pop_cb, &cancelled);
  sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &next);
  drain ();
  g_cancellable_cancel (cancellable);
  g_assert_true (try_push_int (queue, 5, NULL));
  drain ();
  assert_failed (&cancelled, G_IO_ERROR_CANCELLED);
  assert_popped (&next, 5);

  /* Cancelled before the call: fails even though an item is there. */
  g_cancellable_cancel (precancelled);
  g_assert_true (try_push_int (queue, 6, NULL));
  sp_shared_queue_pop_async (queue, 0, precancelled, pop_cb, &early);
  drain ();
  assert_failed (&early, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (try_pop_int (queue), ==, 6);

  result_clear (&cancelled);
  result_clear (&early);
  result_clear (&next);
}

static void
test_served_then_cancelled_pop_keeps_item (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Result pop = { 0 };

  sp_shared_queue_pop_async (queue, 0, cancellable, pop_cb, &pop);
  drain ();
  /* The item is handed over, then the call is cancelled before its
   * callback ran: the pop reports the item rather than dropping it. */
  g_assert_true (try_push_int (queue, 9, NULL));
  g_cancellable_cancel (cancellable);
  drain ();
  assert_popped (&pop, 9);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);

  result_clear (&pop);
}

static gboolean
push_front_int (SpSharedQueue *queue, int v, GError **error)
{
  GValue   value = G_VALUE_INIT;
  gboolean ok;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, v);
  ok = sp_shared_queue_push_front (queue, &value, error);
  g_value_unset (&value);

  return ok;
}

/* An item a pop took goes back to its place: ahead of the others, ahead
 * of a waiting push's item, even in a full queue; or straight to a
 * waiting pop. */
static void
test_push_front_gives_back (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 2);
  g_autoptr (GError) error = NULL;
  Result waiting_push = { 0 }, pop = { 0 }, c = { 0 };
  int    taken;

  g_assert_true (try_push_int (queue, 1, NULL));
  g_assert_true (try_push_int (queue, 2, NULL));
  push_int (queue, 3, 0, NULL, &waiting_push);
  drain ();
  g_assert_false (waiting_push.done);

  /* The pop admits the waiting push: 2 3. The item goes back: 1 2 3. */
  taken = try_pop_int (queue);
  g_assert_cmpint (taken, ==, 1);
  iterate_until (&waiting_push.done);
  g_assert_true (waiting_push.ok);
  g_assert_true (push_front_int (queue, taken, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 3);
  g_assert_false (try_push_int (queue, 4, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  g_assert_cmpint (try_pop_int (queue), ==, 1);
  g_assert_cmpint (try_pop_int (queue), ==, 2);
  g_assert_cmpint (try_pop_int (queue), ==, 3);

  /* In an unbounded queue too, whose ring has room on both sides. */
  {
    g_autoptr (SpSharedQueue) unbounded = sp_shared_queue_new (G_TYPE_INT, 0);

    g_assert_true (try_push_int (unbounded, 1, NULL));
    g_assert_true (try_push_int (unbounded, 2, NULL));
    g_assert_true (try_push_int (unbounded, 3, NULL));
    g_assert_cmpint (try_pop_int (unbounded), ==, 1);
    g_assert_true (push_front_int (unbounded, 1, NULL));
    g_assert_cmpint (try_pop_int (unbounded), ==, 1);
    g_assert_cmpint (try_pop_int (unbounded), ==, 2);
    g_assert_cmpint (try_pop_int (unbounded), ==, 3);
  }

  /* A waiting pop receives it. */
  sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &pop);
  drain ();
  g_assert_true (push_front_int (queue, 7, NULL));
  drain ();
  assert_popped (&pop, 7);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);

  /* Refused with a clear error once closed, the item left to the
   * caller. */
  g_assert_true (push_front_int (queue, 5, NULL));
  g_assert_cmpint (try_pop_int (queue), ==, 5);
  sp_shared_queue_close_async (queue, 0, 0, NULL, queue_close_cb, &c);
  iterate_until (&c.done);
  g_assert_false (push_front_int (queue, 6, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);

  result_clear (&waiting_push);
  result_clear (&pop);
  result_clear (&c);
}

typedef struct
{
  guint notified;
  guint last_length;
} LengthLog;

static void
log_length (GObject *queue, GParamSpec *pspec, gpointer data)
{
  LengthLog *log = data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  log->notified++;
  g_object_get (queue, "length", &log->last_length, NULL);
}

static gpointer
pop_in_thread (gpointer data)
{
  g_autoptr (GError) error = NULL;
  GValue value = G_VALUE_INIT;

  g_assert_true (sp_shared_queue_pop_sync (data, 0, NULL, &value, &error));
  g_value_unset (&value);
  return NULL;
}

/* :length is notified in the owner context after changes, coalesced. */
static void
test_length_property (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 0);
  LengthLog log = { 0 };
  Result    pop = { 0 };

  g_signal_connect (queue, "notify::length", G_CALLBACK (log_length), &log);
  g_assert_true (try_push_int (queue, 1, NULL));
  g_assert_true (try_push_int (queue, 2, NULL));
  g_assert_true (try_push_int (queue, 3, NULL));
  g_assert_cmpuint (log.notified, ==, 0);
  drain ();
  /* Three changes, one notification that reads the length then. */
  g_assert_cmpuint (log.notified, ==, 1);
  g_assert_cmpuint (log.last_length, ==, 3);

  sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &pop);
  iterate_until (&pop.done);
  drain ();
  g_assert_cmpuint (log.notified, ==, 2);
  g_assert_cmpuint (log.last_length, ==, 2);

  /* A change from another thread is announced here. */
  g_thread_join (g_thread_new ("popper", pop_in_thread, queue));
  drain ();
  g_assert_cmpuint (log.notified, ==, 3);
  g_assert_cmpuint (log.last_length, ==, 1);

  g_signal_handlers_disconnect_by_data (queue, &log);
  result_clear (&pop);
}

/* A queue's errors name the call and the queue. */
static void
test_error_messages_name_the_call (void)
{
  g_autoptr (SpSharedQueue) jobs = sp_shared_queue_new_full (G_TYPE_INT, 1, "jobs");
  g_autoptr (GError) error = NULL;
  Result pop = { 0 }, push = { 0 }, c = { 0 };

  sp_shared_queue_pop_async (jobs, 3, NULL, pop_cb, &pop);
  iterate_until (&pop.done);
  g_assert_error (pop.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpstr (pop.error->message, ==, "Timed out after 3 ms waiting to pop from “jobs”");

  g_assert_true (try_push_int (jobs, 1, NULL));
  push_int (jobs, 2, 0, NULL, &push);
  sp_shared_queue_close_async (jobs, 0, 0, NULL, queue_close_cb, &c);
  iterate_until (&push.done);
  g_assert_error (push.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpstr (push.error->message, ==, "Cannot push to “jobs”: the shared queue is closed");
  iterate_until (&c.done);
  g_assert_false (try_push_int (jobs, 3, &error));
  g_assert_cmpstr (error->message, ==, "Cannot push to “jobs”: the shared queue is closed");

  result_clear (&pop);
  result_clear (&push);
  result_clear (&c);
}

static void
test_failed_push_inserts_nothing (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 1);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Result first = { 0 }, timed_out = { 0 }, cancelled = { 0 }, last = { 0 };

  push_int (queue, 1, 0, NULL, &first);
  push_int (queue, 2, 1, NULL, &timed_out);
  push_int (queue, 3, 0, cancellable, &cancelled);
  push_int (queue, 4, 0, NULL, &last);
  iterate_until (&timed_out.done);
  assert_failed (&timed_out, G_IO_ERROR_TIMED_OUT);
  g_cancellable_cancel (cancellable);
  drain ();
  assert_failed (&cancelled, G_IO_ERROR_CANCELLED);
  g_assert_false (last.done);

  g_assert_cmpint (try_pop_int (queue), ==, 1);
  drain ();
  g_assert_true (last.ok);
  g_assert_cmpint (try_pop_int (queue), ==, 4);
  g_assert_cmpint (try_pop_int (queue), ==, -1);

  result_clear (&first);
  result_clear (&timed_out);
  result_clear (&cancelled);
  result_clear (&last);
}

static void
test_default_timeout (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 0);
  Result pop = { 0 };

  g_assert_cmpint (sp_shared_queue_get_default_timeout (queue), ==, 0);
  sp_shared_queue_set_default_timeout (queue, 1);
  sp_shared_queue_pop_async (queue, -1, NULL, pop_cb, &pop);
  iterate_until (&pop.done);
  assert_failed (&pop, G_IO_ERROR_TIMED_OUT);

  result_clear (&pop);
}

static void
test_try_and_convert (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 1);
  g_autoptr (SpSharedQueue) strings = sp_shared_queue_new (G_TYPE_STRING, 0);
  g_autoptr (GError) error = NULL;
  GValue value = G_VALUE_INIT;
  Result push = { 0 };

  g_assert_cmpint (try_pop_int (queue), ==, -1);
  g_assert_false (sp_shared_queue_try_pop (queue, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  /* A char converts to an int; a string does not. */
  g_value_init (&value, G_TYPE_CHAR);
  g_value_set_schar (&value, 42);
  g_assert_true (sp_shared_queue_try_push (queue, &value, &error));
  g_assert_no_error (error);
  g_value_unset (&value);
  g_assert_false (try_push_int (queue, 43, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_static_string (&value, "not a number");
  g_assert_false (sp_shared_queue_try_push (queue, &value, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  sp_shared_queue_push_async (queue, &value, 0, NULL, push_cb, &push);
  drain ();
  assert_failed (&push, G_IO_ERROR_INVALID_ARGUMENT);
  result_clear (&push);

  g_assert_cmpint (try_pop_int (queue), ==, 42);

  /* Strings are copied in and out. */
  g_assert_true (sp_shared_queue_try_push (strings, &value, NULL));
  g_value_unset (&value);
  g_assert_true (sp_shared_queue_try_pop (strings, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, "not a number");
  g_value_unset (&value);
}

static void
count_dropped (SpSharedQueue *queue, const GValue *item, gpointer data)
{
  GArray *dropped = data;
  int     v = g_value_get_int (item);

  g_array_append_val (dropped, v);
}

static void
on_closed (SpSharedQueue *queue, gpointer data)
{
  guint *count = data;

  (*count)++;
}

static void
test_close_drains (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 2);
  g_autoptr (GArray) dropped = g_array_new (FALSE, FALSE, sizeof (int));
  Result waiting_push = { 0 }, close1 = { 0 }, close2 = { 0 }, late_push = { 0 };
  Result pops[3] = { 0 };
  guint  closed = 0;

  g_signal_connect (queue, "item-dropped", G_CALLBACK (count_dropped), dropped);
  g_signal_connect (queue, "closed", G_CALLBACK (on_closed), &closed);

  g_assert_true (try_push_int (queue, 1, NULL));
  g_assert_true (try_push_int (queue, 2, NULL));
  push_int (queue, 3, 0, NULL, &waiting_push);
  drain ();

  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, queue_close_cb, &close1);
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, queue_close_cb, &close2);
  g_assert_true (sp_shared_queue_is_closed (queue));
  g_assert_cmpuint (closed, ==, 0);
  push_int (queue, 4, 0, NULL, &late_push);
  drain ();

  /* The waiting push fails and its item stays out; the close completes
   * after ::closed, in the owner context. */
  assert_failed (&waiting_push, G_IO_ERROR_CLOSED);
  assert_failed (&late_push, G_IO_ERROR_CLOSED);
  g_assert_true (close1.ok);
  g_assert_true (close2.ok);
  g_assert_cmpuint (closed, ==, 1);
  g_assert_cmpuint (dropped->len, ==, 0);

  /* Pops drain what is left, then fail. */
  for (int i = 0; i < 3; i++)
    sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &pops[i]);
  drain ();
  assert_popped (&pops[0], 1);
  assert_popped (&pops[1], 2);
  assert_failed (&pops[2], G_IO_ERROR_CLOSED);

  result_clear (&waiting_push);
  result_clear (&close1);
  result_clear (&close2);
  result_clear (&late_push);
  for (int i = 0; i < 3; i++)
    result_clear (&pops[i]);
}

static void
test_close_fails_waiting_pops (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 0);
  Result pop = { 0 }, close = { 0 };

  sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &pop);
  drain ();
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, queue_close_cb, &close);
  drain ();
  assert_failed (&pop, G_IO_ERROR_CLOSED);
  g_assert_true (close.ok);

  result_clear (&pop);
  result_clear (&close);
}

static void
test_close_drop_items (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 0);
  g_autoptr (SpSharedQueue) later = sp_shared_queue_new (G_TYPE_INT, 0);
  g_autoptr (GArray) dropped = g_array_new (FALSE, FALSE, sizeof (int));
  Result close = { 0 }, pop = { 0 };

  g_signal_connect (queue, "item-dropped", G_CALLBACK (count_dropped), dropped);
  for (int i = 0; i < 3; i++)
    g_assert_true (try_push_int (queue, i, NULL));

  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_DROP_ITEMS, 0, NULL, queue_close_cb, &close);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);
  g_assert_cmpuint (dropped->len, ==, 0);
  sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &pop);
  drain ();
  assert_failed (&pop, G_IO_ERROR_CLOSED);
  g_assert_true (close.ok);
  g_assert_cmpuint (dropped->len, ==, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (g_array_index (dropped, int, i), ==, i);

  /* Dropping after a plain close drops what the consumers left. */
  g_array_set_size (dropped, 0);
  result_clear (&close);
  g_signal_connect (later, "item-dropped", G_CALLBACK (count_dropped), dropped);
  g_assert_true (try_push_int (later, 1, NULL));
  g_assert_true (try_push_int (later, 2, NULL));
  sp_shared_queue_close_async (later, SP_QUEUE_CLOSE_NONE, 0, NULL, queue_close_cb, &close);
  drain ();
  g_assert_cmpint (try_pop_int (later), ==, 1);
  result_clear (&close);
  sp_shared_queue_close_async (later, SP_QUEUE_CLOSE_DROP_ITEMS, 0, NULL, queue_close_cb, &close);
  drain ();
  g_assert_true (close.ok);
  g_assert_cmpuint (dropped->len, ==, 1);
  g_assert_cmpint (g_array_index (dropped, int, 0), ==, 2);
  g_assert_cmpint (try_pop_int (later), ==, -1);

  result_clear (&close);
  result_clear (&pop);
}

static void
set_flag_on_finalize (gpointer data, GObject *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

/* Closed without dropping, items left, then the last reference: the
 * items left are announced as dropped before the queue goes. */
static void
test_last_reference_drops_items_left (void)
{
  SpSharedQueue *queue = sp_shared_queue_new (G_TYPE_INT, 0);
  g_autoptr (GArray) dropped = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean gone = FALSE;
  Result   close = { 0 };

  g_assert_true (try_push_int (queue, 7, NULL));
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, queue_close_cb, &close);
  iterate_until (&close.done);
  g_signal_connect (queue, "item-dropped", G_CALLBACK (count_dropped), dropped);
  g_object_weak_ref (G_OBJECT (queue), set_flag_on_finalize, &gone);
  g_object_unref (queue);
  iterate_until (&gone);
  g_assert_cmpuint (dropped->len, ==, 1);
  g_assert_cmpint (g_array_index (dropped, int, 0), ==, 7);
  result_clear (&close);
}

static void
hold_on_closed (SpSharedQueue *queue, gpointer data)
{
  sp_shared_queue_hold_close (queue);
}

static void
test_close_hold (void)
{
  SpSharedQueue *queue = sp_shared_queue_new (G_TYPE_INT, 0);
  GWeakRef       weak;
  Result         close = { 0 };

  g_weak_ref_init (&weak, queue);
  g_signal_connect (queue, "closed", G_CALLBACK (hold_on_closed), NULL);
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, queue_close_cb, &close);
  drain ();
  g_assert_false (close.done);

  /* The hold keeps the queue alive. */
  g_object_unref (queue);
  queue = g_weak_ref_get (&weak);
  g_assert_nonnull (queue);
  g_object_unref (queue);

  g_object_ref (queue);
  sp_shared_queue_release_close (queue);
  drain ();
  g_assert_true (close.ok);

  /* Finished closing: nothing left to hold, and no reference taken. */
  EXPECT_CRITICAL (
      "sp_shared_queue_hold_close: shared queue “SpSharedQueue” has already finished closing",
      sp_shared_queue_hold_close (queue));
  g_object_unref (queue);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);

  result_clear (&close);
}

static void
test_views (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_STRING, 3);
  g_autoptr (SpQueueProducer) producer = sp_shared_queue_get_producer (queue);
  g_autoptr (SpQueueConsumer) consumer = sp_shared_queue_get_consumer (queue);
  GValue value = G_VALUE_INIT;
  Result push = { 0 }, pop = { 0 };

  g_assert_cmpuint (sp_queue_producer_get_capacity (producer), ==, 3);
  g_assert_false (sp_queue_producer_is_closed (producer));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_static_string (&value, "job");
  sp_queue_producer_push_async (producer, &value, 0, NULL, push_cb, &push);
  g_assert_true (sp_queue_producer_try_push (producer, &value, NULL));
  g_value_unset (&value);
  sp_queue_consumer_pop_async (consumer, 0, NULL, pop_cb, &pop);
  drain ();
  g_assert_true (push.ok);
  g_assert_true (pop.ok);
  g_assert_cmpstr (g_value_get_string (&pop.value), ==, "job");
  g_assert_cmpuint (sp_queue_consumer_get_length (consumer), ==, 1);
  g_assert_cmpuint (sp_queue_producer_get_length (producer), ==, 1);

  g_assert_true (sp_queue_consumer_peek (consumer, &value));
  g_value_unset (&value);
  g_assert_true (sp_queue_consumer_try_pop (consumer, &value, NULL));
  /* A consumer gives back what it could not process. */
  g_assert_true (sp_queue_consumer_push_front (consumer, &value, NULL));
  g_value_unset (&value);
  g_assert_cmpuint (sp_queue_consumer_get_length (consumer), ==, 1);
  g_assert_true (sp_queue_consumer_try_pop (consumer, &value, NULL));
  g_value_unset (&value);
  g_assert_false (sp_queue_consumer_try_pop (consumer, &value, NULL));
  g_assert_null (g_value_get_string (&value));
  g_value_unset (&value);

  result_clear (&push);
  result_clear (&pop);
}

static void
view_source_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  GObject **seen = data;

  *seen = source;
  if (SP_IS_QUEUE_CONSUMER (source))
    g_assert_true (sp_queue_consumer_pop_finish (SP_QUEUE_CONSUMER (source), res, NULL, NULL));
  else
    g_assert_true (sp_queue_producer_push_finish (SP_QUEUE_PRODUCER (source), res, NULL));
}

static void
test_views_hide_queue (void)
{
  SpSharedQueue   *queue = sp_shared_queue_new (G_TYPE_INT, 0);
  SpQueueProducer *producer = sp_shared_queue_get_producer (queue);
  SpQueueConsumer *consumer = sp_shared_queue_get_consumer (queue);
  GObject         *push_source = NULL, *pop_source = NULL;
  GValue           value = G_VALUE_INIT;
  GWeakRef         weak;

  g_weak_ref_init (&weak, queue);
  g_object_unref (queue);

  g_value_init (&value, G_TYPE_INT);
  sp_queue_producer_push_async (producer, &value, 0, NULL, view_source_cb, &push_source);
  sp_queue_consumer_pop_async (consumer, 0, NULL, view_source_cb, &pop_source);
  g_value_unset (&value);
  drain ();
  g_assert_true (push_source == G_OBJECT (producer));
  g_assert_true (pop_source == G_OBJECT (consumer));

  /* The views kept the queue alive; the last one lets it go. */
  g_object_unref (producer);
  queue = g_weak_ref_get (&weak);
  g_assert_nonnull (queue);
  g_object_unref (queue);
  g_object_unref (consumer);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

static void
test_objects_released (void)
{
  SpSharedQueue *queue = sp_shared_queue_new (G_TYPE_OBJECT, 0);
  GObject       *item = g_object_new (G_TYPE_OBJECT, NULL);
  GValue         value = G_VALUE_INIT;
  GWeakRef       weak;

  g_weak_ref_init (&weak, item);
  g_value_init (&value, G_TYPE_OBJECT);
  g_value_take_object (&value, item);
  g_assert_true (sp_shared_queue_try_push (queue, &value, NULL));
  g_assert_true (sp_shared_queue_try_push (queue, &value, NULL));
  g_value_unset (&value);

  /* The queue's items own their references, and finalize drops them. */
  item = g_weak_ref_get (&weak);
  g_assert_nonnull (item);
  g_object_unref (item);
  g_assert_true (sp_shared_queue_try_pop (queue, &value, NULL));
  g_value_unset (&value);
  g_object_unref (queue);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

static void
test_stats (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 1);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (SpStats) stats = NULL;
  Result pop = { 0 }, timed_out = { 0 }, cancelled = { 0 };

  sp_shared_queue_pop_async (queue, 0, NULL, pop_cb, &pop);
  sp_shared_queue_pop_async (queue, 1, NULL, pop_cb, &timed_out);
  sp_shared_queue_pop_async (queue, 0, cancellable, pop_cb, &cancelled);
  drain ();
  stats = sp_shared_queue_get_stats (queue);
  g_assert_cmpuint (stats->queue_length, ==, 3);
  g_assert_cmpuint (stats->peak_queue_length, ==, 3);
  g_clear_pointer (&stats, sp_stats_free);

  iterate_until (&timed_out.done);
  g_cancellable_cancel (cancellable);
  g_assert_true (try_push_int (queue, 1, NULL));
  g_assert_true (try_push_int (queue, 2, NULL));
  drain ();
  assert_popped (&pop, 1);
  g_assert_cmpint (try_pop_int (queue), ==, 2);

  stats = sp_shared_queue_get_stats (queue);
  g_assert_cmpuint (stats->writes_granted, ==, 2);
  g_assert_cmpuint (stats->reads_granted, ==, 2);
  g_assert_cmpuint (stats->waited_grants, ==, 1);
  g_assert_cmpuint (stats->timeouts, ==, 1);
  g_assert_cmpuint (stats->cancellations, ==, 1);
  g_assert_cmpuint (stats->queue_length, ==, 0);

  result_clear (&pop);
  result_clear (&timed_out);
  result_clear (&cancelled);
}

typedef struct
{
  SpSharedQueue *queue;
  guint          n_items;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->n_items; i++)
    {
      GValue value = G_VALUE_INIT;
      g_autoptr (GError) error = NULL;

      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, (int) i);
      g_assert_true (sp_shared_queue_push_sync (producer->queue, &value, 0, NULL, &error));
      g_assert_no_error (error);
      g_value_unset (&value);
    }

  return NULL;
}

typedef struct
{
  SpSharedQueue *queue;
  guint          next;
  guint          n_items;
  gboolean       done;
} Consumer;

static void consume_next (Consumer *consumer);

static void
consumed (GObject *source, GAsyncResult *res, gpointer data)
{
  Consumer *consumer = data;
  GValue    value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;

  g_assert_true (sp_shared_queue_pop_finish (consumer->queue, res, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_value_get_int (&value), ==, (int) consumer->next);
  consumer->next++;
  consume_next (consumer);
}

static void
consume_next (Consumer *consumer)
{
  if (consumer->next == consumer->n_items)
    consumer->done = TRUE;
  else
    sp_shared_queue_pop_async (consumer->queue, 0, NULL, consumed, consumer);
}

static void
test_producer_thread (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 4);
  Producer producer = { queue, 2000 };
  Consumer consumer = { queue, 0, 2000, FALSE };
  GThread *thread;

  thread = g_thread_new ("producer", producer_thread, &producer);
  consume_next (&consumer);
  iterate_until (&consumer.done);
  g_thread_join (thread);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);
}

typedef struct
{
  SpSharedQueue *queue;
  guint          n_items;
  guint          sum;
} SyncConsumer;

static gpointer
sync_consumer_thread (gpointer data)
{
  SyncConsumer *consumer = data;
  GValue        value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < consumer->n_items; i++)
    {
      g_assert_true (sp_shared_queue_pop_sync (consumer->queue, 0, NULL, &value, NULL));
      g_assert_cmpint (g_value_get_int (&value), ==, (int) i);
      consumer->sum += (guint) g_value_get_int (&value);
      g_value_unset (&value);
    }

  /* Then the close: drained, so the pop fails. */
  g_assert_false (sp_shared_queue_pop_sync (consumer->queue, 0, NULL, &value, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_value_unset (&value);

  return NULL;
}

static void
test_consumer_thread (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 2);
  SyncConsumer consumer = { queue, 500, 0 };
  Result       pushes[500] = { 0 }, close = { 0 };
  GThread     *thread;

  thread = g_thread_new ("consumer", sync_consumer_thread, &consumer);
  for (guint i = 0; i < 500; i++)
    push_int (queue, (int) i, 0, NULL, &pushes[i]);
  iterate_until (&pushes[499].done);
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, queue_close_cb, &close);
  iterate_until (&close.done);
  g_thread_join (thread);

  g_assert_cmpuint (consumer.sum, ==, 499 * 500 / 2);
  for (guint i = 0; i < 500; i++)
    {
      g_assert_true (pushes[i].ok);
      if (i > 0)
        g_assert_cmpuint (pushes[i].order, >, pushes[i - 1].order);
      result_clear (&pushes[i]);
    }
  result_clear (&close);
}

static void
test_bad_input (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new (G_TYPE_INT, 0);
  GValue           value = G_VALUE_INIT;
  GValue           filled = G_VALUE_INIT;
  SpQueueConsumer *consumer;
  SpSharedQueue   *none;

  EXPECT_CRITICAL ("sp_shared_queue_new_full: assertion 'G_TYPE_IS_VALUE_TYPE (item_type)' failed",
                   none = sp_shared_queue_new (G_TYPE_NONE, 0));
  g_assert_null (none);

  /* Bindings construct through properties: a missing item type is
   * reported, and the queue stays safe, refusing every item. */
  EXPECT_CRITICAL ("SpSharedQueue “SpSharedQueue” constructed without a valid item-type",
                   none = g_object_new (SP_TYPE_SHARED_QUEUE, NULL));
  g_assert_false (sp_shared_queue_peek (none, &value));
  g_assert_false (G_IS_VALUE (&value));
  g_value_init (&filled, G_TYPE_INT);
  g_assert_false (sp_shared_queue_try_push (none, &filled, NULL));
  g_value_unset (&filled);
  g_assert_false (sp_shared_queue_try_pop (none, NULL, NULL));
  g_object_unref (none);
  EXPECT_CRITICAL ("sp_shared_queue_push_async: assertion 'G_IS_VALUE (item)' failed",
                   sp_shared_queue_push_async (queue, NULL, 0, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_queue_push_front: assertion 'G_IS_VALUE (item)' failed",
                   sp_shared_queue_push_front (queue, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_queue_push_front: assertion 'SP_IS_SHARED_QUEUE (self)' failed",
                   sp_shared_queue_push_front (NULL, &value, NULL));
  EXPECT_CRITICAL ("sp_shared_queue_push_async: assertion 'G_IS_VALUE (item)' failed",
                   sp_shared_queue_push_async (queue, &value, 0, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_queue_pop_async: assertion 'timeout_ms >= -1' failed",
                   sp_shared_queue_pop_async (queue, -2, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_queue_pop_async: assertion 'SP_IS_SHARED_QUEUE (self)' failed",
                   sp_shared_queue_pop_async (NULL, 0, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_queue_try_push: assertion 'G_IS_VALUE (item)' failed",
                   sp_shared_queue_try_push (queue, NULL, NULL));
  EXPECT_CRITICAL (
      "sp_shared_queue_close_async: assertion '(flags & ~SP_QUEUE_CLOSE_DROP_ITEMS) == 0' failed",
      sp_shared_queue_close_async (queue, 1 << 5, 0, NULL, NULL, NULL));
  EXPECT_CRITICAL (
      "sp_shared_queue_release_close: shared queue “SpSharedQueue” has no close hold to release",
      sp_shared_queue_release_close (queue));
  EXPECT_CRITICAL ("sp_shared_queue_set_default_timeout: assertion 'timeout_ms >= 0' failed",
                   sp_shared_queue_set_default_timeout (queue, -1));

  /* An out value must be empty; a filled one is not overwritten. */
  g_value_init (&filled, G_TYPE_INT);
  g_value_set_int (&filled, 5);
  g_assert_true (try_push_int (queue, 1, NULL));
  EXPECT_CRITICAL ("sp_shared_queue_try_pop: assertion 'item == NULL || !G_IS_VALUE (item)' failed",
                   sp_shared_queue_try_pop (queue, &filled, NULL));
  g_assert_cmpint (g_value_get_int (&filled), ==, 5);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 1);
  g_value_unset (&filled);

  /* A pop nobody finishes would lose its item: refused, item kept. */
  consumer = sp_shared_queue_get_consumer (queue);
  EXPECT_CRITICAL ("sp_shared_queue_pop_async: assertion 'callback != NULL' failed",
                   sp_shared_queue_pop_async (queue, 0, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_queue_consumer_pop_async: assertion 'callback != NULL' failed",
                   sp_queue_consumer_pop_async (consumer, 0, NULL, NULL, NULL));
  g_clear_object (&consumer);
  drain ();
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 1);

  /* Blocking in the owner context would deadlock: refused, with an
   * error as well as the critical. */
  g_value_init (&value, G_TYPE_INT);
  EXPECT_CRITICAL ("sp_shared_queue_pop_sync: called from the owner context of shared queue "
                   "“SpSharedQueue”, where it could deadlock; use the _async variant there",
                   g_assert_false (sp_shared_queue_pop_sync (queue, 0, NULL, &filled, &error)));
  g_assert_error (error, SP_ERROR, SP_ERROR_WOULD_DEADLOCK);
  g_clear_error (&error);
  g_value_unset (&filled);
  EXPECT_CRITICAL ("sp_shared_queue_push_sync: called from the owner context of shared queue "
                   "“SpSharedQueue”, where it could deadlock; use the _async variant there",
                   g_assert_false (sp_shared_queue_push_sync (queue, &value, 0, NULL, &error)));
  g_assert_error (error, SP_ERROR, SP_ERROR_WOULD_DEADLOCK);
  g_clear_error (&error);
  g_value_unset (&value);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/SharedQueue/fifo-order", test_fifo_order);
  g_test_add_func ("/Sharedpotato/SharedQueue/pop-waits-for-push", test_pop_waits_for_push);
  g_test_add_func ("/Sharedpotato/SharedQueue/push-waits-while-full", test_push_waits_while_full);
  g_test_add_func ("/Sharedpotato/SharedQueue/timed-out-pop-takes-nothing",
                   test_timed_out_pop_takes_nothing);
  g_test_add_func ("/Sharedpotato/SharedQueue/cancelled-pop-takes-nothing",
                   test_cancelled_pop_takes_nothing);
  g_test_add_func ("/Sharedpotato/SharedQueue/served-then-cancelled-pop-keeps-item",
                   test_served_then_cancelled_pop_keeps_item);
  g_test_add_func ("/Sharedpotato/SharedQueue/failed-push-inserts-nothing",
                   test_failed_push_inserts_nothing);
  g_test_add_func ("/Sharedpotato/SharedQueue/push-front-gives-back", test_push_front_gives_back);
  g_test_add_func ("/Sharedpotato/SharedQueue/errors/name-the-call",
                   test_error_messages_name_the_call);
  g_test_add_func ("/Sharedpotato/SharedQueue/properties/length", test_length_property);
  g_test_add_func ("/Sharedpotato/SharedQueue/default-timeout", test_default_timeout);
  g_test_add_func ("/Sharedpotato/SharedQueue/try-and-convert", test_try_and_convert);
  g_test_add_func ("/Sharedpotato/SharedQueue/close/drains", test_close_drains);
  g_test_add_func ("/Sharedpotato/SharedQueue/close/fails-waiting-pops",
                   test_close_fails_waiting_pops);
  g_test_add_func ("/Sharedpotato/SharedQueue/close/drop-items", test_close_drop_items);
  g_test_add_func ("/Sharedpotato/SharedQueue/close/last-reference-drops-items-left",
                   test_last_reference_drops_items_left);
  g_test_add_func ("/Sharedpotato/SharedQueue/close/hold", test_close_hold);
  g_test_add_func ("/Sharedpotato/SharedQueue/views", test_views);
  g_test_add_func ("/Sharedpotato/SharedQueue/views-hide-queue", test_views_hide_queue);
  g_test_add_func ("/Sharedpotato/SharedQueue/objects-released", test_objects_released);
  g_test_add_func ("/Sharedpotato/SharedQueue/stats", test_stats);
  g_test_add_func ("/Sharedpotato/SharedQueue/threads/producer", test_producer_thread);
  g_test_add_func ("/Sharedpotato/SharedQueue/threads/consumer", test_consumer_thread);
  g_test_add_func ("/Sharedpotato/SharedQueue/bad-input/criticals", test_bad_input);

  return g_test_run ();
}
