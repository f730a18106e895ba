/* bench-queue.c: producers and consumers on one SpSharedQueue
 *
 * SPDX-License-Identifier: MIT
 *
 * PRODUCERS producers and CONSUMERS consumers, all asynchronous loops on
 * one main context, share a queue of CAPACITY items (G_TYPE_UINT). Each
 * producer loops push_async → callback → next push_async; each consumer
 * loops pop_async → callback → next pop_async, until ITEMS items went
 * through. Every item carries its producer and its sequence number, and
 * every pop checks that it is the next item of its producer: an item lost,
 * doubled or out of order (per producer) fails the program (exit 1).
 *
 * Default mode, throughput: pushes and pops without a timeout. Prints
 * "sharedpotato NS" (nanoseconds per item, from the first push to the
 * last pop) on stderr, like bench-contended.
 *
 * --timeouts: timeouts under load. Every pop has a 1 ms timeout, and the
 * producers push in bursts: a timeout source of the main context (not a
 * sleep) starts each producer on a burst of BURST pushes every 2 ms or
 * 5 ms, alternately; between bursts the queue runs dry and the waiting
 * pops time out, and a consumer whose pop timed out pops again. Prints
 * "items-pushed N", "items-popped N", "items-lost N" (pushed but never
 * popped, or popped twice or out of order: must be 0) and
 * "pops-timed-out N" on stderr, and fails if an item was lost or
 * doubled or no pop timed out (then the mode measured nothing).
 *
 * --floors (throughput mode only) also measures, in the same process,
 * what GTask-based delivery costs by itself for the same work: each item
 * takes one push and one pop, each completed through the main loop, so
 * the floor is PRODUCERS + CONSUMERS clients looping on bare GTasks
 * (returned at once, so GTask completes each from an idle of its own)
 * for 2 × ITEMS tasks in all, in ns per item: "floor-gtask-idle NS".
 *
 * --only=NAME runs only sharedpotato or floor-gtask-idle (for callgrind);
 * --only=none runs nothing, to count the start-up.
 *
 * Usage: bench-queue [--timeouts | --floors | --only=NAME]
 *                    [PRODUCERS [CONSUMERS [CAPACITY [ITEMS [BURST]]]]]
 * Defaults: 4 4 64 200000 (--timeouts: 4 4 64 40000 50).
 */

#include <stdlib.h>
#include <string.h>

#include <sharedpotato.h>

#define POP_TIMEOUT_MS 1

typedef struct _Bench Bench;

typedef struct
{
  Bench   *bench;
  guint    id;
  guint    next_seq;   /* producer: next to push */
  guint    burst_left; /* --timeouts: pushes left in this burst */
  gboolean pushing;    /* a push is in flight */
  gboolean finished;   /* pushed all its items */
} Producer;

struct _Bench
{
  SpSharedQueue *queue;
  guint          n_producers;
  guint          items;
  guint          per_producer; /* items / n_producers, rounded up */
  gboolean       timeouts;
  guint          burst;

  Producer *producers;
  guint    *expected;  /* per producer: next seq to pop */
  guint     unclaimed; /* pops still to start (consumers claim) */
  guint     pushed;
  guint     popped;
  guint     bad; /* lost, doubled or out of order */
  guint     timed_out;
  guint     active; /* producers + consumers still looping */
  guint     tick_source;
  guint     ticks;
};

static void producer_next (Producer *producer);
static void consumer_next (Bench *bench);

static guint
producer_quota (Bench *bench, guint id)
{
  /* Items split as evenly as possible; the first ones take the rest. */
  return bench->items / bench->n_producers + (id < bench->items % bench->n_producers);
}

static void
pushed (GObject *source, GAsyncResult *result, gpointer data)
{
  Producer *producer = data;
  Bench    *bench = producer->bench;
  GError   *error = NULL;

  if (!sp_shared_queue_push_finish (bench->queue, result, &error))
    g_error ("push failed: %s", error->message);
  producer->pushing = FALSE;
  bench->pushed++;
  producer->next_seq++;
  producer_next (producer);
}

static void
producer_next (Producer *producer)
{
  Bench *bench = producer->bench;
  GValue item = G_VALUE_INIT;

  if (producer->finished)
    return;
  if (producer->next_seq == producer_quota (bench, producer->id))
    {
      producer->finished = TRUE;
      bench->active--;
      return;
    }
  if (bench->timeouts)
    {
      if (producer->burst_left == 0)
        return; /* the next tick starts the next burst */
      producer->burst_left--;
    }
  g_value_init (&item, G_TYPE_UINT);
  g_value_set_uint (&item, producer->next_seq * bench->n_producers + producer->id);
  producer->pushing = TRUE;
  sp_shared_queue_push_async (bench->queue, &item, 0, NULL, pushed, producer);
}

static gboolean
tick (gpointer data)
{
  Bench *bench = data;
  guint  interval;

  for (guint i = 0; i < bench->n_producers; i++)
    {
      Producer *producer = &bench->producers[i];

      producer->burst_left = bench->burst;
      if (!producer->pushing)
        producer_next (producer);
    }
  /* 2 ms and 5 ms gaps alternately, against 1 ms pop timeouts. */
  interval = ++bench->ticks % 2 ? 5 : 2;
  bench->tick_source = bench->pushed < bench->items ? g_timeout_add (interval, tick, bench) : 0;
  return G_SOURCE_REMOVE;
}

static void
popped (GObject *source, GAsyncResult *result, gpointer data)
{
  Bench  *bench = data;
  GError *error = NULL;
  GValue  item = G_VALUE_INIT;
  guint   value, producer, seq;

  if (!sp_shared_queue_pop_finish (bench->queue, result, &item, &error))
    {
      if (!bench->timeouts || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_error ("pop failed: %s", error->message);
      /* A pop that timed out took nothing: its claim is still ours. */
      g_error_free (error);
      g_value_unset (&item);
      bench->timed_out++;
      bench->unclaimed++;
      consumer_next (bench);
      return;
    }
  value = g_value_get_uint (&item);
  g_value_unset (&item);
  producer = value % bench->n_producers;
  seq = value / bench->n_producers;
  if (seq != bench->expected[producer])
    {
      /* Only the first few: a broken queue could print millions. */
      if (bench->bad++ < 10)
        g_printerr ("producer %u: popped item %u, expected %u (%s)\n", producer, seq,
                    bench->expected[producer],
                    seq < bench->expected[producer] ? "doubled or reordered" : "lost or reordered");
      if (seq >= bench->expected[producer])
        bench->expected[producer] = seq + 1;
    }
  else
    {
      bench->expected[producer]++;
    }
  bench->popped++;
  consumer_next (bench);
}

static void
consumer_next (Bench *bench)
{
  /* Each consumer claims one of the items before it pops, so that no pop
   * is left waiting for an item that will never come. */
  if (bench->unclaimed == 0)
    {
      bench->active--;
      return;
    }
  bench->unclaimed--;
  sp_shared_queue_pop_async (bench->queue, bench->timeouts ? POP_TIMEOUT_MS : 0, NULL, popped,
                             bench);
}

static double
run_sharedpotato (guint    n_producers,
                  guint    n_consumers,
                  guint    capacity,
                  guint    items,
                  gboolean timeouts,
                  guint    burst)
{
  Bench  bench = { 0 };
  gint64 start, elapsed;

  bench.queue = sp_shared_queue_new (G_TYPE_UINT, capacity);
  bench.n_producers = n_producers;
  bench.items = items;
  bench.timeouts = timeouts;
  bench.burst = burst;
  bench.producers = g_new0 (Producer, n_producers);
  bench.expected = g_new0 (guint, n_producers);
  bench.unclaimed = items;
  bench.active = n_producers + n_consumers;

  start = g_get_monotonic_time ();
  /* Consumers first: in --timeouts mode they wait on an empty queue. */
  for (guint i = 0; i < n_consumers; i++)
    consumer_next (&bench);
  for (guint i = 0; i < n_producers; i++)
    {
      bench.producers[i] = (Producer){ &bench, i };
      if (!timeouts)
        producer_next (&bench.producers[i]);
    }
  if (timeouts)
    tick (&bench);
  while (bench.active > 0)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;

  /* Every item popped once, in order per producer, and the queue empty. */
  for (guint i = 0; i < n_producers; i++)
    if (bench.expected[i] != producer_quota (&bench, i))
      {
        if (bench.bad++ < 10)
          g_printerr ("producer %u: %u items popped in order, %u pushed\n", i, bench.expected[i],
                      producer_quota (&bench, i));
      }
  if (sp_shared_queue_get_length (bench.queue) != 0)
    {
      g_printerr ("%u items left in the queue\n", sp_shared_queue_get_length (bench.queue));
      bench.bad++;
    }

  if (timeouts)
    {
      g_printerr ("items-pushed %u\nitems-popped %u\nitems-lost %u\npops-timed-out %u\n",
                  bench.pushed, bench.popped,
                  bench.bad + (bench.pushed - MIN (bench.pushed, bench.popped)), bench.timed_out);
    }
  if (bench.bad > 0 || bench.pushed != items || bench.popped != items)
    {
      g_printerr ("FAIL: %u items pushed, %u popped, %u lost, doubled or out of order\n",
                  bench.pushed, bench.popped, bench.bad);
      exit (1);
    }
  if (timeouts && bench.timed_out == 0)
    {
      g_printerr ("FAIL: no pop timed out; the load measured nothing\n");
      exit (1);
    }

  g_clear_handle_id (&bench.tick_source, g_source_remove);
  g_free (bench.producers);
  g_free (bench.expected);
  g_object_unref (bench.queue);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return elapsed * 1000.0 / items;
}

/* Floor ------------------------------------------------------------------ */

typedef struct
{
  guint remaining;
  guint active;
} Floor;

static void floor_next (Floor *floor);

static void
floor_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Floor *floor = data;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    g_error ("bare task failed");
  floor_next (floor);
}

static void
floor_next (Floor *floor)
{
  GTask *task;

  if (floor->remaining == 0)
    {
      floor->active--;
      return;
    }
  floor->remaining--;
  task = g_task_new (NULL, NULL, floor_done, floor);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static double
run_floor (guint clients, guint items)
{
  Floor  floor = { 2 * items, clients };
  gint64 start, elapsed;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < clients; i++)
    floor_next (&floor);
  while (floor.active > 0)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;
  return elapsed * 1000.0 / items;
}

int
main (int argc, char *argv[])
{
  gboolean    floors = FALSE, timeouts = FALSE;
  const char *only = NULL;
  guint       numbers[5] = { 4, 4, 64, 0, 50 };
  guint       n_numbers = 0;
  guint       n_producers, n_consumers, capacity, items, burst;
  double      floor = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--floors"))
        floors = TRUE;
      else if (g_str_equal (argv[i], "--timeouts"))
        timeouts = TRUE;
      else if (g_str_has_prefix (argv[i], "--only="))
        only = argv[i] + strlen ("--only=");
      else if (n_numbers < G_N_ELEMENTS (numbers) && g_ascii_isdigit (argv[i][0]))
        numbers[n_numbers++] = (guint) atoi (argv[i]);
      else
        g_error ("usage: bench-queue [--timeouts | --floors | --only=NAME] "
                 "[PRODUCERS [CONSUMERS [CAPACITY [ITEMS [BURST]]]]]");
    }
  n_producers = numbers[0];
  n_consumers = numbers[1];
  capacity = numbers[2];
  items = numbers[3] != 0 ? numbers[3] : timeouts ? 40000 : 200000;
  burst = numbers[4];
  if (n_producers == 0 || n_consumers == 0 || capacity == 0 || burst == 0 || items < n_producers)
    g_error ("at least one producer, one consumer, one slot, one item per burst "
             "and one item per producer");

  if (timeouts)
    {
      run_sharedpotato (n_producers, n_consumers, capacity, items, TRUE, burst);
      return 0;
    }

#define WANTED(name) (only != NULL ? g_str_equal (only, name) : floors)
  /* The floor half first and half last, ours between, so that a machine
   * slowing down during the run does not favour one side. */
  if (WANTED ("floor-gtask-idle"))
    floor = run_floor (n_producers + n_consumers, MAX (items / 2, 1));
  if (only == NULL || g_str_equal (only, "sharedpotato"))
    g_printerr ("sharedpotato %.1f\n",
                run_sharedpotato (n_producers, n_consumers, capacity, items, FALSE, burst));
  if (WANTED ("floor-gtask-idle"))
    {
      floor = (floor + run_floor (n_producers + n_consumers, MAX (items - items / 2, 1))) / 2;
      g_printerr ("floor-gtask-idle %.1f\n", floor);
    }
#undef WANTED
  return 0;
}
