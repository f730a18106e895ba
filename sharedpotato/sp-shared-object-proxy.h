/* sp-shared-object-proxy.h: an SpSharedObject of another process
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sp-types.h"
#include "sp-version-macros.h"

G_BEGIN_DECLS

#define SP_TYPE_PROXY_GUARD (sp_proxy_guard_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpProxyGuard, sp_proxy_guard, SP, PROXY_GUARD, GObject)

#define SP_TYPE_SHARED_OBJECT_PROXY (sp_shared_object_proxy_get_type ())

SP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SpSharedObjectProxy, sp_shared_object_proxy, SP, SHARED_OBJECT_PROXY, GObject)

SP_AVAILABLE_IN_ALL
void sp_shared_object_proxy_new (GDBusConnection    *connection,
                                 const char         *bus_name,
                                 const char         *object_path,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
SP_AVAILABLE_IN_ALL
SpSharedObjectProxy *sp_shared_object_proxy_new_finish (GAsyncResult *result, GError **error);

SP_AVAILABLE_IN_ALL
GDBusConnection *sp_shared_object_proxy_get_connection (SpSharedObjectProxy *self);
SP_AVAILABLE_IN_ALL
const char *sp_shared_object_proxy_get_bus_name (SpSharedObjectProxy *self);
SP_AVAILABLE_IN_ALL
const char *sp_shared_object_proxy_get_object_path (SpSharedObjectProxy *self);
SP_AVAILABLE_IN_ALL
GType sp_shared_object_proxy_get_value_type (SpSharedObjectProxy *self);
SP_AVAILABLE_IN_ALL
const char *sp_shared_object_proxy_get_name (SpSharedObjectProxy *self);
SP_AVAILABLE_IN_ALL
int sp_shared_object_proxy_get_default_timeout (SpSharedObjectProxy *self);
SP_AVAILABLE_IN_ALL
void sp_shared_object_proxy_set_default_timeout (SpSharedObjectProxy *self, int timeout_ms);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_proxy_is_initialized (SpSharedObjectProxy *self);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_proxy_is_closed (SpSharedObjectProxy *self);

SP_AVAILABLE_IN_ALL
void sp_shared_object_proxy_get_async (SpSharedObjectProxy *self,
                                       int                  timeout_ms,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_proxy_get_finish (SpSharedObjectProxy *self,
                                            GAsyncResult        *result,
                                            GValue              *value,
                                            GError             **error);
SP_AVAILABLE_IN_ALL
void sp_shared_object_proxy_peek_async (SpSharedObjectProxy *self,
                                        int                  timeout_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_proxy_peek_finish (SpSharedObjectProxy *self,
                                             GAsyncResult        *result,
                                             gboolean            *initialized,
                                             GValue              *value,
                                             GError             **error);
SP_AVAILABLE_IN_ALL
void sp_shared_object_proxy_set_async (SpSharedObjectProxy *self,
                                       const GValue        *value,
                                       int                  timeout_ms,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
SP_AVAILABLE_IN_ALL
gboolean
sp_shared_object_proxy_set_finish (SpSharedObjectProxy *self, GAsyncResult *result, GError **error);
SP_AVAILABLE_IN_ALL
void sp_shared_object_proxy_clear_async (SpSharedObjectProxy *self,
                                         int                  timeout_ms,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_proxy_clear_finish (SpSharedObjectProxy *self,
                                              GAsyncResult        *result,
                                              GError             **error);
SP_AVAILABLE_IN_ALL
void sp_shared_object_proxy_lock_async (SpSharedObjectProxy *self,
                                        SpLockMode           mode,
                                        int                  timeout_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
SP_AVAILABLE_IN_ALL
SpProxyGuard *sp_shared_object_proxy_lock_finish (SpSharedObjectProxy *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
SP_AVAILABLE_IN_ALL
void sp_shared_object_proxy_close_async (SpSharedObjectProxy *self,
                                         int                  timeout_ms,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
SP_AVAILABLE_IN_ALL
gboolean sp_shared_object_proxy_close_finish (SpSharedObjectProxy *self,
                                              GAsyncResult        *result,
                                              GError             **error);

SP_AVAILABLE_IN_ALL
SpLockMode sp_proxy_guard_get_mode (SpProxyGuard *self);
SP_AVAILABLE_IN_ALL
gboolean sp_proxy_guard_is_released (SpProxyGuard *self);
SP_AVAILABLE_IN_ALL
void sp_proxy_guard_set_label (SpProxyGuard *self, const char *label);
SP_AVAILABLE_IN_ALL
gboolean sp_proxy_guard_is_initialized (SpProxyGuard *self);
SP_AVAILABLE_IN_ALL
gboolean sp_proxy_guard_get_value (SpProxyGuard *self, GValue *value);
SP_AVAILABLE_IN_ALL
gboolean sp_proxy_guard_set_value (SpProxyGuard *self, const GValue *value, GError **error);
SP_AVAILABLE_IN_ALL
void sp_proxy_guard_clear (SpProxyGuard *self);
SP_AVAILABLE_IN_ALL
void sp_proxy_guard_release (SpProxyGuard *self);

G_END_DECLS
