/* fuzz-shared-set.c: libFuzzer harness for SpSharedSet
 *
 * SPDX-License-Identifier: MIT
 *
 * Each input is a program: every byte pair is an operation and its
 * argument on a set of eight integers: add, discard, contains, size,
 * snapshot, clear (with a timeout, a cancellable, or an item the set
 * refuses), the try_ calls, a holder that takes the lock from a context
 * nobody iterates and lets go later, cancellation of pending calls, close,
 * iterations of the main context, and a 1 ms wait that lets short
 * timeouts fire. Every operation runs in its callback, in this thread, so
 * a model knows the contents exactly: each outcome is checked against it.
 * At the end the holder lets go and the set is closed and dropped; then
 * every call completed exactly once with an allowed outcome, every item
 * that went in came out through ::item-removed, and the set is finalized.
 *
 * Build and run: ./scripts/fuzz [SECONDS]
 */

#include <sharedpotato.h>

#define N_ITEMS 8
#define N_CANCEL 4

typedef enum
{
  OP_ADD,
  OP_DISCARD,
  OP_CONTAINS,
  OP_SIZE,
  OP_SNAPSHOT,
  OP_CLEAR,
  OP_CLOSE
} Op;

static SpSharedSet  *set;
static GCancellable *cancellables[N_CANCEL];
static gboolean      present[N_ITEMS];
static int           balance[N_ITEMS];
static guint         issued, completed;
static gboolean      closed;
static GMainContext *holder_context;
static gboolean      holder_done;

static void
check_error (const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    g_error ("unexpected error: %s", error->message);
}

static guint
model_size (void)
{
  guint n = 0;

  for (guint i = 0; i < N_ITEMS; i++)
    n += present[i];
  return n;
}

/* Checks an outcome against the model, then applies it. */
static void
apply (Op op, int item, gboolean ok, gboolean flag, guint size, GValue *items, const GError *error)
{
  if (!ok)
    {
      g_assert (error != NULL);
      check_error (error);
      return;
    }

  switch (op)
    {
    case OP_ADD:
      g_assert (flag == !present[item]);
      present[item] = TRUE;
      break;
    case OP_DISCARD:
      g_assert (flag == present[item]);
      present[item] = FALSE;
      break;
    case OP_CONTAINS:
      g_assert (flag == present[item]);
      break;
    case OP_SIZE:
      g_assert (size == model_size ());
      break;
    case OP_SNAPSHOT:
      g_assert (size == model_size ());
      for (guint i = 0; i < size; i++)
        g_assert (present[g_value_get_int (&items[i])]);
      break;
    case OP_CLEAR:
      memset (present, 0, sizeof present);
      break;
    case OP_CLOSE:
    default:
      break;
    }
}

typedef struct
{
  Op  op;
  int item;
} Call;

static void
call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  g_autoptr (GError) error = NULL;
  gboolean ok = FALSE, flag = FALSE;
  GValue  *items = NULL;
  guint    size = 0;

  switch (call->op)
    {
    case OP_ADD:
      ok = sp_shared_set_add_finish (set, result, &flag, &error);
      break;
    case OP_DISCARD:
      ok = sp_shared_set_discard_finish (set, result, &flag, &error);
      break;
    case OP_CONTAINS:
      ok = sp_shared_set_contains_finish (set, result, &flag, &error);
      break;
    case OP_SIZE:
      ok = sp_shared_set_size_finish (set, result, &size, &error);
      break;
    case OP_SNAPSHOT:
      items = sp_shared_set_snapshot_finish (set, result, &size, &error);
      ok = items != NULL;
      break;
    case OP_CLEAR:
      ok = sp_shared_set_clear_finish (set, result, &error);
      break;
    case OP_CLOSE:
      ok = sp_shared_set_close_finish (set, result, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  apply (call->op, call->item, ok, flag, size, items, error);
  sp_set_snapshot_free (items, size);
  g_free (call);
  completed++;
}

static void
holder_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  call_done (source, result, data);
  holder_done = TRUE;
}

static void
item_signal (SpSharedSet *s, const GValue *item, gpointer data)
{
  int n = g_value_get_int (item);

  g_assert (n >= 0 && n < N_ITEMS);
  balance[n] += GPOINTER_TO_INT (data);
  g_assert (balance[n] == 0 || balance[n] == 1);
}

static void
release_holder (void)
{
  if (holder_context == NULL)
    return;
  /* Its call may queue behind calls of the main context. */
  while (!holder_done)
    {
      g_main_context_iteration (holder_context, FALSE);
      g_main_context_iteration (NULL, FALSE);
    }
  g_clear_pointer (&holder_context, g_main_context_unref);
}

static void
count_finalized (gpointer data, GObject *where_the_object_was)
{
  (*(int *) data)++;
}

static void
issue (Op                  op,
       int                 item,
       gboolean            refused,
       int                 timeout,
       GCancellable       *cancellable,
       GAsyncReadyCallback callback)
{
  Call  *call = g_new0 (Call, 1);
  GValue value = G_VALUE_INIT;

  call->op = op;
  call->item = item;
  /* A string the set of integers cannot convert. */
  if (refused)
    g_value_set_static_string (g_value_init (&value, G_TYPE_STRING), "potato");
  else
    g_value_set_int (g_value_init (&value, G_TYPE_INT), item);
  issued++;

  switch (op)
    {
    case OP_ADD:
      sp_shared_set_add_async (set, &value, timeout, cancellable, callback, call);
      break;
    case OP_DISCARD:
      sp_shared_set_discard_async (set, &value, timeout, cancellable, callback, call);
      break;
    case OP_CONTAINS:
      sp_shared_set_contains_async (set, &value, timeout, cancellable, callback, call);
      break;
    case OP_SIZE:
      sp_shared_set_size_async (set, timeout, cancellable, callback, call);
      break;
    case OP_SNAPSHOT:
      sp_shared_set_snapshot_async (set, timeout, cancellable, callback, call);
      break;
    case OP_CLEAR:
      sp_shared_set_clear_async (set, timeout, cancellable, callback, call);
      break;
    case OP_CLOSE:
      closed = TRUE;
      sp_shared_set_close_async (set, timeout, cancellable, callback, call);
      break;
    default:
      g_assert_not_reached ();
    }

  g_value_unset (&value);
}

static void
try_call (Op op, int item)
{
  g_autoptr (GError) error = NULL;
  GValue   value = G_VALUE_INIT;
  gboolean ok, flag = FALSE;

  g_value_set_int (g_value_init (&value, G_TYPE_INT), item);
  if (op == OP_ADD)
    ok = sp_shared_set_try_add (set, &value, &flag, &error);
  else if (op == OP_DISCARD)
    ok = sp_shared_set_try_discard (set, &value, &flag, &error);
  else
    ok = sp_shared_set_try_contains (set, &value, &flag, &error);
  apply (op, item, ok, flag, 0, NULL, error);
}

int LLVMFuzzerTestOneInput (const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput (const guint8 *data, gsize size)
{
  int   finalized = 0;
  guint waits = 0;

  issued = completed = 0;
  closed = holder_done = FALSE;
  memset (present, 0, sizeof present);
  memset (balance, 0, sizeof balance);
  set = sp_shared_set_new (G_TYPE_INT);
  g_signal_connect (set, "item-added", G_CALLBACK (item_signal), GINT_TO_POINTER (1));
  g_signal_connect (set, "item-removed", G_CALLBACK (item_signal), GINT_TO_POINTER (-1));
  g_object_weak_ref (G_OBJECT (set), count_finalized, &finalized);
  for (guint i = 0; i < N_CANCEL; i++)
    cancellables[i] = g_cancellable_new ();

  for (gsize pc = 0; pc + 1 < size; pc += 2)
    {
      guint8        op = data[pc], arg = data[pc + 1];
      GCancellable *cancellable = (arg & 0x80) ? cancellables[(arg >> 4) & 3] : NULL;
      int           timeout = (arg & 0x0c) == 0x0c ? 1 : (arg & 0x0c) == 0x08 ? -1 : 0;
      int           item = arg & (N_ITEMS - 1);
      gboolean      refused = (arg & 0x70) == 0x70;

      switch (op % 12)
        {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4:
        case 5:
          if (!closed)
            issue (op % 12, item, refused, timeout, cancellable, call_done);
          break;
        case 6:
          if (!closed)
            try_call (arg % 3, item);
          break;
        case 7:
          if (holder_context == NULL && !closed)
            {
              holder_context = g_main_context_new ();
              holder_done = FALSE;
              g_main_context_push_thread_default (holder_context);
              issue ((arg & 1) ? OP_ADD : OP_SIZE, item, FALSE, 0, NULL, holder_cb);
              g_main_context_pop_thread_default (holder_context);
            }
          else
            {
              release_holder ();
            }
          break;
        case 8:
          g_cancellable_cancel (cancellables[arg & 3]);
          break;
        case 9:
          if (!closed)
            issue (OP_CLOSE, 0, FALSE, timeout, cancellable, call_done);
          break;
        case 10:
          g_main_context_iteration (NULL, FALSE);
          break;
        case 11:
        default:
          /* Lets 1 ms timeouts fire; bounded so an input cannot stall. */
          if (waits++ < 16)
            {
              g_usleep (1100);
              while (g_main_context_iteration (NULL, FALSE))
                ;
            }
          break;
        }
    }

  release_holder ();
  while (completed < issued)
    g_main_context_iteration (NULL, TRUE);

  /* Dropped while observed: it closes, draining through ::item-removed. */
  g_object_unref (set);
  while (finalized == 0)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert (completed == issued);
  for (guint i = 0; i < N_ITEMS; i++)
    g_assert (balance[i] == 0);
  for (guint i = 0; i < N_CANCEL; i++)
    g_clear_object (&cancellables[i]);

  return 0;
}
