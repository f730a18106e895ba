/* fuzz-shared-queue.c: libFuzzer harness for SpSharedQueue
 *
 * SPDX-License-Identifier: MIT
 *
 * The first byte picks the capacity; then every byte pair is an operation
 * and its argument: push_async and pop_async (with no timeout, 1 ms, or a
 * cancellable kept in a slot), try_push, try_pop, cancelling a slot,
 * close with or without dropping the items, iterations of the main
 * context, and a 1 ms wait that lets short timeouts fire. Items are
 * numbered in the order their pushes are made. At the end the queue is
 * closed, dropping what is left, and the invariants are checked: every
 * call completed exactly once with an allowed outcome; every item whose
 * push succeeded was popped or dropped exactly once and no other item
 * ever came out; items come out in the order they were pushed (in each
 * stream: callbacks, try_pop, item-dropped); the queue is finalized.
 *
 * Build and run: ./scripts/fuzz [SECONDS]
 */

#include <sharedpotato.h>

#define N_CANCEL 4
#define MAX_ITEMS 1024

typedef enum
{
  FATE_NONE,
  FATE_PUSHED,
  FATE_REFUSED,
  FATE_OUT,
} Fate;

static guint8        fates[MAX_ITEMS];
static GCancellable *cancellables[N_CANCEL];
static guint         issued, completed, next_item;
static int           last_async, last_try, last_dropped;

static void
check_error (const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    g_error ("unexpected error: %s", error->message);
}

static void
came_out (int item, int *last)
{
  g_assert (item >= 0 && item < (int) next_item);
  /* Only once, and never an item whose push failed. */
  g_assert (fates[item] != FATE_OUT && fates[item] != FATE_REFUSED);
  fates[item] = FATE_OUT;
  /* Pushes are served in the order they were made. */
  g_assert (item > *last);
  *last = item;
}

static void
pushed (GObject *source, GAsyncResult *res, gpointer data)
{
  int item = GPOINTER_TO_INT (data);
  g_autoptr (GError) error = NULL;

  if (sp_shared_queue_push_finish (SP_SHARED_QUEUE (source), res, &error))
    {
      /* It may have come out already. */
      if (fates[item] == FATE_NONE)
        fates[item] = FATE_PUSHED;
    }
  else
    {
      check_error (error);
      g_assert (fates[item] != FATE_OUT);
      fates[item] = FATE_REFUSED;
    }
  completed++;
}

static void
popped (GObject *source, GAsyncResult *res, gpointer data)
{
  GValue value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;

  if (sp_shared_queue_pop_finish (SP_SHARED_QUEUE (source), res, &value, &error))
    came_out (g_value_get_int (&value), &last_async);
  else
    check_error (error);
  g_value_unset (&value);
  completed++;
}

static void
closed (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;

  if (!sp_shared_queue_close_finish (SP_SHARED_QUEUE (source), res, &error))
    check_error (error);
  completed++;
}

static void
dropped (SpSharedQueue *queue, const GValue *item, gpointer data)
{
  came_out (g_value_get_int (item), &last_dropped);
}

static void
drain_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GCancellable *
slot_cancellable (guint8 arg)
{
  guint slot = arg % N_CANCEL;

  if (cancellables[slot] == NULL || g_cancellable_is_cancelled (cancellables[slot]))
    {
      g_clear_object (&cancellables[slot]);
      cancellables[slot] = g_cancellable_new ();
    }
  return cancellables[slot];
}

static int
timeout_for (guint8 arg)
{
  return (arg >> 4) % 3 == 1 ? 1 : 0;
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  SpSharedQueue *queue;
  GWeakRef       weak;

  if (size < 1)
    return 0;

  memset (fates, 0, sizeof fates);
  issued = completed = next_item = 0;
  last_async = last_try = last_dropped = -1;

  queue = sp_shared_queue_new (G_TYPE_INT, data[0] % 4);
  g_weak_ref_init (&weak, queue);
  g_signal_connect (queue, "item-dropped", G_CALLBACK (dropped), NULL);

  for (size_t i = 1; i + 1 < size && next_item < MAX_ITEMS; i += 2)
    {
      guint8 op = data[i], arg = data[i + 1];
      GValue value = G_VALUE_INIT;
      g_autoptr (GError) error = NULL;
      GCancellable *cancellable = (arg & 0x08) ? slot_cancellable (arg) : NULL;

      switch (op % 9)
        {
        case 0:
          {
            int item = (int) next_item++;

            g_value_init (&value, G_TYPE_INT);
            g_value_set_int (&value, item);
            issued++;
            sp_shared_queue_push_async (queue, &value, timeout_for (arg), cancellable, pushed,
                                        GINT_TO_POINTER (item));
            g_value_unset (&value);
          }
          break;

        case 1:
          issued++;
          sp_shared_queue_pop_async (queue, timeout_for (arg), cancellable, popped, NULL);
          break;

        case 2:
          {
            int item = (int) next_item++;

            g_value_init (&value, G_TYPE_INT);
            g_value_set_int (&value, item);
            if (sp_shared_queue_try_push (queue, &value, &error))
              fates[item] = FATE_PUSHED;
            else
              {
                check_error (error);
                fates[item] = FATE_REFUSED;
              }
            g_value_unset (&value);
          }
          break;

        case 3:
          if (sp_shared_queue_try_pop (queue, &value, &error))
            came_out (g_value_get_int (&value), &last_try);
          else
            check_error (error);
          g_value_unset (&value);
          break;

        case 4:
          if (cancellables[arg % N_CANCEL] != NULL)
            g_cancellable_cancel (cancellables[arg % N_CANCEL]);
          break;

        case 5:
          issued++;
          sp_shared_queue_close_async (queue,
                                       (arg & 1) ? SP_QUEUE_CLOSE_DROP_ITEMS : SP_QUEUE_CLOSE_NONE,
                                       0, NULL, closed, NULL);
          break;

        case 6:
          g_main_context_iteration (NULL, FALSE);
          break;

        case 7:
          drain_context ();
          break;

        case 8:
          g_usleep (1000);
          drain_context ();
          break;
        }
    }

  /* Nothing may stay queued: the close fails every waiting call. */
  issued++;
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_DROP_ITEMS, 0, NULL, closed, NULL);
  while (completed < issued)
    g_main_context_iteration (NULL, TRUE);
  drain_context ();

  g_assert (sp_shared_queue_get_length (queue) == 0);
  for (guint item = 0; item < next_item; item++)
    {
      /* A successful push came out (popped or dropped); a failed one
       * never did (checked as things came out). */
      g_assert (fates[item] == FATE_OUT || fates[item] == FATE_REFUSED);
    }

  g_object_unref (queue);
  g_assert (g_weak_ref_get (&weak) == NULL);
  g_weak_ref_clear (&weak);
  for (guint i = 0; i < N_CANCEL; i++)
    g_clear_object (&cancellables[i]);

  return 0;
}
