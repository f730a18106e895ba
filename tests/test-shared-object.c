/* test-shared-object.c
 *
 * SPDX-License-Identifier: MIT
 *
 * The main context is driven by hand (drain () runs what is ready,
 * iterate_until () blocks on the event a test waits for), so every
 * ordering asserted here is the one the library produced, reproducibly.
 */

#include <sharedpotato.h>

#include "sp-test-util.h"

#if __has_include(<valgrind/valgrind.h>)
# include <valgrind/valgrind.h>
#else
# define RUNNING_ON_VALGRIND 0
#endif

static void
test_properties (void)
{
  g_autoptr (SpSharedObject) object = NULL;
  g_autofree char *name = NULL;
  GType            value_type = G_TYPE_INVALID;
  int              timeout = -1;
  gboolean         initialized = TRUE, closed = TRUE;

  object = sp_shared_object_new_full (G_TYPE_STRING, "config", NULL, NULL);
  g_object_get (object, "value-type", &value_type, "name", &name, "default-timeout", &timeout,
                "initialized", &initialized, "closed", &closed, NULL);
  g_assert_true (value_type == G_TYPE_STRING);
  g_assert_cmpstr (name, ==, "config");
  g_assert_cmpstr (sp_shared_object_get_name (object), ==, "config");
  g_assert_cmpint (timeout, ==, 0);
  g_assert_false (initialized);
  g_assert_false (closed);
  g_assert_true (sp_shared_object_get_value_type (object) == G_TYPE_STRING);
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_default_timeout_notify (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  guint notified = 0;

  g_signal_connect (object, "notify::default-timeout", G_CALLBACK (count_notify), &notified);
  g_object_set (object, "default-timeout", 25, NULL);
  g_assert_cmpint (sp_shared_object_get_default_timeout (object), ==, 25);
  /* Emitted in the owner context, after the change, never inline. */
  g_assert_cmpuint (notified, ==, 0);
  drain ();
  g_assert_cmpuint (notified, ==, 1);

  sp_shared_object_set_default_timeout (object, 25);
  drain ();
  g_assert_cmpuint (notified, ==, 1);
}

static void
test_get_initialized (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (42);
  Result r = { 0 };

  sp_shared_object_get_async (object, 0, NULL, get_cb, &r);
  /* Never before _async has returned, even when nothing waits. */
  g_assert_false (r.done);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpint (g_value_get_int (&r.value), ==, 42);
  result_clear (&r);
}

static void
test_get_waits_for_set (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Result g1 = { 0 }, g2 = { 0 }, s = { 0 };

  sp_shared_object_get_async (object, 0, NULL, get_cb, &g1);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g2);
  drain ();
  g_assert_false (g1.done);
  g_assert_false (g2.done);

  set_int (object, 7, &s);
  iterate_until (&g2.done);
  iterate_until (&s.done);
  g_assert_true (s.ok);
  g_assert_true (g1.ok && g2.ok);
  g_assert_cmpint (g_value_get_int (&g1.value), ==, 7);
  g_assert_cmpint (g_value_get_int (&g2.value), ==, 7);
  g_assert_true (sp_shared_object_is_initialized (object));

  result_clear (&g1);
  result_clear (&g2);
  result_clear (&s);
}

static void
test_peek (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_STRING);
  GValue value = G_VALUE_INIT;
  Result p = { 0 }, s = { 0 };

  sp_shared_object_peek_async (object, 0, NULL, peek_cb, &p);
  iterate_until (&p.done);
  g_assert_true (p.ok);
  g_assert_false (p.initialized);
  g_assert_true (G_VALUE_HOLDS_STRING (&p.value));
  g_assert_null (g_value_get_string (&p.value));
  result_clear (&p);

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_static_string (&value, "potato");
  sp_shared_object_set_async (object, &value, 0, NULL, set_cb, &s);
  g_value_unset (&value);
  sp_shared_object_peek_async (object, 0, NULL, peek_cb, &p);
  iterate_until (&p.done);
  g_assert_true (s.done);
  g_assert_cmpuint (s.order, <, p.order);
  g_assert_true (p.initialized);
  g_assert_cmpstr (g_value_get_string (&p.value), ==, "potato");
  result_clear (&p);
  result_clear (&s);
}

static void
test_set_transforms (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_DOUBLE);
  Result s = { 0 }, g = { 0 };

  set_int (object, 3, &s);
  iterate_until (&s.done);
  g_assert_no_error (s.error);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_true (G_VALUE_HOLDS_DOUBLE (&g.value));
  g_assert_cmpfloat (g_value_get_double (&g.value), ==, 3.0);
  result_clear (&s);
  result_clear (&g);
}

typedef struct
{
  GType       value_type;
  GType       given_type;
  const char *given; /* parsed by g_value_transform from a string */
  gboolean    exact;
} Conversion;

static void
set_from_string (GValue *value, GType type, const char *text)
{
  g_value_init (value, type);
  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_INT:
      g_value_set_int (value, (int) g_ascii_strtoll (text, NULL, 10));
      break;
    case G_TYPE_UINT:
      g_value_set_uint (value, (guint) g_ascii_strtoull (text, NULL, 10));
      break;
    case G_TYPE_INT64:
      g_value_set_int64 (value, g_ascii_strtoll (text, NULL, 10));
      break;
    case G_TYPE_UINT64:
      g_value_set_uint64 (value, g_ascii_strtoull (text, NULL, 10));
      break;
    case G_TYPE_DOUBLE:
      g_value_set_double (value, g_ascii_strtod (text, NULL));
      break;
    case G_TYPE_BOOLEAN:
      g_value_set_boolean (value, g_str_equal (text, "1"));
      break;
    default:
      g_assert_not_reached ();
    }
}

/* A conversion that would lose information is refused and changes
 * nothing; one that keeps the number is made. */
static void
test_set_refuses_lossy_conversion (void)
{
  const Conversion conversions[] = {
    { G_TYPE_INT, G_TYPE_DOUBLE, "4.6", FALSE },
    { G_TYPE_INT, G_TYPE_DOUBLE, "4", TRUE },
    { G_TYPE_INT, G_TYPE_DOUBLE, "nan", FALSE },
    { G_TYPE_INT, G_TYPE_DOUBLE, "1e10", FALSE },
    { G_TYPE_INT, G_TYPE_INT64, "4294967296", FALSE },
    { G_TYPE_INT, G_TYPE_INT64, "-7", TRUE },
    { G_TYPE_UINT, G_TYPE_INT, "-1", FALSE },
    { G_TYPE_INT, G_TYPE_UINT, "4294967295", FALSE },
    { G_TYPE_UINT64, G_TYPE_INT64, "-1", FALSE },
    { G_TYPE_DOUBLE, G_TYPE_INT64, "9007199254740993", FALSE },
    { G_TYPE_DOUBLE, G_TYPE_INT64, "9007199254740992", TRUE },
    { G_TYPE_BOOLEAN, G_TYPE_INT, "5", FALSE },
    { G_TYPE_BOOLEAN, G_TYPE_INT, "1", TRUE },
    { G_TYPE_INT, G_TYPE_BOOLEAN, "1", TRUE },
    /* Beyond 64 bits either way: no undefined cast decides. */
    { G_TYPE_DOUBLE, G_TYPE_INT64, "9223372036854775807", FALSE },
    { G_TYPE_DOUBLE, G_TYPE_UINT64, "18446744073709551615", FALSE },
    { G_TYPE_INT64, G_TYPE_DOUBLE, "9223372036854775808", FALSE },
    { G_TYPE_UINT64, G_TYPE_DOUBLE, "18446744073709551616", FALSE },
    { G_TYPE_INT64, G_TYPE_DOUBLE, "-9223372036854775808", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (conversions); i++)
    {
      const Conversion *c = &conversions[i];
      g_autoptr (SpSharedObject) object = sp_shared_object_new (c->value_type);
      GValue given = G_VALUE_INIT;
      Result s = { 0 };

      g_test_message ("%s %s into %s", g_type_name (c->given_type), c->given,
                      g_type_name (c->value_type));
      set_from_string (&given, c->given_type, c->given);
      sp_shared_object_set_async (object, &given, 0, NULL, set_cb, &s);
      iterate_until (&s.done);
      if (c->exact)
        {
          GValue back = G_VALUE_INIT;

          g_assert_no_error (s.error);
          g_assert_true (sp_shared_object_try_get (object, &back));
          g_value_unset (&back);
        }
      else
        {
          g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
          g_assert_nonnull (strstr (s.error->message, "without losing information"));
          g_assert_false (sp_shared_object_is_initialized (object));
        }
      g_value_unset (&given);
      result_clear (&s);
    }
}

/* A boxed GValue (the :value property read, a binding's argument) is
 * stored as its content, by the same rules; an empty one is refused. */
static void
test_set_boxed_value (void)
{
  g_autoptr (SpSharedObject) source = new_int_object (5);
  g_autoptr (SpSharedObject) empty = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (SpSharedObject) target = sp_shared_object_new (G_TYPE_INT);
  GValue boxed = G_VALUE_INIT, lossy = G_VALUE_INIT;
  Result s = { 0 };

  g_value_init (&boxed, G_TYPE_VALUE);
  g_object_get_property (G_OBJECT (empty), "value", &boxed);
  sp_shared_object_set_async (target, &boxed, 0, NULL, set_cb, &s);
  iterate_until (&s.done);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (sp_shared_object_is_initialized (target));
  result_clear (&s);
  g_value_unset (&boxed);

  g_value_init (&lossy, G_TYPE_DOUBLE);
  g_value_set_double (&lossy, 4.6);
  g_value_init (&boxed, G_TYPE_VALUE);
  g_value_set_boxed (&boxed, &lossy);
  sp_shared_object_set_async (target, &boxed, 0, NULL, set_cb, &s);
  iterate_until (&s.done);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (sp_shared_object_is_initialized (target));
  result_clear (&s);
  g_value_unset (&boxed);
  g_value_unset (&lossy);

  g_value_init (&boxed, G_TYPE_VALUE);
  g_object_get_property (G_OBJECT (source), "value", &boxed);
  sp_shared_object_set_async (target, &boxed, 0, NULL, set_cb, &s);
  iterate_until (&s.done);
  g_assert_no_error (s.error);
  g_value_unset (&boxed);
  g_assert_true (sp_shared_object_try_get (target, &boxed));
  g_assert_cmpint (g_value_get_int (&boxed), ==, 5);
  g_value_unset (&boxed);
  result_clear (&s);
}

static void
count_changed (SpSharedObject *object,
               const GValue   *old_value,
               const GValue   *new_value,
               gpointer        data)
{
  (*(guint *) data)++;
}

/* Update ----------------------------------------------------------------- */

typedef struct
{
  int   add;       /* added to an int value; 0 leaves it unchanged */
  guint calls;     /* times the function ran */
  guint destroyed; /* times its data was freed */
  GType change_to; /* a type to turn the value into, by mistake */
} UpdateData;

static gboolean
update_add (GValue *value, gpointer data)
{
  UpdateData *update = data;

  update->calls++;
  if (update->change_to != G_TYPE_INVALID)
    {
      g_value_unset (value);
      g_value_init (value, update->change_to);
      return TRUE;
    }
  if (update->add == 0)
    return FALSE;
  g_value_set_int (value, g_value_get_int (value) + update->add);
  return TRUE;
}

static void
update_data_destroyed (gpointer data)
{
  ((UpdateData *) data)->destroyed++;
}

static void
update_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->ok = sp_shared_object_update_finish (SP_SHARED_OBJECT (source), res, &r->value, &r->error);
  result_mark_done (r);
}

static void
update (SpSharedObject *object, UpdateData *data, GCancellable *cancellable, Result *r)
{
  sp_shared_object_update_async (object, update_add, data, update_data_destroyed, 0, cancellable,
                                 update_cb, r);
}

static int
current_int (SpSharedObject *object)
{
  GValue value = G_VALUE_INIT;
  int    v;

  g_assert_true (sp_shared_object_try_get (object, &value));
  v = g_value_get_int (&value);
  g_value_unset (&value);
  return v;
}

/* The function runs once, on the value, and its result is stored,
 * announced and returned. */
static void
test_update_adds (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (41);
  UpdateData data = { .add = 1 };
  guint      changed = 0;
  Result     r = { 0 };

  g_signal_connect (object, "changed", G_CALLBACK (count_changed), &changed);
  update (object, &data, NULL, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpint (g_value_get_int (&r.value), ==, 42);
  g_assert_cmpint (current_int (object), ==, 42);
  g_assert_cmpuint (data.calls, ==, 1);
  g_assert_cmpuint (data.destroyed, ==, 1);
  drain ();
  g_assert_cmpuint (changed, ==, 1);
  result_clear (&r);
}

static void
count_initialized (SpSharedObject *object, gpointer data)
{
  (*(guint *) data)++;
}

/* No value: the function starts from the type's zero, and its store
 * initializes the object. */
static void
test_update_uninitialized (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  UpdateData data = { .add = 5 };
  guint      initialized = 0;
  Result     r = { 0 };

  g_signal_connect (object, "initialized", G_CALLBACK (count_initialized), &initialized);
  update (object, &data, NULL, &r);
  iterate_until (&r.done);
  g_assert_true (r.ok);
  g_assert_cmpint (g_value_get_int (&r.value), ==, 5);
  g_assert_true (sp_shared_object_is_initialized (object));
  drain ();
  g_assert_cmpuint (initialized, ==, 1);
  result_clear (&r);
}

/* FALSE leaves the object as it was: the call returns the value it
 * found, and nothing is announced. */
static void
test_update_unchanged (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (7);
  UpdateData data = { .add = 0 };
  guint      changed = 0;
  Result     r = { 0 };

  g_signal_connect (object, "changed", G_CALLBACK (count_changed), &changed);
  update (object, &data, NULL, &r);
  iterate_until (&r.done);
  g_assert_true (r.ok);
  g_assert_cmpint (g_value_get_int (&r.value), ==, 7);
  drain ();
  g_assert_cmpuint (changed, ==, 0);
  g_assert_cmpuint (data.calls, ==, 1);
  result_clear (&r);
}

/* A function that changes the value's type fails the call, and the
 * object keeps its value. */
static void
test_update_wrong_type (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (3);
  UpdateData data = { .change_to = G_TYPE_STRING };
  Result     r = { 0 };

  update (object, &data, NULL, &r);
  iterate_until (&r.done);
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (r.error->message, "gint to gchararray"));
  /* GJS and friends read the out value on failure too: the zero. */
  g_assert_true (G_VALUE_HOLDS_INT (&r.value));
  g_assert_cmpint (current_int (object), ==, 3);
  g_assert_cmpuint (data.destroyed, ==, 1);
  result_clear (&r);
}

/* In the queue's order: behind a held writer, after a set queued before
 * it, before a get queued after it. */
static void
test_update_in_order (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  UpdateData data = { .add = 10 };
  Result     w = { 0 }, s = { 0 }, u = { 0 }, g = { 0 };

  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &w);
  iterate_until (&w.done);
  set_int (object, 5, &s);
  update (object, &data, NULL, &u);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  drain ();
  g_assert_false (s.done || u.done || g.done);
  g_assert_cmpuint (data.calls, ==, 0);

  sp_guard_release (w.guard);
  iterate_until (&g.done);
  g_assert_true (s.done && u.done);
  g_assert_cmpuint (s.order, <, u.order);
  g_assert_cmpuint (u.order, <, g.order);
  g_assert_cmpint (g_value_get_int (&u.value), ==, 15);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 15);

  result_clear (&w);
  result_clear (&s);
  result_clear (&u);
  result_clear (&g);
}

/* A call that never runs frees its data all the same: cancelled while
 * queued, failed by a close. */
static void
test_update_never_runs (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  UpdateData cancelled = { .add = 1 }, closed = { .add = 1 };
  Result     w = { 0 }, u1 = { 0 }, u2 = { 0 }, c = { 0 };

  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &w);
  iterate_until (&w.done);
  update (object, &cancelled, cancellable, &u1);
  update (object, &closed, NULL, &u2);
  g_cancellable_cancel (cancellable);
  iterate_until (&u1.done);
  g_assert_error (u1.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (cancelled.destroyed, ==, 1);

  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  iterate_until (&u2.done);
  g_assert_error (u2.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpuint (closed.destroyed, ==, 1);
  sp_guard_release (w.guard);
  iterate_until (&c.done);
  g_assert_cmpuint (cancelled.calls + closed.calls, ==, 0);

  result_clear (&w);
  result_clear (&u1);
  result_clear (&u2);
  result_clear (&c);
}

/* Four threads, each with its own context, update one counter: no
 * increment is lost, whoever's thread runs the function. */
#define UPDATE_THREADS 4
#define UPDATE_EACH 500

typedef struct
{
  SpSharedObject *object;
  guint           done;
} UpdateWorker;

static gboolean
add_one (GValue *value, gpointer data)
{
  g_value_set_int (value, g_value_get_int (value) + 1);
  return TRUE;
}

static void
worker_updated (GObject *source, GAsyncResult *res, gpointer data)
{
  UpdateWorker *worker = data;

  g_assert_true (sp_shared_object_update_finish (worker->object, res, NULL, NULL));
  if (++worker->done < UPDATE_EACH)
    sp_shared_object_update_async (worker->object, add_one, NULL, NULL, 0, NULL, worker_updated,
                                   worker);
}

static gpointer
update_worker (gpointer data)
{
  UpdateWorker *worker = data;
  g_autoptr (GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  sp_shared_object_update_async (worker->object, add_one, NULL, NULL, 0, NULL, worker_updated,
                                 worker);
  while (worker->done < UPDATE_EACH)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_update_threads (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  UpdateWorker workers[UPDATE_THREADS];
  GThread     *threads[UPDATE_THREADS];

  for (guint i = 0; i < UPDATE_THREADS; i++)
    {
      workers[i] = (UpdateWorker){ .object = object };
      threads[i] = g_thread_new ("updater", update_worker, &workers[i]);
    }
  for (guint i = 0; i < UPDATE_THREADS; i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (current_int (object), ==, UPDATE_THREADS * UPDATE_EACH);
}

static void
test_set_wrong_type (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (5);
  GValue value = G_VALUE_INIT;
  Result s = { 0 }, g = { 0 };
  guint  changed = 0;

  g_signal_connect (object, "notify::initialized", G_CALLBACK (count_notify), &changed);
  g_signal_connect (object, "changed", G_CALLBACK (count_changed), &changed);

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_static_string (&value, "not a number");
  sp_shared_object_set_async (object, &value, 0, NULL, set_cb, &s);
  g_value_unset (&value);
  iterate_until (&s.done);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (s.ok);

  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 5);
  g_assert_cmpuint (changed, ==, 0);
  result_clear (&s);
  result_clear (&g);
}

static void
test_clear_to_default (void)
{
  GValue initial = G_VALUE_INIT, fallback = G_VALUE_INIT;
  g_autoptr (SpSharedObject) object = NULL;
  Result c = { 0 }, g = { 0 };

  g_value_init (&initial, G_TYPE_INT);
  g_value_set_int (&initial, 10);
  g_value_init (&fallback, G_TYPE_INT);
  g_value_set_int (&fallback, -1);
  object = sp_shared_object_new_full (G_TYPE_INT, NULL, &initial, &fallback);

  sp_shared_object_clear_async (object, 0, NULL, clear_cb, &c);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_true (c.ok);
  g_assert_cmpint (g_value_get_int (&g.value), ==, -1);
  g_assert_true (sp_shared_object_is_initialized (object));

  result_clear (&c);
  result_clear (&g);
  g_value_unset (&initial);
  g_value_unset (&fallback);
}

static void
test_clear_to_uninitialized (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (10);
  Result c = { 0 }, p = { 0 }, g = { 0 }, s = { 0 };

  sp_shared_object_clear_async (object, 0, NULL, clear_cb, &c);
  sp_shared_object_peek_async (object, 0, NULL, peek_cb, &p);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  drain ();
  g_assert_true (c.ok);
  g_assert_true (p.ok);
  g_assert_false (p.initialized);
  g_assert_false (g.done);
  g_assert_false (sp_shared_object_is_initialized (object));

  set_int (object, 11, &s);
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 11);

  result_clear (&c);
  result_clear (&p);
  result_clear (&g);
  result_clear (&s);
}

typedef struct
{
  GString *log;
  GThread *thread;
} SignalLog;

static void
log_changed (SpSharedObject *object,
             const GValue   *old_value,
             const GValue   *new_value,
             SignalLog      *log)
{
  g_assert_true (log->thread == g_thread_self ());
  g_string_append_printf (log->log, "changed(%s,%s) ", old_value ? "v" : "null",
                          new_value ? "v" : "null");
}

static void
log_signal (SpSharedObject *object, SignalLog *log)
{
  g_string_append (log->log, "initialized ");
}

static void
log_cleared (SpSharedObject *object, SignalLog *log)
{
  g_string_append (log->log, "cleared ");
}

static void
log_notify (SpSharedObject *object, GParamSpec *pspec, SignalLog *log)
{
  /* Notifications run after the changes, so they see the current state. */
  if (g_str_equal (pspec->name, "initialized"))
    g_string_append_printf (log->log, "notify:initialized=%d ",
                            sp_shared_object_is_initialized (object));
}

static void
test_signals_order (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  SignalLog log = { g_string_new (NULL), g_thread_self () };
  Result    s1 = { 0 }, s2 = { 0 }, c = { 0 };

  g_signal_connect (object, "changed", G_CALLBACK (log_changed), &log);
  g_signal_connect (object, "initialized", G_CALLBACK (log_signal), &log);
  g_signal_connect (object, "cleared", G_CALLBACK (log_cleared), &log);
  g_signal_connect (object, "notify", G_CALLBACK (log_notify), &log);

  set_int (object, 1, &s1);
  set_int (object, 2, &s2);
  sp_shared_object_clear_async (object, 0, NULL, clear_cb, &c);
  iterate_until (&c.done);
  drain ();

  g_assert_cmpstr (log.log->str, ==,
                   "changed(null,v) notify:initialized=0 initialized "
                   "changed(v,v) "
                   "changed(v,null) cleared notify:initialized=0 ");
  g_string_free (log.log, TRUE);
  result_clear (&s1);
  result_clear (&s2);
  result_clear (&c);
}

static void
test_lock_exclusive_guard (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  GValue  value = G_VALUE_INIT;
  Result  l = { 0 }, g = { 0 };
  GError *error = NULL;

  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &l);
  iterate_until (&l.done);
  g_assert_nonnull (l.guard);
  g_assert_cmpint (sp_guard_get_mode (l.guard), ==, SP_LOCK_MODE_EXCLUSIVE);

  /* A get queued behind the writer sees only its final value. */
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  g_assert_true (sp_guard_get_value (l.guard, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 1);
  g_value_set_int (&value, 2);
  g_assert_true (sp_guard_set_value (l.guard, &value, &error));
  g_assert_no_error (error);
  g_value_set_int (&value, 3);
  g_assert_true (sp_guard_set_value (l.guard, &value, &error));
  g_value_unset (&value);
  drain ();
  g_assert_false (g.done);

  sp_guard_release (l.guard);
  g_assert_true (sp_guard_is_released (l.guard));
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 3);

  result_clear (&l);
  result_clear (&g);
}

static void
test_try_get (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (SpGuard) reader = NULL;
  GValue value = G_VALUE_INIT;
  Result l = { 0 }, s = { 0 };

  g_assert_false (sp_shared_object_try_get (object, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 0);
  g_value_unset (&value);

  set_int (object, 9, &s);
  iterate_until (&s.done);
  g_assert_true (sp_shared_object_try_get (object, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 9);
  g_value_unset (&value);

  /* Readers do not stop it, a queued writer does. */
  reader = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  g_assert_nonnull (reader);
  g_assert_true (sp_shared_object_try_get (object, NULL));
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &l);
  g_assert_false (sp_shared_object_try_get (object, NULL));
  g_clear_pointer (&reader, sp_guard_unref);
  iterate_until (&l.done);
  g_assert_false (sp_shared_object_try_get (object, NULL));
  result_clear (&l);
  g_assert_true (sp_shared_object_try_get (object, NULL));
  result_clear (&s);
}

static void
test_try_lock (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  SpGuard *r1, *r2, *w;
  Result   l = { 0 };

  r1 = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  r2 = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  g_assert_nonnull (r1);
  g_assert_nonnull (r2);
  g_assert_null (sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE));

  /* A queued writer is not jumped, not even by a reader. */
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &l);
  g_assert_null (sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED));
  sp_guard_unref (r1);
  sp_guard_release (r2);
  sp_guard_unref (r2);
  iterate_until (&l.done);
  g_assert_null (sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED));
  result_clear (&l);

  w = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  g_assert_nonnull (w);
  sp_guard_unref (w);
}

/* R R W R: the last reader waits for the writer. */
static void
test_fairness_writer_blocks_later_readers (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  Result r1 = { 0 }, r2 = { 0 }, w = { 0 }, r3 = { 0 };

  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r1);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r2);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &w);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r3);
  drain ();
  g_assert_true (r1.ok && r2.ok);
  g_assert_false (w.done);
  g_assert_false (r3.done);

  sp_guard_release (r1.guard);
  drain ();
  g_assert_false (w.done);
  sp_guard_release (r2.guard);
  drain ();
  g_assert_true (w.ok);
  g_assert_false (r3.done);

  sp_guard_release (w.guard);
  iterate_until (&r3.done);
  g_assert_true (r3.ok);
  g_assert_cmpuint (w.order, <, r3.order);

  result_clear (&r1);
  result_clear (&r2);
  result_clear (&w);
  result_clear (&r3);
}

/* W R R: both readers granted together once the writer leaves. */
static void
test_fairness_readers_granted_together (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  Result w = { 0 }, r1 = { 0 }, r2 = { 0 }, w2 = { 0 };

  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &w);
  iterate_until (&w.done);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r1);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r2);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &w2);
  drain ();
  g_assert_false (r1.done || r2.done);

  sp_guard_release (w.guard);
  /* One dispatch of the delivery source hands both guards over. */
  g_assert_true (g_main_context_iteration (NULL, FALSE));
  g_assert_true (r1.ok && r2.ok);
  g_assert_cmpuint (r1.order + 1, ==, r2.order);
  drain ();
  g_assert_false (w2.done);

  sp_guard_release (r1.guard);
  sp_guard_release (r2.guard);
  iterate_until (&w2.done);
  g_assert_true (w2.ok);

  result_clear (&w);
  result_clear (&r1);
  result_clear (&r2);
  result_clear (&w2);
}

static void
test_fairness_get_waiting_does_not_block_writers (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Result g = { 0 }, w = { 0 }, r = { 0 };
  GValue value = G_VALUE_INIT;

  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &w);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r);
  iterate_until (&w.done);
  g_assert_true (w.ok);
  g_assert_false (g.done);
  g_assert_false (r.done);

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 4);
  g_assert_true (sp_guard_set_value (w.guard, &value, NULL));
  g_value_unset (&value);
  sp_guard_release (w.guard);
  iterate_until (&r.done);
  iterate_until (&g.done);
  /* The get arrived first, so it is served first. */
  g_assert_cmpuint (g.order, <, r.order);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 4);

  result_clear (&g);
  result_clear (&w);
  result_clear (&r);
}

/* A get waiting for a value is a reader: the value an exclusive holder
 * sets reaches it only when the holder releases the lock, so it never
 * sees a value its writer may still change or clear. */
static void
test_fairness_get_waiting_waits_for_writer_release (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Result   g = { 0 }, p = { 0 }, cancelled = { 0 };
  GValue   value = G_VALUE_INIT;
  SpGuard *writer;

  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  drain ();
  writer = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  g_assert_nonnull (writer);

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 4);
  g_assert_true (sp_guard_set_value (writer, &value, NULL));
  drain ();
  g_assert_false (g.done);

  /* Every change that makes the object look at its waiters again: a call
   * that queues, one that leaves the queue. */
  sp_shared_object_peek_async (object, 0, NULL, peek_cb, &p);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, cancellable, lock_cb, &cancelled);
  drain ();
  g_cancellable_cancel (cancellable);
  iterate_until (&cancelled.done);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g.done);
  g_assert_false (p.done);

  g_value_set_int (&value, 5);
  g_assert_true (sp_guard_set_value (writer, &value, NULL));
  g_value_unset (&value);
  drain ();
  g_assert_false (g.done);

  sp_guard_release (writer);
  sp_guard_unref (writer);
  iterate_until (&g.done);
  iterate_until (&p.done);
  g_assert_true (g.ok);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 5);
  /* The get was waiting first. */
  g_assert_cmpuint (g.order, <, p.order);

  result_clear (&g);
  result_clear (&p);
  result_clear (&cancelled);
}

static void
test_timeout_queued (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (SpGuard) reader = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  Result w = { 0 }, r = { 0 };

  /* The writer times out; the reader it was blocking goes on while the
   * first reader still holds the lock. */
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 10, NULL, lock_cb, &w);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r);
  drain ();
  g_assert_false (r.done);
  iterate_until (&w.done);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (w.guard);
  /* Granted when the writer left, so delivered by now: waiting for it
   * would turn a lost grant into a hang instead of a failure. */
  drain ();
  g_assert_true (r.done);
  g_assert_true (r.ok);

  result_clear (&w);
  result_clear (&r);
}

static void
test_timeout_waiting_for_value (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Result g = { 0 }, g2 = { 0 }, s = { 0 };

  sp_shared_object_get_async (object, 10, NULL, get_cb, &g);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g2);
  iterate_until (&g.done);
  g_assert_error (g.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_false (g2.done);

  set_int (object, 1, &s);
  iterate_until (&g2.done);
  g_assert_cmpint (g_value_get_int (&g2.value), ==, 1);

  result_clear (&g);
  result_clear (&g2);
  result_clear (&s);
}

static void
test_timeout_default (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Result g = { 0 };

  sp_shared_object_set_default_timeout (object, 5);
  sp_shared_object_get_async (object, -1, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_error (g.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  result_clear (&g);
}

static gboolean
release_holder_cb (gpointer data)
{
  sp_guard_release (data);
  return G_SOURCE_REMOVE;
}

/* The timeout and the release are ready in the same iteration, and the
 * release is dispatched first (it was attached first): the grant wins,
 * and the timeout, which GLib dispatches next in that iteration, finds
 * the waiter served and does nothing. */
static void
test_timeout_racing_grant (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  SpGuard *holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  Result   w = { 0 }, next = { 0 };
  GSource *release;
  SpStats *stats;
  guint    timeouts_run;
  gint64   due;

  /* Nothing left over may take the iteration below. */
  drain ();
  timeouts_run = count_timeout_dispatches ();
  release = g_idle_source_new ();
  g_source_set_priority (release, G_PRIORITY_DEFAULT);
  g_source_set_callback (release, release_holder_cb, holder, NULL);
  g_source_attach (release, NULL);
  g_source_unref (release);

  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 1, NULL, lock_cb, &w);
  /* Taken after the call, so the waiter's timeout is due by then however
   * late the call ran. */
  due = g_get_monotonic_time () + G_TIME_SPAN_MILLISECOND + 1;
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &next);
  wait_until_monotonic (due);

  /* One iteration: the release, then the timeout. The delivery comes in
   * the next one. */
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (count_timeout_dispatches (), ==, timeouts_run + 1);
  g_assert_false (w.done);

  drain ();
  g_assert_true (w.ok);
  g_assert_no_error (w.error);
  g_assert_false (next.done);
  stats = sp_shared_object_get_stats (object);
  g_assert_cmpuint (stats->timeouts, ==, 0);
  sp_stats_free (stats);

  g_clear_pointer (&w.guard, sp_guard_unref);
  iterate_until (&next.done);
  g_assert_true (next.ok);

  sp_guard_unref (holder);
  result_clear (&w);
  result_clear (&next);
}

/* The timeout fires while the holder still holds: the lock passes over
 * the timed-out waiter to the next one. */
static void
test_timeout_before_grant (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  SpGuard *holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  Result   w = { 0 }, next = { 0 };
  SpStats *stats;
  guint    timeouts_run;

  timeouts_run = count_timeout_dispatches ();
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 1, NULL, lock_cb, &w);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &next);
  /* Only the timeout can end it while the holder holds. */
  iterate_until (&w.done);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (w.guard);
  g_assert_cmpuint (count_timeout_dispatches (), ==, timeouts_run + 1);
  g_assert_false (next.done);

  sp_guard_release (holder);
  sp_guard_unref (holder);
  iterate_until (&next.done);
  g_assert_true (next.ok);
  stats = sp_shared_object_get_stats (object);
  g_assert_cmpuint (stats->timeouts, ==, 1);
  sp_stats_free (stats);

  result_clear (&w);
  result_clear (&next);
}

/* A widget stand-in: one string and one double property to bind to. */
#define TEST_TYPE_LABEL (test_label_get_type ())
G_DECLARE_FINAL_TYPE (TestLabel, test_label, TEST, LABEL, GObject)

struct _TestLabel
{
  GObject parent_instance;
  char   *text;
  double  number;
};

G_DEFINE_FINAL_TYPE (TestLabel, test_label, G_TYPE_OBJECT)

static void
test_label_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TestLabel *self = TEST_LABEL (object);

  if (prop_id == 1)
    {
      g_free (self->text);
      self->text = g_value_dup_string (value);
    }
  else
    self->number = g_value_get_double (value);
}

static void
test_label_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TestLabel *self = TEST_LABEL (object);

  if (prop_id == 1)
    g_value_set_string (value, self->text);
  else
    g_value_set_double (value, self->number);
}

static void
test_label_finalize (GObject *object)
{
  g_free (TEST_LABEL (object)->text);
  G_OBJECT_CLASS (test_label_parent_class)->finalize (object);
}

static void
test_label_class_init (TestLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = test_label_set_property;
  object_class->get_property = test_label_get_property;
  object_class->finalize = test_label_finalize;
  g_object_class_install_property (
      object_class, 1, g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READWRITE));
  g_object_class_install_property (
      object_class, 2,
      g_param_spec_double ("number", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, G_PARAM_READWRITE));
}

static void
test_label_init (TestLabel *self)
{
}

static void
free_boxed_value (gpointer value)
{
  if (value != NULL)
    g_boxed_free (G_TYPE_VALUE, value);
}

static void
count_value_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  GPtrArray *seen = data;
  GValue    *value = NULL;

  /* In the owner context: this test's thread. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_object_get (object, "value", &value, NULL);
  g_ptr_array_add (seen, value);
}

static gpointer
set_from_worker (gpointer data)
{
  g_autoptr (GError) error = NULL;
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 8);
  g_assert_true (sp_shared_object_set_sync (data, &value, 0, NULL, &error));
  g_value_unset (&value);

  return NULL;
}

/* :value follows the object, notified in the owner context after each
 * change, and binds into another object's property of another type with
 * no transform function. */
static void
test_value_property (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (TestLabel) label = g_object_new (TEST_TYPE_LABEL, NULL);
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (free_boxed_value);
  GValue *value = NULL;
  Result  s = { 0 }, c = { 0 };

  g_object_get (object, "value", &value, NULL);
  g_assert_null (value);

  g_signal_connect (object, "notify::value", G_CALLBACK (count_value_notify), seen);
  g_object_bind_property (object, "value", label, "text", G_BINDING_SYNC_CREATE);
  g_object_bind_property (object, "value", label, "number", G_BINDING_DEFAULT);
  g_assert_null (label->text);

  set_int (object, 42, &s);
  /* The value changed at once; its notification comes in the owner
   * context, after. */
  g_assert_cmpuint (seen->len, ==, 0);
  iterate_until (&s.done);
  drain ();
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpint (g_value_get_int (seen->pdata[0]), ==, 42);
  g_assert_cmpstr (label->text, ==, "42");
  g_assert_cmpfloat (label->number, ==, 42.0);

  /* From another thread: still notified here. */
  g_thread_join (g_thread_new ("writer", set_from_worker, object));
  drain ();
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_cmpstr (label->text, ==, "8");

  /* Cleared to uninitialized: notified, and NULL. */
  sp_shared_object_clear_async (object, 0, NULL, clear_cb, &c);
  iterate_until (&c.done);
  drain ();
  g_assert_cmpuint (seen->len, ==, 3);
  g_assert_null (seen->pdata[2]);

  result_clear (&s);
  result_clear (&c);
}

/* Errors say what failed: the call, the object, and for a timeout how
 * long it waited. */
static void
test_error_messages_name_the_call (void)
{
  g_autoptr (SpSharedObject) config =
      sp_shared_object_new_full (G_TYPE_STRING, "config", NULL, NULL);
  g_autoptr (SpSharedObject) unnamed = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GCancellable) late = g_cancellable_new ();
  SpGuard *holder = sp_shared_object_try_lock (config, SP_LOCK_MODE_EXCLUSIVE);
  Result   t = { 0 }, c = { 0 }, granted = { 0 }, closed = { 0 }, u = { 0 }, cl = { 0 };

  sp_shared_object_get_async (config, 20, NULL, get_cb, &t);
  sp_shared_object_lock_async (config, SP_LOCK_MODE_SHARED, 0, cancellable, lock_cb, &c);
  sp_shared_object_lock_async (config, SP_LOCK_MODE_EXCLUSIVE, 0, late, lock_cb, &granted);
  iterate_until (&t.done);
  g_assert_error (t.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpstr (t.error->message, ==, "Timed out after 20 ms waiting to get “config”");
  g_cancellable_cancel (cancellable);
  iterate_until (&c.done);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (c.error->message, ==, "Cancelled while waiting to lock “config”");

  /* Granted, then cancelled before its callback: the same words. */
  sp_guard_release (holder);
  g_cancellable_cancel (late);
  iterate_until (&granted.done);
  g_assert_error (granted.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (granted.error->message, ==, "Cancelled while waiting to lock “config”");

  sp_shared_object_close_async (config, 0, NULL, close_cb, &cl);
  iterate_until (&cl.done);
  sp_shared_object_peek_async (config, 0, NULL, peek_cb, &closed);
  iterate_until (&closed.done);
  g_assert_error (closed.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpstr (closed.error->message, ==,
                   "Cannot peek at “config”: the shared object is closed");

  /* An object without a name is named by its type. */
  sp_shared_object_get_async (unnamed, 1, NULL, get_cb, &u);
  iterate_until (&u.done);
  g_assert_cmpstr (u.error->message, ==, "Timed out after 1 ms waiting to get “SpSharedObject”");

  sp_guard_unref (holder);
  result_clear (&t);
  result_clear (&c);
  result_clear (&granted);
  result_clear (&closed);
  result_clear (&u);
  result_clear (&cl);
}

static void
test_cancel_queued (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (SpGuard) reader = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Result w = { 0 }, r = { 0 };

  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, cancellable, lock_cb, &w);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r);
  drain ();
  g_assert_false (w.done || r.done);

  g_cancellable_cancel (cancellable);
  iterate_until (&r.done);
  iterate_until (&w.done);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (r.ok);

  result_clear (&w);
  result_clear (&r);
}

static void
test_cancel_waiting_for_value (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Result g = { 0 };

  sp_shared_object_get_async (object, 0, cancellable, get_cb, &g);
  drain ();
  g_cancellable_cancel (cancellable);
  iterate_until (&g.done);
  g_assert_error (g.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  result_clear (&g);
}

static void
test_cancel_before_call (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GValue value = G_VALUE_INIT;
  Result s = { 0 }, g = { 0 };

  g_cancellable_cancel (cancellable);
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 2);
  sp_shared_object_set_async (object, &value, 0, cancellable, set_cb, &s);
  g_value_unset (&value);
  iterate_until (&s.done);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 1);

  result_clear (&s);
  result_clear (&g);
}

/* Granted, then cancelled before the callback: the lock passes on. */
static void
test_cancel_between_grant_and_delivery (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  SpGuard *holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  Result   w = { 0 }, next = { 0 };
  g_autoptr (SpStats) stats = NULL;

  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, cancellable, lock_cb, &w);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &next);
  sp_guard_release (holder);
  sp_guard_unref (holder);
  g_cancellable_cancel (cancellable);
  iterate_until (&w.done);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (w.guard);
  iterate_until (&next.done);
  g_assert_true (next.ok);

  /* The grant did happen before the cancel: it was given back. */
  stats = sp_shared_object_get_stats (object);
  g_assert_cmpuint (stats->waited_grants, ==, 2);
  g_assert_cmpuint (stats->cancellations, ==, 1);

  result_clear (&w);
  result_clear (&next);
}

typedef struct
{
  GCancellable *cancellable;
  int           ready; /* atomics: both threads spin on them */
  int           go;
} CancelRace;

static void
spin (guint n)
{
  for (volatile guint i = 0; i < n; i++)
    ;
}

static gpointer
cancel_when_told (gpointer data)
{
  CancelRace *race = data;

  g_atomic_int_set (&race->ready, 1);
  while (!g_atomic_int_get (&race->go))
    g_thread_yield ();
  g_cancellable_cancel (race->cancellable);

  return NULL;
}

/* A cancel in another thread races the release that grants the lock.
 * Whichever wins, the waiter reports CANCELLED and the lock is free
 * afterwards. Both threads start from the same instant; the releasing
 * one first spins a seeded random number of times, up to a bound that
 * doubles after each win of the release and halves after each win of
 * the cancel, so both paths keep coming up however fast either side is
 * on this machine, at this load. The waited_grants statistic tells the
 * paths apart; the test runs until each was seen often enough.
 * cancel/between-grant-and-delivery and cancel/queued are the
 * deterministic versions of each. */
static void
test_cancel_racing_release (void)
{
  const guint wanted = 20;
  guint       grant_first = 0, cancel_first = 0, runs = 0;
  guint       delay_bound = 1024;

  while (runs < 100 || (!RUNNING_ON_VALGRIND && (grant_first < wanted || cancel_first < wanted)))
    {
      g_autoptr (SpSharedObject) object = new_int_object (0);
      SpGuard   *holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
      CancelRace race = { .cancellable = g_cancellable_new () };
      g_autoptr (SpStats) stats = NULL;
      g_autoptr (SpGuard) after = NULL;
      guint    release_delay = g_test_rand_int_range (0, delay_bound);
      Result   w = { 0 };
      GThread *thread;

      /* A bug that loses one path for good fails here, not by hanging. */
      g_assert_cmpuint (runs, <, 20000);
      runs++;

      sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, race.cancellable, lock_cb,
                                   &w);
      thread = g_thread_new ("cancel", cancel_when_told, &race);
      while (!g_atomic_int_get (&race.ready))
        g_thread_yield ();
      g_atomic_int_set (&race.go, 1);
      spin (release_delay);
      sp_guard_release (holder);
      sp_guard_unref (holder);
      g_thread_join (thread);

      iterate_until (&w.done);
      g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_null (w.guard);
      after = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
      g_assert_nonnull (after);

      stats = sp_shared_object_get_stats (object);
      g_assert_cmpuint (stats->cancellations, ==, 1);
      if (stats->waited_grants == 1)
        {
          grant_first++;
          delay_bound = MIN (delay_bound * 2, 1u << 26);
        }
      else
        {
          g_assert_cmpuint (stats->waited_grants, ==, 0);
          cancel_first++;
          delay_bound = MAX (delay_bound / 2, 16);
        }

      g_object_unref (race.cancellable);
      result_clear (&w);
    }

  /* valgrind runs one thread at a time, and the releasing one keeps
   * running: only the correctness of each run is checked there. */
  g_test_message ("%u runs: grant first %u times, cancel first %u times", runs, grant_first,
                  cancel_first);
}

/* Delivered, then cancelled: the caller holds the lock and releases it. */
static void
test_cancel_after_grant (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Result w = { 0 }, next = { 0 };

  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, cancellable, lock_cb, &w);
  iterate_until (&w.done);
  g_cancellable_cancel (cancellable);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &next);
  drain ();
  g_assert_true (w.ok);
  g_assert_false (next.done);
  sp_guard_release (w.guard);
  iterate_until (&next.done);
  g_assert_true (next.ok);

  result_clear (&w);
  result_clear (&next);
}

/* A set that already happened reports it, even if cancelled after. */
static void
test_cancel_after_set_performed (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GValue value = G_VALUE_INIT;
  Result s = { 0 };

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 8);
  sp_shared_object_set_async (object, &value, 0, cancellable, set_cb, &s);
  g_value_unset (&value);
  g_cancellable_cancel (cancellable);
  iterate_until (&s.done);
  g_assert_no_error (s.error);
  g_assert_true (sp_shared_object_try_get (object, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 8);
  g_value_unset (&value);
  result_clear (&s);
}

typedef struct
{
  guint    emitted;
  int      final;
  gboolean had_value;
} ClosedLog;

static void
on_closed (SpSharedObject *object, const GValue *final_value, ClosedLog *log)
{
  log->emitted++;
  log->had_value = final_value != NULL;
  if (final_value != NULL)
    log->final = g_value_get_int (final_value);
}

static void
test_close_with_queued_waiters (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (3);
  SpGuard  *holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  Result    g = { 0 }, l = { 0 }, c = { 0 }, after = { 0 };
  ClosedLog log = { 0 };

  g_signal_connect (object, "closed", G_CALLBACK (on_closed), &log);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &l);
  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  g_assert_true (sp_shared_object_is_closed (object));
  iterate_until (&g.done);
  iterate_until (&l.done);
  g_assert_error (g.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_error (l.error, G_IO_ERROR, G_IO_ERROR_CLOSED);

  sp_shared_object_peek_async (object, 0, NULL, peek_cb, &after);
  iterate_until (&after.done);
  g_assert_error (after.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_false (sp_shared_object_try_get (object, NULL));
  g_assert_null (sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED));

  /* The holder is not thrown out; the close waits for it. */
  drain ();
  g_assert_false (c.done);
  g_assert_cmpuint (log.emitted, ==, 0);
  sp_guard_release (holder);
  sp_guard_unref (holder);
  iterate_until (&c.done);
  g_assert_true (c.ok);
  g_assert_cmpuint (log.emitted, ==, 1);
  g_assert_true (log.had_value);
  g_assert_cmpint (log.final, ==, 3);

  result_clear (&g);
  result_clear (&l);
  result_clear (&c);
  result_clear (&after);
}

/* A get waiting for a value holds no lock and sits outside the queue,
 * but a close must end it like any queued call. */
static void
test_close_fails_gets_waiting_for_value (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Result   g = { 0 }, queued = { 0 }, c = { 0 };
  SpGuard *holder;

  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  drain ();
  g_assert_false (g.done);
  /* It blocks nobody: a writer takes the lock, and keeps it across the
   * close without setting a value. */
  holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  g_assert_nonnull (holder);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &queued);

  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  drain ();
  g_assert_true (g.done);
  g_assert_error (g.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_true (queued.done);
  g_assert_error (queued.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_false (c.done);

  sp_guard_release (holder);
  sp_guard_unref (holder);
  iterate_until (&c.done);
  g_assert_true (c.ok);

  result_clear (&g);
  result_clear (&queued);
  result_clear (&c);
}

static gboolean
init_never_called (SpSharedObject *object, SpGuard *guard, gpointer user_data)
{
  g_assert_not_reached ();
  return FALSE;
}

/* The same with an initializer that has not run yet: the close fails
 * the get that was waiting for it. */
static void
test_close_fails_gets_waiting_for_initializer (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Result   g = { 0 }, c = { 0 };
  SpGuard *holder;

  /* A reader holds the lock, so the initializer cannot start. */
  holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  g_assert_nonnull (holder);
  sp_shared_object_set_initializer (object, init_never_called, NULL, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  drain ();
  g_assert_false (g.done);

  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  drain ();
  g_assert_true (g.done);
  g_assert_error (g.error, G_IO_ERROR, G_IO_ERROR_CLOSED);

  sp_guard_release (holder);
  sp_guard_unref (holder);
  iterate_until (&c.done);
  g_assert_true (c.ok);

  result_clear (&g);
  result_clear (&c);
}

static void
test_close_with_held_guard (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  SpGuard  *holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  GValue    value = G_VALUE_INIT;
  Result    c = { 0 };
  ClosedLog log = { 0 };

  g_signal_connect (object, "closed", G_CALLBACK (on_closed), &log);
  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  drain ();

  /* The holder finishes its work; the final value is what it wrote. */
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 99);
  g_assert_true (sp_guard_set_value (holder, &value, NULL));
  g_value_unset (&value);
  sp_guard_unref (holder);
  iterate_until (&c.done);
  g_assert_true (c.ok);
  g_assert_cmpint (log.final, ==, 99);
  result_clear (&c);
}

static void
test_close_twice (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  SpGuard  *holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  Result    c1 = { 0 }, c2 = { 0 }, c3 = { 0 };
  ClosedLog log = { 0 };

  g_signal_connect (object, "closed", G_CALLBACK (on_closed), &log);
  sp_shared_object_close_async (object, 0, NULL, close_cb, &c1);
  sp_shared_object_close_async (object, 0, NULL, close_cb, &c2);
  drain ();
  g_assert_false (c1.done || c2.done);
  sp_guard_unref (holder);
  iterate_until (&c2.done);
  g_assert_true (c1.ok && c2.ok);

  sp_shared_object_close_async (object, 0, NULL, close_cb, &c3);
  iterate_until (&c3.done);
  g_assert_true (c3.ok);
  g_assert_cmpuint (log.emitted, ==, 1);
  g_assert_false (log.had_value);

  result_clear (&c1);
  result_clear (&c2);
  result_clear (&c3);
}

static void
test_close_timeout (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  SpGuard  *holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  Result    c = { 0 }, c2 = { 0 };
  ClosedLog log = { 0 };

  g_signal_connect (object, "closed", G_CALLBACK (on_closed), &log);
  sp_shared_object_close_async (object, 10, NULL, close_cb, &c);
  iterate_until (&c.done);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (sp_shared_object_is_closed (object));
  g_assert_cmpuint (log.emitted, ==, 0);

  /* The object still finishes closing when the holder leaves. */
  sp_shared_object_close_async (object, 0, NULL, close_cb, &c2);
  sp_guard_unref (holder);
  iterate_until (&c2.done);
  g_assert_true (c2.ok);
  g_assert_cmpuint (log.emitted, ==, 1);

  result_clear (&c);
  result_clear (&c2);
}

static void
test_close_notifies_closed (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  guint  notified = 0;
  Result c = { 0 };

  g_signal_connect (object, "notify::closed", G_CALLBACK (count_notify), &notified);
  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  g_assert_cmpuint (notified, ==, 0);
  iterate_until (&c.done);
  g_assert_cmpuint (notified, ==, 1);
  result_clear (&c);
}

/* Two threads, each with its own context, hammer one object; the signals
 * arrive in the creator's thread, one per change. */
#define HAMMER_ROUNDS 500

typedef struct
{
  SpSharedObject *object;
  guint           rounds;
  gboolean        done;
  GMainContext   *context;
} Hammer;

static void hammer_next (Hammer *h);

static void
hammer_locked (GObject *source, GAsyncResult *res, gpointer data)
{
  Hammer *h = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SpGuard) guard = sp_shared_object_lock_finish (h->object, res, &error);
  GValue value = G_VALUE_INIT;

  g_assert_no_error (error);
  g_assert_true (g_main_context_is_owner (h->context));
  g_assert_true (sp_guard_get_value (guard, &value));
  g_value_set_int (&value, g_value_get_int (&value) + 1);
  g_assert_true (sp_guard_set_value (guard, &value, NULL));
  g_value_unset (&value);
  sp_guard_release (guard);

  if (++h->rounds == HAMMER_ROUNDS)
    h->done = TRUE;
  else
    hammer_next (h);
}

static void
hammer_next (Hammer *h)
{
  sp_shared_object_lock_async (h->object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, hammer_locked, h);
}

static gpointer
hammer_thread (gpointer data)
{
  Hammer *h = data;

  h->context = g_main_context_new ();
  g_main_context_push_thread_default (h->context);
  hammer_next (h);
  while (!h->done)
    g_main_context_iteration (h->context, TRUE);
  g_main_context_pop_thread_default (h->context);
  g_main_context_unref (h->context);

  return NULL;
}

typedef struct
{
  GThread *owner;
  guint    changes;
  int      last;
} ChangeCount;

static void
count_changes (SpSharedObject *object,
               const GValue   *old_value,
               const GValue   *new_value,
               ChangeCount    *count)
{
  g_assert_true (g_thread_self () == count->owner);
  g_assert_nonnull (new_value);
  /* Emitted in the order the changes happened. */
  g_assert_cmpint (g_value_get_int (new_value), ==, count->last + 1);
  count->last = g_value_get_int (new_value);
  count->changes++;
}

static void
test_threads_hammer (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  Hammer      a = { object }, b = { object };
  ChangeCount count = { g_thread_self (), 0, 0 };
  GThread    *ta, *tb;
  GValue      value = G_VALUE_INIT;

  g_signal_connect (object, "changed", G_CALLBACK (count_changes), &count);
  ta = g_thread_new ("hammer-a", hammer_thread, &a);
  tb = g_thread_new ("hammer-b", hammer_thread, &b);
  g_thread_join (ta);
  g_thread_join (tb);

  g_assert_true (sp_shared_object_try_get (object, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 2 * HAMMER_ROUNDS);
  g_value_unset (&value);

  while (count.changes < 2 * HAMMER_ROUNDS)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (count.last, ==, 2 * HAMMER_ROUNDS);
}

/* 100,000 waiters each releasing in its callback: the stack stays flat. */
#define CHAIN_LENGTH 100000

typedef struct
{
  SpSharedObject *object;
  guint           granted;
  guintptr        lowest;
  guintptr        highest;
} Chain;

static void
chain_locked (GObject *source, GAsyncResult *res, gpointer data)
{
  Chain   *chain = data;
  SpGuard *guard = sp_shared_object_lock_finish (chain->object, res, NULL);
  guintptr here = (guintptr) &guard;

  g_assert_nonnull (guard);
  chain->lowest = MIN (chain->lowest, here);
  chain->highest = MAX (chain->highest, here);
  chain->granted++;
  sp_guard_release (guard);
  sp_guard_unref (guard);
}

static void
test_chain_bounded_stack (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  SpGuard *holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  Chain    chain = { object, 0, G_MAXSIZE, 0 };

  for (guint i = 0; i < CHAIN_LENGTH; i++)
    sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, chain_locked, &chain);
  sp_guard_release (holder);
  sp_guard_unref (holder);

  while (chain.granted < CHAIN_LENGTH)
    g_main_context_iteration (NULL, TRUE);

  /* Recursion would put 100,000 frames between them. */
  g_assert_cmpuint (chain.highest - chain.lowest, <, 4096);
}

static void
test_bad_input (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  GValue value = G_VALUE_INIT;
  GValue holder = G_VALUE_INIT;
  g_autoptr (GCancellable) not_an_object = g_cancellable_new ();
  Result never = { 0 };

  EXPECT_CRITICAL ("sp_shared_object_new: assertion 'G_TYPE_IS_VALUE_TYPE (value_type)' failed",
                   g_assert_null (sp_shared_object_new (G_TYPE_NONE)));
  EXPECT_CRITICAL ("sp_shared_object_new_with_value: assertion 'G_IS_VALUE (value)' failed",
                   g_assert_null (sp_shared_object_new_with_value (NULL)));
  EXPECT_CRITICAL ("sp_shared_object_new_with_value: assertion 'G_IS_VALUE (value)' failed",
                   g_assert_null (sp_shared_object_new_with_value (&value)));
  g_value_init (&holder, G_TYPE_STRING);
  g_value_set_static_string (&holder, "x");
  EXPECT_CRITICAL ("sp_shared_object_new_full: A value of type gchararray cannot be stored in a "
                   "shared object of type gint",
                   g_assert_null (sp_shared_object_new_full (G_TYPE_INT, NULL, &holder, NULL)));
  EXPECT_CRITICAL ("sp_shared_object_new_full: A value of type gchararray cannot be stored in a "
                   "shared object of type gint",
                   g_assert_null (sp_shared_object_new_full (G_TYPE_INT, NULL, NULL, &holder)));

  EXPECT_CRITICAL ("sp_shared_object_get_value_type: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_value_type (NULL));
  EXPECT_CRITICAL ("sp_shared_object_get_name: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_name (NULL));
  EXPECT_CRITICAL (
      "sp_shared_object_get_default_timeout: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
      sp_shared_object_get_default_timeout (NULL));
  EXPECT_CRITICAL (
      "sp_shared_object_set_default_timeout: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
      sp_shared_object_set_default_timeout (NULL, 1));
  EXPECT_CRITICAL ("sp_shared_object_set_default_timeout: assertion 'timeout_ms >= 0' failed",
                   sp_shared_object_set_default_timeout (object, -5));
  EXPECT_CRITICAL ("sp_shared_object_is_initialized: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_is_initialized (NULL));
  EXPECT_CRITICAL ("sp_shared_object_is_closed: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_is_closed (NULL));
  EXPECT_CRITICAL ("sp_shared_object_get_async: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_async (NULL, 0, NULL, get_cb, &never));
  EXPECT_CRITICAL (
      "sp_shared_object_get_async: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
      sp_shared_object_get_async ((SpSharedObject *) not_an_object, 0, NULL, get_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_get_async: assertion 'timeout_ms >= -1' failed",
                   sp_shared_object_get_async (object, -2, NULL, get_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_get_async: assertion 'cancellable == NULL || G_IS_CANCELLABLE "
                   "(cancellable)' failed",
                   sp_shared_object_get_async (object, 0, (GCancellable *) object, get_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_peek_async: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_peek_async (NULL, 0, NULL, peek_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_set_async: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_set_async (NULL, &holder, 0, NULL, set_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_set_async: assertion 'G_IS_VALUE (value)' failed",
                   sp_shared_object_set_async (object, NULL, 0, NULL, set_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_set_async: assertion 'G_IS_VALUE (value)' failed",
                   sp_shared_object_set_async (object, &value, 0, NULL, set_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_clear_async: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_clear_async (NULL, 0, NULL, clear_cb, &never));
  EXPECT_CRITICAL (
      "sp_shared_object_lock_async: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
      sp_shared_object_lock_async (NULL, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_lock_async: assertion 'mode == SP_LOCK_MODE_SHARED || mode == "
                   "SP_LOCK_MODE_EXCLUSIVE' failed",
                   sp_shared_object_lock_async (object, 7, 0, NULL, lock_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_close_async: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_close_async (NULL, 0, NULL, close_cb, &never));
  EXPECT_CRITICAL ("sp_shared_object_try_get: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_try_get (NULL, NULL));
  EXPECT_CRITICAL (
      "sp_shared_object_try_get: assertion 'value == NULL || !G_IS_VALUE (value)' failed",
      sp_shared_object_try_get (object, &holder));
  EXPECT_CRITICAL ("sp_shared_object_try_lock: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_try_lock (NULL, SP_LOCK_MODE_SHARED));
  EXPECT_CRITICAL ("sp_shared_object_try_lock: assertion 'mode == SP_LOCK_MODE_SHARED || mode == "
                   "SP_LOCK_MODE_EXCLUSIVE' failed",
                   sp_shared_object_try_lock (object, 7));
  EXPECT_CRITICAL ("sp_shared_object_get_finish: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_finish (NULL, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_peek_finish: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_peek_finish (NULL, NULL, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_set_finish: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_set_finish (NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_clear_finish: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_clear_finish (NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_lock_finish: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_lock_finish (NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_close_finish: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_close_finish (NULL, NULL, NULL));

  /* None of it reached a callback, and the object still works. */
  drain ();
  g_assert_false (never.done);
  g_assert_true (sp_shared_object_try_get (object, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 0);
  g_value_unset (&value);
  g_value_unset (&holder);
}

static void
finish_with_wrong_result (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  /* A get's result given to lock_finish: a critical, not a crash. */
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*result_is_valid*");
  g_assert_null (sp_shared_object_lock_finish (SP_SHARED_OBJECT (source), res, NULL));
  g_test_assert_expected_messages ();
  r->ok = sp_shared_object_get_finish (SP_SHARED_OBJECT (source), res, &r->value, &r->error);
  result_mark_done (r);
}

static void
test_finish_wrong_result (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (6);
  Result r = { 0 };

  sp_shared_object_get_async (object, 0, NULL, finish_with_wrong_result, &r);
  iterate_until (&r.done);
  g_assert_true (r.ok);
  g_assert_cmpint (g_value_get_int (&r.value), ==, 6);
  result_clear (&r);
}

static void
test_constructed_without_type (void)
{
  g_autoptr (SpSharedObject) object = NULL;
  GValue value = G_VALUE_INIT;
  Result s = { 0 };

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*without a valid value-type*");
  object = g_object_new (SP_TYPE_SHARED_OBJECT, NULL);
  g_test_assert_expected_messages ();

  g_value_init (&value, G_TYPE_INT);
  sp_shared_object_set_async (object, &value, 0, NULL, set_cb, &s);
  g_value_unset (&value);
  iterate_until (&s.done);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  result_clear (&s);
}

/* Lazy initialization ------------------------------------------------- */

typedef struct
{
  guint    runs;
  SpGuard *guard; /* held across main-loop iterations */
  int      next_value;
  gboolean fail; /* release_with_error instead of setting */
  gboolean set_nothing;
} Init;

static gboolean
init_hold_guard (SpSharedObject *object, SpGuard *guard, gpointer user_data)
{
  Init *init = user_data;

  g_assert_null (init->guard);
  init->runs++;
  init->guard = guard;
  /* Kept: init_finish() ends the run, as an async initializer would. */
  return TRUE;
}

/* Completes the run that init_hold_guard began, as an async initializer
 * would after its work. */
static void
init_finish (Init *init)
{
  SpGuard *guard = g_steal_pointer (&init->guard);

  g_assert_nonnull (guard);
  if (init->fail)
    {
      g_autoptr (GError) error =
          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no config file");

      sp_guard_release_with_error (guard, error);
    }
  else if (!init->set_nothing)
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, init->next_value);
      g_assert_true (sp_guard_set_value (guard, &value, NULL));
      g_value_unset (&value);
      sp_guard_release (guard);
    }
  else
    {
      sp_guard_release (guard);
    }
  sp_guard_unref (guard);
}

static void
test_init_shared_run (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Init   init = { .next_value = 17 };
  Result g1 = { 0 }, g2 = { 0 }, g3 = { 0 };

  sp_shared_object_set_initializer (object, init_hold_guard, &init, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g1);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g2);
  drain ();
  g_assert_cmpuint (init.runs, ==, 1);
  /* A get arriving while it runs waits for the same run. */
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g3);
  drain ();
  g_assert_cmpuint (init.runs, ==, 1);
  g_assert_false (g1.done || g2.done || g3.done);

  init_finish (&init);
  iterate_until (&g3.done);
  iterate_until (&g1.done);
  iterate_until (&g2.done);
  g_assert_cmpint (g_value_get_int (&g1.value), ==, 17);
  g_assert_cmpint (g_value_get_int (&g2.value), ==, 17);
  g_assert_cmpint (g_value_get_int (&g3.value), ==, 17);
  g_assert_cmpuint (init.runs, ==, 1);

  result_clear (&g1);
  result_clear (&g2);
  result_clear (&g3);
}

static void
test_init_failure_then_retry (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Init   init = { .next_value = 5, .fail = TRUE };
  Result g1 = { 0 }, g2 = { 0 }, g3 = { 0 };

  sp_shared_object_set_initializer (object, init_hold_guard, &init, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g1);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g2);
  drain ();
  init_finish (&init);
  iterate_until (&g1.done);
  iterate_until (&g2.done);
  g_assert_error (g1.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_error (g2.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (g1.error->message, ==, "no config file");
  g_assert_false (sp_shared_object_is_initialized (object));

  init.fail = FALSE;
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g3);
  drain ();
  g_assert_cmpuint (init.runs, ==, 2);
  init_finish (&init);
  iterate_until (&g3.done);
  g_assert_cmpint (g_value_get_int (&g3.value), ==, 5);

  result_clear (&g1);
  result_clear (&g2);
  result_clear (&g3);
}

static void
test_init_never_sets (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Init   init = { .set_nothing = TRUE };
  Result g = { 0 };

  sp_shared_object_set_initializer (object, init_hold_guard, &init, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  drain ();
  init_finish (&init);
  iterate_until (&g.done);
  g_assert_error (g.error, SP_ERROR, SP_ERROR_NOT_INITIALIZED);
  result_clear (&g);
}

static gboolean
init_drop_guard (SpSharedObject *object, SpGuard *guard, gpointer user_data)
{
  (*(guint *) user_data)++;
  /* As a binding does when its function raised: the guard just goes,
   * and the default FALSE comes back. */
  sp_guard_unref (guard);
  return FALSE;
}

static gboolean
init_keeps_reference_returns_false (SpSharedObject *object, SpGuard *guard, gpointer user_data)
{
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 12);
  g_assert_true (sp_guard_set_value (guard, &value, NULL));
  g_value_unset (&value);
  /* As a binding does with the guard its function received (it keeps it
   * until a garbage collection, or for good): the reference lives on,
   * and FALSE, the default, says the run is over. */
  *(SpGuard **) user_data = guard;
  return FALSE;
}

/* FALSE ends the run at once, whoever still has the guard. */
static void
test_init_returns_false_ends_run (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (SpGuard) kept = NULL;
  Result g = { 0 }, l = { 0 };

  sp_shared_object_set_initializer (object, init_keeps_reference_returns_false, &kept, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &l);
  /* Both delivered without the test touching the guard. */
  drain ();
  g_assert_true (g.done && l.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 12);
  g_assert_true (l.ok);
  g_assert_nonnull (kept);
  g_assert_true (sp_guard_is_released (kept));

  result_clear (&g);
  result_clear (&l);
}

static void
test_init_drops_guard (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  guint  runs = 0;
  Result g = { 0 }, l = { 0 };

  sp_shared_object_set_initializer (object, init_drop_guard, &runs, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_error (g.error, SP_ERROR, SP_ERROR_NOT_INITIALIZED);
  g_assert_cmpuint (runs, ==, 1);

  /* Nothing is left locked. */
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &l);
  iterate_until (&l.done);
  g_assert_true (l.ok);

  result_clear (&g);
  result_clear (&l);
}

static void
test_init_waiter_timeout_does_not_cancel (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Init   init = { .next_value = 3 };
  Result impatient = { 0 }, cancelled = { 0 }, patient = { 0 };

  sp_shared_object_set_initializer (object, init_hold_guard, &init, NULL);
  sp_shared_object_get_async (object, 5, NULL, get_cb, &impatient);
  sp_shared_object_get_async (object, 0, cancellable, get_cb, &cancelled);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &patient);
  iterate_until (&impatient.done);
  g_assert_error (impatient.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_cancellable_cancel (cancellable);
  iterate_until (&cancelled.done);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_nonnull (init.guard);
  init_finish (&init);
  iterate_until (&patient.done);
  g_assert_cmpint (g_value_get_int (&patient.value), ==, 3);
  g_assert_cmpuint (init.runs, ==, 1);

  result_clear (&impatient);
  result_clear (&cancelled);
  result_clear (&patient);
}

static void
test_init_not_started_by_peek (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Init   init = { 0 };
  Result p = { 0 };

  sp_shared_object_set_initializer (object, init_hold_guard, &init, NULL);
  sp_shared_object_peek_async (object, 0, NULL, peek_cb, &p);
  iterate_until (&p.done);
  g_assert_false (p.initialized);
  g_assert_false (sp_shared_object_try_get (object, NULL));
  drain ();
  g_assert_cmpuint (init.runs, ==, 0);
  result_clear (&p);
}

static void
test_init_installed_while_waiting (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Init   init = { .next_value = 1 };
  Result g = { 0 };

  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  drain ();
  sp_shared_object_set_initializer (object, init_hold_guard, &init, NULL);
  drain ();
  g_assert_cmpuint (init.runs, ==, 1);
  init_finish (&init);
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 1);
  result_clear (&g);
}

static void
test_init_waits_for_readers (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  SpGuard *reader = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  Init     init = { .next_value = 2 };
  Result   g = { 0 }, later = { 0 };

  sp_shared_object_set_initializer (object, init_hold_guard, &init, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  /* Stands behind the pending initializer, like behind a queued writer. */
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &later);
  drain ();
  g_assert_cmpuint (init.runs, ==, 0);
  g_assert_false (later.done);

  sp_guard_unref (reader);
  drain ();
  g_assert_cmpuint (init.runs, ==, 1);
  g_assert_false (later.done);
  init_finish (&init);
  iterate_until (&later.done);
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 2);

  result_clear (&g);
  result_clear (&later);
}

static void
count_destroy (gpointer data)
{
  (*(guint *) data)++;
}

static void
test_init_replaced_and_freed (void)
{
  SpSharedObject *object = sp_shared_object_new (G_TYPE_INT);
  guint           destroyed = 0;

  sp_shared_object_set_initializer (object, init_hold_guard, &destroyed, count_destroy);
  sp_shared_object_set_initializer (object, init_hold_guard, &destroyed, count_destroy);
  g_assert_cmpuint (destroyed, ==, 1);
  sp_shared_object_set_initializer (object, NULL, NULL, NULL);
  g_assert_cmpuint (destroyed, ==, 2);
  sp_shared_object_set_initializer (object, init_hold_guard, &destroyed, count_destroy);
  g_object_unref (object);
  drain ();
  g_assert_cmpuint (destroyed, ==, 3);
}

/* Close handlers and auto-close ---------------------------------------- */

typedef struct
{
  SpSharedObject *object;
  guint           closed;
} Holder;

static void
hold_on_closed (SpSharedObject *object, const GValue *final_value, Holder *holder)
{
  holder->closed++;
  holder->object = g_object_ref (object);
  sp_shared_object_hold_close (object);
}

static void
test_close_handler_hold (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  Holder holder = { 0 };
  Result c = { 0 };

  g_signal_connect (object, "closed", G_CALLBACK (hold_on_closed), &holder);
  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  drain ();
  g_assert_cmpuint (holder.closed, ==, 1);
  g_assert_false (c.done);

  sp_shared_object_release_close (holder.object);
  iterate_until (&c.done);
  g_assert_true (c.ok);
  g_clear_object (&holder.object);
  result_clear (&c);
}

static void
test_close_handler_hold_timeout (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  Holder holder = { 0 };
  Result c = { 0 }, c2 = { 0 };

  g_signal_connect (object, "closed", G_CALLBACK (hold_on_closed), &holder);
  sp_shared_object_close_async (object, 10, NULL, close_cb, &c);
  iterate_until (&c.done);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (sp_shared_object_is_closed (object));

  sp_shared_object_close_async (object, 0, NULL, close_cb, &c2);
  drain ();
  g_assert_false (c2.done);
  sp_shared_object_release_close (holder.object);
  iterate_until (&c2.done);
  g_assert_true (c2.ok);
  g_assert_cmpuint (holder.closed, ==, 1);

  g_clear_object (&holder.object);
  result_clear (&c);
  result_clear (&c2);
}

static void
test_close_hold_misuse (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Result c = { 0 };

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*no close hold*");
  sp_shared_object_release_close (object);
  g_test_assert_expected_messages ();

  /* A hold taken before the close counts too. */
  sp_shared_object_hold_close (object);
  sp_shared_object_close_async (object, 0, NULL, close_cb, &c);
  drain ();
  g_assert_false (c.done);
  sp_shared_object_release_close (object);
  iterate_until (&c.done);

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*already finished closing*");
  sp_shared_object_hold_close (object);
  g_test_assert_expected_messages ();
  result_clear (&c);
}

typedef struct
{
  guint closed;
  int   final;
  guint finalized;
} AutoClose;

static void
auto_closed (SpSharedObject *object, const GValue *final_value, AutoClose *log)
{
  log->closed++;
  log->final = g_value_get_int (final_value);
}

static void
auto_finalized (gpointer data, GObject *where_the_object_was)
{
  ((AutoClose *) data)->finalized++;
}

static void
test_auto_close_on_scope_exit (void)
{
  AutoClose log = { 0 };

  {
    g_autoptr (SpSharedObject) object = new_int_object (21);

    g_signal_connect (object, "closed", G_CALLBACK (auto_closed), &log);
    g_object_weak_ref (G_OBJECT (object), auto_finalized, &log);
  }

  /* ::closed runs in the owner context like every signal, then the object
   * goes. */
  g_assert_cmpuint (log.closed, ==, 0);
  while (log.finalized == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (log.closed, ==, 1);
  g_assert_cmpint (log.final, ==, 21);
}

/* Blocking twins --------------------------------------------------------- */

typedef struct
{
  SpSharedObject *object;
  int             timeout_ms;
  gboolean        ok;
  int             got;
  GError         *error;
  GThread        *thread;
} SyncGet;

static gpointer
sync_get_thread (gpointer data)
{
  SyncGet *sg = data;
  GValue   value = G_VALUE_INIT;

  sg->thread = g_thread_self ();
  sg->ok = sp_shared_object_get_sync (sg->object, sg->timeout_ms, NULL, &value, &sg->error);
  if (sg->ok)
    {
      sg->got = g_value_get_int (&value);
      g_value_unset (&value);
    }

  return NULL;
}

static void
test_sync_get_from_worker (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  SpGuard *writer = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  SyncGet  sg = { object, 0 };
  GValue   value = G_VALUE_INIT;
  GThread *thread;

  /* The worker must wait: the main thread holds the write lock. */
  thread = g_thread_new ("sync-get", sync_get_thread, &sg);
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 42);
  g_assert_true (sp_guard_set_value (writer, &value, NULL));
  g_value_unset (&value);
  sp_guard_unref (writer);
  g_thread_join (thread);

  g_assert_no_error (sg.error);
  g_assert_true (sg.ok);
  g_assert_cmpint (sg.got, ==, 42);
}

static void
test_sync_timeout (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  SyncGet  sg = { object, 5 };
  GThread *thread;

  thread = g_thread_new ("sync-get", sync_get_thread, &sg);
  g_thread_join (thread);
  g_assert_error (sg.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&sg.error);
}

static gpointer
sync_writer_thread (gpointer data)
{
  SpSharedObject *object = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SpGuard) guard = NULL;
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 1);
  g_assert_true (sp_shared_object_set_sync (object, &value, 0, NULL, &error));
  g_assert_no_error (error);

  guard = sp_shared_object_lock_sync (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, &error);
  g_assert_no_error (error);
  g_value_set_int (&value, 2);
  g_assert_true (sp_guard_set_value (guard, &value, NULL));
  sp_guard_release (guard);
  g_value_unset (&value);

  g_assert_true (sp_shared_object_clear_sync (object, 0, NULL, &error));
  g_assert_no_error (error);

  return NULL;
}

static void
test_sync_set_lock_clear (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  GString  *log = g_string_new (NULL);
  SignalLog slog = { log, g_thread_self () };

  g_signal_connect (object, "changed", G_CALLBACK (log_changed), &slog);
  g_thread_join (g_thread_new ("sync-writer", sync_writer_thread, object));
  g_assert_false (sp_shared_object_is_initialized (object));
  drain ();
  /* The signals came to the creator's thread (log_changed checks). */
  g_assert_cmpstr (log->str, ==, "changed(null,v) changed(v,v) changed(v,null) ");
  g_string_free (log, TRUE);
}

static void
sync_in_callback (GObject *source, GAsyncResult *res, gpointer data)
{
  Result         *r = data;
  SpSharedObject *object = SP_SHARED_OBJECT (source);
  GValue          value = G_VALUE_INIT;

  g_autoptr (GError) error = NULL;

  r->ok = sp_shared_object_get_finish (object, res, &r->value, &r->error);
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*owner context*");
  g_assert_false (sp_shared_object_get_sync (object, 0, NULL, &value, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, SP_ERROR, SP_ERROR_WOULD_DEADLOCK);
  g_value_unset (&value);
  result_mark_done (r);
}

static void
test_sync_refused_in_owner_context (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  GValue value = G_VALUE_INIT;
  Result r = { 0 };

  g_autoptr (GError) error = NULL;

  /* From the creating thread... A critical for the programmer, and an
   * error, so that no binding mistakes the refusal for a result. */
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*owner context*");
  g_assert_false (sp_shared_object_get_sync (object, 0, NULL, &value, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, SP_ERROR, SP_ERROR_WOULD_DEADLOCK);
  g_clear_error (&error);
  g_value_unset (&value);
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*owner context*");
  g_assert_null (sp_shared_object_lock_sync (object, SP_LOCK_MODE_SHARED, 0, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, SP_ERROR, SP_ERROR_WOULD_DEADLOCK);
  g_clear_error (&error);

  /* ...and from a callback dispatched by the owner context. */
  sp_shared_object_get_async (object, 0, NULL, sync_in_callback, &r);
  iterate_until (&r.done);
  g_assert_true (r.ok);
  result_clear (&r);
}

/* Each of these hung, crashed or lost something once. */

typedef struct
{
  SpSharedObject *object;
  Result          nested;
  guint           ran;
} NestedLoop;

static void
first_reader_runs_nested_loop (GObject *source, GAsyncResult *res, gpointer data)
{
  NestedLoop *n = data;
  g_autoptr (SpGuard) guard = sp_shared_object_lock_finish (n->object, res, NULL);

  g_assert_nonnull (guard);
  n->ran++;
  sp_guard_release (guard);
  /* The other reader's grant is in the same batch as ours; a nested loop
   * must deliver it, or its guard is never released and this waits. */
  sp_shared_object_lock_async (n->object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &n->nested);
  iterate_until (&n->nested.done);
  g_assert_true (n->nested.ok);
}

static void
second_reader_releases (GObject *source, GAsyncResult *res, gpointer data)
{
  NestedLoop *n = data;
  SpGuard    *guard = sp_shared_object_lock_finish (n->object, res, NULL);

  n->ran++;
  sp_guard_unref (guard);
}

static void
test_delivery_nested_loop_in_callback (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  NestedLoop n = { object };

  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, first_reader_runs_nested_loop,
                               &n);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, second_reader_releases, &n);
  while (n.ran < 2 || !n.nested.done)
    g_main_context_iteration (NULL, TRUE);
  result_clear (&n.nested);
}

typedef struct
{
  gboolean *flag;
} IterateOnCancel;

static void
iterate_when_cancelled (GCancellable *cancellable, gpointer data)
{
  /* A user's handler that runs the context: our delivery then runs inside
   * this emission and must not wait for it to end. */
  iterate_until (((IterateOnCancel *) data)->flag);
}

static void
test_cancel_handler_iterates (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (SpGuard) holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Result          w = { 0 };
  IterateOnCancel data = { &w.done };

  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, cancellable, lock_cb, &w);
  g_cancellable_connect (cancellable, G_CALLBACK (iterate_when_cancelled), &data, NULL);
  g_cancellable_cancel (cancellable);
  g_assert_true (w.done);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  result_clear (&w);
}

static void
test_init_removed_while_pending (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  SpGuard *reader = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  Init     init = { 0 };
  Result   g = { 0 }, s = { 0 };

  sp_shared_object_set_initializer (object, init_hold_guard, &init, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  drain ();
  sp_shared_object_set_initializer (object, NULL, NULL, NULL);
  sp_guard_unref (reader);
  drain ();
  g_assert_cmpuint (init.runs, ==, 0);
  /* The get waits for a value as it would without an initializer. */
  g_assert_false (g.done);
  set_int (object, 4, &s);
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 4);
  result_clear (&g);
  result_clear (&s);
}

/* Values that own something (a reference on an object, a string, a
 * floating variant sunk on copy) are copied into and out of the object,
 * and the copies given to ::changed, without leaking or losing a
 * reference: every copy made is freed, and the stored value goes with the
 * object. */
static void
test_value_ownership (void)
{
  SpSharedObject *object = sp_shared_object_new (G_TYPE_OBJECT);
  GObject        *thing = g_object_new (G_TYPE_OBJECT, NULL);
  GObject        *other = g_object_new (G_TYPE_OBJECT, NULL);
  GValue          value = G_VALUE_INIT, out = G_VALUE_INIT;
  SpSharedObject *variants;
  Result          s = { 0 }, g = { 0 };

  g_object_add_weak_pointer (thing, (gpointer *) &thing);
  g_value_init (&value, G_TYPE_OBJECT);
  g_value_set_object (&value, thing);
  sp_shared_object_set_async (object, &value, 0, NULL, set_cb, &s);
  g_value_unset (&value);
  iterate_until (&s.done);
  drain ();
  /* Ours and the stored one: the announcement's copy is gone. */
  g_assert_cmpuint (G_OBJECT (thing)->ref_count, ==, 2);

  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_true (g_value_get_object (&g.value) == thing);
  g_assert_true (sp_shared_object_try_get (object, &out));
  g_assert_true (g_value_get_object (&out) == thing);
  g_assert_cmpuint (G_OBJECT (thing)->ref_count, ==, 4);
  g_value_unset (&out);
  result_clear (&g);
  result_clear (&s);

  /* Replaced: the old value leaves with its announcement. */
  g_value_init (&value, G_TYPE_OBJECT);
  g_value_set_object (&value, other);
  sp_shared_object_set_async (object, &value, 0, NULL, set_cb, &s);
  g_value_unset (&value);
  iterate_until (&s.done);
  drain ();
  g_assert_cmpuint (G_OBJECT (thing)->ref_count, ==, 1);
  g_object_unref (thing);
  g_assert_null (thing);
  result_clear (&s);

  g_object_add_weak_pointer (other, (gpointer *) &other);
  g_object_unref (other);
  g_assert_nonnull (other);
  g_object_unref (object);
  drain ();
  g_assert_null (other);

  /* A floating variant is sunk once, by the copy that stores it. */
  variants = sp_shared_object_new (G_TYPE_VARIANT);
  g_value_init (&value, G_TYPE_VARIANT);
  g_value_set_variant (&value, g_variant_new_string ("floating"));
  sp_shared_object_set_async (variants, &value, 0, NULL, set_cb, &s);
  g_value_unset (&value);
  iterate_until (&s.done);
  g_assert_true (sp_shared_object_try_get (variants, &out));
  g_assert_cmpstr (g_variant_get_string (g_value_get_variant (&out), NULL), ==, "floating");
  g_assert_false (g_variant_is_floating (g_value_get_variant (&out)));
  g_value_unset (&out);
  result_clear (&s);
  g_object_unref (variants);
  drain ();
}

static void
test_set_refused_value_and_cancelled (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GValue value = G_VALUE_INIT;
  Result s = { 0 };

  g_cancellable_cancel (cancellable);
  g_value_init (&value, G_TYPE_OBJECT);
  sp_shared_object_set_async (object, &value, 0, cancellable, set_cb, &s);
  g_value_unset (&value);
  iterate_until (&s.done);
  /* The first error wins, and the other is not leaked. */
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  result_clear (&s);
}

static void
test_close_cancelled_still_closes (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  ClosedLog log = { 0 };
  Result    c = { 0 };

  g_signal_connect (object, "closed", G_CALLBACK (on_closed), &log);
  g_cancellable_cancel (cancellable);
  sp_shared_object_close_async (object, 0, cancellable, close_cb, &c);
  g_assert_true (sp_shared_object_is_closed (object));
  iterate_until (&c.done);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  drain ();
  g_assert_cmpuint (log.emitted, ==, 1);
  result_clear (&c);
}

/* Each of these failed once, on the paths named. */

static gboolean
allow_already_released (const char    *log_domain,
                        GLogLevelFlags log_level,
                        const char    *message,
                        gpointer       user_data)
{
  /* Misuse on purpose below: the criticals are expected, the crash not. */
  return strstr (message, "already released") == NULL && strstr (message, "shared lock") == NULL;
}

static void
count_misuse (const char    *log_domain,
              GLogLevelFlags log_level,
              const char    *message,
              gpointer       user_data)
{
  g_assert_nonnull (strstr (message, "already released"));
  (*(guint *) user_data)++;
}

typedef struct
{
  SpGuard *guard;
  gint     go;
} GuardRace;

static gpointer
release_racer (gpointer data)
{
  GuardRace *race = data;

  while (!g_atomic_int_get (&race->go))
    ;
  sp_guard_release (race->guard);
  return NULL;
}

static void
test_lock_downgrade_races_release (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);

  guint handler;
  guint misuse = 0;

  g_test_log_set_fatal_handler (allow_already_released, NULL);
  handler = g_log_set_handler ("Sharedpotato", G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL,
                               count_misuse, &misuse);
  for (guint i = 0; i < 200; i++)
    {
      GuardRace race = { sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE), 0 };
      GThread  *thread = g_thread_new ("release-racer", release_racer, &race);
      SpGuard  *writer;

      g_assert_nonnull (race.guard);
      g_atomic_int_set (&race.go, 1);
      sp_guard_downgrade (race.guard);
      g_thread_join (thread);
      sp_guard_unref (race.guard);

      /* Whatever the interleaving, nothing is left held. */
      writer = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
      g_assert_nonnull (writer);
      sp_guard_unref (writer);
    }
  g_log_remove_handler ("Sharedpotato", handler);
  g_test_log_set_fatal_handler (NULL, NULL);
  g_test_message ("downgrade came second %u times in 200", misuse);
}

static void
count_finalized (gpointer data, GObject *where_the_object_was)
{
  (*(guint *) data)++;
}

static void
test_close_last_reference_unobserved (void)
{
  GMainContext   *context = g_main_context_new ();
  SpSharedObject *object;
  guint           finalized = 0;

  /* A context nobody will iterate again. */
  g_main_context_push_thread_default (context);
  object = new_int_object (1);
  g_main_context_pop_thread_default (context);

  g_object_weak_ref (G_OBJECT (object), count_finalized, &finalized);
  g_object_unref (object);
  g_assert_cmpuint (finalized, ==, 1);
  g_main_context_unref (context);
}

typedef struct
{
  SpSharedObject *object; /* no reference */
  guint           closed;
} LateRelease;

static void
hold_without_ref (SpSharedObject *object, const GValue *final_value, LateRelease *late)
{
  late->closed++;
  late->object = object;
  sp_shared_object_hold_close (object);
}

static void
test_close_hold_keeps_object (void)
{
  LateRelease late = { 0 };
  guint       finalized = 0;

  {
    g_autoptr (SpSharedObject) object = new_int_object (1);

    g_signal_connect (object, "closed", G_CALLBACK (hold_without_ref), &late);
    g_object_weak_ref (G_OBJECT (object), count_finalized, &finalized);
  }

  while (late.closed == 0)
    g_main_context_iteration (NULL, TRUE);
  drain ();
  /* The hold keeps it alive for the handler that will release it. */
  g_assert_cmpuint (finalized, ==, 0);
  sp_shared_object_release_close (late.object);
  drain ();
  g_assert_cmpuint (finalized, ==, 1);
}

static void
test_try_lock_does_not_jump_initializer (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  SpGuard *reader = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  Init     init = { .next_value = 1 };
  Result   g = { 0 };

  sp_shared_object_set_initializer (object, init_hold_guard, &init, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  g_assert_null (sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED));
  sp_guard_unref (reader);
  drain ();
  g_assert_cmpuint (init.runs, ==, 1);
  init_finish (&init);
  iterate_until (&g.done);
  result_clear (&g);
}

static gboolean
set_then_fail (SpSharedObject *object, SpGuard *guard, gpointer user_data)
{
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "half done");
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 5);
  sp_guard_set_value (guard, &value, NULL);
  g_value_unset (&value);
  sp_guard_release_with_error (guard, error);
  sp_guard_unref (guard);
  return FALSE;
}

static void
test_init_release_with_error_after_set (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  Result g = { 0 };

  sp_shared_object_set_initializer (object, set_then_fail, NULL, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  /* The error is what the waiters were promised. */
  g_assert_error (g.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  result_clear (&g);
}

typedef struct
{
  GMainLoop *loop;
  GThread   *thread;
  gboolean   ok;
  int        got;
} WorkerOwned;

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_creates_and_blocks (gpointer data)
{
  WorkerOwned *w = data;
  g_autoptr (SpSharedObject) object = new_int_object (3);
  GValue value = G_VALUE_INIT;

  /* Its owner context is the global default, which the main thread is
   * running: blocking here stops nothing, so it is not refused. */
  w->ok = sp_shared_object_get_sync (object, 0, NULL, &value, NULL);
  if (w->ok)
    w->got = g_value_get_int (&value);
  g_idle_add (quit_loop, w->loop);
  return NULL;
}

static gboolean
start_worker (gpointer data)
{
  WorkerOwned *w = data;

  w->thread = g_thread_new ("worker-owned", worker_creates_and_blocks, w);
  return G_SOURCE_REMOVE;
}

static void
test_sync_allowed_when_owner_runs_elsewhere (void)
{
  WorkerOwned w = { g_main_loop_new (NULL, FALSE) };

  /* Started from inside the loop: g_main_loop_run() holds the default
   * context for its whole run. */
  g_idle_add (start_worker, &w);
  g_main_loop_run (w.loop);
  g_thread_join (w.thread);
  g_main_loop_unref (w.loop);
  drain ();
  g_assert_true (w.ok);
  g_assert_cmpint (w.got, ==, 3);
}

static void
test_bad_input_more (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  GValue   value = G_VALUE_INIT;
  Result   huge = { 0 }, c = { 0 }, pre = { 0 };
  SpGuard *holder;

  EXPECT_CRITICAL (
      "sp_shared_object_set_initializer: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
      sp_shared_object_set_initializer (NULL, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_hold_close: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_hold_close (NULL));
  EXPECT_CRITICAL ("sp_shared_object_release_close: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_release_close (NULL));
  EXPECT_CRITICAL ("sp_shared_object_get_sync: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_sync (NULL, 0, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_get_sync: assertion 'timeout_ms >= -1' failed",
                   sp_shared_object_get_sync (object, -7, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_set_sync: assertion 'G_IS_VALUE (value)' failed",
                   sp_shared_object_set_sync (object, NULL, 0, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_set_sync: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_set_sync (NULL, &value, 0, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_clear_sync: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_clear_sync (NULL, 0, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_lock_sync: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_lock_sync (NULL, SP_LOCK_MODE_SHARED, 0, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_object_lock_sync: assertion 'mode == SP_LOCK_MODE_SHARED || mode == "
                   "SP_LOCK_MODE_EXCLUSIVE' failed",
                   sp_shared_object_lock_sync (object, 5, 0, NULL, NULL));
  EXPECT_CRITICAL (
      "sp_shared_object_get_hold_warning_ms: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
      sp_shared_object_get_hold_warning_ms (NULL));
  EXPECT_CRITICAL ("sp_shared_object_get_stats: assertion 'SP_IS_SHARED_OBJECT (self)' failed",
                   sp_shared_object_get_stats ((SpSharedObject *) cancelled));

  /* A huge timeout is a timeout like any other. */
  holder = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  sp_shared_object_get_async (object, G_MAXINT, NULL, get_cb, &huge);
  /* A cancelled cancellable fails the call and takes nothing. */
  g_cancellable_cancel (cancelled);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, G_MAXINT, cancelled, lock_cb, &pre);
  iterate_until (&pre.done);
  g_assert_error (pre.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  sp_shared_object_close_async (object, G_MAXINT, NULL, close_cb, &c);
  iterate_until (&huge.done);
  g_assert_error (huge.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  sp_guard_unref (holder);
  iterate_until (&c.done);
  g_assert_true (c.ok);

  result_clear (&huge);
  result_clear (&pre);
  result_clear (&c);
}

static void
test_signals_handler_connected_after_set (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  guint  changed = 0;
  Result s = { 0 };

  /* The set is performed at once, while nobody listens: its change is
   * not announced, even to a handler connected before the announcement
   * would have run. A handler sees the changes made after it was
   * connected. */
  set_int (object, 2, &s);
  g_signal_connect (object, "changed", G_CALLBACK (count_changed), &changed);
  iterate_until (&s.done);
  drain ();
  g_assert_cmpuint (changed, ==, 0);
  result_clear (&s);

  set_int (object, 3, &s);
  iterate_until (&s.done);
  drain ();
  g_assert_cmpuint (changed, ==, 1);
  result_clear (&s);
}

/* Every kind of observer makes a change announced: a plain "notify"
 * handler, a detailed one, and a blocked "changed" handler unblocked
 * before the announcement runs. */
static void
test_signals_any_observer_announces (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  guint  notified = 0, changed = 0;
  gulong handler;
  Result s = { 0 };

  handler = g_signal_connect (object, "notify", G_CALLBACK (count_notify), &notified);
  set_int (object, 2, &s);
  iterate_until (&s.done);
  drain ();
  g_assert_cmpuint (notified, ==, 1);
  result_clear (&s);
  g_signal_handler_disconnect (object, handler);

  handler = g_signal_connect (object, "notify::value", G_CALLBACK (count_notify), &notified);
  set_int (object, 3, &s);
  iterate_until (&s.done);
  drain ();
  g_assert_cmpuint (notified, ==, 2);
  result_clear (&s);
  g_signal_handler_disconnect (object, handler);

  handler = g_signal_connect (object, "changed", G_CALLBACK (count_changed), &changed);
  g_signal_handler_block (object, handler);
  set_int (object, 4, &s);
  g_signal_handler_unblock (object, handler);
  iterate_until (&s.done);
  drain ();
  g_assert_cmpuint (changed, ==, 1);
  result_clear (&s);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/SharedObject/properties", test_properties);
  g_test_add_func ("/Sharedpotato/SharedObject/properties/default-timeout-notify",
                   test_default_timeout_notify);
  g_test_add_func ("/Sharedpotato/SharedObject/construct/without-type",
                   test_constructed_without_type);
  g_test_add_func ("/Sharedpotato/SharedObject/get/initialized", test_get_initialized);
  g_test_add_func ("/Sharedpotato/SharedObject/values/ownership", test_value_ownership);
  g_test_add_func ("/Sharedpotato/SharedObject/get/waits-for-set", test_get_waits_for_set);
  g_test_add_func ("/Sharedpotato/SharedObject/peek", test_peek);
  g_test_add_func ("/Sharedpotato/SharedObject/set/transforms", test_set_transforms);
  g_test_add_func ("/Sharedpotato/SharedObject/set/wrong-type", test_set_wrong_type);
  g_test_add_func ("/Sharedpotato/SharedObject/update/adds", test_update_adds);
  g_test_add_func ("/Sharedpotato/SharedObject/update/uninitialized", test_update_uninitialized);
  g_test_add_func ("/Sharedpotato/SharedObject/update/unchanged", test_update_unchanged);
  g_test_add_func ("/Sharedpotato/SharedObject/update/wrong-type", test_update_wrong_type);
  g_test_add_func ("/Sharedpotato/SharedObject/update/in-order", test_update_in_order);
  g_test_add_func ("/Sharedpotato/SharedObject/update/never-runs", test_update_never_runs);
  g_test_add_func ("/Sharedpotato/SharedObject/update/threads", test_update_threads);
  g_test_add_func ("/Sharedpotato/SharedObject/set/boxed-value", test_set_boxed_value);
  g_test_add_func ("/Sharedpotato/SharedObject/set/refuses-lossy-conversion",
                   test_set_refuses_lossy_conversion);
  g_test_add_func ("/Sharedpotato/SharedObject/clear/to-default", test_clear_to_default);
  g_test_add_func ("/Sharedpotato/SharedObject/clear/to-uninitialized",
                   test_clear_to_uninitialized);
  g_test_add_func ("/Sharedpotato/SharedObject/signals/order", test_signals_order);
  g_test_add_func ("/Sharedpotato/SharedObject/lock/exclusive-guard", test_lock_exclusive_guard);
  g_test_add_func ("/Sharedpotato/SharedObject/try-get", test_try_get);
  g_test_add_func ("/Sharedpotato/SharedObject/try-lock", test_try_lock);
  g_test_add_func ("/Sharedpotato/SharedObject/fairness/writer-blocks-later-readers",
                   test_fairness_writer_blocks_later_readers);
  g_test_add_func ("/Sharedpotato/SharedObject/fairness/readers-granted-together",
                   test_fairness_readers_granted_together);
  g_test_add_func ("/Sharedpotato/SharedObject/fairness/get-waiting-does-not-block-writers",
                   test_fairness_get_waiting_does_not_block_writers);
  g_test_add_func ("/Sharedpotato/SharedObject/fairness/get-waiting-waits-for-writer-release",
                   test_fairness_get_waiting_waits_for_writer_release);
  g_test_add_func ("/Sharedpotato/SharedObject/timeout/queued", test_timeout_queued);
  g_test_add_func ("/Sharedpotato/SharedObject/timeout/waiting-for-value",
                   test_timeout_waiting_for_value);
  g_test_add_func ("/Sharedpotato/SharedObject/timeout/default", test_timeout_default);
  g_test_add_func ("/Sharedpotato/SharedObject/timeout/racing-grant", test_timeout_racing_grant);
  g_test_add_func ("/Sharedpotato/SharedObject/timeout/before-grant", test_timeout_before_grant);
  g_test_add_func ("/Sharedpotato/SharedObject/errors/name-the-call",
                   test_error_messages_name_the_call);
  g_test_add_func ("/Sharedpotato/SharedObject/properties/value", test_value_property);
  g_test_add_func ("/Sharedpotato/SharedObject/cancel/queued", test_cancel_queued);
  g_test_add_func ("/Sharedpotato/SharedObject/cancel/waiting-for-value",
                   test_cancel_waiting_for_value);
  g_test_add_func ("/Sharedpotato/SharedObject/cancel/before-call", test_cancel_before_call);
  g_test_add_func ("/Sharedpotato/SharedObject/cancel/between-grant-and-delivery",
                   test_cancel_between_grant_and_delivery);
  g_test_add_func ("/Sharedpotato/SharedObject/cancel/racing-release", test_cancel_racing_release);
  g_test_add_func ("/Sharedpotato/SharedObject/cancel/after-grant", test_cancel_after_grant);
  g_test_add_func ("/Sharedpotato/SharedObject/cancel/after-set-performed",
                   test_cancel_after_set_performed);
  g_test_add_func ("/Sharedpotato/SharedObject/close/queued-waiters",
                   test_close_with_queued_waiters);
  g_test_add_func ("/Sharedpotato/SharedObject/close/fails-gets-waiting-for-value",
                   test_close_fails_gets_waiting_for_value);
  g_test_add_func ("/Sharedpotato/SharedObject/close/fails-gets-waiting-for-initializer",
                   test_close_fails_gets_waiting_for_initializer);
  g_test_add_func ("/Sharedpotato/SharedObject/close/held-guard", test_close_with_held_guard);
  g_test_add_func ("/Sharedpotato/SharedObject/close/twice", test_close_twice);
  g_test_add_func ("/Sharedpotato/SharedObject/close/timeout", test_close_timeout);
  g_test_add_func ("/Sharedpotato/SharedObject/close/notifies-closed", test_close_notifies_closed);
  g_test_add_func ("/Sharedpotato/SharedObject/threads/hammer", test_threads_hammer);
  g_test_add_func ("/Sharedpotato/SharedObject/stack/chain-100000", test_chain_bounded_stack);
  g_test_add_func ("/Sharedpotato/SharedObject/init/shared-run", test_init_shared_run);
  g_test_add_func ("/Sharedpotato/SharedObject/init/failure-then-retry",
                   test_init_failure_then_retry);
  g_test_add_func ("/Sharedpotato/SharedObject/init/never-sets", test_init_never_sets);
  g_test_add_func ("/Sharedpotato/SharedObject/init/drops-guard", test_init_drops_guard);
  g_test_add_func ("/Sharedpotato/SharedObject/init/returns-false-ends-run",
                   test_init_returns_false_ends_run);
  g_test_add_func ("/Sharedpotato/SharedObject/init/waiter-timeout-does-not-cancel",
                   test_init_waiter_timeout_does_not_cancel);
  g_test_add_func ("/Sharedpotato/SharedObject/init/not-started-by-peek",
                   test_init_not_started_by_peek);
  g_test_add_func ("/Sharedpotato/SharedObject/init/installed-while-waiting",
                   test_init_installed_while_waiting);
  g_test_add_func ("/Sharedpotato/SharedObject/init/waits-for-readers",
                   test_init_waits_for_readers);
  g_test_add_func ("/Sharedpotato/SharedObject/init/replaced-and-freed",
                   test_init_replaced_and_freed);
  g_test_add_func ("/Sharedpotato/SharedObject/close/handler-hold", test_close_handler_hold);
  g_test_add_func ("/Sharedpotato/SharedObject/close/handler-hold-timeout",
                   test_close_handler_hold_timeout);
  g_test_add_func ("/Sharedpotato/SharedObject/close/hold-misuse", test_close_hold_misuse);
  g_test_add_func ("/Sharedpotato/SharedObject/close/auto-on-scope-exit",
                   test_auto_close_on_scope_exit);
  g_test_add_func ("/Sharedpotato/SharedObject/sync/get-from-worker", test_sync_get_from_worker);
  g_test_add_func ("/Sharedpotato/SharedObject/sync/timeout", test_sync_timeout);
  g_test_add_func ("/Sharedpotato/SharedObject/sync/set-lock-clear", test_sync_set_lock_clear);
  g_test_add_func ("/Sharedpotato/SharedObject/sync/refused-in-owner-context",
                   test_sync_refused_in_owner_context);
  g_test_add_func ("/Sharedpotato/SharedObject/delivery/nested-loop-in-callback",
                   test_delivery_nested_loop_in_callback);
  g_test_add_func ("/Sharedpotato/SharedObject/cancel/handler-iterates-the-context",
                   test_cancel_handler_iterates);
  g_test_add_func ("/Sharedpotato/SharedObject/init/removed-while-pending",
                   test_init_removed_while_pending);
  g_test_add_func ("/Sharedpotato/SharedObject/set/refused-value-and-cancelled",
                   test_set_refused_value_and_cancelled);
  g_test_add_func ("/Sharedpotato/SharedObject/close/cancelled-close-still-closes",
                   test_close_cancelled_still_closes);
  g_test_add_func ("/Sharedpotato/SharedObject/lock/downgrade-races-release",
                   test_lock_downgrade_races_release);
  g_test_add_func ("/Sharedpotato/SharedObject/close/last-reference-unobserved-frees-at-once",
                   test_close_last_reference_unobserved);
  g_test_add_func ("/Sharedpotato/SharedObject/close/hold-keeps-object",
                   test_close_hold_keeps_object);
  g_test_add_func ("/Sharedpotato/SharedObject/try-lock/does-not-jump-initializer",
                   test_try_lock_does_not_jump_initializer);
  g_test_add_func ("/Sharedpotato/SharedObject/init/release-with-error-after-set",
                   test_init_release_with_error_after_set);
  g_test_add_func ("/Sharedpotato/SharedObject/sync/allowed-when-owner-runs-elsewhere",
                   test_sync_allowed_when_owner_runs_elsewhere);
  g_test_add_func ("/Sharedpotato/SharedObject/signals/any-observer-announces",
                   test_signals_any_observer_announces);
  g_test_add_func ("/Sharedpotato/SharedObject/signals/handler-connected-after-set",
                   test_signals_handler_connected_after_set);
  g_test_add_func ("/Sharedpotato/SharedObject/bad-input/criticals", test_bad_input);
  g_test_add_func ("/Sharedpotato/SharedObject/bad-input/more", test_bad_input_more);
  g_test_add_func ("/Sharedpotato/SharedObject/bad-input/finish-wrong-result",
                   test_finish_wrong_result);

  return g_test_run ();
}
