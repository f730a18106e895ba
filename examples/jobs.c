/* jobs.c: a worker thread feeding the main loop through a shared queue
 *
 * SPDX-License-Identifier: MIT
 *
 * A "scanner" thread finds jobs and pushes them with the blocking
 * push_sync into a queue of capacity 2, so it is held back whenever the
 * main loop falls behind. In the main loop, two workers pop jobs with
 * pop_async; a third, impatient one gives up after 1 ms, and its give-up
 * costs no job. When the scanner is done, it closes the queue: the workers
 * finish what is left, then their pops fail with G_IO_ERROR_CLOSED.
 *
 * The example runs as a test: any other error ends it with g_error(), and
 * it exits 1 unless every job was done.
 */

#include <sharedpotato.h>

#define N_JOBS 8

static GMainLoop *loop;
static guint      pending; /* workers still popping, and the close */
static guint      jobs_done;

typedef struct
{
  const char      *name;
  SpQueueConsumer *consumer;
  int              timeout_ms;
} Worker;

static void worker_next (Worker *worker);

static void
one_done (void)
{
  if (--pending == 0)
    g_main_loop_quit (loop);
}

static void
closed_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;

  if (!sp_shared_queue_close_finish (SP_SHARED_QUEUE (source), result, &error))
    g_error ("close: %s", error->message);
  one_done ();
}

static gpointer
scanner (gpointer data)
{
  SpQueueProducer *producer = data;

  for (guint i = 1; i <= N_JOBS; i++)
    {
      g_auto (GValue) job = G_VALUE_INIT;
      g_autoptr (GError) error = NULL;

      g_value_init (&job, G_TYPE_STRING);
      g_value_take_string (&job, g_strdup_printf ("file-%u.txt", i));
      g_print ("scanner    found %s\n", g_value_get_string (&job));
      /* Blocks this thread only, while the queue is full. */
      if (!sp_queue_producer_push_sync (producer, &job, 0, NULL, &error))
        g_error ("push: %s", error->message);
    }

  return NULL;
}

static void
worker_popped (GObject *source, GAsyncResult *result, gpointer data)
{
  Worker *worker = data;
  g_auto (GValue) job = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;

  if (sp_queue_consumer_pop_finish (worker->consumer, result, &job, &error))
    {
      g_print ("%-10s took %s\n", worker->name, g_value_get_string (&job));
      jobs_done++;
      worker_next (worker);
    }
  else if (worker->timeout_ms > 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* Nothing was taken: the next job goes to whoever asks next. */
      g_print ("%-10s gave up waiting (no job lost)\n", worker->name);
      one_done ();
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    {
      g_print ("%-10s queue closed and empty: done\n", worker->name);
      one_done ();
    }
  else
    {
      g_error ("%s: %s", worker->name, error->message);
    }
}

static void
worker_next (Worker *worker)
{
  sp_queue_consumer_pop_async (worker->consumer, worker->timeout_ms, NULL, worker_popped, worker);
}

static gboolean
close_when_scanned (gpointer data)
{
  SpSharedQueue *queue = data;

  g_print ("scanner    finished: closing the queue\n");
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, closed_done, NULL);
  return G_SOURCE_REMOVE;
}

static gpointer
scan_then_close (gpointer data)
{
  SpSharedQueue *queue = data;
  g_autoptr (SpQueueProducer) producer = sp_shared_queue_get_producer (queue);

  scanner (producer);
  /* Back to the main context through a source attached to it: from
   * another thread, g_main_context_invoke() may run the function right
   * here, when the main context happens not to be iterating. */
  g_idle_add (close_when_scanned, queue);
  return NULL;
}

int
main (void)
{
  g_autoptr (SpSharedQueue) queue = sp_shared_queue_new_full (G_TYPE_STRING, 2, "jobs");
  g_autoptr (SpQueueConsumer) consumer = sp_shared_queue_get_consumer (queue);
  Worker workers[] = {
    { "impatient", consumer, 1 },
    { "worker-1", consumer, 0 },
    { "worker-2", consumer, 0 },
  };
  GThread *thread;

  loop = g_main_loop_new (NULL, FALSE);
  pending = G_N_ELEMENTS (workers) + 1;
  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    worker_next (&workers[i]);

  thread = g_thread_new ("scanner", scan_then_close, queue);
  g_main_loop_run (loop);
  g_thread_join (thread);

  g_print ("%u of %u jobs done, %u left in the queue\n", jobs_done, N_JOBS,
           sp_shared_queue_get_length (queue));
  g_main_loop_unref (loop);

  return jobs_done == N_JOBS ? 0 : 1;
}
