/* sp-view-forward.c: forwarding for the capability views of SpSharedObject
 *
 * SPDX-License-Identifier: MIT
 */

/* A view's call is the object's own call with the view as the task's
 * source object: one GTask and one waiter, the path of a direct call.
 * Queue and set views forward the same way, to their owner's internals.
 * The task names below are what a lock's guard is labelled with. */

#include "config.h"

#include "sp-shared-object-private.h"
#include "sp-view-private.h"

static gboolean
view_result_is_valid (gpointer view, GAsyncResult *result, gpointer source_tag)
{
  return g_task_is_valid (result, view) && g_task_get_source_tag (G_TASK (result)) == source_tag;
}

void
_sp_view_get_async (gpointer            view,
                    SpSharedObject     *object,
                    int                 timeout_ms,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data,
                    gpointer            source_tag)
{
  _sp_shared_object_call_async (object, SP_OBJECT_CALL_GET, view, NULL, 0, timeout_ms, cancellable,
                                callback, user_data, source_tag, "[sharedpotato] view get");
}

gboolean
_sp_view_get_finish (gpointer      view,
                     GAsyncResult *result,
                     GValue       *value,
                     GError      **error,
                     gpointer      source_tag)
{
  g_return_val_if_fail (view_result_is_valid (view, result, source_tag), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  return _sp_shared_object_call_finish (NULL, view, result, source_tag, NULL, value, NULL, error);
}

void
_sp_view_peek_async (gpointer            view,
                     SpSharedObject     *object,
                     int                 timeout_ms,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data,
                     gpointer            source_tag)
{
  _sp_shared_object_call_async (object, SP_OBJECT_CALL_PEEK, view, NULL, 0, timeout_ms, cancellable,
                                callback, user_data, source_tag, "[sharedpotato] view peek");
}

gboolean
_sp_view_peek_finish (gpointer      view,
                      GAsyncResult *result,
                      gboolean     *initialized,
                      GValue       *value,
                      GError      **error,
                      gpointer      source_tag)
{
  g_return_val_if_fail (view_result_is_valid (view, result, source_tag), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  return _sp_shared_object_call_finish (NULL, view, result, source_tag, initialized, value, NULL,
                                        error);
}

void
_sp_view_set_async (gpointer            view,
                    SpSharedObject     *object,
                    const GValue       *value,
                    int                 timeout_ms,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data,
                    gpointer            source_tag)
{
  _sp_shared_object_call_async (object, SP_OBJECT_CALL_SET, view, value, 0, timeout_ms, cancellable,
                                callback, user_data, source_tag, "[sharedpotato] view set");
}

void
_sp_view_clear_async (gpointer            view,
                      SpSharedObject     *object,
                      int                 timeout_ms,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data,
                      gpointer            source_tag)
{
  _sp_shared_object_call_async (object, SP_OBJECT_CALL_CLEAR, view, NULL, 0, timeout_ms,
                                cancellable, callback, user_data, source_tag,
                                "[sharedpotato] view clear");
}

gboolean
_sp_view_boolean_finish (gpointer view, GAsyncResult *result, GError **error, gpointer source_tag)
{
  g_return_val_if_fail (view_result_is_valid (view, result, source_tag), FALSE);

  return _sp_shared_object_call_finish (NULL, view, result, source_tag, NULL, NULL, NULL, error);
}

void
_sp_view_lock_async (gpointer            view,
                     SpSharedObject     *object,
                     SpLockMode          mode,
                     int                 timeout_ms,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data,
                     gpointer            source_tag)
{
  _sp_shared_object_call_async (object, SP_OBJECT_CALL_LOCK, view, NULL, mode, timeout_ms,
                                cancellable, callback, user_data, source_tag,
                                "sp_updater_lock_async");
}

SpGuard *
_sp_view_lock_finish (gpointer view, GAsyncResult *result, GError **error, gpointer source_tag)
{
  SpGuard *guard = NULL;

  g_return_val_if_fail (view_result_is_valid (view, result, source_tag), NULL);

  _sp_shared_object_call_finish (NULL, view, result, source_tag, NULL, NULL, &guard, error);
  return guard;
}
