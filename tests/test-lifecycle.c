/* test-lifecycle.c: the object, the queue and the set close alike
 *
 * SPDX-License-Identifier: MIT
 *
 * Each scenario runs on the three types through one table of their
 * calls: close with a close handler's hold, closing twice, the last
 * reference dropped with and without observers, the criticals of a hold
 * misused, the default timeout and the stats.
 */

#include "sp-test-util.h"

typedef struct
{
  const char *name;
  const char *kind; /* as the criticals name it */
  GObject *(*create) (void);
  /* Puts one item (a value, for an object) that a close lets go. */
  void (*fill) (GObject *owner);
  void (*close_async) (GObject *owner, GAsyncReadyCallback callback, gpointer data);
  gboolean (*close_finish) (GObject *owner, GAsyncResult *result, GError **error);
  void (*hold_close) (GObject *owner);
  void (*release_close) (GObject *owner);
  gboolean (*is_closed) (GObject *owner);
  SpStats *(*get_stats) (GObject *owner);
  void (*set_timeout) (GObject *owner, int timeout_ms);
  int (*get_timeout) (GObject *owner);
  /* The signal that announces an item let go by a close, or NULL. */
  const char *item_signal;
  /* An object's ::closed carries the final value. */
  gboolean closed_has_value;
} Kind;

/* SpSharedObject */

static GObject *
object_create (void)
{
  return G_OBJECT (sp_shared_object_new (G_TYPE_STRING));
}

static void
object_fill (GObject *owner)
{
  SpGuard *guard = sp_shared_object_try_lock (SP_SHARED_OBJECT (owner), SP_LOCK_MODE_EXCLUSIVE);
  GValue   value = G_VALUE_INIT;

  g_value_set_static_string (g_value_init (&value, G_TYPE_STRING), "item");
  g_assert_true (sp_guard_set_value (guard, &value, NULL));
  g_value_unset (&value);
  sp_guard_release (guard);
  sp_guard_unref (guard);
}

static void
object_close_async (GObject *owner, GAsyncReadyCallback callback, gpointer data)
{
  sp_shared_object_close_async (SP_SHARED_OBJECT (owner), 0, NULL, callback, data);
}

static gboolean
object_close_finish (GObject *owner, GAsyncResult *result, GError **error)
{
  return sp_shared_object_close_finish (SP_SHARED_OBJECT (owner), result, error);
}

#define FORWARD(prefix, type, CAST)                                                                \
 static void     prefix##_hold_close (GObject *o) { type##_hold_close (CAST (o)); }                \
 static void     prefix##_release_close (GObject *o) { type##_release_close (CAST (o)); }          \
 static gboolean prefix##_is_closed (GObject *o) { return type##_is_closed (CAST (o)); }           \
 static SpStats *prefix##_get_stats (GObject *o) { return type##_get_stats (CAST (o)); }           \
 static void     prefix##_set_timeout (GObject *o, int t)                                          \
 {                                                                                                 \
  type##_set_default_timeout (CAST (o), t);                                                        \
 }                                                                                                 \
 static int prefix##_get_timeout (GObject *o) { return type##_get_default_timeout (CAST (o)); }

FORWARD (object, sp_shared_object, SP_SHARED_OBJECT)
FORWARD (queue, sp_shared_queue, SP_SHARED_QUEUE)
FORWARD (set, sp_shared_set, SP_SHARED_SET)

/* SpSharedQueue */

static GObject *
queue_create (void)
{
  return G_OBJECT (sp_shared_queue_new (G_TYPE_STRING, 0));
}

static void
queue_fill (GObject *owner)
{
  GValue value = G_VALUE_INIT;

  g_value_set_static_string (g_value_init (&value, G_TYPE_STRING), "item");
  g_assert_true (sp_shared_queue_try_push (SP_SHARED_QUEUE (owner), &value, NULL));
  g_value_unset (&value);
}

static void
queue_close_async (GObject *owner, GAsyncReadyCallback callback, gpointer data)
{
  /* As the last reference does: the items go, announced. */
  sp_shared_queue_close_async (SP_SHARED_QUEUE (owner), SP_QUEUE_CLOSE_DROP_ITEMS, 0, NULL,
                               callback, data);
}

static gboolean
queue_close_finish (GObject *owner, GAsyncResult *result, GError **error)
{
  return sp_shared_queue_close_finish (SP_SHARED_QUEUE (owner), result, error);
}

/* SpSharedSet */

static GObject *
set_create (void)
{
  return G_OBJECT (sp_shared_set_new (G_TYPE_STRING));
}

static void
set_fill (GObject *owner)
{
  GValue value = G_VALUE_INIT;

  g_value_set_static_string (g_value_init (&value, G_TYPE_STRING), "item");
  g_assert_true (sp_shared_set_try_add (SP_SHARED_SET (owner), &value, NULL, NULL));
  g_value_unset (&value);
}

static void
set_close_async (GObject *owner, GAsyncReadyCallback callback, gpointer data)
{
  sp_shared_set_close_async (SP_SHARED_SET (owner), 0, NULL, callback, data);
}

static gboolean
set_close_finish (GObject *owner, GAsyncResult *result, GError **error)
{
  return sp_shared_set_close_finish (SP_SHARED_SET (owner), result, error);
}

static const Kind kinds[] = {
  { "object", "shared object", object_create, object_fill, object_close_async, object_close_finish,
    object_hold_close, object_release_close, object_is_closed, object_get_stats, object_set_timeout,
    object_get_timeout, NULL, TRUE },
  { "queue", "shared queue", queue_create, queue_fill, queue_close_async, queue_close_finish,
    queue_hold_close, queue_release_close, queue_is_closed, queue_get_stats, queue_set_timeout,
    queue_get_timeout, "item-dropped", FALSE },
  { "set", "shared set", set_create, set_fill, set_close_async, set_close_finish, set_hold_close,
    set_release_close, set_is_closed, set_get_stats, set_set_timeout, set_get_timeout,
    "item-removed", FALSE },
};

typedef struct
{
  const Kind *kind;
  GString    *log;
  gboolean    hold_in_handler;
  GObject    *held;
} Observer;

static void
on_closed (GObject *owner, gpointer data)
{
  Observer *o = data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_string_append (o->log, "closed ");
  if (o->hold_in_handler)
    {
      o->kind->hold_close (owner);
      o->held = owner;
    }
}

static void
on_closed_with_value (GObject *owner, const GValue *final_value, gpointer data)
{
  on_closed (owner, data);
}

static void
on_item (GObject *owner, const GValue *item, gpointer data)
{
  g_string_append_printf (((Observer *) data)->log, "%s ", g_value_get_string (item));
}

static void
observe (const Kind *kind, GObject *owner, Observer *o)
{
  o->kind = kind;
  o->log = g_string_new (NULL);
  g_signal_connect (
      owner, "closed",
      kind->closed_has_value ? G_CALLBACK (on_closed_with_value) : G_CALLBACK (on_closed), o);
  if (kind->item_signal != NULL)
    g_signal_connect (owner, kind->item_signal, G_CALLBACK (on_item), o);
}

static void
generic_close_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result     *r = data;
  const Kind *kind = g_object_get_data (source, "test-kind");

  r->ok = kind->close_finish (source, res, &r->error);
  result_mark_done (r);
}

/* A close handler holds the close; the close completes at the release. A
 * second close joins the first, a third after it succeeds at once. */
static void
test_close_with_hold (gconstpointer data)
{
  const Kind *kind = data;
  g_autoptr (GObject) owner = kind->create ();
  Observer o = { .hold_in_handler = TRUE };
  Result   first = { 0 }, second = { 0 }, third = { 0 };

  g_object_set_data (owner, "test-kind", (gpointer) kind);
  kind->fill (owner);
  observe (kind, owner, &o);
  kind->close_async (owner, generic_close_cb, &first);
  kind->close_async (owner, generic_close_cb, &second);
  g_assert_true (kind->is_closed (owner));
  drain ();
  g_assert_nonnull (o.held);
  g_assert_false (first.done || second.done);

  kind->release_close (owner);
  iterate_until (&second.done);
  g_assert_true (first.done && first.ok && second.ok);
  g_assert_cmpuint (first.order, <, second.order);
  /* An item a close lets go is announced before ::closed. */
  g_assert_cmpstr (o.log->str, ==, kind->item_signal != NULL ? "item closed " : "closed ");

  kind->close_async (owner, generic_close_cb, &third);
  iterate_until (&third.done);
  g_assert_true (third.ok);

  g_signal_handlers_disconnect_by_data (owner, &o);
  g_string_free (o.log, TRUE);
  result_clear (&first);
  result_clear (&second);
  result_clear (&third);
}

static void
set_flag (gpointer data, GObject *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

/* The last reference of an open, observed owner closes it: its items go
 * with their signal, ::closed runs in the owner context, then it is
 * freed. */
static void
test_last_reference_observed (gconstpointer data)
{
  const Kind *kind = data;
  GObject    *owner = kind->create ();
  Observer    o = { 0 };
  gboolean    gone = FALSE;

  kind->fill (owner);
  observe (kind, owner, &o);
  g_object_weak_ref (owner, set_flag, &gone);
  g_object_unref (owner);
  /* Alive until its ::closed has run here. */
  g_assert_false (gone);
  g_assert_cmpstr (o.log->str, ==, "");
  iterate_until (&gone);
  g_assert_cmpstr (o.log->str, ==, kind->item_signal != NULL ? "item closed " : "closed ");
  g_string_free (o.log, TRUE);
}

/* Unobserved, it goes at once, its items with it. */
static void
test_last_reference_unobserved (gconstpointer data)
{
  const Kind *kind = data;
  GObject    *owner = kind->create ();
  gboolean    gone = FALSE;

  kind->fill (owner);
  /* The announcement of the fill holds a reference until it has run. */
  drain ();
  g_object_weak_ref (owner, set_flag, &gone);
  g_object_unref (owner);
  g_assert_true (gone);
}

/* The same criticals, naming the owner the same way. */
static void
test_hold_misuse (gconstpointer data)
{
  const Kind *kind = data;
  g_autoptr (GObject) owner = kind->create ();
  g_autofree char *no_hold = NULL, *finished = NULL;
  Result           c = { 0 };

  g_object_set_data (owner, "test-kind", (gpointer) kind);
  no_hold = g_strdup_printf ("*_release_close: %s “%s” has no close hold to release", kind->kind,
                             G_OBJECT_TYPE_NAME (owner));
  EXPECT_CRITICAL (no_hold, kind->release_close (owner));

  kind->close_async (owner, generic_close_cb, &c);
  iterate_until (&c.done);
  finished = g_strdup_printf ("*_hold_close: %s “%s” has already finished closing", kind->kind,
                              G_OBJECT_TYPE_NAME (owner));
  EXPECT_CRITICAL (finished, kind->hold_close (owner));
  result_clear (&c);
}

/* One default timeout and one kind of stats for all. */
static void
test_timeout_and_stats (gconstpointer data)
{
  const Kind *kind = data;
  g_autoptr (GObject) owner = kind->create ();
  g_autoptr (SpStats) stats = NULL;
  int notified = 0;

  g_signal_connect_swapped (owner, "notify::default-timeout", G_CALLBACK (g_atomic_int_inc),
                            &notified);
  kind->set_timeout (owner, 250);
  g_assert_cmpint (kind->get_timeout (owner), ==, 250);
  drain ();
  g_assert_cmpint (notified, ==, 1);

  kind->fill (owner);
  stats = kind->get_stats (owner);
  g_assert_cmpuint (stats->writes_granted, ==, 1);
  g_assert_cmpuint (stats->timeouts, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      const Kind      *kind = &kinds[i];
      g_autofree char *close =
          g_strdup_printf ("/Sharedpotato/Lifecycle/%s/close-with-hold", kind->name);
      g_autofree char *observed =
          g_strdup_printf ("/Sharedpotato/Lifecycle/%s/last-reference-observed", kind->name);
      g_autofree char *unobserved =
          g_strdup_printf ("/Sharedpotato/Lifecycle/%s/last-reference-unobserved", kind->name);
      g_autofree char *misuse =
          g_strdup_printf ("/Sharedpotato/Lifecycle/%s/hold-misuse", kind->name);
      g_autofree char *timeout =
          g_strdup_printf ("/Sharedpotato/Lifecycle/%s/timeout-and-stats", kind->name);

      g_test_add_data_func (close, kind, test_close_with_hold);
      g_test_add_data_func (observed, kind, test_last_reference_observed);
      g_test_add_data_func (unobserved, kind, test_last_reference_unobserved);
      g_test_add_data_func (misuse, kind, test_hold_misuse);
      g_test_add_data_func (timeout, kind, test_timeout_and_stats);
    }

  return g_test_run ();
}
