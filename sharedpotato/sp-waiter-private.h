/* sp-waiter-private.h: an asynchronous call waiting for its turn
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "sp-dispatcher-private.h"
#include "sp-trace-private.h"

G_BEGIN_DECLS

/* The part of a waiting call that SpSharedObject and SpSharedQueue share:
 * its GTask, its cancellable and its timeout, the list it waits in, and
 * the trip of its outcome to the callback through an SpDispatcher. The
 * protocol is at the top of sp-waiter.c; what a waiter waits *for* is its
 * owner's business, told through an SpWaiterClass.
 *
 * An owner embeds SpWaiter first in its own waiter struct.
 */

typedef struct _SpWaiter      SpWaiter;
typedef struct _SpWaiterClass SpWaiterClass;

typedef enum
{
  SP_WAITER_NEW,
  SP_WAITER_WAITING, /* in waiter->list */
  SP_WAITER_DONE,    /* outcome decided, pushed to its dispatcher */
} SpWaiterState;

struct _SpWaiterClass
{
  /* Under the owner's mutex, from sp_waiter_start(): queue the waiter
   * (sp_waiter_wait_locked), or complete or fail it at once. It may
   * already carry an error (a cancellation that came first). */
  void (*enter_locked) (SpWaiter *waiter);
  /* Under the owner's mutex: the waiter just left its list with @code
   * (TIMED_OUT or CANCELLED). Count it and let those it blocked go on;
   * the waiter itself must not be touched (it is DONE). */
  void (*abandoned_locked) (GObject *owner, GIOErrorEnum code);
  /* In the waiter's context, without the mutex, before anything else of
   * the delivery: a last chance to turn the outcome into an error (a lock
   * granted to a call cancelled since). Optional. */
  void (*settle) (SpWaiter *waiter);
  /* Returns the task of a waiter without error. */
  void (*return_task) (SpWaiter *waiter, GTask *task);
  /* Under the owner's mutex: the waiter is about to leave its list
   * (still waiter->list) because it timed out or was cancelled. The last
   * moment the owner may touch it. Optional. */
  void (*leave_locked) (SpWaiter *waiter);
  /* Frees what the owner's struct adds. Optional. */
  void (*finalize) (SpWaiter *waiter);
  /* The label of the guard a granted waiter will return, for its
   * "acquired" record; NULL when it returns none. Optional. */
  const char *(*guard_label) (SpWaiter *waiter);
};

struct _SpWaiter
{
  SpDispatchItem       item;
  GList                link;
  GQueue              *list; /* while WAITING */
  const SpWaiterClass *klass;
  GObject             *owner;     /* alive while the waiter is (see sp-waiter.c) */
  GMutex              *mutex;     /* the owner's */
  const char          *name;      /* the owner's, for traces */
  const char          *operation; /* static, for traces */
  const char          *task_name; /* static, the task's name */
  GTask               *task;
  SpDispatcher        *dispatcher;
  GCancellable        *cancellable;
  gulong               cancelled_id;
  GSource             *timeout_source;
  GError              *error;
  gint64               enqueued_at; /* µs, monotonic */
  gint64               wait_us;     /* -1 until granted */
  /* When tracing: the "wait" record and the outcome's, in that order,
   * without blocking either thread (see sp-waiter.c). */
  gint64 outcome_wait_us;
  char  *outcome_error;
  int    wait_record; /* WaitRecord, atomic */
  int    ref_count;   /* inline atomics, which TSan sees */
  int    timeout_ms;  /* 0: none; for the TIMED_OUT message */
  guint8 state;       /* SpWaiterState */
  guint8 starting;    /* a grant now is a grant without waiting */
  /* Both set at creation, never changed. */
  guint8 trace : 1;
  guint8 owner_ref : 1; /* whether `owner` is the waiter's own reference */
  guint8 outcome_event; /* SpTraceEvent, deferred outcome */
};

/* Where and how a waiter's owner lives. */
typedef struct
{
  GObject      *owner;
  GMutex       *mutex;
  const char   *name;
  GMainContext *owner_context;
  SpDispatcher *owner_dispatcher;
  gboolean      trace;
  GObject      *task_source; /* the task's source object; NULL: owner */
} SpWaiterHost;

/* @task_name must be a string literal. */
gpointer sp_waiter_new (const SpWaiterClass *klass,
                        gsize                size,
                        const SpWaiterHost  *host,
                        const char          *operation,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data,
                        gpointer             source_tag,
                        const char          *task_name);
/* Takes over the caller's reference. @timeout_ms is resolved: 0 is none. */
/* Before sp_waiter_start(): the waiter holds its own reference on its
 * owner until it is freed (see "The owner" in sp-waiter.c). */
void sp_waiter_keep_owner (SpWaiter *waiter);
void sp_waiter_start (SpWaiter *waiter, int timeout_ms);

void sp_waiter_wait_locked (SpWaiter *waiter, GQueue *list);
/* Takes the head of @list out of it, or returns NULL. */
SpWaiter *sp_waiter_pop_locked (GQueue *list);
/* The waiter must be in no list. */
void sp_waiter_complete_locked (SpWaiter *waiter);
void sp_waiter_fail_locked (SpWaiter *waiter, GIOErrorEnum code, const char *message);
void sp_waiter_fail_all_locked (GQueue *list, GIOErrorEnum code, const char *message);
void sp_waiter_fail_all_with_error_locked (GQueue *list, const GError *error);
/* Fails with CLOSED, the message naming the call and its owner, e.g.
 * "Cannot pop from “jobs”: the shared queue is closed"; @kind is the
 * owner's kind ("shared queue"). */
void sp_waiter_fail_closed_locked (SpWaiter *waiter, const char *kind);
void sp_waiter_fail_all_closed_locked (GQueue *list, const char *kind);
/* What @operation on @name is, for an error message: "pop from “jobs”". */
char *sp_describe_call (const char *operation, const char *name);
/* Records how long it waited; returns -1 for a waiter granted while it
 * was starting (it never waited). */
gint64 sp_waiter_note_grant_locked (SpWaiter *waiter);

/* The blocking twins (_sync) run their _async call on a private context.
 * sp_sync_call_begin() refuses, with a critical and
 * SP_ERROR_WOULD_DEADLOCK, a thread that could be
 * the one that has to run the owner context (@kind and @display_name name
 * the owner in the message). */
typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
} SpSyncCall;

/* Whether blocking this thread could stop @owner_context: it dispatches
 * it, or nobody does and this thread is the one expected to. */
gboolean sp_in_owner_context (GMainContext *owner_context, GThread *owner_thread);

gboolean sp_sync_call_begin (SpSyncCall   *call,
                             GMainContext *owner_context,
                             GThread      *owner_thread,
                             const char   *function,
                             const char   *kind,
                             const char   *display_name,
                             GError      **error);
/* The GAsyncReadyCallback to give the _async call, with @call as data. */
void sp_sync_call_done (GObject *source, GAsyncResult *result, gpointer user_data);
void sp_sync_call_wait (SpSyncCall *call);
void sp_sync_call_end (SpSyncCall *call);

G_END_DECLS
