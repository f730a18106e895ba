/* sp-view.c: forwarding for the capability views
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-view-private.h"

typedef enum
{
  VIEW_GET,
  VIEW_PEEK,
  VIEW_SET,
  VIEW_CLEAR,
  VIEW_LOCK,
} ViewOp;

typedef struct
{
  ViewOp   op;
  gboolean initialized;
  GValue   value;
} ViewCall;

static void
view_call_free (gpointer data)
{
  ViewCall *call = data;

  if (G_IS_VALUE (&call->value))
    g_value_unset (&call->value);
  g_free (call);
}

static GTask *
view_task_new (gpointer             view,
               ViewOp               op,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  /* No cancellable for the view's own task: the object's call handles it,
   * and GTask would complete a cancelled task out of order. */
  GTask *task = g_task_new (view, NULL, callback, user_data);
  ViewCall *call = g_new0 (ViewCall, 1);

  call->op = op;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, view_call_free);

  return task;
}

/* Runs in the caller's context, from the object's delivery: the view's
 * task was created in an earlier iteration, so it completes right here,
 * without another main-loop turn. */
static void
view_call_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SpSharedObject *object = SP_SHARED_OBJECT (source);
  g_autoptr(GTask) task = user_data;
  ViewCall *call = g_task_get_task_data (task);
  GError *error = NULL;
  SpGuard *guard;

  switch (call->op)
    {
    case VIEW_GET:
      if (sp_shared_object_get_finish (object, result, &call->value, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      break;

    case VIEW_PEEK:
      if (sp_shared_object_peek_finish (object, result, &call->initialized, &call->value, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      break;

    case VIEW_SET:
      if (sp_shared_object_set_finish (object, result, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      break;

    case VIEW_CLEAR:
      if (sp_shared_object_clear_finish (object, result, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      break;

    case VIEW_LOCK:
      guard = sp_shared_object_lock_finish (object, result, &error);
      if (guard != NULL)
        g_task_return_pointer (task, guard, (GDestroyNotify) sp_guard_unref);
      else
        g_task_return_error (task, error);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
move_out_value (ViewCall *call,
                GValue   *value)
{
  if (value != NULL && G_IS_VALUE (&call->value))
    {
      *value = call->value;
      memset (&call->value, 0, sizeof call->value);
    }
}

static gboolean
view_result_is_valid (gpointer      view,
                      GAsyncResult *result,
                      gpointer      source_tag)
{
  return g_task_is_valid (result, view) &&
         g_task_get_source_tag (G_TASK (result)) == source_tag;
}

void
_sp_view_get_async (gpointer             view,
                    SpSharedObject      *object,
                    int                  timeout_ms,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data,
                    gpointer             source_tag)
{
  GTask *task = view_task_new (view, VIEW_GET, cancellable, callback, user_data, source_tag);

  sp_shared_object_get_async (object, timeout_ms, cancellable, view_call_done, task);
}

gboolean
_sp_view_get_finish (gpointer      view,
                     GAsyncResult  *result,
                     GValue        *value,
                     GError       **error,
                     gpointer       source_tag)
{
  ViewCall *call;
  gboolean ok;

  g_return_val_if_fail (view_result_is_valid (view, result, source_tag), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  call = g_task_get_task_data (G_TASK (result));
  ok = g_task_propagate_boolean (G_TASK (result), error);
  /* On failure too: the object's finish left the zero of the type there
   * for bindings that convert out values of a call that threw. */
  move_out_value (call, value);

  return ok;
}

void
_sp_view_peek_async (gpointer             view,
                     SpSharedObject      *object,
                     int                  timeout_ms,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data,
                     gpointer             source_tag)
{
  GTask *task = view_task_new (view, VIEW_PEEK, cancellable, callback, user_data, source_tag);

  sp_shared_object_peek_async (object, timeout_ms, cancellable, view_call_done, task);
}

gboolean
_sp_view_peek_finish (gpointer      view,
                      GAsyncResult  *result,
                      gboolean      *initialized,
                      GValue        *value,
                      GError       **error,
                      gpointer       source_tag)
{
  ViewCall *call;
  gboolean ok;

  g_return_val_if_fail (view_result_is_valid (view, result, source_tag), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  if (initialized != NULL)
    *initialized = FALSE;

  call = g_task_get_task_data (G_TASK (result));
  ok = g_task_propagate_boolean (G_TASK (result), error);
  if (ok && initialized != NULL)
    *initialized = call->initialized;
  move_out_value (call, value);

  return ok;
}

void
_sp_view_set_async (gpointer             view,
                    SpSharedObject      *object,
                    const GValue        *value,
                    int                  timeout_ms,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data,
                    gpointer             source_tag)
{
  GTask *task = view_task_new (view, VIEW_SET, cancellable, callback, user_data, source_tag);

  sp_shared_object_set_async (object, value, timeout_ms, cancellable, view_call_done, task);
}

void
_sp_view_clear_async (gpointer             view,
                      SpSharedObject      *object,
                      int                  timeout_ms,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data,
                      gpointer             source_tag)
{
  GTask *task = view_task_new (view, VIEW_CLEAR, cancellable, callback, user_data, source_tag);

  sp_shared_object_clear_async (object, timeout_ms, cancellable, view_call_done, task);
}

gboolean
_sp_view_boolean_finish (gpointer      view,
                         GAsyncResult  *result,
                         GError       **error,
                         gpointer       source_tag)
{
  g_return_val_if_fail (view_result_is_valid (view, result, source_tag), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_sp_view_lock_async (gpointer             view,
                     SpSharedObject      *object,
                     SpLockMode           mode,
                     int                  timeout_ms,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data,
                     gpointer             source_tag)
{
  GTask *task = view_task_new (view, VIEW_LOCK, cancellable, callback, user_data, source_tag);

  sp_shared_object_lock_async (object, mode, timeout_ms, cancellable, view_call_done, task);
}

SpGuard *
_sp_view_lock_finish (gpointer      view,
                      GAsyncResult  *result,
                      GError       **error,
                      gpointer       source_tag)
{
  g_return_val_if_fail (view_result_is_valid (view, result, source_tag), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
