/* sp-shared-set.c: a set of values shared by many asynchronous clients
 *
 * SPDX-License-Identifier: MIT
 */

/* NOTES:
 *
 * A set is an SpSharedObject (the "inner object", private to the set)
 * whose value is the set's contents, an SpSetItems. Everything an
 * SpSharedObject already does right is therefore done once, by it: the
 * FIFO readers-writer lock, timeouts and cancellation that leave the
 * queue at once, grants delivered in order without recursion, close
 * (refusing new calls, failing queued ones, waiting for holders, close
 * holds), tracing and statistics. The set adds only what a set means.
 *
 * An operation
 *
 *   1. converts its item into a payload (sp-set-items.c) in the caller's
 *      thread, so a refused item never takes a place in the queue;
 *   2. takes the inner object's lock, shared for contains, size and
 *      snapshot, exclusive for add, discard and clear, through
 *      _sp_shared_object_run_held_async(): a waiter of the inner object
 *      whose GTask is the set's own call (its source object is the set or
 *      the view it was called through), so a call costs one GTask, not a
 *      lock call's and a set call's. The timeout, cancellable and CLOSED
 *      errors are the inner object's (CLOSED reworded for the set);
 *   3. performs the operation on self->items when the grant is delivered
 *      (in the caller's context, where a lock callback would run), and
 *      pushes the announcements of what changed to the owner context's
 *      dispatcher while it still holds the lock, so they keep the order
 *      of the changes;
 *   4. the inner object then releases the lock and returns the task.
 *
 *   self->items is the very container the inner object holds as its
 *   value (copying an SpSetItems takes a reference): the set keeps a
 *   pointer to it rather than reading it through a guard on every
 *   call, and touches it only while holding the lock in the right mode.
 *   The lock is granted and released under the inner object's mutex,
 *   which orders every change before every later reader.
 *
 *   try_add, try_discard and try_contains take the lock with
 *   sp_shared_object_try_lock(); the _sync twins make the asynchronous
 *   call on a context of their own and wait for it, after the inner
 *   object's check that the thread may block.
 *
 * Close
 *
 *   close_async closes the inner object. When the inner object emits
 *   ::closed (in the owner context, every holder gone), the set empties
 *   itself, emitting ::item-removed for every item left, then emits its
 *   own ::closed: an item leaves through ::item-removed however it
 *   leaves, so cleanup has one place. Close holds are the inner object's,
 *   counted here too so that each keeps the set alive.
 *
 *   The last unref of an open set that someone observes (::closed,
 *   ::item-removed, notify::closed, a close hold) closes it the same way:
 *   dispose takes a reference back and asks the owner context to close
 *   the inner object; the reference is dropped after ::closed. A set
 *   nobody observes is simply freed, its items with it.
 */

#include "config.h"

#include "sp-dispatcher-private.h"
#include "sp-lifecycle-private.h"
#include "sp-mutex-private.h"
#include "sp-set-item-private.h"
#include "sp-set-items-private.h"
#include "sp-shared-object-private.h"
#include "sp-shared-set-private.h"
#include "sp-trace-private.h"

/**
 * SpSharedSet:
 *
 * A set of values of one type, shared by many asynchronous clients.
 *
 * A set holds strings, integers (and booleans, enums and flags), objects
 * (compared by identity), [struct@GLib.Bytes], or, with
 * [ctor@Sharedpotato.SharedSet.new_full], any boxed type given a
 * hash/equal pair. Items of another type are converted with
 * g_value_transform() when that is possible without losing information,
 * and refused with %G_IO_ERROR_INVALID_ARGUMENT otherwise.
 *
 * Every operation is a GIO-style asynchronous call with a timeout and a
 * [class@Gio.Cancellable], ordered by the same fair readers-writer lock
 * as [class@Sharedpotato.SharedObject]:
 * [method@Sharedpotato.SharedSet.add_async],
 * [method@Sharedpotato.SharedSet.discard_async] and
 * [method@Sharedpotato.SharedSet.clear_async] take it exclusively;
 * [method@Sharedpotato.SharedSet.contains_async],
 * [method@Sharedpotato.SharedSet.size_async] and
 * [method@Sharedpotato.SharedSet.snapshot_async] share it. A snapshot is
 * a copy, safe to iterate while others change the set.
 * [method@Sharedpotato.SharedSet.try_add],
 * [method@Sharedpotato.SharedSet.try_discard] and
 * [method@Sharedpotato.SharedSet.try_contains] never wait; the `_sync`
 * twins block a worker thread.
 *
 * [signal@Sharedpotato.SharedSet::item-added] and
 * [signal@Sharedpotato.SharedSet::item-removed] are emitted in the main
 * context that was thread-default when the set was created, after the
 * change, in the order of the changes. ::item-removed is where an item's
 * cleanup belongs: it is emitted for every item that leaves, by discard,
 * clear or close.
 *
 * A set is also a [iface@Gio.ListModel] of its items, in the order they
 * were added, so a `GtkListView` can show it: the objects themselves for
 * a set of objects, a [class@Sharedpotato.SetItem] for each item
 * otherwise. The model belongs to the owner context: use it there, where
 * [signal@Gio.ListModel::items-changed] and
 * [property@Sharedpotato.SharedSet:n-items] are announced, before
 * ::item-added and ::item-removed (a handler of either already sees the
 * model changed, and an item removed is no longer in it, so the set holds
 * the last reference to it there). It is built the first time it is
 * used; if the set is locked at that moment, it is empty until its turn
 * comes, then announces the items with one ::items-changed. (Its item
 * type is g_list_model_get_item_type()'s; in Python and JavaScript,
 * `set.get_item_type()` is the set's own, the type of its values: call
 * `Gio.ListModel.get_item_type(set)` for the model's.)
 *
 * Closing follows the rules of [class@Sharedpotato.SharedObject]: see
 * [method@Sharedpotato.SharedSet.close_async]. Statistics and traces are
 * those of the set's lock, under the set's name.
 *
 * ```c
 * g_autoptr(SpSharedSet) users = sp_shared_set_new (G_TYPE_STRING);
 * g_auto(GValue) item = G_VALUE_INIT;
 *
 * g_value_set_static_string (g_value_init (&item, G_TYPE_STRING), "ada");
 * sp_shared_set_add_async (users, &item, 500, NULL, on_added, NULL);
 * ```
 *
 * Since: 1.0
 */

typedef struct
{
  GHashFunc  hash;
  GEqualFunc equal;
} ConstructFuncs;

/* How sp_shared_set_new_full() hands its functions to constructed():
 * they are no properties, so bindings never see them. */
static GPrivate construct_funcs;

struct _SpSharedSet
{
  GObject parent_instance;

  GType           item_type;
  char           *name;
  SpSharedObject *inner;
  SpSetItems     *items; /* the inner object's value */
  GMainContext   *owner_context;
  SpDispatcher   *owner_dispatcher;
  gulong          inner_handlers[3];

  gboolean auto_closing;   /* owner context only */
  int      closed_emitted; /* atomic: ::closed has run */
  gboolean trace;

  /* The GListModel: the items as announced in the owner context, in the
   * order they were added; built when first used (see "The list model").
   * Owner context only. */
  GSequence  *model;       /* of ModelEntry; NULL until built */
  GHashTable *model_index; /* payload → GSequenceIter */
  gboolean    model_building;
  int         emissions_pending; /* atomic: pushed, not yet run */
};

static void sp_shared_set_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SpSharedSet,
                               sp_shared_set,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sp_shared_set_list_model_init))

enum
{
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_NAME,
  PROP_DEFAULT_TIMEOUT,
  PROP_CLOSED,
  PROP_N_ITEMS,
  N_PROPS
};

enum
{
  SIGNAL_ITEM_ADDED,
  SIGNAL_ITEM_REMOVED,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static const char *
set_display_name (SpSharedSet *self)
{
  return self->name != NULL ? self->name : G_OBJECT_TYPE_NAME (self);
}

static const char *
op_name (SpSetOp op)
{
  static const char *const names[] = {
    [SP_SET_OP_ADD] = "add",   [SP_SET_OP_DISCARD] = "discard",   [SP_SET_OP_CONTAINS] = "contains",
    [SP_SET_OP_SIZE] = "size", [SP_SET_OP_SNAPSHOT] = "snapshot", [SP_SET_OP_CLEAR] = "clear",
  };

  return names[op];
}

static SpLockMode
op_lock_mode (SpSetOp op)
{
  switch (op)
    {
    case SP_SET_OP_ADD:
    case SP_SET_OP_DISCARD:
    case SP_SET_OP_CLEAR:
      return SP_LOCK_MODE_EXCLUSIVE;
    case SP_SET_OP_CONTAINS:
    case SP_SET_OP_SIZE:
    case SP_SET_OP_SNAPSHOT:
    default:
      return SP_LOCK_MODE_SHARED;
    }
}

/* Announcements -------------------------------------------------------- */

typedef struct
{
  SpDispatchItem item;
  SpSharedSet   *self;
  guint          signal;
  guint          n_values;
  GValue         values[];
} SpSetEmission;

static void
emit_items (SpSharedSet *self, guint signal, GValue *values, guint n_values)
{
  for (guint i = 0; i < n_values; i++)
    {
      if (SP_TRACING (self))
        sp_trace_emit (self->inner, self->name, SP_TRACE_CHANGED,
                       signal == SIGNAL_ITEM_ADDED ? "item-added" : "item-removed", -1, -1);
      g_signal_emit (self, signals[signal], 0, &values[i]);
      /* Released after its emission: handlers clean up here. */
      g_value_unset (&values[i]);
    }
}

/* The list model -------------------------------------------------------- */

/* One item of the model: its payload (the index's key) and, once asked
 * for, the object that shows it. */
typedef struct
{
  gpointer payload;
  GObject *object;
} ModelEntry;

static void
model_entry_free (gpointer data)
{
  ModelEntry *entry = data;

  g_clear_object (&entry->object);
  g_free (entry);
}

/* Empties the index, freeing its payloads (the entries share them). */
static void
model_forget_all (SpSharedSet *self)
{
  GHashTableIter iter;
  gpointer       payload;

  g_hash_table_iter_init (&iter, self->model_index);
  while (g_hash_table_iter_next (&iter, &payload, NULL))
    {
      g_hash_table_iter_steal (&iter);
      sp_set_items_free_item (self->items, payload);
    }
}

static void
model_changed (SpSharedSet *self, guint position, guint removed, guint added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
model_add (SpSharedSet *self, const GValue *values, guint n_values)
{
  guint position = g_sequence_get_length (self->model);
  guint added = 0;

  for (guint i = 0; i < n_values; i++)
    {
      ModelEntry *entry = g_new0 (ModelEntry, 1);

      if (!sp_set_items_make_item (self->items, &values[i], &entry->payload, NULL))
        g_assert_not_reached ();
      g_hash_table_insert (self->model_index, entry->payload,
                           g_sequence_append (self->model, entry));
      added++;
    }

  if (added > 0)
    model_changed (self, position, 0, added);
}

static void
model_remove (SpSharedSet *self, const GValue *values, guint n_values)
{
  guint length = g_sequence_get_length (self->model);

  /* Everything at once (a clear, a close): one change. */
  if (n_values == length && length > 0)
    {
      model_forget_all (self);
      g_sequence_remove_range (g_sequence_get_begin_iter (self->model),
                               g_sequence_get_end_iter (self->model));
      model_changed (self, 0, length, 0);
      return;
    }

  for (guint i = 0; i < n_values; i++)
    {
      gpointer       key = NULL, payload;
      GSequenceIter *iter;

      if (!sp_set_items_make_item (self->items, &values[i], &key, NULL))
        g_assert_not_reached ();
      if (g_hash_table_steal_extended (self->model_index, key, &payload, (gpointer *) &iter))
        {
          guint position = g_sequence_iter_get_position (iter);

          g_sequence_remove (iter);
          sp_set_items_free_item (self->items, payload);
          model_changed (self, position, 1, 0);
        }
      sp_set_items_free_item (self->items, key);
    }
}

/* Whether the announced items are the items: no change waits for its
 * announcement, and none can start (the caller holds the lock). */
static void
model_build_locked (SpSharedSet *self)
{
  g_autofree GValue *values = NULL;
  guint              n;

  values = sp_set_items_snapshot_in_order (self->items, &n);
  self->model = g_sequence_new (model_entry_free);
  self->model_index = sp_set_items_new_index (self->items);
  for (guint i = 0; i < n; i++)
    {
      ModelEntry *entry = g_new0 (ModelEntry, 1);

      if (!sp_set_items_make_item (self->items, &values[i], &entry->payload, NULL))
        g_assert_not_reached ();
      g_hash_table_insert (self->model_index, entry->payload,
                           g_sequence_append (self->model, entry));
      g_value_unset (&values[i]);
    }
}

static void
model_build_held (gpointer data)
{
  model_build_locked (data);
}

static void
model_built (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SpSharedSet) self = user_data;
  guint n;

  self->model_building = FALSE;
  if (self->model == NULL)
    {
      /* Closed first: a closed set is empty. */
      self->model = g_sequence_new (model_entry_free);
      self->model_index = sp_set_items_new_index (self->items);
      return;
    }

  n = g_sequence_get_length (self->model);
  if (n > 0)
    model_changed (self, 0, 0, n);
}

/* The model is built when it is first used, so that a set nobody lists
 * pays nothing for it (keeping it for every set cost 24% more
 * instructions per add). It must start from the items as announced: at
 * once if the lock is free and no announcement is pending; otherwise
 * under the shared lock, taken in turn, whose grant reaches the owner
 * context after every announcement of the changes before it. Until then
 * the model is empty, and it then announces its items with one
 * ::items-changed. */
static void
model_ensure (SpSharedSet *self)
{
  g_autoptr (SpGuard) guard = NULL;

  if (self->model != NULL || self->model_building)
    return;

  /* The model belongs to the owner context; elsewhere it would race with
   * the announcements that change it. */
  if (!_sp_shared_object_in_owner_context (self->inner))
    {
      g_critical ("The list model of shared set “%s” is used outside its owner context",
                  set_display_name (self));
      return;
    }

  guard = sp_shared_object_try_lock (self->inner, SP_LOCK_MODE_SHARED);
  if (guard != NULL && g_atomic_int_get (&self->emissions_pending) == 0)
    {
      model_build_locked (self);
      sp_guard_release (guard);
      return;
    }
  if (guard != NULL)
    sp_guard_release (guard);

  self->model_building = TRUE;
  g_main_context_push_thread_default (self->owner_context);
  _sp_shared_object_run_held_async (
      self->inner, SP_LOCK_MODE_SHARED, 0, NULL, G_OBJECT (self), "list", model_build_held, self,
      NULL, model_built, g_object_ref (self), model_ensure, "[sharedpotato] build the list model");
  g_main_context_pop_thread_default (self->owner_context);
}

static GType
sp_shared_set_list_model_get_item_type (GListModel *model)
{
  SpSharedSet *self = SP_SHARED_SET (model);

  return g_type_is_a (self->item_type, G_TYPE_OBJECT) ? self->item_type : SP_TYPE_SET_ITEM;
}

static guint
sp_shared_set_list_model_get_n_items (GListModel *model)
{
  SpSharedSet *self = SP_SHARED_SET (model);

  model_ensure (self);
  return self->model != NULL ? g_sequence_get_length (self->model) : 0;
}

static gpointer
sp_shared_set_list_model_get_item (GListModel *model, guint position)
{
  SpSharedSet   *self = SP_SHARED_SET (model);
  GSequenceIter *iter;
  ModelEntry    *entry;

  model_ensure (self);
  if (self->model == NULL)
    return NULL;
  iter = g_sequence_get_iter_at_pos (self->model, position);
  if (g_sequence_iter_is_end (iter))
    return NULL;

  entry = g_sequence_get (iter);
  if (entry->object == NULL)
    {
      GValue value = G_VALUE_INIT;

      sp_set_items_copy_to_value (self->items, entry->payload, &value);
      if (G_VALUE_HOLDS_OBJECT (&value))
        {
          entry->object = g_value_dup_object (&value);
          g_value_unset (&value);
        }
      else
        entry->object = G_OBJECT (_sp_set_item_new_take (&value));
    }

  return g_object_ref (entry->object);
}

static void
sp_shared_set_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sp_shared_set_list_model_get_item_type;
  iface->get_n_items = sp_shared_set_list_model_get_n_items;
  iface->get_item = sp_shared_set_list_model_get_item;
}

static void
emission_run (SpDispatchItem *item)
{
  SpSetEmission *emission = (SpSetEmission *) item;

  /* The model changes first: an item that leaves has left the model when
   * ::item-removed runs, and the set's reference is then the last. */
  if (emission->self->model != NULL && emission->signal == SIGNAL_ITEM_ADDED)
    model_add (emission->self, emission->values, emission->n_values);
  else if (emission->self->model != NULL)
    model_remove (emission->self, emission->values, emission->n_values);
  emit_items (emission->self, emission->signal, emission->values, emission->n_values);
  g_atomic_int_add (&emission->self->emissions_pending, -1);
  g_object_unref (emission->self);
  g_free (emission);
}

static SpSetEmission *
emission_new (SpSharedSet *self, guint signal, guint n_values)
{
  SpSetEmission *emission = g_malloc0 (sizeof *emission + n_values * sizeof (GValue));

  emission->item.func = emission_run;
  emission->self = g_object_ref (self);
  emission->signal = signal;
  emission->n_values = n_values;

  return emission;
}

/* Operations ----------------------------------------------------------- */

/* Performs @op with the lock held in its mode, and pushes what it changed
 * to the owner context before the lock is released. Takes *payload if
 * stored. */
static void
perform_held (SpSharedSet *self, SpSetOp op, gpointer *payload, SpSetOutcome *outcome)
{
  SpSetEmission *emission = NULL;
  gpointer       stored;
  gpointer      *all;
  guint          n;

  switch (op)
    {
    case SP_SET_OP_ADD:
      outcome->flag = sp_set_items_add (self->items, *payload);
      if (outcome->flag)
        {
          emission = emission_new (self, SIGNAL_ITEM_ADDED, 1);
          sp_set_items_copy_to_value (self->items, *payload, &emission->values[0]);
          *payload = NULL;
        }
      break;

    case SP_SET_OP_DISCARD:
      stored = sp_set_items_steal (self->items, *payload);
      outcome->flag = stored != NULL;
      if (stored != NULL)
        {
          emission = emission_new (self, SIGNAL_ITEM_REMOVED, 1);
          sp_set_items_take_to_value (self->items, stored, &emission->values[0]);
        }
      break;

    case SP_SET_OP_CONTAINS:
      outcome->flag = sp_set_items_contains (self->items, *payload);
      break;

    case SP_SET_OP_SIZE:
      outcome->size = sp_set_items_size (self->items);
      break;

    case SP_SET_OP_SNAPSHOT:
      outcome->snapshot = sp_set_items_snapshot (self->items, &outcome->size);
      break;

    case SP_SET_OP_CLEAR:
      all = sp_set_items_steal_all (self->items, &n);
      if (n > 0)
        {
          emission = emission_new (self, SIGNAL_ITEM_REMOVED, n);
          for (guint i = 0; i < n; i++)
            sp_set_items_take_to_value (self->items, all[i], &emission->values[i]);
        }
      g_free (all);
      break;

    default:
      g_assert_not_reached ();
    }

  if (emission != NULL)
    {
      g_atomic_int_inc (&self->emissions_pending);
      sp_dispatcher_push (self->owner_dispatcher, &emission->item);
    }
}

static gboolean
op_takes_item (SpSetOp op)
{
  return op == SP_SET_OP_ADD || op == SP_SET_OP_DISCARD || op == SP_SET_OP_CONTAINS;
}

typedef struct
{
  SpSharedSet *self;
  SpSetOp      op;
  gpointer     payload;
  SpSetOutcome outcome;
} SetCall;

static void
set_call_free (gpointer data)
{
  SetCall *call = data;

  if (call->payload != NULL)
    sp_set_items_free_item (call->self->items, call->payload);
  if (call->outcome.snapshot != NULL)
    sp_set_snapshot_free (call->outcome.snapshot, call->outcome.size);
  g_object_unref (call->self);
  g_free (call);
}

/* The set's lock is an object of its own, which the caller never sees:
 * its errors speak of the set. */
static const SpPublicNames set_public_names = { "SpSharedSet", "shared set" };

/* Runs in the caller's context, at the delivery of the inner object's
 * grant, with its lock held. */
static void
set_call_run_held (gpointer data)
{
  SetCall *call = data;

  perform_held (call->self, call->op, &call->payload, &call->outcome);
}

void
_sp_shared_set_call_async (SpSharedSet        *self,
                           gpointer            source,
                           SpSetOp             op,
                           const GValue       *item,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data,
                           gpointer            source_tag,
                           const char         *name)
{
  GError  *error = NULL;
  gpointer payload = NULL;
  SetCall *call;

  if (op_takes_item (op) && !sp_set_items_make_item (self->items, item, &payload, &error))
    {
      GTask *task = g_task_new (source, NULL, callback, user_data);

      g_task_set_source_tag (task, source_tag);
      g_task_set_name (task, name);
      if (SP_TRACING (self))
        {
          sp_trace_emit (self->inner, self->name, SP_TRACE_CALL, op_name (op), -1, -1);
          sp_trace_emit_failed (self->inner, self->name, op_name (op), -1, error->message);
        }
      /* Created in this iteration, so GTask completes it from an idle,
       * after this function returned. */
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  call = g_new0 (SetCall, 1);
  call->self = g_object_ref (self);
  call->op = op;
  call->payload = payload;

  /* One GTask, the inner object's waiter's, whose source is ours: the
   * work is done where a lock_async callback would do it. */
  _sp_shared_object_run_held_async (self->inner, op_lock_mode (op), timeout_ms, cancellable, source,
                                    op_name (op), set_call_run_held, call, set_call_free, callback,
                                    user_data, source_tag, name);
}

gboolean
_sp_shared_set_call_finish (gpointer      source,
                            GAsyncResult *result,
                            gpointer      source_tag,
                            SpSetOutcome *outcome,
                            GError      **error)
{
  GError  *local_error = NULL;
  SetCall *call;

  memset (outcome, 0, sizeof *outcome);

  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &local_error))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  call = _sp_shared_object_run_held_get_data (result);
  *outcome = call->outcome;
  call->outcome.snapshot = NULL;
  call->outcome.size = 0;

  return TRUE;
}

/* For the try_ calls, which take their guard in the calling thread. */
static gboolean
make_payload (SpSharedSet *self, SpSetOp op, const GValue *item, gpointer *payload, GError **error)
{
  *payload = NULL;

  return !op_takes_item (op) || sp_set_items_make_item (self->items, item, payload, error);
}

static void
perform_and_release (SpSharedSet  *self,
                     SpGuard      *guard,
                     SpSetOp       op,
                     gpointer      payload,
                     SpSetOutcome *outcome)
{
  perform_held (self, op, &payload, outcome);
  sp_guard_release (guard);
  sp_guard_unref (guard);

  if (payload != NULL)
    sp_set_items_free_item (self->items, payload);
}

gboolean
_sp_shared_set_call_sync (SpSharedSet  *self,
                          SpSetOp       op,
                          const GValue *item,
                          int           timeout_ms,
                          GCancellable *cancellable,
                          SpSetOutcome *outcome,
                          const char   *function,
                          GError      **error)
{
  SpSyncCall call;
  gboolean   ok;

  memset (outcome, 0, sizeof *outcome);

  /* Blocks only this thread, on a context of its own, where the call is
   * delivered; refused, with a critical, where it could deadlock. */
  if (!_sp_shared_object_sync_call_begin (self->inner, &call, function, "shared set",
                                          set_display_name (self), error))
    return FALSE;
  _sp_shared_set_call_async (self, self, op, item, timeout_ms, cancellable, sp_sync_call_done,
                             &call, _sp_shared_set_call_sync, function);
  sp_sync_call_wait (&call);
  ok = _sp_shared_set_call_finish (self, call.result, _sp_shared_set_call_sync, outcome, error);
  sp_sync_call_end (&call);

  return ok;
}

gboolean
_sp_shared_set_call_try (SpSharedSet  *self,
                         SpSetOp       op,
                         const GValue *item,
                         SpSetOutcome *outcome,
                         GError      **error)
{
  gpointer payload;
  SpGuard *guard;

  memset (outcome, 0, sizeof *outcome);

  if (!make_payload (self, op, item, &payload, error))
    return FALSE;

  guard = sp_shared_object_try_lock (self->inner, op_lock_mode (op));
  if (guard == NULL)
    {
      if (payload != NULL)
        sp_set_items_free_item (self->items, payload);
      if (sp_shared_object_is_closed (self->inner))
        {
          g_autofree char *call = sp_describe_call (op_name (op), set_display_name (self));

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "Cannot %s: the shared set is closed",
                       call);
        }
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                             "The set is locked or others are waiting for it");
      return FALSE;
    }

  perform_and_release (self, guard, op, payload, outcome);

  return TRUE;
}

/* Close ---------------------------------------------------------------- */

/* The inner object's ::closed, in the owner context, every holder gone:
 * nobody can touch the items any more. */
static void
inner_closed_cb (SpSharedObject *inner, const GValue *final_value, gpointer user_data)
{
  SpSharedSet         *self = user_data;
  g_autofree gpointer *all = NULL;
  g_autofree GValue   *values = NULL;
  guint                n;

  all = sp_set_items_steal_all (self->items, &n);
  values = g_new0 (GValue, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    sp_set_items_take_to_value (self->items, all[i], &values[i]);
  if (self->model != NULL)
    model_remove (self, values, n);
  emit_items (self, SIGNAL_ITEM_REMOVED, values, n);

  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
  g_atomic_int_set (&self->closed_emitted, 1);

  /* The reference dispose took back to close an abandoned set. */
  if (self->auto_closing)
    {
      self->auto_closing = FALSE;
      g_object_unref (self);
    }
}

static void
inner_notify_cb (GObject *inner, GParamSpec *pspec, gpointer user_data)
{
  SpSharedSet *self = user_data;

  if (g_str_equal (pspec->name, "closed"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSED]);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_TIMEOUT]);
}

typedef struct
{
  SpDispatchItem item;
  SpSharedSet   *self;
} AutoClose;

/* In the owner context, so the close's own completion is delivered there
 * too, whichever thread dropped the last reference. */
static void
auto_close_run (SpDispatchItem *item)
{
  AutoClose   *auto_close = (AutoClose *) item;
  SpSharedSet *self = auto_close->self;

  g_main_context_push_thread_default (self->owner_context);
  sp_shared_object_close_async (self->inner, 0, NULL, NULL, NULL);
  g_main_context_pop_thread_default (self->owner_context);
  g_free (auto_close);
}

/* The lifecycle's rule for the last reference (see
 * sp-lifecycle-private.h), with the set's signals: its close is its inner
 * object's, whose holds are the set's. */
static gboolean
close_has_observers (SpSharedSet *self)
{
  return _sp_shared_object_is_close_held (self->inner) ||
         g_signal_has_handler_pending (self, signals[SIGNAL_CLOSED], 0, TRUE) ||
         g_signal_has_handler_pending (self, signals[SIGNAL_ITEM_REMOVED], 0, TRUE) ||
         g_signal_has_handler_pending (self, g_signal_lookup ("notify", G_TYPE_OBJECT),
                                       g_quark_from_static_string ("closed"), TRUE);
}

/* GObject -------------------------------------------------------------- */

static void
sp_shared_set_constructed (GObject *object)
{
  SpSharedSet    *self = (SpSharedSet *) object;
  ConstructFuncs *funcs = g_private_get (&construct_funcs);
  GValue          initial = G_VALUE_INIT;

  G_OBJECT_CLASS (sp_shared_set_parent_class)->constructed (object);

  /* Bindings construct through properties. A type the set cannot hold is
   * a programmer error, but the set stays safe to use: every item is
   * then refused with INVALID_ARGUMENT. */
  if (sp_set_kind_for_type (self->item_type) == SP_SET_KIND_INVALID)
    g_critical ("SpSharedSet “%s” constructed with item type %s, which a set cannot hold",
                self->name ? self->name : "", g_type_name (self->item_type));
  else if (funcs == NULL && !sp_set_kind_has_defaults (self->item_type))
    g_critical ("SpSharedSet “%s”: items of type %s need a hash/equal pair; "
                "use sp_shared_set_new_full()",
                self->name ? self->name : "", g_type_name (self->item_type));

  self->items =
      sp_set_items_new (self->item_type, funcs ? funcs->hash : NULL, funcs ? funcs->equal : NULL);

  g_value_init (&initial, SP_TYPE_SET_ITEMS);
  g_value_set_boxed (&initial, self->items);
  self->inner = sp_shared_object_new_full (SP_TYPE_SET_ITEMS, self->name, &initial, NULL);
  sp_set_public_names (self->inner, &set_public_names);
  g_value_unset (&initial);

  self->owner_context = g_main_context_ref_thread_default ();
  self->owner_dispatcher = sp_dispatcher_get_for_context (self->owner_context);
  self->trace = sp_trace_wanted ();

  self->inner_handlers[0] =
      g_signal_connect (self->inner, "closed", G_CALLBACK (inner_closed_cb), self);
  self->inner_handlers[1] =
      g_signal_connect (self->inner, "notify::closed", G_CALLBACK (inner_notify_cb), self);
  self->inner_handlers[2] =
      g_signal_connect (self->inner, "notify::default-timeout", G_CALLBACK (inner_notify_cb), self);
}

static void
sp_shared_set_dispose (GObject *object)
{
  SpSharedSet *self = (SpSharedSet *) object;

  /* Observed and not closed yet, or closing (a close whose call gave
   * up, whose ::closed is still to come): alive again until ::closed has
   * run in the owner context. */
  if (self->inner != NULL && !self->auto_closing && !g_atomic_int_get (&self->closed_emitted) &&
      close_has_observers (self))
    {
      self->auto_closing = TRUE;
      g_object_ref (self);
      if (!sp_shared_object_is_closed (self->inner))
        {
          AutoClose *auto_close = g_new0 (AutoClose, 1);

          auto_close->item.func = auto_close_run;
          auto_close->self = self;
          sp_dispatcher_push (self->owner_dispatcher, &auto_close->item);
        }
      return;
    }

  if (self->inner != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->inner_handlers); i++)
        g_clear_signal_handler (&self->inner_handlers[i], self->inner);
    }

  G_OBJECT_CLASS (sp_shared_set_parent_class)->dispose (object);
}

static void
sp_shared_set_finalize (GObject *object)
{
  SpSharedSet *self = (SpSharedSet *) object;

  /* An open inner object nobody observes any more closes on the spot. */
  g_clear_object (&self->inner);
  /* Before the items, which know how to free the index's payloads. */
  if (self->model_index != NULL)
    {
      model_forget_all (self);
      g_clear_pointer (&self->model_index, g_hash_table_unref);
    }
  g_clear_pointer (&self->model, g_sequence_free);
  g_clear_pointer (&self->items, sp_set_items_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->owner_context, g_main_context_unref);

  G_OBJECT_CLASS (sp_shared_set_parent_class)->finalize (object);
}

static void
sp_shared_set_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SpSharedSet *self = SP_SHARED_SET (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, self->item_type);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_DEFAULT_TIMEOUT:
      g_value_set_int (value, sp_shared_set_get_default_timeout (self));
      break;

    case PROP_CLOSED:
      g_value_set_boolean (value, sp_shared_set_is_closed (self));
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_shared_set_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SpSharedSet *self = SP_SHARED_SET (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      self->item_type = g_value_get_gtype (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_DEFAULT_TIMEOUT:
      sp_shared_set_set_default_timeout (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_shared_set_class_init (SpSharedSetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sp_shared_set_constructed;
  object_class->dispose = sp_shared_set_dispose;
  object_class->finalize = sp_shared_set_finalize;
  object_class->get_property = sp_shared_set_get_property;
  object_class->set_property = sp_shared_set_set_property;

  /**
   * SpSharedSet:item-type:
   *
   * The type of the items. Items of other types are converted with
   * g_value_transform() when they are added or looked up, or refused with
   * %G_IO_ERROR_INVALID_ARGUMENT. A conversion between numbers that would lose information (a
   * fraction into an integer, a value out of range, a negative number into an unsigned type) is
   * refused the same way; rounding into a float is not a loss.
   *
   * Since: 1.0
   */
  properties[PROP_ITEM_TYPE] =
      g_param_spec_gtype ("item-type", NULL, NULL, G_TYPE_NONE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedSet:name:
   *
   * A name for the set, used in messages and traces.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
      g_param_spec_string ("name", NULL, NULL, NULL,
                           (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedSet:default-timeout:
   *
   * The timeout, in milliseconds, of calls made with a `timeout_ms` of -1.
   * 0 means no timeout. Notified in the owner context.
   *
   * Since: 1.0
   */
  properties[PROP_DEFAULT_TIMEOUT] =
      g_param_spec_int ("default-timeout", NULL, NULL, 0, G_MAXINT, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedSet:closed:
   *
   * Whether [method@Sharedpotato.SharedSet.close_async] was called. From
   * then on every new call fails with %G_IO_ERROR_CLOSED.
   * Notified in the owner context.
   *
   * Since: 1.0
   */
  properties[PROP_CLOSED] = g_param_spec_boolean ("closed", NULL, NULL, FALSE,
                                                  (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SpSharedSet:n-items:
   *
   * The number of items of the set's [iface@Gio.ListModel]: the items as
   * announced in the owner context. Read it there; it is notified there,
   * with [signal@Gio.ListModel::items-changed].
   *
   * Since: 1.0
   */
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                                (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SpSharedSet::item-added:
   * @self: the set
   * @item: the item added
   *
   * Emitted after an add put a new item in the set.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ITEM_ADDED] =
      g_signal_new ("item-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, G_TYPE_VALUE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SpSharedSet::item-removed:
   * @self: the set
   * @item: the item removed
   *
   * Emitted after an item left the set: by a discard, a clear (once per
   * item), or a close (once per item left). This is the place to clean up
   * an item: the set's own reference or copy is released after the
   * emission.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ITEM_REMOVED] =
      g_signal_new ("item-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_VALUE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SpSharedSet::closed:
   * @self: the set
   *
   * Emitted once, when the set is closed and the last operation holding
   * its lock has finished, after
   * [signal@Sharedpotato.SharedSet::item-removed] for each item that was
   * left. A handler with asynchronous cleanup to do delays the completion
   * of the close with [method@Sharedpotato.SharedSet.hold_close].
   *
   * Since: 1.0
   */
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sp_shared_set_init (SpSharedSet *self)
{
}

/* Public API ----------------------------------------------------------- */

/**
 * sp_shared_set_new:
 * @item_type: the type of the items: %G_TYPE_STRING, an integer type
 *   (%G_TYPE_INT, %G_TYPE_INT64, %G_TYPE_UINT, ..., %G_TYPE_BOOLEAN, an
 *   enumeration or flags type), an object or interface type (items are
 *   compared by identity) or %G_TYPE_BYTES
 *
 * Creates an empty set. Other boxed types need a hash/equal pair: see
 * [ctor@Sharedpotato.SharedSet.new_full].
 *
 * Signals and property notifications of the set are emitted in the
 * thread-default main context of the thread calling this.
 *
 * Returns: (transfer full): a new #SpSharedSet
 *
 * Since: 1.0
 */
SpSharedSet *
sp_shared_set_new (GType item_type)
{
  g_return_val_if_fail (sp_set_kind_has_defaults (item_type), NULL);

  return g_object_new (SP_TYPE_SHARED_SET, "item-type", item_type, NULL);
}

/**
 * sp_shared_set_new_full: (skip)
 * @item_type: the type of the items
 * @name: (nullable): a name used in messages and traces
 * @hash_func: (nullable): hashes an item, or %NULL for the default of
 *   @item_type
 * @equal_func: (nullable): compares two items, or %NULL for the default of
 *   @item_type
 *
 * Creates an empty set with a name and, for boxed item types, the
 * functions that hash and compare the items. They receive the items' C
 * pointers (a `const char *`, a `GObject *`, a boxed pointer) and may be
 * called from any thread that uses the set, with its lock held, and in
 * the owner context without it, on copies of the items, for the set's
 * list model; they must be pure functions of the items and must not call
 * into the set. Integer item types take no functions.
 *
 * This function is for C. Bindings create a named set with the
 * [property@Sharedpotato.SharedSet:item-type] and
 * [property@Sharedpotato.SharedSet:name] properties; their boxed items
 * are limited to [struct@GLib.Bytes].
 *
 * Returns: (transfer full): a new #SpSharedSet
 *
 * Since: 1.0
 */
SpSharedSet *
sp_shared_set_new_full (GType       item_type,
                        const char *name,
                        GHashFunc   hash_func,
                        GEqualFunc  equal_func)
{
  ConstructFuncs funcs = { hash_func, equal_func };
  SpSetKind      kind = sp_set_kind_for_type (item_type);
  SpSharedSet   *self;

  g_return_val_if_fail (kind != SP_SET_KIND_INVALID, NULL);
  g_return_val_if_fail ((hash_func == NULL) == (equal_func == NULL), NULL);
  g_return_val_if_fail (hash_func == NULL || kind != SP_SET_KIND_INTEGER, NULL);
  g_return_val_if_fail (hash_func != NULL || sp_set_kind_has_defaults (item_type), NULL);

  g_private_set (&construct_funcs, hash_func != NULL ? &funcs : NULL);
  self = g_object_new (SP_TYPE_SHARED_SET, "item-type", item_type, "name", name, NULL);
  g_private_set (&construct_funcs, NULL);

  return self;
}

/**
 * sp_shared_set_get_item_type:
 * @self: a #SpSharedSet
 *
 * Gets [property@Sharedpotato.SharedSet:item-type].
 *
 * Returns: the type of the items
 *
 * Since: 1.0
 */
GType
sp_shared_set_get_item_type (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), G_TYPE_INVALID);

  return self->item_type;
}

/**
 * sp_shared_set_get_name:
 * @self: a #SpSharedSet
 *
 * Gets [property@Sharedpotato.SharedSet:name].
 *
 * Returns: (nullable): the name of the set
 *
 * Since: 1.0
 */
const char *
sp_shared_set_get_name (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), NULL);

  return self->name;
}

/**
 * sp_shared_set_get_default_timeout:
 * @self: a #SpSharedSet
 *
 * Gets [property@Sharedpotato.SharedSet:default-timeout].
 *
 * Returns: the default timeout in milliseconds, 0 for none
 *
 * Since: 1.0
 */
int
sp_shared_set_get_default_timeout (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), 0);

  return sp_shared_object_get_default_timeout (self->inner);
}

/**
 * sp_shared_set_set_default_timeout:
 * @self: a #SpSharedSet
 * @timeout_ms: the timeout in milliseconds, 0 for none
 *
 * Sets [property@Sharedpotato.SharedSet:default-timeout], which calls
 * made with a `timeout_ms` of -1 use. Calls already made keep theirs.
 *
 * Since: 1.0
 */
void
sp_shared_set_set_default_timeout (SpSharedSet *self, int timeout_ms)
{
  g_return_if_fail (SP_IS_SHARED_SET (self));
  g_return_if_fail (timeout_ms >= 0);

  sp_shared_object_set_default_timeout (self->inner, timeout_ms);
}

/**
 * sp_shared_set_get_stats:
 * @self: a #SpSharedSet
 *
 * Takes a snapshot of the counters of the set's lock: contains, size and
 * snapshot count as reads, add, discard and clear as writes, with the
 * waits, timeouts, cancellations, queue and hold times of
 * [method@Sharedpotato.SharedObject.get_stats].
 *
 * Returns: (transfer full): a new #SpStats
 *
 * Since: 1.0
 */
SpStats *
sp_shared_set_get_stats (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), NULL);

  return sp_shared_object_get_stats (self->inner);
}

/**
 * sp_shared_set_is_closed:
 * @self: a #SpSharedSet
 *
 * Gets [property@Sharedpotato.SharedSet:closed].
 *
 * Returns: whether the set was closed
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_is_closed (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);

  return sp_shared_object_is_closed (self->inner);
}

/**
 * sp_set_snapshot_free: (skip)
 * @items: (array length=n_items) (transfer full) (nullable): a snapshot
 * @n_items: the number of items in it
 *
 * Frees a snapshot returned by
 * [method@Sharedpotato.SharedSet.snapshot_finish] or another snapshot
 * call: unsets every item and frees the array. %NULL is ignored.
 *
 * Since: 1.0
 */
void
sp_set_snapshot_free (GValue *items, guint n_items)
{
  if (items == NULL)
    return;

  for (guint i = 0; i < n_items; i++)
    g_value_unset (&items[i]);
  g_free (items);
}

#define CHECK_CALL(self, timeout_ms, cancellable)                                                  \
 g_return_if_fail (SP_IS_SHARED_SET (self));                                                       \
 g_return_if_fail (timeout_ms >= -1);                                                              \
 g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable))

/**
 * sp_shared_set_add_async:
 * @self: a #SpSharedSet
 * @item: the item to add; converted to
 *   [property@Sharedpotato.SharedSet:item-type] if needed
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the item is in the set
 * @user_data: data for @callback
 *
 * Adds a copy of @item (a reference, for an object) if the set does not
 * hold an equal item yet, taking the lock exclusively for the moment.
 * [signal@Sharedpotato.SharedSet::item-added] follows in the owner
 * context.
 *
 * An item that cannot be converted, or %NULL, fails with
 * %G_IO_ERROR_INVALID_ARGUMENT; the call also fails with
 * %G_IO_ERROR_TIMED_OUT, %G_IO_ERROR_CANCELLED or
 * %G_IO_ERROR_CLOSED, and then changes nothing.
 *
 * Since: 1.0
 */
void
sp_shared_set_add_async (SpSharedSet        *self,
                         const GValue       *item,
                         int                 timeout_ms,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  CHECK_CALL (self, timeout_ms, cancellable);
  g_return_if_fail (G_IS_VALUE (item));

  _sp_shared_set_call_async (self, self, SP_SET_OP_ADD, item, timeout_ms, cancellable, callback,
                             user_data, sp_shared_set_add_async, "sp_shared_set_add_async");
}

/**
 * sp_shared_set_add_finish:
 * @self: a #SpSharedSet
 * @result: the #GAsyncResult passed to the callback
 * @added: (out) (optional): %TRUE if the item was new, %FALSE if the set
 *   already held an equal item
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedSet.add_async].
 *
 * The return value says whether the call succeeded and @added what it
 * did, so that a C caller tells "already there" from a failure the GIO
 * way (%FALSE always comes with @error), while bindings, which turn @error
 * into an exception, are left with @added: PyGObject returns it alone.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_add_finish (SpSharedSet *self, GAsyncResult *result, gboolean *added, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_shared_set_add_async, &outcome, error);
  if (added != NULL)
    *added = outcome.flag;

  return ok;
}

/**
 * sp_shared_set_discard_async:
 * @self: a #SpSharedSet
 * @item: the item to remove; converted to
 *   [property@Sharedpotato.SharedSet:item-type] if needed
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the item is no longer in the set
 * @user_data: data for @callback
 *
 * Removes the item equal to @item, if the set holds one, taking the lock
 * exclusively for the moment. [signal@Sharedpotato.SharedSet::item-removed]
 * follows in the owner context. Errors are those of
 * [method@Sharedpotato.SharedSet.add_async].
 *
 * Since: 1.0
 */
void
sp_shared_set_discard_async (SpSharedSet        *self,
                             const GValue       *item,
                             int                 timeout_ms,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  CHECK_CALL (self, timeout_ms, cancellable);
  g_return_if_fail (G_IS_VALUE (item));

  _sp_shared_set_call_async (self, self, SP_SET_OP_DISCARD, item, timeout_ms, cancellable, callback,
                             user_data, sp_shared_set_discard_async, "sp_shared_set_discard_async");
}

/**
 * sp_shared_set_discard_finish:
 * @self: a #SpSharedSet
 * @result: the #GAsyncResult passed to the callback
 * @removed: (out) (optional): %TRUE if the item was in the set
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedSet.discard_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_discard_finish (SpSharedSet  *self,
                              GAsyncResult *result,
                              gboolean     *removed,
                              GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_shared_set_discard_async, &outcome, error);
  if (removed != NULL)
    *removed = outcome.flag;

  return ok;
}

/**
 * sp_shared_set_contains_async:
 * @self: a #SpSharedSet
 * @item: the item to look for; converted to
 *   [property@Sharedpotato.SharedSet:item-type] if needed
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the answer
 * @user_data: data for @callback
 *
 * Tells whether the set holds an item equal to @item, taking the lock
 * shared.
 *
 * Since: 1.0
 */
void
sp_shared_set_contains_async (SpSharedSet        *self,
                              const GValue       *item,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  CHECK_CALL (self, timeout_ms, cancellable);
  g_return_if_fail (G_IS_VALUE (item));

  _sp_shared_set_call_async (self, self, SP_SET_OP_CONTAINS, item, timeout_ms, cancellable,
                             callback, user_data, sp_shared_set_contains_async,
                             "sp_shared_set_contains_async");
}

/**
 * sp_shared_set_contains_finish:
 * @self: a #SpSharedSet
 * @result: the #GAsyncResult passed to the callback
 * @contains: (out) (optional): whether the set held the item
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedSet.contains_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_contains_finish (SpSharedSet  *self,
                               GAsyncResult *result,
                               gboolean     *contains,
                               GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_shared_set_contains_async, &outcome, error);
  if (contains != NULL)
    *contains = outcome.flag;

  return ok;
}

/**
 * sp_shared_set_size_async:
 * @self: a #SpSharedSet
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the size
 * @user_data: data for @callback
 *
 * Counts the items, taking the lock shared.
 *
 * Since: 1.0
 */
void
sp_shared_set_size_async (SpSharedSet        *self,
                          int                 timeout_ms,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  CHECK_CALL (self, timeout_ms, cancellable);

  _sp_shared_set_call_async (self, self, SP_SET_OP_SIZE, NULL, timeout_ms, cancellable, callback,
                             user_data, sp_shared_set_size_async, "sp_shared_set_size_async");
}

/**
 * sp_shared_set_size_finish:
 * @self: a #SpSharedSet
 * @result: the #GAsyncResult passed to the callback
 * @size: (out) (optional): the number of items
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedSet.size_async].
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_size_finish (SpSharedSet *self, GAsyncResult *result, guint *size, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);

  ok = _sp_shared_set_call_finish (self, result, sp_shared_set_size_async, &outcome, error);
  if (size != NULL)
    *size = outcome.size;

  return ok;
}

/**
 * sp_shared_set_snapshot_async:
 * @self: a #SpSharedSet
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the copy
 * @user_data: data for @callback
 *
 * Copies the items, taking the lock shared. The copy belongs to the
 * caller: iterating it needs no lock, and later changes of the set do
 * not show in it. Items are in no particular order.
 *
 * Since: 1.0
 */
void
sp_shared_set_snapshot_async (SpSharedSet        *self,
                              int                 timeout_ms,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  CHECK_CALL (self, timeout_ms, cancellable);

  _sp_shared_set_call_async (self, self, SP_SET_OP_SNAPSHOT, NULL, timeout_ms, cancellable,
                             callback, user_data, sp_shared_set_snapshot_async,
                             "sp_shared_set_snapshot_async");
}

/**
 * sp_shared_set_snapshot_finish:
 * @self: a #SpSharedSet
 * @result: the #GAsyncResult passed to the callback
 * @n_items: (out): the number of items copied
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedSet.snapshot_async].
 *
 * In C, free the copy with sp_set_snapshot_free().
 *
 * Returns: (transfer full) (array length=n_items) (nullable): a copy of
 *   every item, in no particular order (an empty array, not %NULL, for an
 *   empty set), or %NULL with @error set
 *
 * Since: 1.0
 */
GValue *
sp_shared_set_snapshot_finish (SpSharedSet  *self,
                               GAsyncResult *result,
                               guint        *n_items,
                               GError      **error)
{
  SpSetOutcome outcome;

  g_return_val_if_fail (SP_IS_SHARED_SET (self), NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  _sp_shared_set_call_finish (self, result, sp_shared_set_snapshot_async, &outcome, error);
  *n_items = outcome.size;

  return outcome.snapshot;
}

/**
 * sp_shared_set_clear_async:
 * @self: a #SpSharedSet
 * @timeout_ms: milliseconds to wait for the lock at most; 0 for no limit,
 *   -1 for [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the set is empty
 * @user_data: data for @callback
 *
 * Removes every item, taking the lock exclusively for the moment.
 * [signal@Sharedpotato.SharedSet::item-removed] follows in the owner
 * context, once per item.
 *
 * Since: 1.0
 */
void
sp_shared_set_clear_async (SpSharedSet        *self,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  CHECK_CALL (self, timeout_ms, cancellable);

  _sp_shared_set_call_async (self, self, SP_SET_OP_CLEAR, NULL, timeout_ms, cancellable, callback,
                             user_data, sp_shared_set_clear_async, "sp_shared_set_clear_async");
}

/**
 * sp_shared_set_clear_finish:
 * @self: a #SpSharedSet
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedSet.clear_async].
 *
 * Returns: %TRUE if the set was cleared
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_clear_finish (SpSharedSet *self, GAsyncResult *result, GError **error)
{
  SpSetOutcome outcome;

  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);

  return _sp_shared_set_call_finish (self, result, sp_shared_set_clear_async, &outcome, error);
}

static void
close_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (sp_shared_object_close_finish (SP_SHARED_OBJECT (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sp_shared_set_close_async:
 * @self: a #SpSharedSet
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the set is closed
 * @user_data: data for @callback
 *
 * Closes the set, as [method@Sharedpotato.SharedObject.close_async] closes
 * an object. At once, every new call and every queued call fails with
 * %G_IO_ERROR_CLOSED. When the operations already granted
 * have finished, [signal@Sharedpotato.SharedSet::item-removed] is emitted
 * for every item left, then [signal@Sharedpotato.SharedSet::closed], and
 * the close completes when every close hold is released.
 *
 * Closing a set that is closing or closed succeeds. If the close call
 * times out or is cancelled it reports so, but the set still finishes
 * closing. Dropping the last reference to an open set closes it the same
 * way when anyone observes it.
 *
 * Since: 1.0
 */
void
sp_shared_set_close_async (SpSharedSet        *self,
                           int                 timeout_ms,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  GTask *task;

  CHECK_CALL (self, timeout_ms, cancellable);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, sp_shared_set_close_async);
  g_task_set_name (task, "sp_shared_set_close_async");
  sp_shared_object_close_async (self->inner, timeout_ms, cancellable, close_done, task);
}

/**
 * sp_shared_set_close_finish:
 * @self: a #SpSharedSet
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedSet.close_async].
 *
 * Returns: %TRUE if the set is closed
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_close_finish (SpSharedSet *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sp_shared_set_close_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sp_shared_set_hold_close:
 * @self: a #SpSharedSet that has not finished closing
 *
 * Delays the completion of a close, typically from a
 * [signal@Sharedpotato.SharedSet::closed] handler with asynchronous
 * cleanup to do, as [method@Sharedpotato.SharedObject.hold_close] does.
 * Each hold keeps a reference on @self until it is released with
 * [method@Sharedpotato.SharedSet.release_close].
 *
 * Since: 1.0
 */
void
sp_shared_set_hold_close (SpSharedSet *self)
{
  g_return_if_fail (SP_IS_SHARED_SET (self));

  /* The close is the inner object's; each hold keeps the set alive. */
  _sp_shared_object_hold_close_for (self->inner, G_OBJECT (self), "shared set", G_STRFUNC);
}

/**
 * sp_shared_set_release_close:
 * @self: a #SpSharedSet
 *
 * Releases a hold taken with [method@Sharedpotato.SharedSet.hold_close].
 * When the last is released, a close in progress completes.
 *
 * Since: 1.0
 */
void
sp_shared_set_release_close (SpSharedSet *self)
{
  g_return_if_fail (SP_IS_SHARED_SET (self));

  _sp_shared_object_release_close_for (self->inner, G_OBJECT (self), "shared set", G_STRFUNC);
}

/**
 * sp_shared_set_try_add:
 * @self: a #SpSharedSet
 * @item: the item to add
 * @added: (out) (optional): %TRUE if the item was new
 * @error: return location for a #GError
 *
 * Adds @item at once if that needs no waiting: no operation holds the
 * set's lock or waits for it. Never waits and never iterates a main
 * context; [signal@Sharedpotato.SharedSet::item-added] still follows in
 * the owner context.
 *
 * Returns: (skip): %TRUE on success; %FALSE with
 *   %G_IO_ERROR_WOULD_BLOCK when it would have to wait,
 *   %G_IO_ERROR_CLOSED or
 *   %G_IO_ERROR_INVALID_ARGUMENT
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_try_add (SpSharedSet *self, const GValue *item, gboolean *added, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _sp_shared_set_call_try (self, SP_SET_OP_ADD, item, &outcome, error);
  if (added != NULL)
    *added = outcome.flag;

  return ok;
}

/**
 * sp_shared_set_try_discard:
 * @self: a #SpSharedSet
 * @item: the item to remove
 * @removed: (out) (optional): %TRUE if the item was in the set
 * @error: return location for a #GError
 *
 * Removes @item at once if that needs no waiting, as
 * [method@Sharedpotato.SharedSet.try_add] adds.
 *
 * Returns: (skip): %TRUE on success; %FALSE with @error set, as for
 *   [method@Sharedpotato.SharedSet.try_add]
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_try_discard (SpSharedSet *self, const GValue *item, gboolean *removed, GError **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _sp_shared_set_call_try (self, SP_SET_OP_DISCARD, item, &outcome, error);
  if (removed != NULL)
    *removed = outcome.flag;

  return ok;
}

/**
 * sp_shared_set_try_contains:
 * @self: a #SpSharedSet
 * @item: the item to look for
 * @contains: (out) (optional): whether the set holds the item
 * @error: return location for a #GError
 *
 * Looks @item up at once if that needs no waiting: no writer holds the
 * set's lock or waits for it.
 *
 * Returns: (skip): %TRUE on success; %FALSE with @error set, as for
 *   [method@Sharedpotato.SharedSet.try_add]
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_try_contains (SpSharedSet  *self,
                            const GValue *item,
                            gboolean     *contains,
                            GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  g_return_val_if_fail (SP_IS_SHARED_SET (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _sp_shared_set_call_try (self, SP_SET_OP_CONTAINS, item, &outcome, error);
  if (contains != NULL)
    *contains = outcome.flag;

  return ok;
}

#define CHECK_SYNC(self, timeout_ms, cancellable, error, fail)                                     \
 SP_SET_CHECK_SYNC (SP_IS_SHARED_SET, self, timeout_ms, cancellable, error, fail)

/**
 * sp_shared_set_add_sync:
 * @self: a #SpSharedSet
 * @item: the item to add
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @added: (out) (optional): %TRUE if the item was new
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedSet.add_async], for
 * worker threads: it blocks the calling thread only. Like the blocking
 * twins of [class@Sharedpotato.SharedObject] (see
 * [method@Sharedpotato.SharedObject.get_sync]), it must not be called from
 * the set's owner context: there it logs a critical and returns %FALSE
 * without setting @error.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_add_sync (SpSharedSet  *self,
                        const GValue *item,
                        int           timeout_ms,
                        GCancellable *cancellable,
                        gboolean     *added,
                        GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  CHECK_SYNC (self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  ok = _sp_shared_set_call_sync (self, SP_SET_OP_ADD, item, timeout_ms, cancellable, &outcome,
                                 G_STRFUNC, error);
  if (added != NULL)
    *added = outcome.flag;

  return ok;
}

/**
 * sp_shared_set_discard_sync:
 * @self: a #SpSharedSet
 * @item: the item to remove
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @removed: (out) (optional): %TRUE if the item was in the set
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedSet.discard_async]; see
 * [method@Sharedpotato.SharedSet.add_sync] for where it may be called.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_discard_sync (SpSharedSet  *self,
                            const GValue *item,
                            int           timeout_ms,
                            GCancellable *cancellable,
                            gboolean     *removed,
                            GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  CHECK_SYNC (self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  ok = _sp_shared_set_call_sync (self, SP_SET_OP_DISCARD, item, timeout_ms, cancellable, &outcome,
                                 G_STRFUNC, error);
  if (removed != NULL)
    *removed = outcome.flag;

  return ok;
}

/**
 * sp_shared_set_contains_sync:
 * @self: a #SpSharedSet
 * @item: the item to look for
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @contains: (out) (optional): whether the set holds the item
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedSet.contains_async];
 * see [method@Sharedpotato.SharedSet.add_sync] for where it may be called.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_contains_sync (SpSharedSet  *self,
                             const GValue *item,
                             int           timeout_ms,
                             GCancellable *cancellable,
                             gboolean     *contains,
                             GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  CHECK_SYNC (self, timeout_ms, cancellable, error, FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);

  ok = _sp_shared_set_call_sync (self, SP_SET_OP_CONTAINS, item, timeout_ms, cancellable, &outcome,
                                 G_STRFUNC, error);
  if (contains != NULL)
    *contains = outcome.flag;

  return ok;
}

/**
 * sp_shared_set_size_sync:
 * @self: a #SpSharedSet
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @size: (out) (optional): the number of items
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedSet.size_async]; see
 * [method@Sharedpotato.SharedSet.add_sync] for where it may be called.
 *
 * Returns: (skip): %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_size_sync (SpSharedSet  *self,
                         int           timeout_ms,
                         GCancellable *cancellable,
                         guint        *size,
                         GError      **error)
{
  SpSetOutcome outcome;
  gboolean     ok;

  CHECK_SYNC (self, timeout_ms, cancellable, error, FALSE);

  ok = _sp_shared_set_call_sync (self, SP_SET_OP_SIZE, NULL, timeout_ms, cancellable, &outcome,
                                 G_STRFUNC, error);
  if (size != NULL)
    *size = outcome.size;

  return ok;
}

/**
 * sp_shared_set_snapshot_sync:
 * @self: a #SpSharedSet
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @n_items: (out): the number of items copied
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedSet.snapshot_async];
 * see [method@Sharedpotato.SharedSet.add_sync] for where it may be called.
 *
 * Returns: (transfer full) (array length=n_items) (nullable): a copy of
 *   every item, or %NULL with @error set
 *
 * Since: 1.0
 */
GValue *
sp_shared_set_snapshot_sync (SpSharedSet  *self,
                             int           timeout_ms,
                             GCancellable *cancellable,
                             guint        *n_items,
                             GError      **error)
{
  SpSetOutcome outcome;

  CHECK_SYNC (self, timeout_ms, cancellable, error, NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  _sp_shared_set_call_sync (self, SP_SET_OP_SNAPSHOT, NULL, timeout_ms, cancellable, &outcome,
                            G_STRFUNC, error);
  *n_items = outcome.size;

  return outcome.snapshot;
}

/**
 * sp_shared_set_clear_sync:
 * @self: a #SpSharedSet
 * @timeout_ms: milliseconds to wait at most; 0 for no limit, -1 for
 *   [property@Sharedpotato.SharedSet:default-timeout]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking twin of [method@Sharedpotato.SharedSet.clear_async]; see
 * [method@Sharedpotato.SharedSet.add_sync] for where it may be called.
 *
 * Returns: %TRUE if the set was cleared
 *
 * Since: 1.0
 */
gboolean
sp_shared_set_clear_sync (SpSharedSet  *self,
                          int           timeout_ms,
                          GCancellable *cancellable,
                          GError      **error)
{
  SpSetOutcome outcome;

  CHECK_SYNC (self, timeout_ms, cancellable, error, FALSE);

  return _sp_shared_set_call_sync (self, SP_SET_OP_CLEAR, NULL, timeout_ms, cancellable, &outcome,
                                   G_STRFUNC, error);
}

/**
 * sp_shared_set_get_query:
 * @self: a #SpSharedSet
 *
 * Creates a [class@Sharedpotato.SetQuery], a view of @self that can only
 * ask whether it contains an item, its size, and for a snapshot.
 *
 * Returns: (transfer full): a new #SpSetQuery
 *
 * Since: 1.0
 */
SpSetQuery *
sp_shared_set_get_query (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), NULL);

  return _sp_set_query_new (self);
}

/**
 * sp_shared_set_get_setter:
 * @self: a #SpSharedSet
 *
 * Creates a [class@Sharedpotato.SetSetter], a view of @self that can only
 * add items.
 *
 * Returns: (transfer full): a new #SpSetSetter
 *
 * Since: 1.0
 */
SpSetSetter *
sp_shared_set_get_setter (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), NULL);

  return _sp_set_setter_new (self);
}

/**
 * sp_shared_set_get_deleter:
 * @self: a #SpSharedSet
 *
 * Creates a [class@Sharedpotato.SetDeleter], a view of @self that can only
 * discard items and clear it.
 *
 * Returns: (transfer full): a new #SpSetDeleter
 *
 * Since: 1.0
 */
SpSetDeleter *
sp_shared_set_get_deleter (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), NULL);

  return _sp_set_deleter_new (self);
}

/**
 * sp_shared_set_get_updater:
 * @self: a #SpSharedSet
 *
 * Creates a [class@Sharedpotato.SetUpdater], a view of @self that can add,
 * discard, clear, look up, count and copy items, but not close it.
 *
 * Returns: (transfer full): a new #SpSetUpdater
 *
 * Since: 1.0
 */
SpSetUpdater *
sp_shared_set_get_updater (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), NULL);

  return _sp_set_updater_new (self);
}

/**
 * sp_shared_set_get_scanner:
 * @self: a #SpSharedSet
 *
 * Creates a [class@Sharedpotato.SetScanner], a view of @self that can only
 * take snapshots to iterate.
 *
 * Returns: (transfer full): a new #SpSetScanner
 *
 * Since: 1.0
 */
SpSetScanner *
sp_shared_set_get_scanner (SpSharedSet *self)
{
  g_return_val_if_fail (SP_IS_SHARED_SET (self), NULL);

  return _sp_set_scanner_new (self);
}
