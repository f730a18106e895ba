/* fuzz-shared-object.c: libFuzzer harness
 *
 * SPDX-License-Identifier: MIT
 *
 * Each input is a program: every byte pair is an operation and its
 * argument on one of two objects (get, peek, set, clear, locks kept in
 * slots and released later, try_get, try_lock, cancellation of a pending
 * call, close, iterations of the main context, a 1 ms wait that lets short
 * timeouts fire). The main context is driven by hand. At the end every
 * guard is released and every object closed; then the invariants are
 * checked: every call completed exactly once with an allowed outcome,
 * never a writer together with anyone else, nothing left held or queued,
 * every object finalized.
 *
 * Build and run: ./scripts/fuzz [SECONDS]
 */

#include <sharedpotato.h>

#define N_OBJECTS 2
#define N_SLOTS 4
#define N_CANCEL 4

typedef struct
{
  SpSharedObject *object;
  int             readers;
  int             writers;
  gboolean        closed;
} Target;

typedef struct
{
  Target  *target;
  SpGuard *guard;
} Slot;

static Target        targets[N_OBJECTS];
static Slot          slots[N_SLOTS];
static GCancellable *cancellables[N_CANCEL];
static guint         issued, completed;

static void
check_error (const GError *error)
{
  if (error == NULL)
    return;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    g_error ("unexpected error: %s", error->message);
}

static void
hold (Target *t, SpGuard *guard)
{
  if (sp_guard_get_mode (guard) == SP_LOCK_MODE_EXCLUSIVE)
    {
      g_assert (t->readers == 0 && t->writers == 0);
      t->writers++;
    }
  else
    {
      g_assert (t->writers == 0);
      t->readers++;
    }

  for (guint i = 0; i < N_SLOTS; i++)
    if (slots[i].guard == NULL)
      {
        slots[i].target = t;
        slots[i].guard = guard;
        return;
      }

  /* No free slot: release at once. */
  if (sp_guard_get_mode (guard) == SP_LOCK_MODE_EXCLUSIVE)
    t->writers--;
  else
    t->readers--;
  sp_guard_unref (guard);
}

static void
release_slot (guint i)
{
  Slot *slot = &slots[i % N_SLOTS];

  if (slot->guard == NULL)
    return;
  if (sp_guard_get_mode (slot->guard) == SP_LOCK_MODE_EXCLUSIVE)
    slot->target->writers--;
  else
    slot->target->readers--;
  sp_guard_release (slot->guard);
  g_clear_pointer (&slot->guard, sp_guard_unref);
}

static void
lock_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  SpGuard *guard = sp_shared_object_lock_finish (SP_SHARED_OBJECT (source), result, &error);

  check_error (error);
  completed++;
  if (guard != NULL)
    hold (data, guard);
}

static void
get_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  GValue value = G_VALUE_INIT;

  sp_shared_object_get_finish (SP_SHARED_OBJECT (source), result, &value, &error);
  if (G_IS_VALUE (&value))
    g_value_unset (&value);
  check_error (error);
  completed++;
}

static void
peek_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  GValue   value = G_VALUE_INIT;
  gboolean initialized;

  sp_shared_object_peek_finish (SP_SHARED_OBJECT (source), result, &initialized, &value, &error);
  if (G_IS_VALUE (&value))
    g_value_unset (&value);
  check_error (error);
  completed++;
}

static void
bool_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  GAsyncResult *r = result;
  gpointer      tag = g_task_get_source_tag (G_TASK (r));

  if (tag == sp_shared_object_set_async)
    sp_shared_object_set_finish (SP_SHARED_OBJECT (source), r, &error);
  else if (tag == sp_shared_object_clear_async)
    sp_shared_object_clear_finish (SP_SHARED_OBJECT (source), r, &error);
  else
    sp_shared_object_close_finish (SP_SHARED_OBJECT (source), r, &error);
  check_error (error);
  completed++;
}

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
count_finalized (gpointer data, GObject *where_the_object_was)
{
  (*(int *) data)++;
}

int LLVMFuzzerTestOneInput (const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput (const guint8 *data, gsize size)
{
  int    finalized = 0;
  guint  waits = 0;
  GValue value = G_VALUE_INIT;

  issued = completed = 0;
  for (guint i = 0; i < N_OBJECTS; i++)
    {
      targets[i] = (Target){ 0 };
      targets[i].object = sp_shared_object_new (i == 0 ? G_TYPE_INT : G_TYPE_STRING);
      g_object_weak_ref (G_OBJECT (targets[i].object), count_finalized, &finalized);
    }
  for (guint i = 0; i < N_CANCEL; i++)
    cancellables[i] = g_cancellable_new ();

  for (gsize pc = 0; pc + 1 < size; pc += 2)
    {
      guint8        op = data[pc], arg = data[pc + 1];
      Target       *t = &targets[op & 1];
      GCancellable *cancellable = (arg & 0x80) ? cancellables[(arg >> 4) & 3] : NULL;
      int           timeout = (arg & 0x0c) == 0x0c ? 1 : (arg & 0x0c) == 0x08 ? -1 : 0;
      SpGuard      *guard;

      if (t->closed && (op >> 1) % 14 < 6)
        continue;

      switch ((op >> 1) % 14)
        {
        case 0:
          issued++;
          sp_shared_object_get_async (t->object, timeout, cancellable, get_done, t);
          break;
        case 1:
          issued++;
          sp_shared_object_peek_async (t->object, timeout, cancellable, peek_done, t);
          break;
        case 2:
          issued++;
          /* An int, or a string an int object refuses. */
          g_value_init (&value, (arg & 1) ? G_TYPE_INT : G_TYPE_STRING);
          if (arg & 1)
            g_value_set_int (&value, arg);
          else
            g_value_set_static_string (&value, "potato");
          sp_shared_object_set_async (t->object, &value, timeout, cancellable, bool_done, t);
          g_value_unset (&value);
          break;
        case 3:
          issued++;
          sp_shared_object_clear_async (t->object, timeout, cancellable, bool_done, t);
          break;
        case 4:
        case 5:
          issued++;
          sp_shared_object_lock_async (t->object,
                                       (arg & 1) ? SP_LOCK_MODE_EXCLUSIVE : SP_LOCK_MODE_SHARED,
                                       timeout, cancellable, lock_done, t);
          break;
        case 6:
          release_slot (arg);
          break;
        case 7:
          if (sp_shared_object_try_get (t->object, &value) || G_IS_VALUE (&value))
            g_value_unset (&value);
          break;
        case 8:
          guard = sp_shared_object_try_lock (t->object, (arg & 1) ? SP_LOCK_MODE_EXCLUSIVE
                                                                  : SP_LOCK_MODE_SHARED);
          if (guard != NULL)
            hold (t, guard);
          break;
        case 9:
          g_cancellable_cancel (cancellables[arg & 3]);
          break;
        case 10:
          issued++;
          t->closed = TRUE;
          sp_shared_object_close_async (t->object, timeout, cancellable, bool_done, t);
          break;
        case 11:
          g_main_context_iteration (NULL, FALSE);
          break;
        case 12:
          drain ();
          break;
        case 13:
          /* Let 1 ms timeouts fire; a few per input keep it fast. */
          if (waits++ < 3)
            {
              gint64 until = g_get_monotonic_time () + 1100;
              while (g_get_monotonic_time () < until)
                ;
              drain ();
            }
          break;
        }
    }

  /* Wind down: release every guard, close everything, run to the end. */
  for (guint i = 0; i < N_SLOTS; i++)
    release_slot (i);
  for (guint i = 0; i < N_OBJECTS; i++)
    {
      issued++;
      sp_shared_object_close_async (targets[i].object, 0, NULL, bool_done, &targets[i]);
    }
  while (completed < issued)
    {
      /* Guards granted by the close race are released as they come. */
      g_main_context_iteration (NULL, TRUE);
      for (guint i = 0; i < N_SLOTS; i++)
        release_slot (i);
    }
  g_assert (completed == issued);

  for (guint i = 0; i < N_OBJECTS; i++)
    {
      SpStats *stats = sp_shared_object_get_stats (targets[i].object);

      g_assert (stats->current_readers == 0 && !stats->current_writer);
      g_assert (stats->queue_length == 0);
      g_assert (targets[i].readers == 0 && targets[i].writers == 0);
      sp_stats_free (stats);
      g_object_unref (targets[i].object);
    }
  for (guint i = 0; i < N_CANCEL; i++)
    g_clear_object (&cancellables[i]);
  drain ();
  g_assert (finalized == N_OBJECTS);

  return 0;
}
