/* test-views.c: SpGetter, SpSetter, SpDeleter and SpUpdater
 *
 * SPDX-License-Identifier: MIT
 *
 * The four capability views are thin and share one implementation
 * (sp-view.c), so they share this test program; each has its own paths.
 */

#include <sharedpotato.h>

#include "sp-test-util.h"

typedef struct
{
  gboolean done;
  gboolean ok;
  gboolean initialized;
  GValue   value;
  SpGuard *guard;
  GError  *error;
  GObject *source;
} ViewResult;

static void
view_result_clear (ViewResult *r)
{
  if (G_IS_VALUE (&r->value))
    g_value_unset (&r->value);
  g_clear_pointer (&r->guard, sp_guard_unref);
  g_clear_error (&r->error);
  r->source = NULL;
  memset (r, 0, sizeof *r);
}

static void
getter_get_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ViewResult *r = data;
  r->source = source;
  r->ok = sp_getter_get_finish (SP_GETTER (source), res, &r->value, &r->error);
  r->done = TRUE;
}

static void
getter_peek_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ViewResult *r = data;
  r->source = source;
  r->ok = sp_getter_peek_finish (SP_GETTER (source), res, &r->initialized, &r->value, &r->error);
  r->done = TRUE;
}

static void
setter_set_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ViewResult *r = data;
  r->source = source;
  r->ok = sp_setter_set_finish (SP_SETTER (source), res, &r->error);
  r->done = TRUE;
}

static void
setter_get_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ViewResult *r = data;
  r->source = source;
  r->ok = sp_setter_get_finish (SP_SETTER (source), res, &r->value, &r->error);
  r->done = TRUE;
}

static void
deleter_clear_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ViewResult *r = data;
  r->source = source;
  r->ok = sp_deleter_clear_finish (SP_DELETER (source), res, &r->error);
  r->done = TRUE;
}

static void
updater_get_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ViewResult *r = data;
  r->source = source;
  r->ok = sp_updater_get_finish (SP_UPDATER (source), res, &r->value, &r->error);
  r->done = TRUE;
}

static void
updater_set_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ViewResult *r = data;
  r->source = source;
  r->ok = sp_updater_set_finish (SP_UPDATER (source), res, &r->error);
  r->done = TRUE;
}

static void
updater_clear_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ViewResult *r = data;
  r->source = source;
  r->ok = sp_updater_clear_finish (SP_UPDATER (source), res, &r->error);
  r->done = TRUE;
}

static void
updater_lock_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ViewResult *r = data;
  r->source = source;
  r->guard = sp_updater_lock_finish (SP_UPDATER (source), res, &r->error);
  r->ok = r->guard != NULL;
  r->done = TRUE;
}

static GValue *
int_value (GValue *value, int v)
{
  g_value_init (value, G_TYPE_INT);
  g_value_set_int (value, v);
  return value;
}

static void
test_getter (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (SpGetter) getter = sp_shared_object_get_getter (object);
  GValue     value = G_VALUE_INIT;
  ViewResult p = { 0 }, g = { 0 };
  Result     s = { 0 };

  sp_getter_peek_async (getter, 0, NULL, getter_peek_cb, &p);
  iterate_until (&p.done);
  g_assert_true (p.ok);
  g_assert_false (p.initialized);
  /* The callback is handed the view, never the object behind it. */
  g_assert_true (p.source == G_OBJECT (getter));
  g_assert_false (sp_getter_try_get (getter, NULL));

  sp_getter_get_async (getter, 0, NULL, getter_get_cb, &g);
  drain ();
  g_assert_false (g.done);
  set_int (object, 8, &s);
  iterate_until (&g.done);
  g_assert_true (g.source == G_OBJECT (getter));
  g_assert_cmpint (g_value_get_int (&g.value), ==, 8);
  g_assert_true (sp_getter_try_get (getter, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 8);
  g_value_unset (&value);

  view_result_clear (&p);
  view_result_clear (&g);
  result_clear (&s);
}

static void
test_getter_timeout_and_cancel (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (SpGetter) getter = sp_shared_object_get_getter (object);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  ViewResult t = { 0 }, c = { 0 };

  sp_getter_get_async (getter, 5, NULL, getter_get_cb, &t);
  sp_getter_get_async (getter, 0, cancellable, getter_get_cb, &c);
  iterate_until (&t.done);
  g_assert_error (t.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  /* Named by what it views, not by the view. */
  g_assert_cmpstr (t.error->message, ==, "Timed out after 5 ms waiting to get “SpSharedObject”");
  g_cancellable_cancel (cancellable);
  iterate_until (&c.done);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  view_result_clear (&t);
  view_result_clear (&c);
}

static void
test_setter (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (SpSetter) setter = sp_shared_object_get_setter (object);
  GValue     value = G_VALUE_INIT;
  ViewResult s = { 0 }, g = { 0 }, bad = { 0 };

  sp_setter_set_async (setter, int_value (&value, 3), 0, NULL, setter_set_cb, &s);
  g_value_unset (&value);
  sp_setter_get_async (setter, 0, NULL, setter_get_cb, &g);
  iterate_until (&g.done);
  g_assert_true (s.ok);
  g_assert_true (s.source == G_OBJECT (setter));
  g_assert_cmpint (g_value_get_int (&g.value), ==, 3);

  g_value_init (&value, G_TYPE_OBJECT);
  sp_setter_set_async (setter, &value, 0, NULL, setter_set_cb, &bad);
  g_value_unset (&value);
  iterate_until (&bad.done);
  g_assert_error (bad.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  view_result_clear (&s);
  view_result_clear (&g);
  view_result_clear (&bad);
}

static void
test_deleter (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (4);
  g_autoptr (SpDeleter) deleter = sp_shared_object_get_deleter (object);
  ViewResult c = { 0 };

  sp_deleter_clear_async (deleter, 0, NULL, deleter_clear_cb, &c);
  iterate_until (&c.done);
  g_assert_true (c.ok);
  g_assert_true (c.source == G_OBJECT (deleter));
  g_assert_false (sp_shared_object_is_initialized (object));
  view_result_clear (&c);
}

static void
test_updater (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  g_autoptr (SpUpdater) updater = sp_shared_object_get_updater (object);
  GValue     value = G_VALUE_INIT;
  ViewResult l = { 0 }, g = { 0 }, s = { 0 }, c = { 0 };

  sp_updater_lock_async (updater, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, updater_lock_cb, &l);
  iterate_until (&l.done);
  g_assert_true (l.ok);
  g_assert_true (l.source == G_OBJECT (updater));
  g_assert_true (sp_guard_get_value (l.guard, &value));
  g_value_set_int (&value, g_value_get_int (&value) + 1);
  g_assert_true (sp_guard_set_value (l.guard, &value, NULL));
  g_value_unset (&value);
  g_clear_pointer (&l.guard, sp_guard_unref);

  sp_updater_get_async (updater, 0, NULL, updater_get_cb, &g);
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 2);

  sp_updater_set_async (updater, int_value (&value, 10), 0, NULL, updater_set_cb, &s);
  g_value_unset (&value);
  sp_updater_clear_async (updater, 0, NULL, updater_clear_cb, &c);
  iterate_until (&c.done);
  g_assert_true (s.ok && c.ok);
  g_assert_false (sp_shared_object_is_initialized (object));

  view_result_clear (&l);
  view_result_clear (&g);
  view_result_clear (&s);
  view_result_clear (&c);
}

static void
test_views_after_close (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  g_autoptr (SpGetter) getter = sp_shared_object_get_getter (object);
  g_autoptr (SpSetter) setter = sp_shared_object_get_setter (object);
  g_autoptr (SpDeleter) deleter = sp_shared_object_get_deleter (object);
  g_autoptr (SpUpdater) updater = sp_shared_object_get_updater (object);
  GValue     value = G_VALUE_INIT;
  ViewResult g = { 0 }, s = { 0 }, c = { 0 }, l = { 0 };
  Result     close = { 0 };

  sp_shared_object_close_async (object, 0, NULL, close_cb, &close);
  iterate_until (&close.done);

  sp_getter_get_async (getter, 0, NULL, getter_get_cb, &g);
  sp_setter_set_async (setter, int_value (&value, 2), 0, NULL, setter_set_cb, &s);
  g_value_unset (&value);
  sp_deleter_clear_async (deleter, 0, NULL, deleter_clear_cb, &c);
  sp_updater_lock_async (updater, SP_LOCK_MODE_SHARED, 0, NULL, updater_lock_cb, &l);
  iterate_until (&g.done);
  iterate_until (&s.done);
  iterate_until (&c.done);
  iterate_until (&l.done);
  g_assert_error (g.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_error (l.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_false (sp_getter_try_get (getter, NULL));

  view_result_clear (&g);
  view_result_clear (&s);
  view_result_clear (&c);
  view_result_clear (&l);
  result_clear (&close);
}

static void
test_view_keeps_object_alive (void)
{
  SpSharedObject *object = new_int_object (6);
  g_autoptr (SpGetter) getter = sp_shared_object_get_getter (object);
  ViewResult g = { 0 };

  g_object_unref (object);
  sp_getter_get_async (getter, 0, NULL, getter_get_cb, &g);
  iterate_until (&g.done);
  g_assert_true (g.ok);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 6);
  view_result_clear (&g);
}

static void
test_bad_input (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  g_autoptr (SpGetter) getter = sp_shared_object_get_getter (object);
  g_autoptr (SpUpdater) updater = sp_shared_object_get_updater (object);
  GValue     unset = G_VALUE_INIT;
  ViewResult never = { 0 };

  EXPECT_CRITICAL ("sp_shared_object_get_getter: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_getter (NULL));
  EXPECT_CRITICAL ("sp_shared_object_get_setter: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_setter (NULL));
  EXPECT_CRITICAL ("sp_shared_object_get_deleter: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_deleter (NULL));
  EXPECT_CRITICAL ("sp_shared_object_get_updater: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_updater (NULL));
  EXPECT_CRITICAL ("sp_getter_get_async: assertion 'SP_IS_GETTER (self)' failed",
                   sp_getter_get_async (NULL, 0, NULL, getter_get_cb, &never));
  EXPECT_CRITICAL ("sp_getter_get_async: assertion 'SP_IS_GETTER (self)' failed",
                   sp_getter_get_async ((SpGetter *) updater, 0, NULL, getter_get_cb, &never));
  EXPECT_CRITICAL ("sp_getter_get_async: assertion 'timeout_ms >= -1' failed",
                   sp_getter_get_async (getter, -3, NULL, getter_get_cb, &never));
  EXPECT_CRITICAL ("sp_getter_peek_async: assertion 'SP_IS_GETTER (self)' failed",
                   sp_getter_peek_async (NULL, 0, NULL, getter_peek_cb, &never));
  EXPECT_CRITICAL ("sp_getter_try_get: assertion 'SP_IS_GETTER (self)' failed",
                   sp_getter_try_get (NULL, NULL));
  EXPECT_CRITICAL ("sp_getter_get_finish: assertion 'SP_IS_GETTER (self)' failed",
                   sp_getter_get_finish (NULL, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_getter_peek_finish: assertion 'SP_IS_GETTER (self)' failed",
                   sp_getter_peek_finish (NULL, NULL, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_setter_set_async: assertion 'SP_IS_SETTER (self)' failed",
                   sp_setter_set_async (NULL, &unset, 0, NULL, setter_set_cb, &never));
  EXPECT_CRITICAL ("sp_setter_get_async: assertion 'SP_IS_SETTER (self)' failed",
                   sp_setter_get_async (NULL, 0, NULL, setter_get_cb, &never));
  EXPECT_CRITICAL ("sp_setter_set_finish: assertion 'SP_IS_SETTER (self)' failed",
                   sp_setter_set_finish (NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_setter_get_finish: assertion 'SP_IS_SETTER (self)' failed",
                   sp_setter_get_finish (NULL, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_deleter_clear_async: assertion 'SP_IS_DELETER (self)' failed",
                   sp_deleter_clear_async (NULL, 0, NULL, deleter_clear_cb, &never));
  EXPECT_CRITICAL ("sp_deleter_clear_finish: assertion 'SP_IS_DELETER (self)' failed",
                   sp_deleter_clear_finish (NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_updater_set_async: assertion 'G_IS_VALUE (value)' failed",
                   sp_updater_set_async (updater, &unset, 0, NULL, updater_set_cb, &never));
  EXPECT_CRITICAL ("sp_updater_set_async: assertion 'G_IS_VALUE (value)' failed",
                   sp_updater_set_async (updater, NULL, 0, NULL, updater_set_cb, &never));
  EXPECT_CRITICAL ("sp_updater_lock_async: assertion 'mode == SP_LOCK_MODE_SHARED || mode == "
                   "SP_LOCK_MODE_EXCLUSIVE' failed",
                   sp_updater_lock_async (updater, 9, 0, NULL, updater_lock_cb, &never));
  EXPECT_CRITICAL (
      "sp_updater_lock_async: assertion 'SP_IS_UPDATER (self)' failed",
      sp_updater_lock_async (NULL, SP_LOCK_MODE_SHARED, 0, NULL, updater_lock_cb, &never));
  EXPECT_CRITICAL ("sp_updater_get_async: assertion 'SP_IS_UPDATER (self)' failed",
                   sp_updater_get_async (NULL, 0, NULL, updater_get_cb, &never));
  EXPECT_CRITICAL ("sp_updater_clear_async: assertion 'SP_IS_UPDATER (self)' failed",
                   sp_updater_clear_async (NULL, 0, NULL, updater_clear_cb, &never));
  EXPECT_CRITICAL ("sp_updater_get_finish: assertion 'SP_IS_UPDATER (self)' failed",
                   sp_updater_get_finish (NULL, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_updater_set_finish: assertion 'SP_IS_UPDATER (self)' failed",
                   sp_updater_set_finish (NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_updater_clear_finish: assertion 'SP_IS_UPDATER (self)' failed",
                   sp_updater_clear_finish (NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_updater_lock_finish: assertion 'SP_IS_UPDATER (self)' failed",
                   sp_updater_lock_finish (NULL, NULL, NULL));

  drain ();
  g_assert_false (never.done);
  g_assert_true (sp_getter_try_get (getter, NULL));
}

/* Every view is an SpView: the name of what it views, and whether that
 * is closed. */
static void
test_every_view_is_a_view (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new_full (G_TYPE_INT, "config", NULL, NULL);
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new_full (G_TYPE_INT, 0, "jobs");
  g_autoptr (SpSharedSet) set = sp_shared_set_new_full (G_TYPE_STRING, "tags", NULL, NULL);
  GObject *views[] = {
    G_OBJECT (sp_shared_object_get_getter (object)),
    G_OBJECT (sp_shared_object_get_setter (object)),
    G_OBJECT (sp_shared_object_get_deleter (object)),
    G_OBJECT (sp_shared_object_get_updater (object)),
    G_OBJECT (sp_shared_queue_get_producer (queue)),
    G_OBJECT (sp_shared_queue_get_consumer (queue)),
    G_OBJECT (sp_shared_set_get_query (set)),
    G_OBJECT (sp_shared_set_get_setter (set)),
    G_OBJECT (sp_shared_set_get_deleter (set)),
    G_OBJECT (sp_shared_set_get_updater (set)),
    G_OBJECT (sp_shared_set_get_scanner (set)),
  };
  const char *names[] = { "config", "config", "config", "config", "jobs", "jobs",
                          "tags",   "tags",   "tags",   "tags",   "tags" };
  Result      c = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_assert_true (SP_IS_VIEW (views[i]));
      g_assert_cmpstr (sp_view_get_name (SP_VIEW (views[i])), ==, names[i]);
      g_assert_false (sp_view_is_closed (SP_VIEW (views[i])));
    }

  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  sp_shared_queue_close_async (queue, 0, 0, NULL, NULL, NULL);
  sp_shared_set_close_async (set, 0, NULL, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    g_assert_true (sp_view_is_closed (SP_VIEW (views[i])));
  iterate_until (&c.done);
  drain ();

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    g_object_unref (views[i]);
  result_clear (&c);
}

typedef struct
{
  SpSetter     *setter;
  SpUpdater    *updater;
  SpGetter     *getter;
  SpDeleter    *deleter;
  SpSetQuery   *query;
  SpSetUpdater *set_updater;
  SpSetSetter  *set_setter;
  SpSetDeleter *set_deleter;
  SpSetScanner *scanner;
} SyncViews;

static gpointer
use_sync_views (gpointer data)
{
  SyncViews *v = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SpGuard) guard = NULL;
  g_auto (GValue) value = G_VALUE_INIT;
  g_auto (GValue) item = G_VALUE_INIT;
  gboolean flag = FALSE;
  GValue  *snapshot;
  guint    n = 0;

  g_value_set_int (g_value_init (&value, G_TYPE_INT), 7);
  g_assert_true (sp_setter_set_sync (v->setter, &value, 0, NULL, &error));
  g_value_unset (&value);
  g_assert_true (sp_getter_get_sync (v->getter, 0, NULL, &value, &error));
  g_assert_cmpint (g_value_get_int (&value), ==, 7);
  g_value_unset (&value);
  guard = sp_updater_lock_sync (v->updater, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, &error);
  g_assert_nonnull (guard);
  g_value_set_int (g_value_init (&value, G_TYPE_INT), 8);
  g_assert_true (sp_guard_set_value (guard, &value, NULL));
  g_value_unset (&value);
  sp_guard_release (guard);
  g_assert_true (sp_updater_get_sync (v->updater, 0, NULL, &value, &error));
  g_assert_cmpint (g_value_get_int (&value), ==, 8);
  g_assert_true (sp_deleter_clear_sync (v->deleter, 0, NULL, &error));

  g_value_set_static_string (g_value_init (&item, G_TYPE_STRING), "x");
  g_assert_true (sp_set_updater_add_sync (v->set_updater, &item, 0, NULL, &flag, &error));
  g_assert_true (flag);
  g_assert_true (sp_set_query_contains_sync (v->query, &item, 0, NULL, &flag, &error));
  g_assert_true (flag);
  snapshot = sp_set_query_snapshot_sync (v->query, 0, NULL, &n, &error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (g_value_get_string (&snapshot[0]), ==, "x");
  g_value_unset (&snapshot[0]);
  g_free (snapshot);
  g_assert_no_error (error);

  /* Every other twin, each checked by what it leaves behind. */
  g_value_unset (&value);
  g_value_set_int (g_value_init (&value, G_TYPE_INT), 9);
  g_assert_true (sp_updater_set_sync (v->updater, &value, 0, NULL, &error));
  g_value_unset (&value);
  g_assert_true (sp_setter_get_sync (v->setter, 0, NULL, &value, &error));
  g_assert_cmpint (g_value_get_int (&value), ==, 9);
  g_assert_true (sp_updater_clear_sync (v->updater, 0, NULL, &error));
  g_assert_false (sp_getter_try_get (v->getter, NULL));

  g_value_set_static_string (&item, "y");
  g_assert_true (sp_set_setter_add_sync (v->set_setter, &item, 0, NULL, &flag, &error));
  g_assert_true (flag);
  g_assert_true (sp_set_updater_size_sync (v->set_updater, 0, NULL, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (sp_set_deleter_discard_sync (v->set_deleter, &item, 0, NULL, &flag, &error));
  g_assert_true (flag);
  g_assert_true (sp_set_updater_contains_sync (v->set_updater, &item, 0, NULL, &flag, &error));
  g_assert_false (flag);
  snapshot = sp_set_scanner_snapshot_sync (v->scanner, 0, NULL, &n, &error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (g_value_get_string (&snapshot[0]), ==, "x");
  g_value_unset (&snapshot[0]);
  g_free (snapshot);
  g_value_set_static_string (&item, "x");
  g_assert_true (sp_set_updater_discard_sync (v->set_updater, &item, 0, NULL, &flag, &error));
  g_assert_true (flag);
  g_assert_true (sp_set_setter_add_sync (v->set_setter, &item, 0, NULL, &flag, &error));
  g_assert_true (sp_set_updater_clear_sync (v->set_updater, 0, NULL, &error));
  g_free (sp_set_updater_snapshot_sync (v->set_updater, 0, NULL, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (sp_set_setter_add_sync (v->set_setter, &item, 0, NULL, &flag, &error));
  g_assert_true (sp_set_deleter_clear_sync (v->set_deleter, 0, NULL, &error));
  g_assert_true (sp_set_query_size_sync (v->query, 0, NULL, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_assert_no_error (error);

  return NULL;
}

/* The views have their type's blocking twins: they work from a worker
 * thread and are refused, with an error, in the owner context. */
static void
test_views_sync_twins (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  SyncViews v = {
    sp_shared_object_get_setter (object), sp_shared_object_get_updater (object),
    sp_shared_object_get_getter (object), sp_shared_object_get_deleter (object),
    sp_shared_set_get_query (set),        sp_shared_set_get_updater (set),
    sp_shared_set_get_setter (set),       sp_shared_set_get_deleter (set),
    sp_shared_set_get_scanner (set),
  };
  g_autoptr (GError) error = NULL;
  GValue value = G_VALUE_INIT;

  g_thread_join (g_thread_new ("worker", use_sync_views, &v));
  drain ();

  EXPECT_CRITICAL ("sp_getter_get_sync: called from the owner context of shared object "
                   "“SpSharedObject”, where it could deadlock; use the _async variant there",
                   g_assert_false (sp_getter_get_sync (v.getter, 0, NULL, &value, &error)));
  g_assert_error (error, SP_ERROR, SP_ERROR_WOULD_DEADLOCK);
  g_clear_error (&error);
  g_value_unset (&value);
  EXPECT_CRITICAL ("sp_set_query_size_sync: called from the owner context of shared set "
                   "“SpSharedSet”, where it could deadlock; use the _async variant there",
                   g_assert_false (sp_set_query_size_sync (v.query, 0, NULL, NULL, &error)));
  g_assert_error (error, SP_ERROR, SP_ERROR_WOULD_DEADLOCK);

  /* The readers' calls that never wait. */
  g_assert_false (sp_updater_try_get (v.updater, &value));
  g_value_unset (&value);
  g_assert_false (sp_setter_try_get (v.setter, NULL));

  g_object_unref (v.setter);
  g_object_unref (v.updater);
  g_object_unref (v.getter);
  g_object_unref (v.deleter);
  g_object_unref (v.query);
  g_object_unref (v.set_updater);
  g_object_unref (v.set_setter);
  g_object_unref (v.set_deleter);
  g_object_unref (v.scanner);
}

static void
peek_setter_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->ok = sp_setter_peek_finish (SP_SETTER (source), res, &r->initialized, &r->value, &r->error);
  result_mark_done (r);
}

static void
peek_updater_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->ok = sp_updater_peek_finish (SP_UPDATER (source), res, &r->initialized, &r->value, &r->error);
  result_mark_done (r);
}

/* Every view that reads can peek and try_get. */
static void
test_reading_views_peek (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (3);
  g_autoptr (SpSetter) setter = sp_shared_object_get_setter (object);
  g_autoptr (SpUpdater) updater = sp_shared_object_get_updater (object);
  GValue value = G_VALUE_INIT;
  Result p1 = { 0 }, p2 = { 0 };

  sp_setter_peek_async (setter, 0, NULL, peek_setter_cb, &p1);
  sp_updater_peek_async (updater, 0, NULL, peek_updater_cb, &p2);
  iterate_until (&p2.done);
  g_assert_true (p1.done && p1.ok && p1.initialized);
  g_assert_cmpint (g_value_get_int (&p1.value), ==, 3);
  g_assert_true (p2.ok && p2.initialized);
  g_assert_true (sp_updater_try_get (updater, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 3);
  g_value_unset (&value);
  g_assert_true (sp_setter_try_get (setter, &value));
  g_value_unset (&value);

  result_clear (&p1);
  result_clear (&p2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/Getter/get-peek-try-get", test_getter);
  g_test_add_func ("/Sharedpotato/Getter/timeout-and-cancel", test_getter_timeout_and_cancel);
  g_test_add_func ("/Sharedpotato/Getter/keeps-object-alive", test_view_keeps_object_alive);
  g_test_add_func ("/Sharedpotato/Setter/set-get", test_setter);
  g_test_add_func ("/Sharedpotato/Deleter/clear", test_deleter);
  g_test_add_func ("/Sharedpotato/Updater/lock-get-set-clear", test_updater);
  g_test_add_func ("/Sharedpotato/Views/after-close", test_views_after_close);
  g_test_add_func ("/Sharedpotato/Views/every-view-is-a-view", test_every_view_is_a_view);
  g_test_add_func ("/Sharedpotato/Views/sync-twins", test_views_sync_twins);
  g_test_add_func ("/Sharedpotato/Views/reading-views-peek", test_reading_views_peek);
  g_test_add_func ("/Sharedpotato/Views/bad-input/criticals", test_bad_input);

  return g_test_run ();
}
