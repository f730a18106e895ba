/* test-stress-queue.c: a seeded producer/consumer workload on a shared
 * queue, checked against a model
 *
 * SPDX-License-Identifier: MIT
 *
 * Producer threads push numbered items with push_sync (random timeouts,
 * now and then try_push, and cancellations from a canceller thread) into
 * a small queue. Consumers in the main context pop with pop_async
 * (random timeouts and cancellations, some racing the hand-over), a
 * consumer thread pops with pop_sync, and the main context sometimes
 * uses try_pop. When the producers are done, the queue is closed and the
 * consumers drain it.
 *
 * A timeout only starts when a call has to wait, and with both sides
 * running freely a push rarely finds the queue full for a whole
 * millisecond, nor a pop find it empty. So the run goes through phases,
 * decided by the main thread (the coordinator) on events, never on time:
 *
 *   MIXED         everybody runs, with random timeouts; it lasts a
 *                 random number of pops.
 *   STARVE        the producers park at the gate between two pushes; the
 *                 queue runs dry and the pops, all timed (1 to 3 ms) from
 *                 now on, wait on an empty queue and time out. The main
 *                 context's pops already waiting may have no timeout and
 *                 wait on, so a "probe" chain of timed pops runs beside
 *                 them for as long as STARVE lasts: it ends after a
 *                 random number (1 to 3) of main-context pop timeouts.
 *   FLOOD_ARMING  the producers switch to timed pushes only (and no
 *                 cancellable: a cancelled push is no timeout), each
 *                 acknowledging it at the gate; the consumers still run.
 *                 Without this step a producer blocked in an untimed
 *                 push would wait for consumers that are parked.
 *   FLOOD         the consumers park (the main context stops issuing
 *                 pops, the consumer thread waits at the gate); the queue
 *                 fills and the timed pushes wait on a full queue and
 *                 time out. It ends after a random number (1 to 3) of
 *                 push timeouts, or when every producer is done.
 *   DRAIN         the producers are done: the queue is closed and
 *                 drained.
 *
 * The run starts in FLOOD, set before any thread starts: every push is
 * timed from the first, so no arming is needed, and the consumers start
 * parked with no pop waiting. The first CAPACITY pushes fill the queue
 * and the next one times out, however short the run (SP_STRESS_OPS >=
 * CAPACITY makes N_PRODUCERS * CAPACITY pushes). Then MIXED alternates
 * with STARVE and FLOOD (through FLOOD_ARMING) in turn, STARVE first;
 * STARVE needs nothing from the producers, and comes even after they are
 * done if it had no turn yet. So both kinds of timeout happen in every
 * run.
 *
 * The model and its invariants:
 *  - every item whose push succeeded is popped exactly once, and no item
 *    whose push failed (TIMED_OUT, CANCELLED, WOULD_BLOCK) is ever popped:
 *    no lost items, none doubled, none invented; a timed-out push never
 *    inserted its item;
 *  - a pop that failed holds nothing: its value is the zero of the item
 *    type, which no item is (items are numbered from 1);
 *  - FIFO: the items of one producer reach one consumer stream (the
 *    pop_async callbacks, the try_pops, the consumer thread) in the order
 *    they were pushed;
 *  - every call completes exactly once, with success, TIMED_OUT,
 *    CANCELLED or CLOSED (WOULD_BLOCK for the try_ calls); after the
 *    close, pops fail only once the queue is empty;
 *  - timed-out pushes and timed-out pops are counted apart, and each
 *    count is not zero at the end; the queue's stats agree with the
 *    results: grants, timeouts and cancellations.
 *
 * Threads meet through pthread mutexes and condition variables (the gate,
 * the canceller's mailbox) and atomics, which ThreadSanitizer sees; a
 * thread that changes what the coordinator waits for wakes the default
 * main context with g_main_context_wakeup().
 *
 * SP_STRESS_SEED=n reproduces a run (each thread draws from its own
 * generator seeded from it; the interleaving is the scheduler's);
 * SP_STRESS_OPS=n sets the number of items each producer pushes.
 */

#include <pthread.h>
#include <stdlib.h>

#include <sharedpotato.h>

#define N_PRODUCERS 3
#define N_MAIN_POPS 4
#define CAPACITY 4
#define ITEM_BASE 10000000u

typedef enum
{
  PHASE_MIXED,
  PHASE_STARVE,
  PHASE_FLOOD_ARMING,
  PHASE_FLOOD,
  PHASE_DRAIN,
} Phase;

typedef struct
{
  guint8 pushed; /* the push succeeded */
  guint8 popped; /* times seen by a consumer */
} ItemState;

typedef struct
{
  SpSharedQueue *queue;
  GRand         *rand;
  guint          id;
  guint          n_items;
  ItemState     *items; /* .pushed written by this producer only */
  /* Read by the coordinator only after joining the thread. */
  guint pushed_ok, timed_out, cancelled, would_block;
} Producer;

/* Where producers and the consumer thread park. pthread rather than
 * GMutex/GCond: ThreadSanitizer sees their ordering. The coordinator
 * alone changes the phase. */
typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t  cond;
  Phase           phase;
  guint           serial;                    /* bumped at each change */
  guint           armed_serial[N_PRODUCERS]; /* FLOOD_ARMING seen */
  gboolean        done[N_PRODUCERS];
  guint           n_done;
} Gate;

/* Cancellables the producers publish for the canceller thread, which
 * takes each at most once and waits (not spins) while there is none. */
typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t  cond;
  GCancellable   *pending[N_PRODUCERS];
  gboolean        stop;
} Mailbox;

typedef struct
{
  pthread_mutex_t mutex; /* guards the items' popped counts, popped */
  Producer        producers[N_PRODUCERS];
  Gate            gate;
  Mailbox         mailbox;
  guint           popped;

  /* Counted by their threads with atomics: the coordinator reads them
   * while they change, to end STARVE and FLOOD. */
  int push_timeouts;
  int main_pop_timeouts;

  /* The consumer thread's; read after joining it. */
  guint32 thread_seed;
  gint    thread_last_seq[N_PRODUCERS];
  guint   thread_pop_timeouts, thread_cancellations;

  /* Main context only. */
  gint last_seq[N_PRODUCERS]; /* pop_async stream */
  /* try_pop is its own stream: it returns at once, while an item handed
   * to a pop_async earlier reaches its callback later. */
  gint     try_last_seq[N_PRODUCERS];
  GRand   *rand;
  guint    main_pops_active;
  guint    probes_active;
  guint    main_cancellations, closed_fails;
  gboolean closing;
} Model;

static Model model;

static int
encode (guint producer, guint seq)
{
  /* From 1: a failed pop leaves 0 in its value, which is no item. */
  return (int) (producer * ITEM_BASE + seq + 1);
}

static void
record_pop (int item, gint *last_seq)
{
  guint      producer, seq;
  ItemState *state;

  g_assert_cmpint (item, >, 0);
  producer = (guint) (item - 1) / ITEM_BASE;
  seq = (guint) (item - 1) % ITEM_BASE;
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

/* A failed pop holds nothing. */
static void
assert_holds_nothing (const GValue *value)
{
  g_assert_true (G_VALUE_HOLDS_INT (value));
  g_assert_cmpint (g_value_get_int (value), ==, 0);
}

/* The gate ------------------------------------------------------------------ */

/* Coordinator only. */
static void
set_phase (Phase phase)
{
  pthread_mutex_lock (&model.gate.mutex);
  model.gate.phase = phase;
  model.gate.serial++;
  pthread_cond_broadcast (&model.gate.cond);
  pthread_mutex_unlock (&model.gate.mutex);
}

/* Coordinator only: it alone writes the phase, so it may read it
 * without the mutex. */
static Phase
current_phase (void)
{
  return model.gate.phase;
}

/* A producer between two pushes: parks while STARVE, and returns whether
 * its next push must have a timeout (FLOOD_ARMING, FLOOD), after
 * acknowledging FLOOD_ARMING. */
static gboolean
producer_gate (Producer *producer)
{
  Gate    *gate = &model.gate;
  gboolean timed, acked = FALSE;

  pthread_mutex_lock (&gate->mutex);
  while (gate->phase == PHASE_STARVE)
    pthread_cond_wait (&gate->cond, &gate->mutex);
  if (gate->phase == PHASE_FLOOD_ARMING && gate->armed_serial[producer->id] != gate->serial)
    {
      gate->armed_serial[producer->id] = gate->serial;
      acked = TRUE;
    }
  timed = gate->phase == PHASE_FLOOD_ARMING || gate->phase == PHASE_FLOOD;
  pthread_mutex_unlock (&gate->mutex);

  if (acked)
    g_main_context_wakeup (NULL);

  return timed;
}

/* The coordinator looks at the gate after each iteration of the default
 * context: a wakeup sent after the change makes the next poll return,
 * even if it comes before the coordinator blocks. */
static void
producer_finished (Producer *producer)
{
  pthread_mutex_lock (&model.gate.mutex);
  model.gate.done[producer->id] = TRUE;
  model.gate.n_done++;
  pthread_mutex_unlock (&model.gate.mutex);
  g_main_context_wakeup (NULL);
}

static gboolean
all_producers_done (void)
{
  gboolean done;

  pthread_mutex_lock (&model.gate.mutex);
  done = model.gate.n_done == N_PRODUCERS;
  pthread_mutex_unlock (&model.gate.mutex);

  return done;
}

/* Every producer still running makes only timed pushes from now on. */
static gboolean
all_producers_armed (void)
{
  gboolean armed = TRUE;

  pthread_mutex_lock (&model.gate.mutex);
  for (guint i = 0; i < N_PRODUCERS; i++)
    armed &= model.gate.done[i] || model.gate.armed_serial[i] == model.gate.serial;
  pthread_mutex_unlock (&model.gate.mutex);

  return armed;
}

/* Producers ------------------------------------------------------------- */

static void
mailbox_post (Producer *producer, GCancellable *cancellable)
{
  pthread_mutex_lock (&model.mailbox.mutex);
  g_set_object (&model.mailbox.pending[producer->id], cancellable);
  pthread_cond_signal (&model.mailbox.cond);
  pthread_mutex_unlock (&model.mailbox.mutex);
}

static gpointer
producer_thread (gpointer data)
{
  Producer *producer = data;

  for (guint seq = 0; seq < producer->n_items; seq++)
    {
      GValue value = G_VALUE_INIT;
      g_autoptr (GError) error = NULL;
      g_autoptr (GCancellable) cancellable = NULL;
      gboolean timed = producer_gate (producer);
      gboolean try_push = !timed && g_rand_int_range (producer->rand, 0, 100) < 5;
      int      timeout_ms = 0;
      guint    dice = (guint) g_rand_int_range (producer->rand, 0, 100);
      gboolean ok;

      if (timed)
        timeout_ms = g_rand_int_range (producer->rand, 1, 4);
      else if (dice < 15)
        timeout_ms = 1;
      else if (dice < 30)
        timeout_ms = g_rand_int_range (producer->rand, 2, 6);

      /* Not while FLOOD needs timeouts: a cancelled push is no timeout. */
      if (!try_push && !timed && g_rand_int_range (producer->rand, 0, 100) < 15)
        {
          cancellable = g_cancellable_new ();
          mailbox_post (producer, cancellable);
        }

      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, encode (producer->id, seq));
      if (try_push)
        ok = sp_shared_queue_try_push (producer->queue, &value, &error);
      else
        ok = sp_shared_queue_push_sync (producer->queue, &value, timeout_ms, cancellable, &error);
      if (ok)
        {
          g_assert_no_error (error);
          /* The item can be popped before this line runs, so the check
           * that it was pushed waits for the end. */
          producer->items[seq].pushed = TRUE;
          producer->pushed_ok++;
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          g_assert_false (try_push);
          g_assert_cmpint (timeout_ms, >, 0);
          producer->timed_out++;
          g_atomic_int_inc (&model.push_timeouts);
          g_main_context_wakeup (NULL);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_assert_nonnull (cancellable);
          producer->cancelled++;
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_assert_true (try_push);
          producer->would_block++;
        }
      else
        g_error ("unexpected push error: %s", error->message);
      g_value_unset (&value);

      if (cancellable != NULL)
        mailbox_post (producer, NULL);
    }

  producer_finished (producer);
  return NULL;
}

/* Cancels some of the cancellables the producers post, at a random
 * moment: before the push starts, while it waits, racing its hand-over,
 * or after it finished (which must change nothing). */
static gpointer
canceller_thread (gpointer data)
{
  GRand   *rand = data;
  Mailbox *mailbox = &model.mailbox;

  for (;;)
    {
      GCancellable *cancellable = NULL;
      guint         start = (guint) g_rand_int_range (rand, 0, N_PRODUCERS);

      pthread_mutex_lock (&mailbox->mutex);
      for (;;)
        {
          for (guint i = 0; i < N_PRODUCERS && cancellable == NULL; i++)
            cancellable = g_steal_pointer (&mailbox->pending[(start + i) % N_PRODUCERS]);
          if (cancellable != NULL || mailbox->stop)
            break;
          pthread_cond_wait (&mailbox->cond, &mailbox->mutex);
        }
      pthread_mutex_unlock (&mailbox->mutex);

      if (cancellable == NULL)
        return NULL;

      for (int n = g_rand_int_range (rand, 0, 4); n > 0; n--)
        g_thread_yield ();
      if (g_rand_boolean (rand))
        g_cancellable_cancel (cancellable);
      g_object_unref (cancellable);
    }
}

/* Consumers in the main context ------------------------------------------ */

static void main_pop_next (void);

static void
main_popped (GObject *source, GAsyncResult *res, gpointer data)
{
  GValue value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;

  if (sp_shared_queue_pop_finish (SP_SHARED_QUEUE (source), res, &value, &error))
    record_pop (g_value_get_int (&value), model.last_seq);
  else
    {
      assert_holds_nothing (&value);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_atomic_int_inc (&model.main_pop_timeouts);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        model.main_cancellations++;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
        {
          /* This pop's slot ends here: one CLOSED per slot. */
          g_assert_true (model.closing);
          g_assert_cmpuint (sp_shared_queue_get_length (SP_SHARED_QUEUE (source)), ==, 0);
          model.closed_fails++;
          model.main_pops_active--;
          g_value_unset (&value);
          return;
        }
      else
        g_error ("unexpected pop error: %s", error->message);
    }
  g_value_unset (&value);

  /* The slot goes on unless the consumers are parked. */
  if (current_phase () == PHASE_FLOOD)
    model.main_pops_active--;
  else
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
  guint          dice = (guint) g_rand_int_range (model.rand, 0, 100);
  g_autoptr (GCancellable) cancellable = NULL;
  int timeout_ms = 0;

  if (dice < 10)
    {
      /* try_pop: an item, or WOULD_BLOCK, or CLOSED once drained. */
      GValue value = G_VALUE_INIT;
      g_autoptr (GError) error = NULL;

      if (sp_shared_queue_try_pop (queue, &value, &error))
        record_pop (g_value_get_int (&value), model.try_last_seq);
      else
        {
          assert_holds_nothing (&value);
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
        }
      g_value_unset (&value);
    }

  dice = (guint) g_rand_int_range (model.rand, 0, 100);
  if (model.closing)
    timeout_ms = 0;
  else if (current_phase () == PHASE_STARVE)
    /* Every pop gives up, or STARVE could wait forever. */
    timeout_ms = g_rand_int_range (model.rand, 1, 4);
  else if (dice < 15)
    timeout_ms = 1;
  else if (dice < 25)
    timeout_ms = g_rand_int_range (model.rand, 2, 5);

  if (!model.closing && g_rand_int_range (model.rand, 0, 100) < 15)
    {
      cancellable = g_cancellable_new ();
      if (g_rand_boolean (model.rand))
        g_cancellable_cancel (cancellable);
      else
        g_idle_add_full (G_PRIORITY_DEFAULT, cancel_later, g_object_ref (cancellable),
                         g_object_unref);
    }

  sp_shared_queue_pop_async (queue, timeout_ms, cancellable, main_popped, NULL);
}

static void probe_next (void);

/* The probe: one timed pop after another, while STARVE lasts. */
static void
probe_popped (GObject *source, GAsyncResult *res, gpointer data)
{
  GValue value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;

  /* The same stream as the other pops of this context: callbacks run in
   * the order the pops were served. */
  if (sp_shared_queue_pop_finish (SP_SHARED_QUEUE (source), res, &value, &error))
    record_pop (g_value_get_int (&value), model.last_seq);
  else
    {
      assert_holds_nothing (&value);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_atomic_int_inc (&model.main_pop_timeouts);
      else
        {
          /* Its last pop may outlive STARVE into the close. */
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
          g_assert_true (model.closing);
        }
    }
  g_value_unset (&value);

  model.probes_active--;
  probe_next ();
}

static void
probe_next (void)
{
  if (current_phase () != PHASE_STARVE || model.probes_active > 0)
    return;

  model.probes_active++;
  sp_shared_queue_pop_async (model.producers[0].queue, g_rand_int_range (model.rand, 1, 4), NULL,
                             probe_popped, NULL);
}

/* Brings the main context's pops back to N_MAIN_POPS after FLOOD. */
static void
main_pops_refill (void)
{
  while (model.main_pops_active < N_MAIN_POPS)
    {
      model.main_pops_active++;
      main_pop_next ();
    }
}

/* A consumer thread --------------------------------------------------------- */

static gpointer
thread_consumer (gpointer data)
{
  SpSharedQueue *queue = data;
  g_autoptr (GRand) rand = g_rand_new_with_seed (model.thread_seed);

  for (;;)
    {
      GValue value = G_VALUE_INIT;
      g_autoptr (GError) error = NULL;
      g_autoptr (GCancellable) cancellable = NULL;
      int      timeout_ms = 0;
      gboolean starving;

      pthread_mutex_lock (&model.gate.mutex);
      while (model.gate.phase == PHASE_FLOOD)
        pthread_cond_wait (&model.gate.cond, &model.gate.mutex);
      starving = model.gate.phase == PHASE_STARVE;
      pthread_mutex_unlock (&model.gate.mutex);

      /* While STARVE lasts, the timed-out pop_sync path is exercised. */
      if (starving || g_rand_int_range (rand, 0, 100) < 20)
        timeout_ms = g_rand_int_range (rand, 1, 4);
      if (g_rand_int_range (rand, 0, 100) < 3)
        {
          cancellable = g_cancellable_new ();
          g_cancellable_cancel (cancellable);
        }

      if (sp_shared_queue_pop_sync (queue, timeout_ms, cancellable, &value, &error))
        record_pop (g_value_get_int (&value), model.thread_last_seq);
      else
        {
          assert_holds_nothing (&value);
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            model.thread_pop_timeouts++;
          else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            model.thread_cancellations++;
          else
            {
              /* Drained after the close. */
              g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
              g_value_unset (&value);
              return NULL;
            }
        }
      g_value_unset (&value);
    }
}

/* The coordinator ----------------------------------------------------------- */

typedef struct
{
  Phase    next_special;   /* STARVE or FLOOD, in turn */
  gboolean starved;        /* a STARVE phase has ended */
  guint    until_popped;   /* MIXED ends at this model.popped */
  int      until_timeouts; /* STARVE and FLOOD end at this count */
} Schedule;

static guint
popped_so_far (void)
{
  guint popped;

  pthread_mutex_lock (&model.mutex);
  popped = model.popped;
  pthread_mutex_unlock (&model.mutex);

  return popped;
}

static void
start_special (Schedule *schedule)
{
  Phase phase = schedule->next_special;

  schedule->next_special = phase == PHASE_STARVE ? PHASE_FLOOD : PHASE_STARVE;
  if (phase == PHASE_STARVE)
    {
      schedule->until_timeouts =
          g_atomic_int_get (&model.main_pop_timeouts) + g_rand_int_range (model.rand, 1, 4);
      set_phase (PHASE_STARVE);
      probe_next ();
    }
  else
    set_phase (PHASE_FLOOD_ARMING);
}

/* Moves to the next phase once the current one reached its end. */
static void
advance (Schedule *schedule)
{
  switch (current_phase ())
    {
    case PHASE_MIXED:
      /* The producers may be done before STARVE had its turn: it comes
       * next (FLOOD came first), and does not need them. */
      if (popped_so_far () >= schedule->until_popped ||
          (!schedule->starved && all_producers_done ()))
        start_special (schedule);
      break;

    case PHASE_STARVE:
      if (g_atomic_int_get (&model.main_pop_timeouts) >= schedule->until_timeouts)
        {
          schedule->starved = TRUE;
          goto mixed;
        }
      break;

    case PHASE_FLOOD_ARMING:
      if (all_producers_armed ())
        {
          schedule->until_timeouts =
              g_atomic_int_get (&model.push_timeouts) + g_rand_int_range (model.rand, 1, 4);
          set_phase (PHASE_FLOOD);
        }
      break;

    case PHASE_FLOOD:
      if (g_atomic_int_get (&model.push_timeouts) >= schedule->until_timeouts ||
          all_producers_done ())
        goto mixed;
      break;

    case PHASE_DRAIN:
    default:
      g_assert_not_reached ();
    }
  return;

mixed:
  schedule->until_popped = popped_so_far () + (guint) g_rand_int_range (model.rand, 30, 300);
  set_phase (PHASE_MIXED);
  main_pops_refill ();
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
  guint   n_items = ops_env ? (guint) strtoul (ops_env, NULL, 10) : 3000;
  SpSharedQueue *queue = sp_shared_queue_new_full (G_TYPE_INT, CAPACITY, "stress-queue");
  GThread       *producers[N_PRODUCERS], *canceller, *consumer;
  GRand         *canceller_rand = g_rand_new_with_seed (seed ^ 0x5eed);
  guint          pushed_ok = 0, push_timeouts = 0, push_cancellations = 0, would_block = 0;
  guint          pop_timeouts;
  Schedule       schedule = { 0 };
  g_autoptr (SpStats) stats = NULL;
  gboolean closed = FALSE;

  g_test_message ("SP_STRESS_SEED=%" G_GUINT32_FORMAT " SP_STRESS_OPS=%u", seed, n_items);
  g_printerr ("stress-queue: SP_STRESS_SEED=%" G_GUINT32_FORMAT " SP_STRESS_OPS=%u\n", seed,
              n_items);
  /* The first FLOOD needs more pushes than the queue holds (see the top). */
  g_assert_cmpuint (n_items, >=, CAPACITY);
  g_assert_cmpuint (n_items, <, ITEM_BASE);

  memset (&model, 0, sizeof model);
  pthread_mutex_init (&model.mutex, NULL);
  pthread_mutex_init (&model.gate.mutex, NULL);
  pthread_cond_init (&model.gate.cond, NULL);
  pthread_mutex_init (&model.mailbox.mutex, NULL);
  pthread_cond_init (&model.mailbox.cond, NULL);
  model.rand = g_rand_new_with_seed (seed);
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      Producer *producer = &model.producers[i];

      producer->queue = queue;
      producer->rand = g_rand_new_with_seed (seed + 1 + i);
      producer->id = i;
      producer->n_items = n_items;
      producer->items = g_new0 (ItemState, n_items);
      model.last_seq[i] = -1;
      model.thread_last_seq[i] = -1;
      model.try_last_seq[i] = -1;
    }

  /* FLOOD comes first (see the top), set before any thread looks at the
   * gate: every push is timed from the start, so it needs no arming, and
   * the consumers start parked. */
  schedule.next_special = PHASE_STARVE;
  schedule.until_timeouts = g_rand_int_range (model.rand, 1, 4);
  model.gate.phase = PHASE_FLOOD;
  model.thread_seed = g_rand_int (model.rand);

  consumer = g_thread_new ("consumer", thread_consumer, queue);
  canceller = g_thread_new ("canceller", canceller_thread, canceller_rand);
  for (guint i = 0; i < N_PRODUCERS; i++)
    producers[i] = g_thread_new ("producer", producer_thread, &model.producers[i]);

  /* Checked before blocking: a phase may be over before anything wakes
   * this thread again. */
  for (;;)
    {
      advance (&schedule);
      if (all_producers_done () && schedule.starved)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  set_phase (PHASE_DRAIN);
  main_pops_refill ();

  for (guint i = 0; i < N_PRODUCERS; i++)
    g_thread_join (producers[i]);
  pthread_mutex_lock (&model.mailbox.mutex);
  model.mailbox.stop = TRUE;
  pthread_cond_signal (&model.mailbox.cond);
  pthread_mutex_unlock (&model.mailbox.mutex);
  g_thread_join (canceller);

  /* Drain: after the close, pops take what is left, then fail. */
  model.closing = TRUE;
  sp_shared_queue_close_async (queue, SP_QUEUE_CLOSE_NONE, 0, NULL, close_done, &closed);
  while (!closed || model.main_pops_active > 0 || model.probes_active > 0)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (consumer);
  g_assert_cmpuint (sp_shared_queue_get_length (queue), ==, 0);

  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      Producer *producer = &model.producers[i];

      g_assert_cmpuint (producer->pushed_ok + producer->timed_out + producer->cancelled +
                            producer->would_block,
                        ==, n_items);
      for (guint seq = 0; seq < n_items; seq++)
        g_assert_cmpuint (producer->items[seq].popped, ==, producer->items[seq].pushed);
      pushed_ok += producer->pushed_ok;
      push_timeouts += producer->timed_out;
      push_cancellations += producer->cancelled;
      would_block += producer->would_block;
    }
  g_assert_cmpuint (model.popped, ==, pushed_ok);
  g_assert_cmpuint (model.closed_fails, ==, N_MAIN_POPS);
  g_assert_cmpuint (push_timeouts, ==, (guint) g_atomic_int_get (&model.push_timeouts));
  pop_timeouts = (guint) g_atomic_int_get (&model.main_pop_timeouts) + model.thread_pop_timeouts;

  /* What STARVE and FLOOD are for. */
  g_assert_cmpuint (push_timeouts, >, 0);
  g_assert_cmpint (g_atomic_int_get (&model.main_pop_timeouts), >, 0);

  /* The queue counted what the callers saw. */
  stats = sp_shared_queue_get_stats (queue);
  g_assert_cmpuint (stats->writes_granted, ==, pushed_ok);
  g_assert_cmpuint (stats->reads_granted, ==, model.popped);
  g_assert_cmpuint (stats->timeouts, ==, push_timeouts + pop_timeouts);
  g_assert_cmpuint (stats->cancellations, ==,
                    push_cancellations + model.main_cancellations + model.thread_cancellations);

  g_test_message ("%u pushed, %u popped; timed out: %u pushes, %d main pops, %u thread pops; "
                  "cancelled: %u pushes, %u main pops, %u thread pops; %u try_push refused",
                  pushed_ok, model.popped, push_timeouts,
                  g_atomic_int_get (&model.main_pop_timeouts), model.thread_pop_timeouts,
                  push_cancellations, model.main_cancellations, model.thread_cancellations,
                  would_block);

  g_object_unref (queue);
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      g_rand_free (model.producers[i].rand);
      g_free (model.producers[i].items);
    }
  g_rand_free (model.rand);
  g_rand_free (canceller_rand);
  pthread_cond_destroy (&model.mailbox.cond);
  pthread_mutex_destroy (&model.mailbox.mutex);
  pthread_cond_destroy (&model.gate.cond);
  pthread_mutex_destroy (&model.gate.mutex);
  pthread_mutex_destroy (&model.mutex);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/SharedQueue/stress", test_stress_queue);

  return g_test_run ();
}
