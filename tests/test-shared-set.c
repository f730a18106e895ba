/* test-shared-set.c
 *
 * SPDX-License-Identifier: MIT
 *
 * The main context is driven by hand, as in test-shared-object.c. To keep
 * the set's lock held while other calls queue, a test makes a call from a
 * second main context that it does not iterate: the lock is granted at
 * once, and stays held until the test iterates that context and the call
 * completes. No test sleeps.
 */

#include <sharedpotato.h>

#include "sp-test-util.h"

typedef struct
{
  gboolean done;
  guint    order;
  gboolean ok;
  gboolean flag;
  guint    size;
  GValue  *items;
  guint    n_items;
  GError  *error;
  GObject *source;
} SetResult;

static void
set_result_clear (SetResult *r)
{
  sp_set_snapshot_free (r->items, r->n_items);
  g_clear_error (&r->error);
  memset (r, 0, sizeof *r);
}

static void
set_result_done (SetResult *r, GObject *source)
{
  g_assert_false (r->done);
  r->done = TRUE;
  r->order = ++result_counter;
  r->source = source;
}

static void
add_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_shared_set_add_finish (SP_SHARED_SET (source), res, &r->flag, &r->error);
  set_result_done (r, source);
}

static void
discard_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_shared_set_discard_finish (SP_SHARED_SET (source), res, &r->flag, &r->error);
  set_result_done (r, source);
}

static void
contains_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_shared_set_contains_finish (SP_SHARED_SET (source), res, &r->flag, &r->error);
  set_result_done (r, source);
}

static void
size_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_shared_set_size_finish (SP_SHARED_SET (source), res, &r->size, &r->error);
  set_result_done (r, source);
}

static void
snapshot_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->items = sp_shared_set_snapshot_finish (SP_SHARED_SET (source), res, &r->n_items, &r->error);
  r->ok = r->items != NULL;
  set_result_done (r, source);
}

static void
clear_set_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_shared_set_clear_finish (SP_SHARED_SET (source), res, &r->error);
  set_result_done (r, source);
}

static void
close_set_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_shared_set_close_finish (SP_SHARED_SET (source), res, &r->error);
  set_result_done (r, source);
}

static GValue *
str_value (GValue *value, const char *s)
{
  g_value_init (value, G_TYPE_STRING);
  g_value_set_string (value, s);
  return value;
}

static GValue *
int_value (GValue *value, int n)
{
  g_value_init (value, G_TYPE_INT);
  g_value_set_int (value, n);
  return value;
}

/* Each call on a string set, waited for. */
static gboolean
add_str (SpSharedSet *set, const char *s)
{
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult r = { 0 };
  gboolean  added;

  sp_shared_set_add_async (set, str_value (&v, s), 0, NULL, add_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  added = r.flag;
  set_result_clear (&r);
  return added;
}

static gboolean
contains_str (SpSharedSet *set, const char *s)
{
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult r = { 0 };
  gboolean  contains;

  sp_shared_set_contains_async (set, str_value (&v, s), 0, NULL, contains_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  contains = r.flag;
  set_result_clear (&r);
  return contains;
}

static guint
set_size (SpSharedSet *set)
{
  SetResult r = { 0 };
  guint     size;

  sp_shared_set_size_async (set, 0, NULL, size_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  size = r.size;
  set_result_clear (&r);
  return size;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The snapshot of a string set, sorted and joined with commas. */
static char *
snapshot_strs (SpSharedSet *set)
{
  g_autoptr (GPtrArray) words = g_ptr_array_new ();
  SetResult r = { 0 };
  char     *joined;

  sp_shared_set_snapshot_async (set, 0, NULL, snapshot_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  for (guint i = 0; i < r.n_items; i++)
    g_ptr_array_add (words, (gpointer) g_value_get_string (&r.items[i]));
  g_ptr_array_sort (words, compare_strings);
  g_ptr_array_add (words, NULL);
  joined = g_strjoinv (",", (char **) words->pdata);
  set_result_clear (&r);
  return joined;
}

/* A holder the test controls: a call made from a context nobody iterates
 * holds the lock from its grant until the test runs that context. */
typedef struct
{
  GMainContext *context;
  SetResult     result;
} Holder;

static void
holder_start (Holder *h, SpSharedSet *set, gboolean exclusive)
{
  g_auto (GValue) v = G_VALUE_INIT;

  h->context = g_main_context_new ();
  g_main_context_push_thread_default (h->context);
  if (exclusive)
    sp_shared_set_add_async (set, str_value (&v, "holder"), 0, NULL, add_cb, &h->result);
  else
    sp_shared_set_size_async (set, 0, NULL, size_cb, &h->result);
  g_main_context_pop_thread_default (h->context);
}

static void
holder_finish (Holder *h)
{
  while (!h->result.done)
    g_main_context_iteration (h->context, TRUE);
  g_assert_no_error (h->result.error);
  set_result_clear (&h->result);
  g_main_context_unref (h->context);
}

/* Signal recording -------------------------------------------------- */

typedef struct
{
  GString *log;
  GThread *thread;
} SetLog;

static void
log_item (SpSharedSet *set, const GValue *item, SetLog *log, char sign)
{
  g_assert_true (log->thread == g_thread_self ());
  if (G_VALUE_HOLDS_STRING (item))
    g_string_append_printf (log->log, "%c%s ", sign, g_value_get_string (item));
  else if (G_VALUE_HOLDS_INT (item))
    g_string_append_printf (log->log, "%c%d ", sign, g_value_get_int (item));
  else
    g_string_append_printf (log->log, "%c? ", sign);
}

static void
item_added_cb (SpSharedSet *set, const GValue *item, gpointer data)
{
  log_item (set, item, data, '+');
}

static void
item_removed_cb (SpSharedSet *set, const GValue *item, gpointer data)
{
  log_item (set, item, data, '-');
}

static void
closed_log_cb (SpSharedSet *set, gpointer data)
{
  SetLog *log = data;

  g_assert_true (log->thread == g_thread_self ());
  g_string_append (log->log, "closed ");
}

static void
connect_log (SpSharedSet *set, SetLog *log)
{
  log->log = g_string_new (NULL);
  log->thread = g_thread_self ();
  g_signal_connect (set, "item-added", G_CALLBACK (item_added_cb), log);
  g_signal_connect (set, "item-removed", G_CALLBACK (item_removed_cb), log);
  g_signal_connect (set, "closed", G_CALLBACK (closed_log_cb), log);
}

/* A set dropped while observed closes later, in the owner context: the
 * handlers must not outlive the test's stack. */
static void
disconnect_log (SpSharedSet *set, SetLog *log)
{
  g_signal_handlers_disconnect_by_data (set, log);
  g_string_free (log->log, TRUE);
}

/* Tests ------------------------------------------------------------- */

static void
test_properties (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new_full (G_TYPE_STRING, "users", NULL, NULL);
  g_autofree char *name = NULL;
  GType            item_type = G_TYPE_INVALID;
  int              timeout = -1;
  gboolean         closed = TRUE;
  guint            notified = 0;

  g_object_get (set, "item-type", &item_type, "name", &name, "default-timeout", &timeout, "closed",
                &closed, NULL);
  g_assert_true (item_type == G_TYPE_STRING);
  g_assert_cmpstr (name, ==, "users");
  g_assert_cmpint (timeout, ==, 0);
  g_assert_false (closed);
  g_assert_true (sp_shared_set_get_item_type (set) == G_TYPE_STRING);
  g_assert_cmpstr (sp_shared_set_get_name (set), ==, "users");

  g_signal_connect_swapped (set, "notify::default-timeout", G_CALLBACK (g_atomic_int_inc),
                            &notified);
  sp_shared_set_set_default_timeout (set, 40);
  g_assert_cmpint (sp_shared_set_get_default_timeout (set), ==, 40);
  /* In the owner context, never inline. */
  g_assert_cmpuint (notified, ==, 0);
  drain ();
  g_assert_cmpuint (notified, ==, 1);
}

static void
test_basic_ops (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_autofree char *all = NULL;
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult r = { 0 };

  g_assert_cmpuint (set_size (set), ==, 0);
  g_assert_true (add_str (set, "ada"));
  g_assert_true (add_str (set, "bob"));
  g_assert_false (add_str (set, "ada"));
  g_assert_cmpuint (set_size (set), ==, 2);
  g_assert_true (contains_str (set, "bob"));
  g_assert_false (contains_str (set, "eve"));
  all = snapshot_strs (set);
  g_assert_cmpstr (all, ==, "ada,bob");

  sp_shared_set_discard_async (set, str_value (&v, "bob"), 0, NULL, discard_cb, &r);
  /* Never before _async has returned. */
  g_assert_false (r.done);
  iterate_until (&r.done);
  g_assert_true (r.ok && r.flag);
  set_result_clear (&r);
  sp_shared_set_discard_async (set, &v, 0, NULL, discard_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.ok);
  g_assert_false (r.flag);
  set_result_clear (&r);

  sp_shared_set_clear_async (set, 0, NULL, clear_set_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.ok);
  set_result_clear (&r);
  g_assert_cmpuint (set_size (set), ==, 0);

  /* An empty snapshot is an empty array, not NULL. */
  sp_shared_set_snapshot_async (set, 0, NULL, snapshot_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.ok);
  g_assert_nonnull (r.items);
  g_assert_cmpuint (r.n_items, ==, 0);
  set_result_clear (&r);
}

static void
test_snapshot_is_a_copy (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  SetResult r = { 0 };
  GValue   *items;
  guint     n;

  add_str (set, "x");
  add_str (set, "y");
  sp_shared_set_snapshot_async (set, 0, NULL, snapshot_cb, &r);
  iterate_until (&r.done);
  items = g_steal_pointer (&r.items);
  n = r.n_items;
  set_result_clear (&r);

  /* Changing the set leaves the copy alone. */
  sp_shared_set_clear_async (set, 0, NULL, clear_set_cb, &r);
  iterate_until (&r.done);
  set_result_clear (&r);
  add_str (set, "z");
  drain ();

  g_assert_cmpuint (n, ==, 2);
  for (guint i = 0; i < n; i++)
    g_assert_true (g_str_equal (g_value_get_string (&items[i]), "x") ||
                   g_str_equal (g_value_get_string (&items[i]), "y"));
  sp_set_snapshot_free (items, n);
}

/* Adds @a, @b and @a again, each given as a GValue of @type set by @set_func. */
static void
check_type (GType type, const GValue *a, const GValue *b)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (type);
  SetResult     r = { 0 };
  const GValue *items[] = { a, b, a };
  gboolean      expected[] = { TRUE, TRUE, FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      sp_shared_set_add_async (set, items[i], 0, NULL, add_cb, &r);
      iterate_until (&r.done);
      g_assert_no_error (r.error);
      g_assert_cmpint (r.flag, ==, expected[i]);
      set_result_clear (&r);
    }

  sp_shared_set_snapshot_async (set, 0, NULL, snapshot_cb, &r);
  iterate_until (&r.done);
  g_assert_cmpuint (r.n_items, ==, 2);
  for (guint i = 0; i < r.n_items; i++)
    g_assert_true (G_VALUE_TYPE (&r.items[i]) == type);
  set_result_clear (&r);

  sp_shared_set_contains_async (set, b, 0, NULL, contains_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.flag);
  set_result_clear (&r);
  sp_shared_set_discard_async (set, a, 0, NULL, discard_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.flag);
  set_result_clear (&r);
  g_assert_cmpuint (set_size (set), ==, 1);
}

static void
test_types_integers (void)
{
  GValue a = G_VALUE_INIT, b = G_VALUE_INIT;

  g_value_set_int (g_value_init (&a, G_TYPE_INT), -5);
  g_value_set_int (g_value_init (&b, G_TYPE_INT), 7);
  check_type (G_TYPE_INT, &a, &b);
  g_value_unset (&a), g_value_unset (&b);

  g_value_set_uint64 (g_value_init (&a, G_TYPE_UINT64), G_MAXUINT64);
  g_value_set_uint64 (g_value_init (&b, G_TYPE_UINT64), 1);
  check_type (G_TYPE_UINT64, &a, &b);
  g_value_unset (&a), g_value_unset (&b);

  g_value_set_int64 (g_value_init (&a, G_TYPE_INT64), G_MININT64);
  g_value_set_int64 (g_value_init (&b, G_TYPE_INT64), G_MAXINT64);
  check_type (G_TYPE_INT64, &a, &b);
  g_value_unset (&a), g_value_unset (&b);

  g_value_set_boolean (g_value_init (&a, G_TYPE_BOOLEAN), TRUE);
  g_value_set_boolean (g_value_init (&b, G_TYPE_BOOLEAN), FALSE);
  check_type (G_TYPE_BOOLEAN, &a, &b);
  g_value_unset (&a), g_value_unset (&b);

  g_value_set_uchar (g_value_init (&a, G_TYPE_UCHAR), 200);
  g_value_set_uchar (g_value_init (&b, G_TYPE_UCHAR), 0);
  check_type (G_TYPE_UCHAR, &a, &b);
  g_value_unset (&a), g_value_unset (&b);
}

static void
test_types_enums_and_flags (void)
{
  GValue a = G_VALUE_INIT, b = G_VALUE_INIT;

  g_value_set_enum (g_value_init (&a, G_TYPE_FILE_TYPE), G_FILE_TYPE_DIRECTORY);
  g_value_set_enum (g_value_init (&b, G_TYPE_FILE_TYPE), G_FILE_TYPE_REGULAR);
  check_type (G_TYPE_FILE_TYPE, &a, &b);
  g_value_unset (&a), g_value_unset (&b);

  g_value_set_flags (g_value_init (&a, G_TYPE_FILE_QUERY_INFO_FLAGS),
                     G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS);
  g_value_set_flags (g_value_init (&b, G_TYPE_FILE_QUERY_INFO_FLAGS), 0);
  check_type (G_TYPE_FILE_QUERY_INFO_FLAGS, &a, &b);
  g_value_unset (&a), g_value_unset (&b);
}

static void
test_types_objects_by_identity (void)
{
  g_autoptr (GObject) one = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr (GObject) two = g_object_new (G_TYPE_OBJECT, NULL);
  GValue a = G_VALUE_INIT, b = G_VALUE_INIT;

  g_value_set_object (g_value_init (&a, G_TYPE_OBJECT), one);
  g_value_set_object (g_value_init (&b, G_TYPE_OBJECT), two);
  check_type (G_TYPE_OBJECT, &a, &b);
  g_value_unset (&a), g_value_unset (&b);
  /* The set let go of both. */
  g_assert_cmpuint (one->ref_count, ==, 1);
  g_assert_cmpuint (two->ref_count, ==, 1);
}

static void
test_types_bytes (void)
{
  GValue a = G_VALUE_INIT, b = G_VALUE_INIT, a2 = G_VALUE_INIT;
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_BYTES);
  gboolean added = FALSE;

  g_value_take_boxed (g_value_init (&a, G_TYPE_BYTES), g_bytes_new ("ab", 2));
  g_value_take_boxed (g_value_init (&b, G_TYPE_BYTES), g_bytes_new ("cd", 2));
  check_type (G_TYPE_BYTES, &a, &b);

  /* Equal by content, not identity. */
  g_value_take_boxed (g_value_init (&a2, G_TYPE_BYTES), g_bytes_new ("ab", 2));
  g_assert_true (sp_shared_set_try_add (set, &a, &added, NULL));
  g_assert_true (added);
  g_assert_true (sp_shared_set_try_add (set, &a2, &added, NULL));
  g_assert_false (added);
  g_value_unset (&a), g_value_unset (&b), g_value_unset (&a2);
}

typedef struct
{
  int x, y;
} Point;

static Point *
point_copy (const Point *p)
{
  return g_memdup2 (p, sizeof *p);
}

static GType point_get_type (void);
G_DEFINE_BOXED_TYPE (Point, point, point_copy, g_free)

static guint
point_hash (gconstpointer p)
{
  const Point *point = p;
  return (guint) point->x * 31 + (guint) point->y;
}

static gboolean
point_equal (gconstpointer a, gconstpointer b)
{
  const Point *p = a, *q = b;
  return p->x == q->x && p->y == q->y;
}

static void
test_types_boxed_with_hash (void)
{
  g_autoptr (SpSharedSet) set =
      sp_shared_set_new_full (point_get_type (), "points", point_hash, point_equal);
  GValue    a = G_VALUE_INIT, a2 = G_VALUE_INIT, b = G_VALUE_INIT;
  SetResult r = { 0 };

  g_value_set_boxed (g_value_init (&a, point_get_type ()), &(Point){ 1, 2 });
  g_value_set_boxed (g_value_init (&a2, point_get_type ()), &(Point){ 1, 2 });
  g_value_set_boxed (g_value_init (&b, point_get_type ()), &(Point){ 2, 1 });

  g_assert_true (sp_shared_set_try_add (set, &a, &r.flag, NULL));
  g_assert_true (r.flag);
  g_assert_true (sp_shared_set_try_add (set, &a2, &r.flag, NULL));
  g_assert_false (r.flag);
  g_assert_true (sp_shared_set_try_contains (set, &b, &r.flag, NULL));
  g_assert_false (r.flag);
  g_assert_true (sp_shared_set_try_add (set, &b, &r.flag, NULL));
  g_assert_true (r.flag);

  sp_shared_set_snapshot_async (set, 0, NULL, snapshot_cb, &r);
  iterate_until (&r.done);
  g_assert_cmpuint (r.n_items, ==, 2);
  set_result_clear (&r);

  sp_shared_set_discard_async (set, &a2, 0, NULL, discard_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.flag);
  set_result_clear (&r);
  g_assert_cmpuint (set_size (set), ==, 1);
  drain ();

  g_value_unset (&a), g_value_unset (&a2), g_value_unset (&b);
}

static void
test_conversion (void)
{
  g_autoptr (SpSharedSet) strings = sp_shared_set_new (G_TYPE_STRING);
  g_autoptr (SpSharedSet) objects = sp_shared_set_new (G_TYPE_OBJECT);
  g_auto (GValue) five = G_VALUE_INIT;
  g_auto (GValue) null_string = G_VALUE_INIT;
  SetResult r = { 0 };

  /* g_value_transform() where the types differ. */
  sp_shared_set_add_async (strings, int_value (&five, 5), 0, NULL, add_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.ok && r.flag);
  set_result_clear (&r);
  g_assert_true (contains_str (strings, "5"));

  /* No transform: INVALID_ARGUMENT, and the set is unchanged. */
  sp_shared_set_add_async (objects, &five, 0, NULL, add_cb, &r);
  g_assert_false (r.done);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (r.ok || r.flag);
  set_result_clear (&r);
  g_assert_cmpuint (set_size (objects), ==, 0);

  /* A set holds no NULL. */
  g_value_init (&null_string, G_TYPE_STRING);
  sp_shared_set_add_async (strings, &null_string, 0, NULL, add_cb, &r);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  set_result_clear (&r);
  g_assert_false (sp_shared_set_try_contains (strings, &null_string, NULL, &r.error));
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  set_result_clear (&r);
}

static void
test_signals_order_and_context (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult r[5] = { 0 };
  SetLog    log;

  connect_log (set, &log);
  sp_shared_set_add_async (set, str_value (&v, "a"), 0, NULL, add_cb, &r[0]);
  g_value_unset (&v);
  sp_shared_set_add_async (set, str_value (&v, "b"), 0, NULL, add_cb, &r[1]);
  sp_shared_set_add_async (set, &v, 0, NULL, add_cb, &r[2]);
  sp_shared_set_discard_async (set, &v, 0, NULL, discard_cb, &r[3]);
  sp_shared_set_clear_async (set, 0, NULL, clear_set_cb, &r[4]);
  /* Nothing is announced inline. */
  g_assert_cmpstr (log.log->str, ==, "");
  iterate_until (&r[4].done);
  drain ();
  /* One emission per change, in change order; a duplicate add changes
   * nothing and announces nothing. */
  g_assert_cmpstr (log.log->str, ==, "+a +b -b -a ");
  for (guint i = 0, first = r[0].order; i < G_N_ELEMENTS (r); i++)
    {
      g_assert_cmpuint (r[i].order, ==, first + i);
      set_result_clear (&r[i]);
    }
  disconnect_log (set, &log);
}

/* The model as items-changed describes it, checked against the set's
 * own answers after each change. */
typedef struct
{
  GPtrArray *strings; /* what items-changed told, replayed */
  GString   *log;
  guint      n_items_notified;
} ModelMirror;

static char *
model_string_at (GListModel *model, guint position)
{
  g_autoptr (GObject) item = g_list_model_get_item (model, position);

  if (SP_IS_SET_ITEM (item))
    return g_strdup (sp_set_item_get_string (SP_SET_ITEM (item)));
  return g_strdup_printf ("%p", item);
}

static void
mirror_items_changed (GListModel *model, guint position, guint removed, guint added, gpointer data)
{
  ModelMirror *mirror = data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_string_append_printf (mirror->log, "(%u,%u,%u) ", position, removed, added);
  g_ptr_array_remove_range (mirror->strings, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror->strings, position + i, model_string_at (model, position + i));
  g_assert_cmpuint (mirror->strings->len, ==, g_list_model_get_n_items (model));
}

static void
mirror_item_removed (SpSharedSet *set, const GValue *item, gpointer data)
{
  ModelMirror *mirror = data;

  /* The model has already let it go. */
  for (guint i = 0; i < mirror->strings->len; i++)
    g_assert_cmpstr (mirror->strings->pdata[i], !=, g_value_get_string (item));
  g_string_append_printf (mirror->log, "-%s ", g_value_get_string (item));
}

static void
mirror_count_n_items (GObject *set, GParamSpec *pspec, gpointer data)
{
  ((ModelMirror *) data)->n_items_notified++;
}

static void
assert_model_strings (GListModel *model, const char *expected)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autofree char *text = model_string_at (model, i);

      g_string_append_printf (s, "%s%s", i ? " " : "", text);
    }
  g_assert_cmpstr (s->str, ==, expected);
}

static void
discard_str (SpSharedSet *set, const char *s)
{
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult r = { 0 };

  sp_shared_set_discard_async (set, str_value (&v, s), 0, NULL, discard_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.flag);
  set_result_clear (&r);
}

static gpointer
add_in_thread (gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (GValue) v = G_VALUE_INIT;
  gboolean added = FALSE;

  g_assert_true (
      sp_shared_set_add_sync (data, str_value (&v, "from-thread"), 0, NULL, &added, &error));
  g_assert_true (added);
  return NULL;
}

/* The set is a GListModel in insertion order; items-changed, n-items and
 * the items themselves agree, in the owner context, with item-added and
 * item-removed. */
static void
test_list_model (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  GListModel *model = G_LIST_MODEL (set);
  ModelMirror mirror = { g_ptr_array_new_with_free_func (g_free), g_string_new (NULL), 0 };
  g_autoptr (SpSetItem) item = NULL;
  GValue    value = G_VALUE_INIT;
  SetResult r = { 0 };
  guint     n_items;

  g_assert_true (g_list_model_get_item_type (model) == SP_TYPE_SET_ITEM);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_null (g_list_model_get_item (model, 0));
  g_signal_connect (set, "items-changed", G_CALLBACK (mirror_items_changed), &mirror);
  g_signal_connect (set, "item-removed", G_CALLBACK (mirror_item_removed), &mirror);
  g_signal_connect (set, "notify::n-items", G_CALLBACK (mirror_count_n_items), &mirror);

  for (const char *const *s = (const char *const[]){ "pear", "apple", "fig", "kiwi", NULL }; *s;
       s++)
    g_assert_true (add_str (set, *s));
  drain ();
  /* Insertion order, not the hash table's. */
  assert_model_strings (model, "pear apple fig kiwi");
  g_assert_cmpstr (mirror.log->str, ==, "(0,0,1) (1,0,1) (2,0,1) (3,0,1) ");
  g_assert_cmpuint (mirror.n_items_notified, ==, 4);
  g_object_get (set, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 4);

  item = g_list_model_get_item (model, 1);
  sp_set_item_get_value (item, &value);
  g_assert_cmpstr (g_value_get_string (&value), ==, "apple");
  g_value_unset (&value);

  g_string_truncate (mirror.log, 0);
  discard_str (set, "fig");
  drain ();
  g_assert_cmpstr (mirror.log->str, ==, "(2,1,0) -fig ");
  assert_model_strings (model, "pear apple kiwi");

  /* From another thread: announced here. */
  g_thread_join (g_thread_new ("adder", add_in_thread, set));
  drain ();
  assert_model_strings (model, "pear apple kiwi from-thread");

  /* A clear is one change. */
  g_string_truncate (mirror.log, 0);
  sp_shared_set_clear_async (set, 0, NULL, clear_set_cb, &r);
  iterate_until (&r.done);
  drain ();
  g_assert_true (g_str_has_prefix (mirror.log->str, "(0,4,0) "));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  /* The item object taken before still holds its value. */
  g_assert_cmpstr (sp_set_item_get_string (item), ==, "apple");

  g_signal_handlers_disconnect_by_data (set, &mirror);
  g_ptr_array_unref (mirror.strings);
  g_string_free (mirror.log, TRUE);
  set_result_clear (&r);
}

static void
count_items_changed (GListModel *model, guint position, guint removed, guint added, gpointer data)
{
  GString *log = data;

  g_string_append_printf (log, "(%u,%u,%u) ", position, removed, added);
}

/* A model first used while a writer holds the set starts empty, then
 * announces the items as they are once its turn comes, with the change
 * the writer made and nothing twice. */
static void
test_list_model_built_in_turn (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_autoptr (GString) log = g_string_new (NULL);
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult late = { 0 };
  Holder    h = { 0 };

  g_assert_true (add_str (set, "early"));
  drain ();
  holder_start (&h, set, TRUE); /* adds "holder", exclusively */
  g_signal_connect (set, "items-changed", G_CALLBACK (count_items_changed), log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (set)), ==, 0);
  sp_shared_set_add_async (set, str_value (&v, "late"), 0, NULL, add_cb, &late);
  holder_finish (&h);
  iterate_until (&late.done);
  drain ();
  /* Built in its turn, between the holder's add and the later one. */
  g_assert_cmpstr (log->str, ==, "(0,0,2) (2,0,1) ");
  assert_model_strings (G_LIST_MODEL (set), "early holder late");
  g_signal_handlers_disconnect_by_data (set, log);
  set_result_clear (&late);
}

static void
flag_gone (gpointer data, GObject *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

/* A close whose call gave up (cancelled first), then the last reference:
 * the set still announces its items and ::closed before it goes. */
static void
test_last_reference_while_closing (void)
{
  SpSharedSet *set = sp_shared_set_new (G_TYPE_STRING);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  SetResult c = { 0 };
  SetLog    log;
  gboolean  gone = FALSE;

  add_str (set, "left");
  drain ();
  connect_log (set, &log);
  g_object_weak_ref (G_OBJECT (set), flag_gone, &gone);
  g_cancellable_cancel (cancellable);
  sp_shared_set_close_async (set, 0, cancellable, close_set_cb, &c);
  iterate_until (&c.done);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  set_result_clear (&c);

  g_object_unref (set);
  iterate_until (&gone);
  g_assert_cmpstr (log.log->str, ==, "-left closed ");
  g_string_free (log.log, TRUE);
}

/* A set of objects lists the objects themselves; a close empties it. */
static void
test_list_model_objects (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_OBJECT);
  g_autoptr (GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr (GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr (GObject) first = NULL;
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult c = { 0 };

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (set)) == G_TYPE_OBJECT);
  g_value_init (&v, G_TYPE_OBJECT);
  g_value_set_object (&v, b);
  g_assert_true (sp_shared_set_try_add (set, &v, NULL, NULL));
  g_value_set_object (&v, a);
  g_assert_true (sp_shared_set_try_add (set, &v, NULL, NULL));
  drain ();
  first = g_list_model_get_item (G_LIST_MODEL (set), 0);
  g_assert_true (first == b);

  sp_shared_set_close_async (set, 0, NULL, close_set_cb, &c);
  iterate_until (&c.done);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (set)), ==, 0);
  set_result_clear (&c);
}

typedef struct
{
  SpSharedSet *set;
  int          first;
  int          count;
} Worker;

static gpointer
worker_add_discard (gpointer data)
{
  Worker *w = data;

  for (int i = w->first; i < w->first + w->count; i++)
    {
      g_auto (GValue) v = G_VALUE_INIT;
      g_autoptr (GError) error = NULL;
      gboolean added = FALSE, removed = FALSE;

      int_value (&v, i);
      g_assert_true (sp_shared_set_add_sync (w->set, &v, 0, NULL, &added, &error));
      g_assert_no_error (error);
      g_assert_true (added);
      /* Every other one leaves again. */
      if (i % 2 == 0)
        {
          g_assert_true (sp_shared_set_discard_sync (w->set, &v, 0, NULL, &removed, &error));
          g_assert_true (removed);
        }
    }

  return NULL;
}

static void
count_added (SpSharedSet *set, const GValue *item, gpointer data)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  (*(int *) data)++;
}

static void
test_threads (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_INT);
  Worker   workers[4];
  GThread *threads[4];
  int      added = 0, removed = 0;

  g_signal_connect (set, "item-added", G_CALLBACK (count_added), &added);
  g_signal_connect (set, "item-removed", G_CALLBACK (count_added), &removed);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      workers[i] = (Worker){ set, (int) i * 100, 100 };
      threads[i] = g_thread_new ("set-worker", worker_add_discard, &workers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  /* Signals run in the owner context, here, once it is iterated. */
  g_assert_cmpint (added, ==, 0);
  while (added < 400 || removed < 200)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (added, ==, 400);
  g_assert_cmpint (removed, ==, 200);

  g_assert_cmpuint (set_size (set), ==, 200);
  g_signal_handlers_disconnect_by_data (set, &added);
  g_signal_handlers_disconnect_by_data (set, &removed);
}

static gpointer
snapshot_in_thread (gpointer data)
{
  g_autoptr (GError) error = NULL;
  GValue *items;
  guint   n;

  items = sp_shared_set_snapshot_sync (data, 0, NULL, &n, &error);
  g_assert_no_error (error);
  sp_set_snapshot_free (items, n);
  return GUINT_TO_POINTER (n);
}

static void
test_sync_twins (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_auto (GValue) v = G_VALUE_INIT;
  GThread *thread;

  add_str (set, "x");
  thread = g_thread_new ("snapshot", snapshot_in_thread, set);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (thread)), ==, 1);

  /* The owner context must not block on its own set. */
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*owner context*");
  g_assert_false (sp_shared_set_add_sync (set, str_value (&v, "y"), 0, NULL, NULL, NULL));
  g_test_assert_expected_messages ();
  g_assert_false (contains_str (set, "y"));
}

static void
test_timeout_while_held (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_autoptr (SpStats) stats = NULL;
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult add = { 0 }, size = { 0 };
  Holder    h = { 0 };

  holder_start (&h, set, TRUE);
  sp_shared_set_add_async (set, str_value (&v, "late"), 20, NULL, add_cb, &add);
  sp_shared_set_set_default_timeout (set, 30);
  sp_shared_set_size_async (set, -1, NULL, size_cb, &size);
  iterate_until (&add.done);
  iterate_until (&size.done);
  g_assert_error (add.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_error (size.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_false (add.flag);
  set_result_clear (&add);
  set_result_clear (&size);

  /* try_ never waits. */
  g_assert_false (sp_shared_set_try_add (set, &v, NULL, &add.error));
  g_assert_error (add.error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  set_result_clear (&add);

  holder_finish (&h);
  g_assert_false (contains_str (set, "late"));
  g_assert_true (contains_str (set, "holder"));

  stats = sp_shared_set_get_stats (set);
  g_assert_cmpuint (stats->timeouts, ==, 2);
  g_assert_cmpuint (stats->writes_granted, ==, 1);
  g_assert_cmpuint (stats->reads_granted, ==, 2);
}

static void
test_shared_holder (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult add = { 0 }, contains = { 0 };
  Holder    h = { 0 };
  gboolean  found = TRUE;

  holder_start (&h, set, FALSE);
  /* Readers share: contains runs past a reader. */
  g_assert_true (sp_shared_set_try_contains (set, str_value (&v, "x"), &found, NULL));
  g_assert_false (found);
  /* A writer waits, and a reader after a queued writer waits too. */
  sp_shared_set_add_async (set, &v, 0, NULL, add_cb, &add);
  sp_shared_set_contains_async (set, &v, 0, NULL, contains_cb, &contains);
  drain ();
  g_assert_false (add.done || contains.done);
  g_assert_false (sp_shared_set_try_contains (set, &v, &found, &add.error));
  g_assert_error (add.error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&add.error);

  holder_finish (&h);
  iterate_until (&contains.done);
  g_assert_true (add.done);
  g_assert_cmpuint (add.order, <, contains.order);
  g_assert_true (contains.flag);
  set_result_clear (&add);
  set_result_clear (&contains);
}

static void
test_cancellation (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GCancellable) early = g_cancellable_new ();
  g_autoptr (SpStats) stats = NULL;
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult add = { 0 }, discard = { 0 }, pre = { 0 };
  Holder    h = { 0 };

  holder_start (&h, set, TRUE);
  sp_shared_set_add_async (set, str_value (&v, "c"), 0, cancellable, add_cb, &add);
  sp_shared_set_discard_async (set, &v, 0, NULL, discard_cb, &discard);
  g_cancellable_cancel (early);
  sp_shared_set_add_async (set, &v, 0, early, add_cb, &pre);
  drain ();
  g_assert_false (add.done);
  g_assert_true (pre.done);
  g_assert_error (pre.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_cancellable_cancel (cancellable);
  iterate_until (&add.done);
  g_assert_error (add.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The cancelled add left the queue; the discard behind it still waits
   * for the holder, then finds nothing. */
  g_assert_false (discard.done);
  holder_finish (&h);
  iterate_until (&discard.done);
  g_assert_true (discard.ok);
  g_assert_false (discard.flag);
  g_assert_cmpuint (set_size (set), ==, 1);

  stats = sp_shared_set_get_stats (set);
  /* As for a shared object, every cancelled call counts, the one
   * cancelled before it was made too. */
  g_assert_cmpuint (stats->cancellations, ==, 2);
  set_result_clear (&add);
  set_result_clear (&discard);
  set_result_clear (&pre);

  /* Granted, then cancelled before its callback could run: the add is
   * not performed, reports CANCELLED, and the lock passes on. */
  g_cancellable_reset (cancellable);
  holder_start (&h, set, TRUE);
  g_value_set_static_string (&v, "late");
  sp_shared_set_add_async (set, &v, 0, cancellable, add_cb, &add);
  holder_finish (&h);
  g_assert_false (add.done);
  g_cancellable_cancel (cancellable);
  iterate_until (&add.done);
  g_assert_error (add.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (contains_str (set, "late"));
  set_result_clear (&add);
}

static void
hold_in_closed (SpSharedSet *set, gpointer data)
{
  sp_shared_set_hold_close (set);
  *(gboolean *) data = TRUE;
}

/* A set's errors name the call and the set, never its private lock. */
static void
test_error_messages_name_the_call (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new_full (G_TYPE_STRING, "tags", NULL, NULL);
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult t = { 0 }, c = { 0 };
  Holder    h = { 0 };

  holder_start (&h, set, TRUE);
  sp_shared_set_add_async (set, str_value (&v, "x"), 5, NULL, add_cb, &t);
  iterate_until (&t.done);
  g_assert_error (t.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpstr (t.error->message, ==, "Timed out after 5 ms waiting to add to “tags”");
  holder_finish (&h);

  sp_shared_set_close_async (set, 0, NULL, close_set_cb, &c);
  iterate_until (&c.done);
  set_result_clear (&t);
  sp_shared_set_size_async (set, 0, NULL, size_cb, &t);
  iterate_until (&t.done);
  g_assert_cmpstr (t.error->message, ==, "Cannot count “tags”: the shared set is closed");

  set_result_clear (&t);
  set_result_clear (&c);
}

static void
test_close (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult queued = { 0 }, close1 = { 0 }, close2 = { 0 }, after = { 0 }, close3 = { 0 };
  gboolean  held = FALSE;
  guint     notified = 0;
  Holder    h = { 0 };
  SetLog    log;

  add_str (set, "left");
  connect_log (set, &log);
  g_signal_connect (set, "closed", G_CALLBACK (hold_in_closed), &held);
  g_signal_connect_swapped (set, "notify::closed", G_CALLBACK (g_atomic_int_inc), &notified);

  holder_start (&h, set, TRUE);
  sp_shared_set_contains_async (set, str_value (&v, "left"), 0, NULL, contains_cb, &queued);
  sp_shared_set_close_async (set, 0, NULL, close_set_cb, &close1);
  sp_shared_set_close_async (set, 0, NULL, close_set_cb, &close2);
  g_assert_true (sp_shared_set_is_closed (set));
  iterate_until (&queued.done);
  g_assert_error (queued.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  /* The set's lock is private: errors speak of the set, and of the call
   * (an unnamed set is named by its type). */
  g_assert_cmpstr (queued.error->message, ==,
                   "Cannot look up an item in “SpSharedSet”: the shared set is closed");
  sp_shared_set_size_async (set, 0, NULL, size_cb, &after);
  iterate_until (&after.done);
  g_assert_error (after.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&after.error);
  g_assert_false (sp_shared_set_try_add (set, &v, NULL, &after.error));
  g_assert_true (g_error_matches (after.error, G_IO_ERROR, G_IO_ERROR_CLOSED));
  g_assert_cmpstr (after.error->message, ==,
                   "Cannot add to “SpSharedSet”: the shared set is closed");
  g_assert_cmpuint (notified, ==, 1);

  /* The holder keeps the close waiting: no ::closed yet. */
  g_assert_cmpstr (log.log->str, ==, "");
  holder_finish (&h);
  while (!held)
    g_main_context_iteration (NULL, TRUE);
  /* Every item left through ::item-removed, then ::closed. */
  g_assert_cmpstr (log.log->str, ==, "+holder -holder -left closed ");
  drain ();
  g_assert_false (close1.done || close2.done);
  sp_shared_set_release_close (set);
  iterate_until (&close2.done);
  g_assert_true (close1.ok && close2.ok);

  /* Closing again is a harmless success; a hold is refused now. */
  sp_shared_set_close_async (set, 0, NULL, close_set_cb, &close3);
  iterate_until (&close3.done);
  g_assert_true (close3.ok);
  EXPECT_CRITICAL (
      "sp_shared_set_hold_close: shared set “SpSharedSet” has already finished closing",
      sp_shared_set_hold_close (set));
  EXPECT_CRITICAL (
      "sp_shared_set_release_close: shared set “SpSharedSet” has no close hold to release",
      sp_shared_set_release_close (set));

  set_result_clear (&queued);
  set_result_clear (&close1);
  set_result_clear (&close2);
  set_result_clear (&close3);
  set_result_clear (&after);
  disconnect_log (set, &log);
}

static void
set_flag (gpointer data, GObject *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

static void
test_auto_close (void)
{
  SpSharedSet *set = sp_shared_set_new (G_TYPE_OBJECT);
  GObject     *item = g_object_new (G_TYPE_OBJECT, NULL);
  gboolean     set_gone = FALSE, item_gone = FALSE;
  g_auto (GValue) v = G_VALUE_INIT;
  SetLog log;

  g_value_take_object (g_value_init (&v, G_TYPE_OBJECT), item);
  g_assert_true (sp_shared_set_try_add (set, &v, NULL, NULL));
  g_value_unset (&v);
  g_object_weak_ref (item, set_flag, &item_gone);
  g_object_weak_ref (G_OBJECT (set), set_flag, &set_gone);
  connect_log (set, &log);

  /* Observed: the last unref closes it, in the owner context. */
  g_object_unref (set);
  g_assert_false (set_gone);
  while (!set_gone)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (log.log->str, ==, "+? -? closed ");
  g_assert_true (item_gone);
  g_string_free (log.log, TRUE);

  /* Unobserved: freed on the spot, items with it. */
  set = sp_shared_set_new (G_TYPE_OBJECT);
  item = g_object_new (G_TYPE_OBJECT, NULL);
  item_gone = set_gone = FALSE;
  g_value_take_object (g_value_init (&v, G_TYPE_OBJECT), item);
  g_assert_true (sp_shared_set_try_add (set, &v, NULL, NULL));
  g_object_weak_ref (item, set_flag, &item_gone);
  g_object_weak_ref (G_OBJECT (set), set_flag, &set_gone);
  /* ::item-added holds a reference until it has run. */
  drain ();
  g_object_unref (set);
  g_assert_true (set_gone);
  g_assert_false (item_gone);
  g_value_unset (&v);
  g_assert_true (item_gone);
  drain ();
}

typedef struct
{
  gboolean item_gone;
  guint    handler_runs;
} CleanupCheck;

static void
check_item_alive (SpSharedSet *set, const GValue *item, gpointer data)
{
  CleanupCheck *check = data;

  /* The set's reference lives until its ::item-removed has run. */
  g_assert_false (check->item_gone);
  g_assert_true (G_IS_OBJECT (g_value_get_object (item)));
  g_assert_cmpuint (G_OBJECT (g_value_get_object (item))->ref_count, ==, 1);
  check->handler_runs++;
}

static void
test_item_removed_is_cleanup (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_OBJECT);
  GObject     *item = g_object_new (G_TYPE_OBJECT, NULL);
  CleanupCheck check = { 0 };
  g_auto (GValue) v = G_VALUE_INIT;
  SetResult r = { 0 };

  g_object_weak_ref (item, set_flag, &check.item_gone);
  g_signal_connect (set, "item-removed", G_CALLBACK (check_item_alive), &check);
  g_value_take_object (g_value_init (&v, G_TYPE_OBJECT), item);
  g_assert_true (sp_shared_set_try_add (set, &v, NULL, NULL));
  sp_shared_set_discard_async (set, &v, 0, NULL, discard_cb, &r);
  g_value_unset (&v);
  iterate_until (&r.done);
  drain ();
  g_assert_true (r.flag);
  /* The handler's assertions ran, once, before the item went. */
  g_assert_cmpuint (check.handler_runs, ==, 1);
  g_assert_true (check.item_gone);
  set_result_clear (&r);
  g_signal_handlers_disconnect_by_data (set, &check);
}

/* Views ------------------------------------------------------------- */

static void
query_contains_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_query_contains_finish (SP_SET_QUERY (source), res, &r->flag, &r->error);
  set_result_done (r, source);
}

static void
query_size_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_query_size_finish (SP_SET_QUERY (source), res, &r->size, &r->error);
  set_result_done (r, source);
}

static void
query_snapshot_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->items = sp_set_query_snapshot_finish (SP_SET_QUERY (source), res, &r->n_items, &r->error);
  r->ok = r->items != NULL;
  set_result_done (r, source);
}

static void
setter_add_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_setter_add_finish (SP_SET_SETTER (source), res, &r->flag, &r->error);
  set_result_done (r, source);
}

static void
deleter_discard_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_deleter_discard_finish (SP_SET_DELETER (source), res, &r->flag, &r->error);
  set_result_done (r, source);
}

static void
deleter_clear_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_deleter_clear_finish (SP_SET_DELETER (source), res, &r->error);
  set_result_done (r, source);
}

static void
scanner_snapshot_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->items = sp_set_scanner_snapshot_finish (SP_SET_SCANNER (source), res, &r->n_items, &r->error);
  r->ok = r->items != NULL;
  set_result_done (r, source);
}

static void
updater_add_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_updater_add_finish (SP_SET_UPDATER (source), res, &r->flag, &r->error);
  set_result_done (r, source);
}

static void
updater_discard_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_updater_discard_finish (SP_SET_UPDATER (source), res, &r->flag, &r->error);
  set_result_done (r, source);
}

static void
updater_contains_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_updater_contains_finish (SP_SET_UPDATER (source), res, &r->flag, &r->error);
  set_result_done (r, source);
}

static void
updater_size_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_updater_size_finish (SP_SET_UPDATER (source), res, &r->size, &r->error);
  set_result_done (r, source);
}

static void
updater_snapshot_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->items = sp_set_updater_snapshot_finish (SP_SET_UPDATER (source), res, &r->n_items, &r->error);
  r->ok = r->items != NULL;
  set_result_done (r, source);
}

static void
updater_clear_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SetResult *r = data;
  r->ok = sp_set_updater_clear_finish (SP_SET_UPDATER (source), res, &r->error);
  set_result_done (r, source);
}

#define RUN(call, r, view)                                                                         \
 G_STMT_START                                                                                      \
 {                                                                                                 \
  call;                                                                                            \
  iterate_until (&(r).done);                                                                       \
  g_assert_no_error ((r).error);                                                                   \
  g_assert_true ((r).ok);                                                                          \
  g_assert_true ((r).source == G_OBJECT (view));                                                   \
 }                                                                                                 \
 G_STMT_END

static void
test_views (void)
{
  SpSharedSet *set = sp_shared_set_new (G_TYPE_STRING);
  g_autoptr (SpSetQuery) query = sp_shared_set_get_query (set);
  g_autoptr (SpSetSetter) setter = sp_shared_set_get_setter (set);
  g_autoptr (SpSetDeleter) deleter = sp_shared_set_get_deleter (set);
  g_autoptr (SpSetUpdater) updater = sp_shared_set_get_updater (set);
  g_autoptr (SpSetScanner) scanner = sp_shared_set_get_scanner (set);
  g_auto (GValue) a = G_VALUE_INIT;
  g_auto (GValue) b = G_VALUE_INIT;
  SetResult r = { 0 };
  gboolean  flag = FALSE;

  /* Views keep the set alive. */
  g_object_unref (set);
  str_value (&a, "a");
  str_value (&b, "b");

  RUN (sp_set_setter_add_async (setter, &a, 0, NULL, setter_add_cb, &r), r, setter);
  g_assert_true (r.flag);
  set_result_clear (&r);
  g_assert_true (sp_set_setter_try_add (setter, &b, &flag, NULL));
  g_assert_true (flag);

  RUN (sp_set_query_contains_async (query, &a, 0, NULL, query_contains_cb, &r), r, query);
  g_assert_true (r.flag);
  set_result_clear (&r);
  RUN (sp_set_query_size_async (query, 0, NULL, query_size_cb, &r), r, query);
  g_assert_cmpuint (r.size, ==, 2);
  set_result_clear (&r);
  RUN (sp_set_query_snapshot_async (query, 0, NULL, query_snapshot_cb, &r), r, query);
  g_assert_cmpuint (r.n_items, ==, 2);
  set_result_clear (&r);
  g_assert_true (sp_set_query_try_contains (query, &b, &flag, NULL));
  g_assert_true (flag);

  RUN (sp_set_scanner_snapshot_async (scanner, 0, NULL, scanner_snapshot_cb, &r), r, scanner);
  g_assert_cmpuint (r.n_items, ==, 2);
  set_result_clear (&r);

  RUN (sp_set_deleter_discard_async (deleter, &a, 0, NULL, deleter_discard_cb, &r), r, deleter);
  g_assert_true (r.flag);
  set_result_clear (&r);
  g_assert_true (sp_set_deleter_try_discard (deleter, &a, &flag, NULL));
  g_assert_false (flag);
  RUN (sp_set_deleter_clear_async (deleter, 0, NULL, deleter_clear_cb, &r), r, deleter);
  set_result_clear (&r);

  RUN (sp_set_updater_add_async (updater, &a, 0, NULL, updater_add_cb, &r), r, updater);
  g_assert_true (r.flag);
  set_result_clear (&r);
  RUN (sp_set_updater_contains_async (updater, &a, 0, NULL, updater_contains_cb, &r), r, updater);
  g_assert_true (r.flag);
  set_result_clear (&r);
  RUN (sp_set_updater_size_async (updater, 0, NULL, updater_size_cb, &r), r, updater);
  g_assert_cmpuint (r.size, ==, 1);
  set_result_clear (&r);
  RUN (sp_set_updater_snapshot_async (updater, 0, NULL, updater_snapshot_cb, &r), r, updater);
  g_assert_cmpuint (r.n_items, ==, 1);
  g_assert_cmpstr (g_value_get_string (&r.items[0]), ==, "a");
  set_result_clear (&r);
  RUN (sp_set_updater_discard_async (updater, &a, 0, NULL, updater_discard_cb, &r), r, updater);
  g_assert_true (r.flag);
  set_result_clear (&r);
  g_assert_true (sp_set_updater_try_add (updater, &b, &flag, NULL));
  g_assert_true (sp_set_updater_try_contains (updater, &b, &flag, NULL));
  g_assert_true (flag);
  g_assert_true (sp_set_updater_try_discard (updater, &b, &flag, NULL));
  g_assert_true (flag);
  RUN (sp_set_updater_clear_async (updater, 0, NULL, updater_clear_cb, &r), r, updater);
  set_result_clear (&r);

  drain ();
}

static void
mismatched_finish_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  SpSharedSet *set = data;
  SpSetQuery  *query = SP_SET_QUERY (source);
  guint        size = 7;

  /* A result belongs to the view and the call it came from. */
  EXPECT_CRITICAL (
      "_sp_shared_set_call_finish: assertion 'g_task_is_valid (result, source)' failed",
      g_assert_false (sp_shared_set_size_finish (set, res, &size, NULL)));
  EXPECT_CRITICAL ("_sp_shared_set_call_finish: assertion 'g_task_get_source_tag (G_TASK (result)) "
                   "== source_tag' failed",
                   g_assert_false (sp_set_query_contains_finish (query, res, NULL, NULL)));
  g_assert_cmpuint (size, ==, 0);
  g_assert_true (sp_set_query_size_finish (query, res, &size, NULL));
  g_object_set_data (G_OBJECT (set), "done", GINT_TO_POINTER (TRUE));
}

static void
test_views_results (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_autoptr (SpSetQuery) query = sp_shared_set_get_query (set);

  sp_set_query_size_async (query, 0, NULL, mismatched_finish_cb, set);
  while (g_object_get_data (G_OBJECT (set), "done") == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* Tracing ----------------------------------------------------------- */

static GString *trace_log;

/* Installed for the whole program: records "event:operation" of the
 * Sharedpotato records while a test collects them. */
static GLogWriterOutput
trace_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *event = NULL, *operation = NULL, *object = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "SP_EVENT"))
        event = fields[i].value;
      else if (g_str_equal (fields[i].key, "SP_OPERATION"))
        operation = fields[i].value;
      else if (g_str_equal (fields[i].key, "SP_OBJECT"))
        object = fields[i].value;
    }

  if (event == NULL)
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  if (trace_log != NULL)
    {
      g_assert_cmpstr (object, ==, "traced");
      g_string_append_printf (trace_log, "%s%s%s ", event, operation ? ":" : "",
                              operation ? operation : "");
    }

  return G_LOG_WRITER_HANDLED;
}

static void
test_tracing (void)
{
  g_autoptr (SpSharedSet) set = NULL;

  g_log_set_debug_enabled (TRUE);
  trace_log = g_string_new (NULL);
  set = sp_shared_set_new_full (G_TYPE_STRING, "traced", NULL, NULL);
  g_log_set_debug_enabled (FALSE);
  if (trace_log->len == 0)
    {
      g_string_free (g_steal_pointer (&trace_log), TRUE);
      g_test_skip ("built with -Dtracing=false");
      return;
    }

  add_str (set, "a");
  g_assert_false (add_str (set, "a"));
  drain ();
  /* The set's calls are its lock's waiters, named after the set's
   * operations; its announcements too; all under the set's name. */
  g_assert_nonnull (strstr (trace_log->str, "created "));
  g_assert_nonnull (strstr (trace_log->str, "call:add acquired:add released:exclusive "));
  g_assert_null (strstr (trace_log->str, ":lock"));
  g_assert_nonnull (strstr (trace_log->str, "changed:item-added "));
  /* Once: the second add changed nothing. */
  g_assert_null (strstr (strstr (trace_log->str, "changed:item-added ") + 1, "changed:item-added"));
  g_clear_object (&set);
  drain ();
  g_assert_nonnull (strstr (trace_log->str, "finalized "));
  g_string_free (g_steal_pointer (&trace_log), TRUE);
}

/* Bad input --------------------------------------------------------- */

static void
test_bad_input (void)
{
  g_autoptr (SpSharedSet) set = sp_shared_set_new (G_TYPE_STRING);
  g_autoptr (GObject) not_a_set = g_object_new (G_TYPE_OBJECT, NULL);
  g_auto (GValue) v = G_VALUE_INIT;
  GValue unset = G_VALUE_INIT;
  guint  n = 0;

  str_value (&v, "x");
  EXPECT_CRITICAL ("sp_shared_set_new: assertion 'sp_set_kind_has_defaults (item_type)' failed",
                   g_assert_null (sp_shared_set_new (G_TYPE_DOUBLE)));
  EXPECT_CRITICAL ("sp_shared_set_new: assertion 'sp_set_kind_has_defaults (item_type)' failed",
                   g_assert_null (sp_shared_set_new (G_TYPE_POINTER)));
  EXPECT_CRITICAL ("sp_shared_set_new: assertion 'sp_set_kind_has_defaults (item_type)' failed",
                   g_assert_null (sp_shared_set_new (point_get_type ())));
  EXPECT_CRITICAL (
      "sp_shared_set_new_full: assertion 'hash_func == NULL || kind != SP_SET_KIND_INTEGER' failed",
      g_assert_null (sp_shared_set_new_full (G_TYPE_INT, NULL, point_hash, point_equal)));
  EXPECT_CRITICAL (
      "sp_shared_set_new_full: assertion '(hash_func == NULL) == (equal_func == NULL)' failed",
      g_assert_null (sp_shared_set_new_full (point_get_type (), NULL, point_hash, NULL)));

  EXPECT_CRITICAL ("sp_shared_set_add_async: assertion 'SP_IS_SHARED_SET (self)' failed",
                   sp_shared_set_add_async (NULL, &v, 0, NULL, add_cb, NULL));
  EXPECT_CRITICAL ("sp_shared_set_add_async: assertion 'SP_IS_SHARED_SET (self)' failed",
                   sp_shared_set_add_async ((SpSharedSet *) not_a_set, &v, 0, NULL, add_cb, NULL));
  EXPECT_CRITICAL ("sp_shared_set_add_async: assertion 'G_IS_VALUE (item)' failed",
                   sp_shared_set_add_async (set, NULL, 0, NULL, add_cb, NULL));
  EXPECT_CRITICAL ("sp_shared_set_add_async: assertion 'G_IS_VALUE (item)' failed",
                   sp_shared_set_add_async (set, &unset, 0, NULL, add_cb, NULL));
  EXPECT_CRITICAL ("sp_shared_set_discard_async: assertion 'timeout_ms >= -1' failed",
                   sp_shared_set_discard_async (set, &v, -2, NULL, add_cb, NULL));
  EXPECT_CRITICAL (
      "sp_shared_set_contains_async: assertion 'cancellable == NULL || G_IS_CANCELLABLE "
      "(cancellable)' failed",
      sp_shared_set_contains_async (set, &v, 0, (GCancellable *) not_a_set, add_cb, NULL));
  EXPECT_CRITICAL ("sp_shared_set_size_async: assertion 'SP_IS_SHARED_SET (self)' failed",
                   sp_shared_set_size_async (NULL, 0, NULL, size_cb, NULL));
  EXPECT_CRITICAL ("sp_shared_set_snapshot_async: assertion 'SP_IS_SHARED_SET (self)' failed",
                   sp_shared_set_snapshot_async (NULL, 0, NULL, size_cb, NULL));
  EXPECT_CRITICAL ("sp_shared_set_clear_async: assertion 'SP_IS_SHARED_SET (self)' failed",
                   sp_shared_set_clear_async (NULL, 0, NULL, size_cb, NULL));
  EXPECT_CRITICAL ("sp_shared_set_close_async: assertion 'SP_IS_SHARED_SET (self)' failed",
                   sp_shared_set_close_async (NULL, 0, NULL, size_cb, NULL));
  EXPECT_CRITICAL ("sp_shared_set_try_add: assertion 'G_IS_VALUE (item)' failed",
                   sp_shared_set_try_add (set, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_set_try_contains: assertion 'SP_IS_SHARED_SET (self)' failed",
                   sp_shared_set_try_contains (NULL, &v, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_set_snapshot_sync: assertion 'n_items != NULL' failed",
                   sp_shared_set_snapshot_sync (set, 0, NULL, NULL, NULL));
  EXPECT_CRITICAL ("sp_shared_set_size_sync: assertion 'timeout_ms >= -1' failed",
                   sp_shared_set_size_sync (set, -7, NULL, &n, NULL));
  EXPECT_CRITICAL ("sp_shared_set_get_query: assertion 'SP_IS_SHARED_SET (self)' failed",
                   sp_shared_set_get_query (NULL));
  EXPECT_CRITICAL ("sp_shared_set_set_default_timeout: assertion 'timeout_ms >= 0' failed",
                   sp_shared_set_set_default_timeout (set, -1));
  EXPECT_CRITICAL (
      "sp_shared_set_release_close: shared set “SpSharedSet” has no close hold to release",
      sp_shared_set_release_close (set));
  EXPECT_CRITICAL ("sp_set_query_contains_async: assertion 'SP_IS_SET_QUERY (self)' failed",
                   sp_set_query_contains_async (NULL, &v, 0, NULL, add_cb, NULL));
  EXPECT_CRITICAL ("sp_set_setter_try_add: assertion 'SP_IS_SET_SETTER (self)' failed",
                   sp_set_setter_try_add (NULL, &v, NULL, NULL));

  /* Bindings construct through properties: the set is refused loudly but
   * stays safe, refusing every item. */
  {
    g_autoptr (SpSharedSet) doubles = NULL;
    g_autoptr (GError) error = NULL;

    EXPECT_CRITICAL ("SpSharedSet “” constructed with item type gdouble, which a set cannot hold",
                     doubles = g_object_new (SP_TYPE_SHARED_SET, "item-type", G_TYPE_DOUBLE, NULL));
    g_assert_false (sp_shared_set_try_add (doubles, &v, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  drain ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (trace_writer, NULL, NULL);

  g_test_add_func ("/Sharedpotato/SharedSet/properties", test_properties);
  g_test_add_func ("/Sharedpotato/SharedSet/ops/basic", test_basic_ops);
  g_test_add_func ("/Sharedpotato/SharedSet/ops/snapshot-is-a-copy", test_snapshot_is_a_copy);
  g_test_add_func ("/Sharedpotato/SharedSet/types/integers", test_types_integers);
  g_test_add_func ("/Sharedpotato/SharedSet/types/enums-and-flags", test_types_enums_and_flags);
  g_test_add_func ("/Sharedpotato/SharedSet/types/objects-by-identity",
                   test_types_objects_by_identity);
  g_test_add_func ("/Sharedpotato/SharedSet/types/bytes", test_types_bytes);
  g_test_add_func ("/Sharedpotato/SharedSet/types/boxed-with-hash", test_types_boxed_with_hash);
  g_test_add_func ("/Sharedpotato/SharedSet/types/conversion", test_conversion);
  g_test_add_func ("/Sharedpotato/SharedSet/signals/order-and-context",
                   test_signals_order_and_context);
  g_test_add_func ("/Sharedpotato/SharedSet/signals/item-removed-is-cleanup",
                   test_item_removed_is_cleanup);
  g_test_add_func ("/Sharedpotato/SharedSet/threads", test_threads);
  g_test_add_func ("/Sharedpotato/SharedSet/sync-twins", test_sync_twins);
  g_test_add_func ("/Sharedpotato/SharedSet/lock/timeout-while-held", test_timeout_while_held);
  g_test_add_func ("/Sharedpotato/SharedSet/lock/shared-holder", test_shared_holder);
  g_test_add_func ("/Sharedpotato/SharedSet/lock/cancellation", test_cancellation);
  g_test_add_func ("/Sharedpotato/SharedSet/close/rules", test_close);
  g_test_add_func ("/Sharedpotato/SharedSet/errors/name-the-call",
                   test_error_messages_name_the_call);
  g_test_add_func ("/Sharedpotato/SharedSet/list-model", test_list_model);
  g_test_add_func ("/Sharedpotato/SharedSet/list-model/objects", test_list_model_objects);
  g_test_add_func ("/Sharedpotato/SharedSet/close/last-reference-while-closing",
                   test_last_reference_while_closing);
  g_test_add_func ("/Sharedpotato/SharedSet/list-model/built-in-turn",
                   test_list_model_built_in_turn);
  g_test_add_func ("/Sharedpotato/SharedSet/close/auto-close", test_auto_close);
  g_test_add_func ("/Sharedpotato/SharedSet/views", test_views);
  g_test_add_func ("/Sharedpotato/SharedSet/views/results", test_views_results);
  g_test_add_func ("/Sharedpotato/SharedSet/tracing", test_tracing);
  g_test_add_func ("/Sharedpotato/SharedSet/bad-input", test_bad_input);

  return g_test_run ();
}
