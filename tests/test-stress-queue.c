/* test-stress-queue.c: a seeded producer/consumer workload on a shared
 * queue, checked against a model
 *
 * SPDX-License-Identifier: MIT
 *
 * Producer threads push numbered items with push_sync (random timeouts,
 * some 1 ms, and cancellations from a canceller thread), into a small
 * queue so that they often wait for room. Consumers in the main context
 * pop with pop_async (random timeouts and cancellations, some racing the
 * hand-over), a consumer thread pops with pop_sync, and the main context
 * sometimes uses try_pop. When the producers are done, the queue is
 * closed and the consumers drain it.
 *
 * The model and its invariants:
 *  - every item whose push succeeded is popped exactly once, and no item
 *    whose push failed is ever popped (no lost items, none invented);
 *  - FIFO: the items of one producer reach one consumer stream (the
 *    pop_async callbacks, the try_pops, the consumer thread) in the order
 *    they were pushed;
 *  - every call completes exactly once, with success, TIMED_OUT,
 *    CANCELLED or CLOSED; after the close, pops fail only once the queue
 *    is empty.
 *
 * SP_STRESS_SEED=n reproduces a run; SP_STRESS_OPS=n sets the number of
 * items each producer pushes.
 */

#include <pthread.h>
#include <stdlib.h>

#include <sharedpotato.h>

#define N_PRODUCERS   3
#define N_MAIN_POPS   4
#define CAPACITY      4

typedef struct
{
  guint8 pushed;   /* the push succeeded */
  guint8 popped;   /* times seen by a consumer */
} ItemState;

typedef struct
{
  SpSharedQueue *queue;
  GRand         *rand;
  guint          id;
  guint          n_items;
  ItemState     *items;        /* written by this producer only */
  GCancellable  *cancellable;  /* the canceller cancels it; reset per push */
  /* pthread rather than GMutex: ThreadSanitizer sees its ordering. */
  pthread_mutex_t cancel_mutex;
  guint          pushed_ok, timed_out, cancelled;
  gboolean      *done_flag;    /* set in the main context */
} Producer;

typedef struct
{
  pthread_mutex_t mutex;       /* guards the items' popped counts */
  Producer   producers[N_PRODUCERS];
  gint       last_seq[N_PRODUCERS];       /* main-context stream */
  gint       thread_last_seq[N_PRODUCERS];
  /* try_pop is its own stream: it returns at once, while an item handed
   * to a pop_async earlier reaches its callback later. */
  gint       try_last_seq[N_PRODUCERS];
  GRand     *rand;
  guint      main_pops_active;
  guint      popped, timeouts, cancellations, closed_fails;
  gboolean   closing;
  gboolean   producers_done[N_PRODUCERS];
  gboolean   canceller_stop;
} Model;

static Model model;

static int
encode (guint producer, guint seq)
{
  return (int) (producer * 10000000u + seq);
}

static void
record_pop (int item, gint *last_seq)
{
  guint producer = (guint) item / 10000000u;
  guint seq = (guint) item % 10000000u;
  ItemState *state;

  g_assert_cmpuint (producer, <, N_PRODUCERS);
  g_assert_cmpuint (seq, <, model.producers[producer].n_items);

  pthread_mutex_lock (&model.mutex);
  state = &model.producers[producer].items[seq];
  state->popped++;
  g_assert_cmpuint (state->popped, ==, 1);
  model.popped++;
  pthread_mutex_unlock (&model.mutex);

  /* FIFO within one consumer stream. */
  g_assert_cmpint ((gint) seq, >, last_seq[producer]);
  last_seq[producer] = (gint) seq;
}

/* Producers ------------------------------------------------------------- */

static gboolean
mark_producer_done (gpointer data)
{
  gboolean *flag = data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

static gpointer
producer_thread (gpointer data)
{
  Producer *producer = data;

  for (guint seq = 0; seq < producer->n_items; seq++)
    {
      GValue value = G_VALUE_INIT;
      g_autoptr(GError) error = NULL;
      g_autoptr(GCancellable) cancellable = NULL;
      int timeout_ms = 0;
      guint dice = (guint) g_rand_int_range (producer->rand, 0, 100);

      if (dice < 15)
        timeout_ms = 1;
      else if (dice < 30)
        timeout_ms = g_rand_int_range (producer->rand, 2, 6);

      if (g_rand_int_range (producer->rand, 0, 100) < 15)
        {
          cancellable = g_cancellable_new ();
          pthread_mutex_lock (&producer->cancel_mutex);
          g_set_object (&producer->cancellable, cancellable);
          pthread_mutex_unlock (&producer->cancel_mutex);
        }

      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, encode (producer->id, seq));
      if (sp_shared_queue_push_sync (producer->queue, &value, timeout_ms, cancellable, &error))
        {
          g_assert_no_error (error);
          /* Published to the consumers by the queue's mutex: the item
           * cannot be popped before this thread's push returned... but it
           * can be popped before this line runs, so the check that it was
           * pushed waits for the end. */
          producer->items[seq].pushed = TRUE;
          producer->pushed_ok++;
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        producer->timed_out++;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        producer->cancelled++;
      else
        g_error ("unexpected push error: %s", error->message);
      g_value_unset (&value);

      if (cancellable != NULL)
        {
          pthread_mutex_lock (&producer->cancel_mutex);
          g_clear_object (&producer->cancellable);
          pthread_mutex_unlock (&producer->cancel_mutex);
        }
    }

  g_main_context_invoke (NULL, mark_producer_done, producer->done_flag);
  return NULL;
}

/* Cancels whatever push a producer is making, at random moments. */
static gpointer
canceller_thread (gpointer data)
{
  GRand *rand = data;

  while (!g_atomic_int_get (&model.canceller_stop))
    {
      Producer *producer = &model.producers[g_rand_int_range (rand, 0, N_PRODUCERS)];
      GCancellable *cancellable = NULL;

      pthread_mutex_lock (&producer->cancel_mutex);
      if (producer->cancellable != NULL)
        cancellable = g_object_ref (producer->cancellable);
      pthread_mutex_unlock (&producer->cancel_mutex);

      if (cancellable != NULL)
        {
          g_cancellable_cancel (cancellable);
          g_object_unref (cancellable);
        }
      g_thread_yield ();
    }

  return NULL;
}

/* Consumers in the main context ------------------------------------------ */

static void main_pop_next (void);

static void
main_popped (GObject *source, GAsyncResult *res, gpointer data)
{
  GValue value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  if (sp_shared_queue_pop_finish (SP_SHARED_QUEUE (source), res, &value, &error))
    record_pop (g_value_get_int (&value), model.last_seq);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    model.timeouts++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    model.cancellations++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    {
      g_assert_true (model.closing);
      g_assert_cmpuint (sp_shared_queue_get_length (SP_SHARED_QUEUE (source)), ==, 0);
      model.closed_fails++;
      model.main_pops_active--;
      g_value_unset (&value);
      return;
    }
  else
    g_error ("unexpected pop error: %s", error->message);
  g_value_unset (&value);

  main_pop_next ();
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
main_pop_next (void)
{
  SpSharedQueue *queue = model.producers[0].queue;
  guint dice = (guint) g_rand_int_range (model.rand, 0, 100);
  g_autoptr(GCancellable) cancellable = NULL;
  int timeout_ms = 0;

  if (dice < 10)
    {
      /* try_pop: an item, or WOULD_BLOCK, or CLOSED once drained. */
      GValue value = G_VALUE_INIT;
      g_autoptr(GError) error = NULL;

      if (sp_shared_queue_try_pop (queue, &value, &error))
        record_pop (g_value_get_int (&value), model.try_last_seq);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
      g_value_unset (&value);
    }

  dice = (guint) g_rand_int_range (model.rand, 0, 100);
  if (dice < 15 && !model.closing)
    timeout_ms = 1;
  else if (dice < 25 && !model.closing)
    timeout_ms = g_rand_int_range (model.rand, 2, 5);

  if (!model.closing && g_rand_int_range (model.rand, 0, 100) < 15)
    {
      cancellable = g_cancellable_new ();
      if (g_rand_boolean (model.rand))
        g_cancellable_cancel (cancellable);
      else
        g_idle_add_full (G_PRIORITY_DEFAULT, cancel_later,
                         g_object_ref (cancellable), g_object_unref);
    }

  sp_shared_queue_pop_async (queue, timeout_ms, cancellable, main_popped, NULL);
}

/* A consumer thread --------------------------------------------------------- */

static gpointer
thread_consumer (gpointer data)
{
  SpSharedQueue *queue = data;

  for (;;)
    {
      GValue value = G_VALUE_INIT;
      g_autoptr(GError) error = NULL;

      if (sp_shared_queue_pop_sync (queue, 0, NULL, &value, &error))
        record_pop (g_value_get_int (&value), model.thread_last_seq);
      else
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
          g_value_unset (&value);
          return NULL;
        }
      g_value_unset (&value);
    }
}

static void
close_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_assert_true (sp_shared_queue_close_finish (SP_SHARED_QUEUE (source), res, NULL));
  *(gboolean *) data = TRUE;
}

static void
test_stress_queue (void)
{
  const char *seed_env = g_getenv ("SP_STRESS_SEED");
  const char *ops_env = g_getenv ("SP_STRESS_OPS");
  guint32 seed = seed_env ? (guint32) strtoul (seed_env, NULL, 10) : (guint32) g_test_rand_int ();
  guint n_items = ops_env ? (guint) strtoul (ops_env, NULL, 10) : 3000;
  SpSharedQueue *queue = sp_shared_queue_new_full (G_TYPE_INT, CAPACITY, "stress-queue");
  GThread *producers[N_PRODUCERS], *canceller, *consumer;
  GRand *canceller_rand = g_rand_new_with_seed (seed ^ 0x5eed);
  guint pushed_ok = 0, push_failures = 0;
  gboolean closed = FALSE;

  g_test_message ("SP_STRESS_SEED=%" G_GUINT32_FORMAT " SP_STRESS_OPS=%u", seed, n_items);
  g_printerr ("stress-queue: SP_STRESS_SEED=%" G_GUINT32_FORMAT " SP_STRESS_OPS=%u\n", seed, n_items);

  pthread_mutex_init (&model.mutex, NULL);
  model.rand = g_rand_new_with_seed (seed);
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      Producer *producer = &model.producers[i];

      producer->queue = queue;
      producer->rand = g_rand_new_with_seed (seed + 1 + i);
      producer->id = i;
      producer->n_items = n_items;
      producer->items = g_new0 (ItemState, n_items);
      producer->done_flag = &model.producers_done[i];
      pthread_mutex_init (&producer->cancel_mutex, NULL);
      model.last_seq[i] = -1;
      model.thread_last_seq[i] = -1;
      model.try_last_seq[i] = -1;
    }

  consumer = g_thread_new ("consumer", thread_consumer, queue);
  canceller = g_thread_new ("canceller", canceller_thread, canceller_rand);
  for (guint i = 0; i < N_PRODUCERS; i++)
    producers[i] = g_thread_new ("producer", producer_thread, &model.producers[i]);

  model.main_pops_active = N_MAIN_POPS;
  for (guint i = 0; i < N_MAIN_POPS; i++)
    main_pop_next ();

  for (guint i = 0; i < N_PRODUCERS; i++)
    while (!model.producers_done[i])
      g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < N_PRODUCERS; i++)
    g_thread_join (producers[i]);
  g_atomic_int_set (&model.canceller_stop, TRUE);
  g_thread_join (canceller);

  /* Drain: after the close, pops take what is left, then fail. */
  model.closing = TRUE;
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, close_done, &closed);
  while (!closed || model.main_pops_active > 0)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (consumer);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);

  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      Producer *producer = &model.producers[i];

      g_assert_cmpuint (producer->pushed_ok + producer->timed_out + producer->cancelled, ==, n_items);
      for (guint seq = 0; seq < n_items; seq++)
        g_assert_cmpuint (producer->items[seq].popped, ==, producer->items[seq].pushed);
      pushed_ok += producer->pushed_ok;
      push_failures += producer->timed_out + producer->cancelled;
    }
  g_assert_cmpuint (model.popped, ==, pushed_ok);
  g_assert_cmpuint (model.closed_fails, ==, N_MAIN_POPS);

  g_printerr ("stress-queue: %u pushed (%u failed), %u popped; main pops: %u timed out, "
              "%u cancelled\n",
              pushed_ok, push_failures, model.popped, model.timeouts, model.cancellations);

  g_object_unref (queue);
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      g_rand_free (model.producers[i].rand);
      g_free (model.producers[i].items);
      pthread_mutex_destroy (&model.producers[i].cancel_mutex);
    }
  g_rand_free (model.rand);
  g_rand_free (canceller_rand);
  pthread_mutex_destroy (&model.mutex);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/SharedQueue/stress", test_stress_queue);

  return g_test_run ();
}
