/* sp-shared-object-proxy.c: an SpSharedObject of another process
 *
 * SPDX-License-Identifier: MIT
 */

/* THE PROTOCOL
 *
 * A proxy forwards each call to an object exported by
 * sp_shared_object_export() (see the protocol in sp-dbus-export.c), which
 * queues it in its own FIFO; the proxy itself keeps no queue. What it
 * keeps is the list of its unanswered calls, so that cancellation,
 * timeouts and close never wait for the other process.
 *
 * Fields. Set before the proxy is handed out and never changed:
 * connection, bus_name, owner (the exporter's unique name, NULL on a
 * peer-to-peer connection), object_path, value_type, name, owner_context.
 * default_timeout: atomic. Everything else: self->mutex (a leaf: nothing
 * is called with it held but g_hash_table and GValue functions):
 *
 *     state          OPEN → CLOSING → CLOSED
 *     initialized    as last heard from the exporter
 *     calls          id → ProxyCall, the unanswered calls
 *     n_guards       proxy guards not yet released
 *     close_tasks    close calls waiting for CLOSED
 *     final_value    the value the exporter's Closed signal carried
 *
 * A call (ProxyCall) is completed exactly once, by whoever first swaps
 * its `completed` flag:
 *
 *   the reply             returns the exporter's answer (a lock becomes an
 *                         SpProxyGuard, counted in n_guards);
 *   its cancellable       returns CANCELLED at once and sends
 *                         Cancel(id): the exporter withdraws the call from
 *                         its queue, or releases the lock it had granted
 *                         (the reply that then arrives is dropped);
 *   the D-Bus timeout     a backstop 1 s after the call's own timeout,
 *                         which the exporter applies: TIMED_OUT and
 *                         Cancel(id), as for a cancellable;
 *   close                 CLOSED, and Cancel(id).
 *
 * Close. close_async, the exporter's Closed signal (the object closed or
 * was unexported) and the exporter leaving the bus all start it: OPEN
 * becomes CLOSING, new calls fail with CLOSED and every unanswered call
 * is completed with CLOSED. When no proxy guard is left, CLOSING becomes
 * CLOSED in the owner context: notify::closed, ::closed (with the final
 * value the exporter sent, NULL if it sent none), then the close calls
 * complete. Closing a proxy closes only the proxy: the exported object
 * belongs to its exporter, and its other clients go on.
 *
 * Signals. The exporter's D-Bus signals arrive in the owner context (the
 * subscription was made there); the proxy re-emits them as its own
 * ::changed, ::cleared and ::initialized, after updating `initialized`.
 *
 * A guard (SpProxyGuard) holds a remote lock by its handle. It reads and
 * writes a copy of the value taken at the grant; release sends
 * Release(handle) with what was written, so a holder that dies writes
 * nothing. Calls later made on the same connection come after the
 * release: D-Bus keeps a connection's messages in order.
 */

#include "config.h"

#include "sp-dbus-export.h"
#include "sp-dbus-private.h"
#include "sp-mutex-private.h"
#include "sp-shared-object-proxy.h"
#include "sp-value-private.h"

/**
 * SpSharedObjectProxy:
 *
 * A [class@Sharedpotato.SharedObject] exported by another process (or by
 * another connection of this one) with
 * [method@Sharedpotato.SharedObject.export], used with the same calls.
 *
 * Create one with [func@Sharedpotato.SharedObjectProxy.new]; then
 * [method@Sharedpotato.SharedObjectProxy.get_async],
 * [method@Sharedpotato.SharedObjectProxy.peek_async],
 * [method@Sharedpotato.SharedObjectProxy.set_async],
 * [method@Sharedpotato.SharedObjectProxy.clear_async] and
 * [method@Sharedpotato.SharedObjectProxy.lock_async] take their place in
 * the exported object's one FIFO queue, with local callers, under the
 * same readers-writer rules. Timeouts (`-1` means the proxy's
 * [property@Sharedpotato.SharedObjectProxy:default-timeout]) are applied
 * by the exporter; a call that is cancelled, or that times out, completes
 * at once and is withdrawn from the exporter's queue. A lock returns a
 * [class@Sharedpotato.ProxyGuard] held on behalf of this connection: if
 * this process dies, the exporter releases it.
 *
 * A cancelled set or clear may have taken effect (as with any I/O call
 * whose answer was not awaited); a cancelled lock never stays held.
 *
 * The signals ::changed, ::cleared, ::initialized and ::closed are
 * emitted in the main context that was thread-default when
 * [func@Sharedpotato.SharedObjectProxy.new] was called, as the exporter
 * reports the changes.
 *
 * [method@Sharedpotato.SharedObjectProxy.close_async] closes the proxy
 * only: it fails its unanswered calls with %G_IO_ERROR_CLOSED, waits for
 * its guards to be released and emits ::closed. The exported object
 * belongs to the process that exported it. The proxy also closes by
 * itself when the exported object closes, is unexported, or its process
 * leaves the bus.
 *
 * ```c
 * sp_shared_object_proxy_new (connection, "org.example.Service",
 *                             "/org/example/Service/config", NULL,
 *                             on_proxy_ready, NULL);
 * ...
 * g_autoptr(SpSharedObjectProxy) config =
 *   sp_shared_object_proxy_new_finish (result, &error);
 * sp_shared_object_proxy_get_async (config, 500, NULL, on_config, NULL);
 * ```
 *
 * See the [D-Bus guide](dbus.html).
 *
 * Since: 1.0
 */

/**
 * SpProxyGuard:
 *
 * A lock held on an exported [class@Sharedpotato.SharedObject] through a
 * [class@Sharedpotato.SharedObjectProxy], returned by
 * [method@Sharedpotato.SharedObjectProxy.lock_finish]: the remote twin of
 * [struct@Sharedpotato.Guard], with the same accessors.
 *
 * The guard reads and writes a copy of the value taken when the lock was
 * granted, without any round trip; what an exclusive guard wrote is
 * stored when it is released, by [method@Sharedpotato.ProxyGuard.release]
 * or when its last reference goes. If the process dies first, nothing it
 * wrote is stored and the lock is released all the same.
 *
 * Since: 1.0
 */

typedef enum
{
  PROXY_OPEN,
  PROXY_CLOSING,
  PROXY_CLOSED,
} ProxyState;

/* Request ids: see proxy_call_start(). */
static int next_request_id;

struct _SpSharedObjectProxy
{
  GObject parent_instance;

  GDBusConnection *connection;
  char            *bus_name;
  char            *owner;
  char            *object_path;
  GType            value_type;
  char            *name;
  GMainContext    *owner_context;
  int              default_timeout; /* atomic */
  guint            subscription_id;
  guint            watch_id;
  gulong           connection_closed_id;

  GMutex      mutex;
  ProxyState  state;
  gboolean    initialized;
  GHashTable *calls;
  guint       n_guards;
  GPtrArray  *close_tasks;
  GValue      final_value;
};

struct _SpProxyGuard
{
  GObject parent_instance;

  SpSharedObjectProxy *proxy;
  char                *handle;
  SpLockMode           mode;

  GMutex   mutex;
  gboolean released;
  gboolean written;
  GValue   value; /* G_IS_VALUE: initialized */
  char    *label;
};

G_DEFINE_FINAL_TYPE (SpSharedObjectProxy, sp_shared_object_proxy, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (SpProxyGuard, sp_proxy_guard, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CONNECTION,
  PROP_BUS_NAME,
  PROP_OBJECT_PATH,
  PROP_VALUE_TYPE,
  PROP_NAME,
  PROP_DEFAULT_TIMEOUT,
  PROP_INITIALIZED,
  PROP_CLOSED,
  N_PROPS
};

enum
{
  SIGNAL_INITIALIZED,
  SIGNAL_CHANGED,
  SIGNAL_CLEARED,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

typedef struct
{
  gatomicrefcount      ref_count;
  SpSharedObjectProxy *proxy;
  GTask               *task;
  guint32              id;
  const char          *method;
  GCancellable        *cancellable;
  gulong               cancelled_id; /* self->mutex */
  gboolean             replied;      /* self->mutex: on_call_reply ran */
  gint                 completed;    /* atomic */
} ProxyCall;

static void begin_close (SpSharedObjectProxy *self, GVariant *final_value);
static void proxy_guard_gone (SpSharedObjectProxy *self);

static const char *
proxy_label (SpSharedObjectProxy *self)
{
  return self->name != NULL && self->name[0] != '\0' ? self->name : self->object_path;
}

/* Calls */

static void
free_value (gpointer data)
{
  GValue *value = data;

  if (G_IS_VALUE (value))
    g_value_unset (value);
  g_free (value);
}

static ProxyCall *
proxy_call_ref (ProxyCall *call)
{
  g_atomic_ref_count_inc (&call->ref_count);
  return call;
}

static void
proxy_call_unref (gpointer data)
{
  ProxyCall *call = data;

  if (!g_atomic_ref_count_dec (&call->ref_count))
    return;
  g_clear_object (&call->task);
  g_clear_object (&call->cancellable);
  g_object_unref (call->proxy);
  g_free (call);
}

/* Tells the exporter to withdraw (or give back) request @id; nobody
 * waits for the answer. */
static void
send_cancel (SpSharedObjectProxy *self, guint32 id)
{
  g_dbus_connection_call (self->connection, self->owner, self->object_path,
                          SP_SHARED_OBJECT_DBUS_INTERFACE, "Cancel", g_variant_new ("(u)", id),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

/* TRUE for whoever completes @call: it must then return its task. */
static gboolean
proxy_call_claim (ProxyCall *call)
{
  SpSharedObjectProxy *self = call->proxy;

  if (!g_atomic_int_compare_and_exchange (&call->completed, 0, 1))
    return FALSE;
  sp_mutex_lock (&self->mutex);
  if (g_hash_table_lookup (self->calls, GUINT_TO_POINTER (call->id)) == call)
    g_hash_table_remove (self->calls, GUINT_TO_POINTER (call->id));
  sp_mutex_unlock (&self->mutex);
  return TRUE;
}

/* Completes @call with an error of the proxy's, and withdraws it at the
 * exporter. */
static void
proxy_call_abandon (ProxyCall *call, GIOErrorEnum code, const char *what)
{
  if (!proxy_call_claim (call))
    return;
  send_cancel (call->proxy, call->id);
  g_task_return_new_error (call->task, G_IO_ERROR, code, "%s on SharedObjectProxy '%s' %s",
                           call->method, proxy_label (call->proxy), what);
}

static void
on_call_cancelled (GCancellable *cancellable, gpointer data)
{
  proxy_call_abandon (data, G_IO_ERROR_CANCELLED, "was cancelled");
}

static void
proxy_call_return_remote_error (ProxyCall *call, GError *error)
{
  if (g_dbus_error_is_remote_error (error) && error->domain != G_DBUS_ERROR)
    g_dbus_error_strip_remote_error (error);
  g_task_return_error (call->task, error);
}

static SpProxyGuard *
proxy_guard_new (SpSharedObjectProxy *self, const char *handle, SpLockMode mode, GVariant *value);

static void
on_call_reply (GObject *source, GAsyncResult *result, gpointer data)
{
  ProxyCall           *call = data;
  SpSharedObjectProxy *self = call->proxy;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  /* Not from within the handler: this runs from the reply's dispatch. */
  if (call->cancellable != NULL)
    {
      gulong cancelled_id;

      sp_mutex_lock (&self->mutex);
      call->replied = TRUE;
      cancelled_id = call->cancelled_id;
      call->cancelled_id = 0;
      sp_mutex_unlock (&self->mutex);
      if (cancelled_id != 0)
        g_cancellable_disconnect (call->cancellable, cancelled_id);
    }

  if (reply == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
      !g_dbus_error_is_remote_error (error))
    {
      /* The backstop: the exporter did not answer in time. */
      proxy_call_abandon (call, G_IO_ERROR_TIMED_OUT, "timed out (no answer from the exporter)");
      proxy_call_unref (call);
      return;
    }

  if (!proxy_call_claim (call))
    {
      /* Cancelled, timed out or closed first: the exporter was sent
       * Cancel, which releases a lock it granted. */
      proxy_call_unref (call);
      return;
    }

  if (reply == NULL)
    proxy_call_return_remote_error (call, g_steal_pointer (&error));
  else if (g_str_equal (call->method, "Get"))
    {
      g_autoptr (GVariant) variant = NULL;
      GValue *value = g_new0 (GValue, 1);

      g_variant_get (reply, "(v)", &variant);
      if (sp_dbus_value_from_variant (self->value_type, variant, value, &error))
        g_task_return_pointer (call->task, value, free_value);
      else
        {
          g_free (value);
          g_task_return_error (call->task, g_steal_pointer (&error));
        }
    }
  else if (g_str_equal (call->method, "Peek"))
    {
      g_autoptr (GVariant) values = NULL;
      GValue *value = g_new0 (GValue, 1);

      g_variant_get (reply, "(@av)", &values);
      if (g_variant_n_children (values) > 0)
        {
          g_autoptr (GVariant) boxed = g_variant_get_child_value (values, 0);
          g_autoptr (GVariant) variant = g_variant_get_variant (boxed);

          if (!sp_dbus_value_from_variant (self->value_type, variant, value, &error))
            {
              g_free (value);
              g_task_return_error (call->task, g_steal_pointer (&error));
              proxy_call_unref (call);
              return;
            }
        }
      /* An empty GValue: uninitialized. */
      g_task_return_pointer (call->task, value, free_value);
    }
  else if (g_str_equal (call->method, "Lock"))
    {
      g_autoptr (GVariant) values = NULL;
      const char *handle;
      SpLockMode  mode = GPOINTER_TO_UINT (g_task_get_task_data (call->task));

      g_variant_get (reply, "(&s@av)", &handle, &values);
      g_task_return_pointer (call->task, proxy_guard_new (self, handle, mode, values),
                             g_object_unref);
    }
  else
    g_task_return_boolean (call->task, TRUE);

  proxy_call_unref (call);
}

static int
resolve_timeout (SpSharedObjectProxy *self, int timeout_ms)
{
  return timeout_ms == -1 ? g_atomic_int_get (&self->default_timeout) : timeout_ms;
}

static GTask *
proxy_task_new (SpSharedObjectProxy *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag,
                const char          *name)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  /* A call completes once, by the rules above; a reply that lost the race
   * to the cancellable never reaches _finish. */
  g_task_set_check_cancellable (task, FALSE);
  return task;
}

/* Sends @method for @task (consumed), with @parameters (the request id
 * and the timeout are added in front and at the end by the caller's
 * format). */
static void
proxy_call_start (SpSharedObjectProxy *self,
                  GTask               *task,
                  const char          *method,
                  int                  timeout_ms,
                  GVariant *(*build) (guint32 id, int timeout_ms, gpointer data),
                  gpointer data)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  ProxyCall    *call;
  int           dbus_timeout;

  sp_mutex_lock (&self->mutex);
  if (self->state != PROXY_OPEN)
    {
      sp_mutex_unlock (&self->mutex);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "%s on SharedObjectProxy '%s' failed: it is closed", method,
                               proxy_label (self));
      g_object_unref (task);
      return;
    }
  call = g_new0 (ProxyCall, 1);
  g_atomic_ref_count_init (&call->ref_count);
  call->proxy = g_object_ref (self);
  call->task = task;
  call->method = method;
  /* From one counter for the whole process: the exporter knows requests
   * by connection, and proxies share their connection (g_bus_get). */
  do
    call->id = (guint32) g_atomic_int_add (&next_request_id, 1) + 1;
  while (call->id == 0 || g_hash_table_contains (self->calls, GUINT_TO_POINTER (call->id)));
  g_hash_table_insert (self->calls, GUINT_TO_POINTER (call->id), proxy_call_ref (call));
  if (cancellable != NULL)
    call->cancellable = g_object_ref (cancellable);

  /* The exporter applies the timeout; D-Bus's own is a backstop for an
   * exporter that does not answer at all. Sent under the mutex, which a
   * cancellation in another thread takes (proxy_call_claim) before it
   * sends Cancel: the call always reaches the exporter first. */
  dbus_timeout = timeout_ms > 0 && timeout_ms < G_MAXINT - 1000 ? timeout_ms + 1000 : G_MAXINT;
  g_dbus_connection_call (self->connection, self->owner, self->object_path,
                          SP_SHARED_OBJECT_DBUS_INTERFACE, method,
                          build (call->id, timeout_ms, data), NULL, G_DBUS_CALL_FLAGS_NONE,
                          dbus_timeout, NULL, on_call_reply, proxy_call_ref (call));
  sp_mutex_unlock (&self->mutex);

  if (cancellable != NULL)
    {
      gulong   cancelled_id;
      gboolean replied;

      /* Runs on_call_cancelled at once (and returns 0) if it is already
       * cancelled. The reply may be handled meanwhile by another thread
       * running the caller's context: whoever comes second disconnects. */
      cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_call_cancelled),
                                            proxy_call_ref (call), proxy_call_unref);
      sp_mutex_lock (&self->mutex);
      replied = call->replied;
      if (!replied)
        call->cancelled_id = cancelled_id;
      sp_mutex_unlock (&self->mutex);
      if (replied && cancelled_id != 0)
        g_cancellable_disconnect (cancellable, cancelled_id);
    }
  proxy_call_unref (call);
}

static GVariant *
build_id_timeout (guint32 id, int timeout_ms, gpointer data)
{
  return g_variant_new ("(ui)", id, timeout_ms);
}

static GVariant *
build_set (guint32 id, int timeout_ms, gpointer data)
{
  return g_variant_new ("(u@vi)", id, g_variant_new_variant (data), timeout_ms);
}

static GVariant *
build_lock (guint32 id, int timeout_ms, gpointer data)
{
  return g_variant_new ("(uui)", id, GPOINTER_TO_UINT (data), timeout_ms);
}

#define CHECK_TIMEOUT(timeout_ms) ((timeout_ms) >= -1)

/**
 * sp_shared_object_proxy_new:
 * @connection: a #GDBusConnection
 * @bus_name: (nullable): the bus name of the exporting process, unique or
 *   well-known; %NULL only on a peer-to-peer connection
 * @object_path: the path the object was exported at
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the proxy
 * @user_data: data for @callback
 *
 * Creates a proxy for the [class@Sharedpotato.SharedObject] exported at
 * @object_path by @bus_name. A well-known name is resolved once, to the
 * unique name that owns it now: the proxy then follows that process (and
 * closes when it goes), as a lock must stay with the process that granted
 * it.
 *
 * The main context that is thread-default now becomes the proxy's owner
 * context: its signals are emitted there. Fails with the D-Bus error if
 * nothing is exported there, and with %G_IO_ERROR_INVALID_ARGUMENT if the
 * exported value type cannot be represented.
 *
 * Since: 1.0
 */
static void new_got_owner (GObject *source, GAsyncResult *result, gpointer user_data);
static void new_with_owner (GTask *task, const char *owner);
static void new_got_properties (GObject *source, GAsyncResult *result, gpointer user_data);

void
sp_shared_object_proxy_new (GDBusConnection    *connection,
                            const char         *bus_name,
                            const char         *object_path,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  SpSharedObjectProxy *self;
  GTask               *task;

  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (bus_name == NULL || g_dbus_is_name (bus_name));
  g_return_if_fail (bus_name != NULL || g_dbus_connection_get_unique_name (connection) == NULL);
  g_return_if_fail (object_path != NULL && g_variant_is_object_path (object_path));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  self = g_object_new (SP_TYPE_SHARED_OBJECT_PROXY, "connection", connection, "bus-name", bus_name,
                       "object-path", object_path, NULL);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_shared_object_proxy_new);
  g_task_set_name (task, "sp_shared_object_proxy_new");
  g_task_set_task_data (task, self, g_object_unref);

  if (bus_name != NULL && !g_dbus_is_unique_name (bus_name))
    g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "GetNameOwner", g_variant_new ("(s)", bus_name),
                            G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                            new_got_owner, task);
  else
    new_with_owner (task, bus_name);
}

static void
new_got_owner (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask      *task = user_data;
  GError     *error = NULL;
  GVariant   *reply;
  const char *owner;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_variant_get (reply, "(&s)", &owner);
  new_with_owner (task, owner);
  g_variant_unref (reply);
}

static void on_dbus_signal (GDBusConnection *connection,
                            const char      *sender,
                            const char      *object_path,
                            const char      *interface_name,
                            const char      *signal_name,
                            GVariant        *parameters,
                            gpointer         user_data);

static void
on_owner_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  g_autoptr (SpSharedObjectProxy) self = g_weak_ref_get (user_data);

  if (self != NULL)
    begin_close (self, NULL);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static GWeakRef *
weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

/* The connection closed (a peer-to-peer one too, which has no owner to
 * watch): the exporter is out of reach. */
static void
on_connection_closed (GDBusConnection *connection,
                      gboolean         remote_peer_vanished,
                      GError          *error,
                      gpointer         user_data)
{
  g_autoptr (SpSharedObjectProxy) self = g_weak_ref_get (user_data);

  if (self != NULL)
    begin_close (self, NULL);
}

static void
weak_ref_free_closure_data (gpointer data, GClosure *closure)
{
  weak_ref_free (data);
}

static void
new_with_owner (GTask *task, const char *owner)
{
  SpSharedObjectProxy *self = g_task_get_task_data (task);

  self->owner = g_strdup (owner);
  /* Subscribed before the properties are read, so no change falls in
   * between. */
  self->subscription_id = g_dbus_connection_signal_subscribe (
      self->connection, owner, SP_SHARED_OBJECT_DBUS_INTERFACE, NULL, self->object_path, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_dbus_signal, weak_ref_new (self), weak_ref_free);
  if (owner != NULL)
    self->watch_id = g_bus_watch_name_on_connection (
        self->connection, owner, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL, on_owner_vanished,
        weak_ref_new (self), weak_ref_free);
  self->connection_closed_id =
      g_signal_connect_data (self->connection, "closed", G_CALLBACK (on_connection_closed),
                             weak_ref_new (self), weak_ref_free_closure_data, 0);

  g_dbus_connection_call (
      self->connection, owner, self->object_path, "org.freedesktop.DBus.Properties", "GetAll",
      g_variant_new ("(s)", SP_SHARED_OBJECT_DBUS_INTERFACE), G_VARIANT_TYPE ("(a{sv})"),
      G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task), new_got_properties, task);
}

static void
new_got_properties (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask               *task = user_data;
  SpSharedObjectProxy *self = g_task_get_task_data (task);
  GError              *error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) dict = NULL;
  const char *signature = NULL;
  const char *name = NULL;
  gboolean    initialized = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_prefix_error (&error, "No shared object at %s: ", self->object_path);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  dict = g_variant_get_child_value (reply, 0);
  g_variant_lookup (dict, "ValueSignature", "&s", &signature);
  g_variant_lookup (dict, "Name", "&s", &name);
  g_variant_lookup (dict, "Initialized", "b", &initialized);
  self->value_type = sp_dbus_type_for_signature (signature);
  if (self->value_type == G_TYPE_INVALID)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "The shared object at %s has values of D-Bus type %s, which a "
                               "proxy cannot hold (only " SP_DBUS_TYPES_THAT_TRAVEL " can)",
                               self->object_path, signature != NULL ? signature : "(none)");
      g_object_unref (task);
      return;
    }
  self->name = g_strdup (name != NULL && name[0] != '\0' ? name : NULL);
  sp_mutex_lock (&self->mutex);
  self->initialized = initialized;
  sp_mutex_unlock (&self->mutex);

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
  g_object_unref (task);
}

/**
 * sp_shared_object_proxy_new_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [func@Sharedpotato.SharedObjectProxy.new].
 *
 * Returns: (transfer full): the proxy, or %NULL with @error set
 *
 * Since: 1.0
 */
SpSharedObjectProxy *
sp_shared_object_proxy_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sp_shared_object_proxy_new,
                        NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Signals */

/* @values ("av") as a GValue in @value, left empty when there is none or
 * it is not of the proxy's type. */
static gboolean
value_from_maybe (SpSharedObjectProxy *self, GVariant *values, GValue *value)
{
  g_autoptr (GVariant) boxed = NULL;
  g_autoptr (GVariant) variant = NULL;

  if (values == NULL || !g_variant_is_of_type (values, G_VARIANT_TYPE ("av")) ||
      g_variant_n_children (values) != 1)
    return FALSE;
  boxed = g_variant_get_child_value (values, 0);
  variant = g_variant_get_variant (boxed);
  return sp_dbus_value_from_variant (self->value_type, variant, value, NULL);
}

static void
set_initialized (SpSharedObjectProxy *self, gboolean initialized)
{
  gboolean changed;

  sp_mutex_lock (&self->mutex);
  changed = self->initialized != initialized;
  self->initialized = initialized;
  sp_mutex_unlock (&self->mutex);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INITIALIZED]);
}

static void
on_dbus_signal (GDBusConnection *connection,
                const char      *sender,
                const char      *object_path,
                const char      *interface_name,
                const char      *signal_name,
                GVariant        *parameters,
                gpointer         user_data)
{
  g_autoptr (SpSharedObjectProxy) self = g_weak_ref_get (user_data);

  /* Signals before the proxy was ready only change what the properties
   * read then report. */
  if (self == NULL || self->value_type == G_TYPE_INVALID)
    return;

  if (g_str_equal (signal_name, "Changed") &&
      g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(avav)")))
    {
      g_autoptr (GVariant) old_values = g_variant_get_child_value (parameters, 0);
      g_autoptr (GVariant) new_values = g_variant_get_child_value (parameters, 1);
      g_auto (GValue) old_value = G_VALUE_INIT;
      g_auto (GValue) new_value = G_VALUE_INIT;
      gboolean has_old = value_from_maybe (self, old_values, &old_value);
      gboolean has_new = value_from_maybe (self, new_values, &new_value);

      set_initialized (self, has_new);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0, has_old ? &old_value : NULL,
                     has_new ? &new_value : NULL);
    }
  else if (g_str_equal (signal_name, "Cleared"))
    g_signal_emit (self, signals[SIGNAL_CLEARED], 0);
  else if (g_str_equal (signal_name, "Initialized"))
    {
      set_initialized (self, TRUE);
      g_signal_emit (self, signals[SIGNAL_INITIALIZED], 0);
    }
  else if (g_str_equal (signal_name, "Closed") &&
           g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(av)")))
    {
      g_autoptr (GVariant) values = g_variant_get_child_value (parameters, 0);

      begin_close (self, values);
    }
}

/* Close */

static gboolean
emit_closed_in_owner_context (gpointer data)
{
  SpSharedObjectProxy *self = data;
  g_auto (GValue) final_value = G_VALUE_INIT;
  g_autoptr (GPtrArray) close_tasks = NULL;

  sp_mutex_lock (&self->mutex);
  self->state = PROXY_CLOSED;
  if (G_IS_VALUE (&self->final_value))
    sp_value_move (&final_value, &self->final_value);
  close_tasks = g_steal_pointer (&self->close_tasks);
  sp_mutex_unlock (&self->mutex);

  if (self->watch_id != 0)
    {
      g_bus_unwatch_name (self->watch_id);
      self->watch_id = 0;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSED]);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, G_IS_VALUE (&final_value) ? &final_value : NULL);

  for (guint i = 0; close_tasks != NULL && i < close_tasks->len; i++)
    {
      g_task_return_boolean (g_ptr_array_index (close_tasks, i), TRUE);
      g_object_unref (g_ptr_array_index (close_tasks, i));
    }
  return G_SOURCE_REMOVE;
}

/* CLOSING with no guard left: CLOSED, announced in the owner context. */
static void
finish_close (SpSharedObjectProxy *self)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, emit_closed_in_owner_context, g_object_ref (self), g_object_unref);
  g_source_set_name (source, "[sharedpotato] SharedObjectProxy closed");
  g_source_attach (source, self->owner_context);
  g_source_unref (source);
}

static void
begin_close (SpSharedObjectProxy *self, GVariant *final_value)
{
  g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func (proxy_call_unref);
  GHashTableIter iter;
  gpointer       value;
  gboolean       no_guards;

  sp_mutex_lock (&self->mutex);
  if (final_value != NULL && !G_IS_VALUE (&self->final_value) && self->state != PROXY_CLOSED)
    value_from_maybe (self, final_value, &self->final_value);
  if (self->state != PROXY_OPEN)
    {
      sp_mutex_unlock (&self->mutex);
      return;
    }
  self->state = PROXY_CLOSING;
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (calls, proxy_call_ref (value));
  no_guards = self->n_guards == 0;
  sp_mutex_unlock (&self->mutex);

  for (guint i = 0; i < calls->len; i++)
    proxy_call_abandon (g_ptr_array_index (calls, i), G_IO_ERROR_CLOSED, "was closed");
  if (no_guards)
    finish_close (self);
}

static void
proxy_guard_gone (SpSharedObjectProxy *self)
{
  gboolean last;

  sp_mutex_lock (&self->mutex);
  g_assert (self->n_guards > 0);
  self->n_guards--;
  last = self->n_guards == 0 && self->state == PROXY_CLOSING;
  sp_mutex_unlock (&self->mutex);
  if (last)
    finish_close (self);
}

/* GObject */

static void
sp_shared_object_proxy_dispose (GObject *object)
{
  SpSharedObjectProxy *self = SP_SHARED_OBJECT_PROXY (object);

  if (self->subscription_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->connection, self->subscription_id);
      self->subscription_id = 0;
    }
  if (self->watch_id != 0)
    {
      g_bus_unwatch_name (self->watch_id);
      self->watch_id = 0;
    }
  if (self->connection != NULL)
    g_clear_signal_handler (&self->connection_closed_id, self->connection);
  G_OBJECT_CLASS (sp_shared_object_proxy_parent_class)->dispose (object);
}

static void
sp_shared_object_proxy_finalize (GObject *object)
{
  SpSharedObjectProxy *self = SP_SHARED_OBJECT_PROXY (object);

  g_assert (g_hash_table_size (self->calls) == 0);
  g_hash_table_unref (self->calls);
  g_clear_pointer (&self->close_tasks, g_ptr_array_unref);
  if (G_IS_VALUE (&self->final_value))
    g_value_unset (&self->final_value);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_free (self->bus_name);
  g_free (self->owner);
  g_free (self->object_path);
  g_free (self->name);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (sp_shared_object_proxy_parent_class)->finalize (object);
}

static void
sp_shared_object_proxy_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  SpSharedObjectProxy *self = SP_SHARED_OBJECT_PROXY (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_BUS_NAME:
      g_value_set_string (value, self->bus_name);
      break;
    case PROP_OBJECT_PATH:
      g_value_set_string (value, self->object_path);
      break;
    case PROP_VALUE_TYPE:
      g_value_set_gtype (value, self->value_type);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DEFAULT_TIMEOUT:
      g_value_set_int (value, sp_shared_object_proxy_get_default_timeout (self));
      break;
    case PROP_INITIALIZED:
      g_value_set_boolean (value, sp_shared_object_proxy_is_initialized (self));
      break;
    case PROP_CLOSED:
      g_value_set_boolean (value, sp_shared_object_proxy_is_closed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_shared_object_proxy_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  SpSharedObjectProxy *self = SP_SHARED_OBJECT_PROXY (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_BUS_NAME:
      self->bus_name = g_value_dup_string (value);
      break;
    case PROP_OBJECT_PATH:
      self->object_path = g_value_dup_string (value);
      break;
    case PROP_DEFAULT_TIMEOUT:
      sp_shared_object_proxy_set_default_timeout (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_shared_object_proxy_class_init (SpSharedObjectProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_shared_object_proxy_dispose;
  object_class->finalize = sp_shared_object_proxy_finalize;
  object_class->get_property = sp_shared_object_proxy_get_property;
  object_class->set_property = sp_shared_object_proxy_set_property;

  /**
   * SpSharedObjectProxy:connection:
   *
   * The connection the calls travel on.
   *
   * Since: 1.0
   */
  properties[PROP_CONNECTION] =
      g_param_spec_object ("connection", NULL, NULL, G_TYPE_DBUS_CONNECTION,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * SpSharedObjectProxy:bus-name:
   *
   * The bus name given at creation, or %NULL on a peer-to-peer
   * connection.
   *
   * Since: 1.0
   */
  properties[PROP_BUS_NAME] =
      g_param_spec_string ("bus-name", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * SpSharedObjectProxy:object-path:
   *
   * The path the object is exported at.
   *
   * Since: 1.0
   */
  properties[PROP_OBJECT_PATH] =
      g_param_spec_string ("object-path", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * SpSharedObjectProxy:value-type:
   *
   * The type of the values, as the proxy holds them: the exported
   * object's own value type.
   *
   * Since: 1.0
   */
  properties[PROP_VALUE_TYPE] = g_param_spec_gtype ("value-type", NULL, NULL, G_TYPE_NONE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * SpSharedObjectProxy:name:
   *
   * The exported object's name, used in error messages; %NULL if it has
   * none.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
      g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * SpSharedObjectProxy:default-timeout:
   *
   * The timeout in milliseconds of calls given `-1`; 0, the default,
   * means none.
   *
   * Since: 1.0
   */
  properties[PROP_DEFAULT_TIMEOUT] =
      g_param_spec_int ("default-timeout", NULL, NULL, 0, G_MAXINT, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SpSharedObjectProxy:initialized:
   *
   * Whether the exported object holds a value, as last reported by the
   * exporter.
   *
   * Since: 1.0
   */
  properties[PROP_INITIALIZED] =
      g_param_spec_boolean ("initialized", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SpSharedObjectProxy:closed:
   *
   * Whether the proxy is closed.
   *
   * Since: 1.0
   */
  properties[PROP_CLOSED] =
      g_param_spec_boolean ("closed", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SpSharedObjectProxy::initialized:
   * @self: the proxy
   *
   * Emitted when the exported object receives its first value (or a value
   * again after a clear).
   *
   * Since: 1.0
   */
  signals[SIGNAL_INITIALIZED] =
      g_signal_new ("initialized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);
  /**
   * SpSharedObjectProxy::changed:
   * @self: the proxy
   * @old_value: (nullable): the value before, %NULL if there was none
   * @new_value: (nullable): the value after, %NULL if there is none
   *
   * Emitted after the exported object's value changed.
   *
   * Since: 1.0
   */
  signals[SIGNAL_CHANGED] = g_signal_new (
      "changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      G_TYPE_VALUE | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_VALUE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * SpSharedObjectProxy::cleared:
   * @self: the proxy
   *
   * Emitted after a clear of the exported object, following
   * [signal@Sharedpotato.SharedObjectProxy::changed].
   *
   * Since: 1.0
   */
  signals[SIGNAL_CLEARED] = g_signal_new ("cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SpSharedObjectProxy::closed:
   * @self: the proxy
   * @final_value: (nullable): the exported object's final value, when it
   *   closed or was unexported; %NULL when the proxy was closed, or the
   *   exporter left the bus
   *
   * Emitted once, when the proxy is closed and its last guard released.
   *
   * Since: 1.0
   */
  signals[SIGNAL_CLOSED] =
      g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, G_TYPE_VALUE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sp_shared_object_proxy_init (SpSharedObjectProxy *self)
{
  g_mutex_init (&self->mutex);
  self->calls = g_hash_table_new_full (NULL, NULL, NULL, proxy_call_unref);
  self->owner_context = g_main_context_ref_thread_default ();
  self->value_type = G_TYPE_INVALID;
}

/* Accessors */

/**
 * sp_shared_object_proxy_get_connection:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 *
 * Gets the connection the proxy calls on.
 *
 * Returns: (transfer none): the connection
 *
 * Since: 1.0
 */
GDBusConnection *
sp_shared_object_proxy_get_connection (SpSharedObjectProxy *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), NULL);
  return self->connection;
}

/**
 * sp_shared_object_proxy_get_bus_name:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 *
 * Gets the bus name the proxy was created with.
 *
 * Returns: (nullable): the bus name given at creation
 *
 * Since: 1.0
 */
const char *
sp_shared_object_proxy_get_bus_name (SpSharedObjectProxy *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), NULL);
  return self->bus_name;
}

/**
 * sp_shared_object_proxy_get_object_path:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 *
 * Gets the path the object is exported at.
 *
 * Returns: the object path
 *
 * Since: 1.0
 */
const char *
sp_shared_object_proxy_get_object_path (SpSharedObjectProxy *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), NULL);
  return self->object_path;
}

/**
 * sp_shared_object_proxy_get_value_type:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 *
 * Gets the type of the values.
 *
 * Returns: the type of the values
 *
 * Since: 1.0
 */
GType
sp_shared_object_proxy_get_value_type (SpSharedObjectProxy *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), G_TYPE_INVALID);
  return self->value_type;
}

/**
 * sp_shared_object_proxy_get_name:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 *
 * Gets the exported object's name.
 *
 * Returns: (nullable): the exported object's name
 *
 * Since: 1.0
 */
const char *
sp_shared_object_proxy_get_name (SpSharedObjectProxy *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), NULL);
  return self->name;
}

/**
 * sp_shared_object_proxy_get_default_timeout:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 *
 * Gets the timeout of calls given `-1`.
 *
 * Returns: the [property@Sharedpotato.SharedObjectProxy:default-timeout]
 *
 * Since: 1.0
 */
int
sp_shared_object_proxy_get_default_timeout (SpSharedObjectProxy *self)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), 0);
  return g_atomic_int_get (&self->default_timeout);
}

/**
 * sp_shared_object_proxy_set_default_timeout:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @timeout_ms: milliseconds, 0 for none
 *
 * Sets the [property@Sharedpotato.SharedObjectProxy:default-timeout].
 *
 * Since: 1.0
 */
void
sp_shared_object_proxy_set_default_timeout (SpSharedObjectProxy *self, int timeout_ms)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT_PROXY (self));
  g_return_if_fail (timeout_ms >= 0);

  if (g_atomic_int_exchange (&self->default_timeout, timeout_ms) != timeout_ms)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_TIMEOUT]);
}

/**
 * sp_shared_object_proxy_is_initialized:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 *
 * Tells whether the exported object holds a value, as last reported by its exporter.
 *
 * Returns: whether the exported object holds a value, as last reported
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_proxy_is_initialized (SpSharedObjectProxy *self)
{
  gboolean initialized;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), FALSE);
  sp_mutex_lock (&self->mutex);
  initialized = self->initialized;
  sp_mutex_unlock (&self->mutex);
  return initialized;
}

/**
 * sp_shared_object_proxy_is_closed:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 *
 * Tells whether the proxy is closed.
 *
 * Returns: whether the proxy is closed
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_proxy_is_closed (SpSharedObjectProxy *self)
{
  gboolean closed;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), FALSE);
  sp_mutex_lock (&self->mutex);
  closed = self->state == PROXY_CLOSED;
  sp_mutex_unlock (&self->mutex);
  return closed;
}

/* Calls */

static gboolean
finish_check (SpSharedObjectProxy *self, GAsyncResult *result, gpointer source_tag)
{
  return g_task_is_valid (result, self) && g_task_get_source_tag (G_TASK (result)) == source_tag;
}

/**
 * sp_shared_object_proxy_get_async:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @timeout_ms: `-1` for the default timeout, 0 for none, or milliseconds
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the value is there
 * @user_data: data for @callback
 *
 * Waits until the exported object has a value and returns a copy, as
 * [method@Sharedpotato.SharedObject.get_async] does.
 *
 * Since: 1.0
 */
void
sp_shared_object_proxy_get_async (SpSharedObjectProxy *self,
                                  int                  timeout_ms,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT_PROXY (self));
  g_return_if_fail (CHECK_TIMEOUT (timeout_ms));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  proxy_call_start (self,
                    proxy_task_new (self, cancellable, callback, user_data,
                                    sp_shared_object_proxy_get_async,
                                    "sp_shared_object_proxy_get_async"),
                    "Get", resolve_timeout (self, timeout_ms), build_id_timeout, NULL);
}

/**
 * sp_shared_object_proxy_get_finish:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @result: the result given to the callback
 * @value: (out caller-allocates) (optional): an empty #GValue that
 *   receives the value
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObjectProxy.get_async].
 *
 * Returns: (skip): %TRUE with @value set, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_proxy_get_finish (SpSharedObjectProxy *self,
                                   GAsyncResult        *result,
                                   GValue              *value,
                                   GError             **error)
{
  GValue *got;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), FALSE);
  g_return_val_if_fail (finish_check (self, result, sp_shared_object_proxy_get_async), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  got = g_task_propagate_pointer (G_TASK (result), error);
  if (got == NULL)
    {
      if (value != NULL)
        sp_value_init_zero (self->value_type, value);
      return FALSE;
    }
  if (value != NULL)
    sp_value_move (value, got);
  else
    g_value_unset (got);
  g_free (got);
  return TRUE;
}

/**
 * sp_shared_object_proxy_peek_async:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @timeout_ms: `-1` for the default timeout, 0 for none, or milliseconds
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Reads the value without waiting for one, as
 * [method@Sharedpotato.SharedObject.peek_async] does.
 *
 * Since: 1.0
 */
void
sp_shared_object_proxy_peek_async (SpSharedObjectProxy *self,
                                   int                  timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT_PROXY (self));
  g_return_if_fail (CHECK_TIMEOUT (timeout_ms));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  proxy_call_start (self,
                    proxy_task_new (self, cancellable, callback, user_data,
                                    sp_shared_object_proxy_peek_async,
                                    "sp_shared_object_proxy_peek_async"),
                    "Peek", resolve_timeout (self, timeout_ms), build_id_timeout, NULL);
}

/**
 * sp_shared_object_proxy_peek_finish:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @result: the result given to the callback
 * @initialized: (out) (optional): whether there was a value
 * @value: (out caller-allocates) (optional): an empty #GValue that
 *   receives the value, or the zero of the type if there was none
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObjectProxy.peek_async].
 *
 * Returns: (skip): %TRUE on success, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_proxy_peek_finish (SpSharedObjectProxy *self,
                                    GAsyncResult        *result,
                                    gboolean            *initialized,
                                    GValue              *value,
                                    GError             **error)
{
  GValue  *got;
  gboolean has_value;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), FALSE);
  g_return_val_if_fail (finish_check (self, result, sp_shared_object_proxy_peek_async), FALSE);
  g_return_val_if_fail (value == NULL || !G_IS_VALUE (value), FALSE);

  got = g_task_propagate_pointer (G_TASK (result), error);
  has_value = got != NULL && G_IS_VALUE (got);
  if (initialized != NULL)
    *initialized = has_value;
  if (value != NULL && has_value)
    sp_value_move (value, got);
  else if (value != NULL)
    sp_value_init_zero (self->value_type, value);
  if (got != NULL && G_IS_VALUE (got))
    g_value_unset (got);
  g_free (got);
  return got != NULL;
}

/**
 * sp_shared_object_proxy_set_async:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @value: the value to store, converted as
 *   [method@Sharedpotato.SharedObject.set_async] converts
 * @timeout_ms: `-1` for the default timeout, 0 for none, or milliseconds
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the value is stored
 * @user_data: data for @callback
 *
 * Stores @value in the exported object. A value that cannot be converted
 * without loss, or cannot travel (a %NULL string), fails with
 * %G_IO_ERROR_INVALID_ARGUMENT and sends nothing.
 *
 * Since: 1.0
 */
void
sp_shared_object_proxy_set_async (SpSharedObjectProxy *self,
                                  const GValue        *value,
                                  int                  timeout_ms,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_auto (GValue) converted = G_VALUE_INIT;
  g_autoptr (GVariant) variant = NULL;
  g_autoptr (GError) error = NULL;
  GTask *task;

  g_return_if_fail (SP_IS_SHARED_OBJECT_PROXY (self));
  g_return_if_fail (G_IS_VALUE (value));
  g_return_if_fail (CHECK_TIMEOUT (timeout_ms));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = proxy_task_new (self, cancellable, callback, user_data, sp_shared_object_proxy_set_async,
                         "sp_shared_object_proxy_set_async");
  if (!sp_value_convert (self->value_type, value, &converted, "SharedObjectProxy", &error) ||
      (variant = sp_dbus_value_to_variant (&converted, &error)) == NULL)
    {
      error->code = G_IO_ERROR_INVALID_ARGUMENT;
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  proxy_call_start (self, task, "Set", resolve_timeout (self, timeout_ms), build_set, variant);
}

/**
 * sp_shared_object_proxy_set_finish:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObjectProxy.set_async].
 *
 * Returns: %TRUE if the value was stored
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_proxy_set_finish (SpSharedObjectProxy *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), FALSE);
  g_return_val_if_fail (finish_check (self, result, sp_shared_object_proxy_set_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sp_shared_object_proxy_clear_async:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @timeout_ms: `-1` for the default timeout, 0 for none, or milliseconds
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the object is cleared
 * @user_data: data for @callback
 *
 * Clears the exported object, as
 * [method@Sharedpotato.SharedObject.clear_async] does.
 *
 * Since: 1.0
 */
void
sp_shared_object_proxy_clear_async (SpSharedObjectProxy *self,
                                    int                  timeout_ms,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (SP_IS_SHARED_OBJECT_PROXY (self));
  g_return_if_fail (CHECK_TIMEOUT (timeout_ms));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  proxy_call_start (self,
                    proxy_task_new (self, cancellable, callback, user_data,
                                    sp_shared_object_proxy_clear_async,
                                    "sp_shared_object_proxy_clear_async"),
                    "Clear", resolve_timeout (self, timeout_ms), build_id_timeout, NULL);
}

/**
 * sp_shared_object_proxy_clear_finish:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObjectProxy.clear_async].
 *
 * Returns: %TRUE if the object was cleared
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_proxy_clear_finish (SpSharedObjectProxy *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), FALSE);
  g_return_val_if_fail (finish_check (self, result, sp_shared_object_proxy_clear_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sp_shared_object_proxy_lock_async:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @mode: shared or exclusive
 * @timeout_ms: `-1` for the default timeout, 0 for none, or milliseconds
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the guard
 * @user_data: data for @callback
 *
 * Takes the exported object's lock, as
 * [method@Sharedpotato.SharedObject.lock_async] does, on behalf of this
 * connection: it is released if this process leaves the bus.
 *
 * Since: 1.0
 */
void
sp_shared_object_proxy_lock_async (SpSharedObjectProxy *self,
                                   SpLockMode           mode,
                                   int                  timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SP_IS_SHARED_OBJECT_PROXY (self));
  g_return_if_fail (mode == SP_LOCK_MODE_SHARED || mode == SP_LOCK_MODE_EXCLUSIVE);
  g_return_if_fail (CHECK_TIMEOUT (timeout_ms));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = proxy_task_new (self, cancellable, callback, user_data, sp_shared_object_proxy_lock_async,
                         "sp_shared_object_proxy_lock_async");
  g_task_set_task_data (task, GUINT_TO_POINTER (mode), NULL);
  proxy_call_start (self, task, "Lock", resolve_timeout (self, timeout_ms), build_lock,
                    GUINT_TO_POINTER (mode));
}

/**
 * sp_shared_object_proxy_lock_finish:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObjectProxy.lock_async].
 *
 * Returns: (transfer full): the guard, or %NULL with @error set
 *
 * Since: 1.0
 */
SpProxyGuard *
sp_shared_object_proxy_lock_finish (SpSharedObjectProxy *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), NULL);
  g_return_val_if_fail (finish_check (self, result, sp_shared_object_proxy_lock_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_close_timeout_or_cancel (GTask *task, GIOErrorEnum code)
{
  SpSharedObjectProxy *self = g_task_get_source_object (task);
  gboolean             waiting;

  sp_mutex_lock (&self->mutex);
  waiting = self->close_tasks != NULL && g_ptr_array_remove (self->close_tasks, task);
  sp_mutex_unlock (&self->mutex);
  if (waiting)
    {
      g_task_return_new_error (task, G_IO_ERROR, code, "close of SharedObjectProxy '%s' %s",
                               proxy_label (self),
                               code == G_IO_ERROR_CANCELLED ? "was cancelled" : "timed out");
      g_object_unref (task);
    }
}

static gboolean
on_close_timeout (gpointer data)
{
  on_close_timeout_or_cancel (data, G_IO_ERROR_TIMED_OUT);
  return G_SOURCE_REMOVE;
}

static gboolean
on_close_cancelled (GCancellable *cancellable, gpointer data)
{
  on_close_timeout_or_cancel (data, G_IO_ERROR_CANCELLED);
  return G_SOURCE_REMOVE;
}

/**
 * sp_shared_object_proxy_close_async:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @timeout_ms: `-1` for the default timeout, 0 for none, or milliseconds
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the proxy is closed
 * @user_data: data for @callback
 *
 * Closes the proxy: new calls fail with %G_IO_ERROR_CLOSED, unanswered
 * calls fail with %G_IO_ERROR_CLOSED (and are withdrawn at the exporter),
 * and once every guard taken through the proxy is released ::closed is
 * emitted and the close completes. The exported object stays open.
 * Closing twice is a harmless success. A close that times out or is
 * cancelled reports so; the proxy still closes.
 *
 * Since: 1.0
 */
void
sp_shared_object_proxy_close_async (SpSharedObjectProxy *self,
                                    int                  timeout_ms,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask   *task;
  gboolean closed;

  g_return_if_fail (SP_IS_SHARED_OBJECT_PROXY (self));
  g_return_if_fail (CHECK_TIMEOUT (timeout_ms));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = proxy_task_new (self, cancellable, callback, user_data, sp_shared_object_proxy_close_async,
                         "sp_shared_object_proxy_close_async");
  timeout_ms = resolve_timeout (self, timeout_ms);

  sp_mutex_lock (&self->mutex);
  closed = self->state == PROXY_CLOSED;
  if (!closed)
    {
      if (self->close_tasks == NULL)
        self->close_tasks = g_ptr_array_new ();
      g_ptr_array_add (self->close_tasks, g_object_ref (task));
    }
  sp_mutex_unlock (&self->mutex);

  if (closed)
    g_task_return_boolean (task, TRUE);
  else
    {
      if (timeout_ms > 0)
        {
          GSource *source = g_timeout_source_new (timeout_ms);

          g_task_attach_source (task, source, on_close_timeout);
          g_source_unref (source);
        }
      if (cancellable != NULL)
        {
          GSource *source = g_cancellable_source_new (cancellable);

          g_task_attach_source (task, source, G_SOURCE_FUNC (on_close_cancelled));
          g_source_unref (source);
        }
      begin_close (self, NULL);
    }
  g_object_unref (task);
}

/**
 * sp_shared_object_proxy_close_finish:
 * @self: a [class@Sharedpotato.SharedObjectProxy]
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sharedpotato.SharedObjectProxy.close_async].
 *
 * Returns: %TRUE once the proxy is closed
 *
 * Since: 1.0
 */
gboolean
sp_shared_object_proxy_close_finish (SpSharedObjectProxy *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (SP_IS_SHARED_OBJECT_PROXY (self), FALSE);
  g_return_val_if_fail (finish_check (self, result, sp_shared_object_proxy_close_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* SpProxyGuard */

static SpProxyGuard *
proxy_guard_new (SpSharedObjectProxy *proxy, const char *handle, SpLockMode mode, GVariant *values)
{
  SpProxyGuard *self = g_object_new (SP_TYPE_PROXY_GUARD, NULL);

  self->proxy = g_object_ref (proxy);
  self->handle = g_strdup (handle);
  self->mode = mode;
  value_from_maybe (proxy, values, &self->value);
  sp_mutex_lock (&proxy->mutex);
  proxy->n_guards++;
  sp_mutex_unlock (&proxy->mutex);
  return self;
}

static void
proxy_guard_release_internal (SpProxyGuard *self)
{
  SpSharedObjectProxy *proxy = self->proxy;
  g_autoptr (GVariant) values = NULL;
  gboolean written;

  sp_mutex_lock (&self->mutex);
  written = self->written;
  values =
      g_variant_ref_sink (sp_dbus_value_to_maybe (G_IS_VALUE (&self->value) ? &self->value : NULL));
  sp_mutex_unlock (&self->mutex);

  /* No reply expected: the guard validated what it wrote, and a closed
   * connection or a vanished exporter has released the lock already. */
  g_dbus_connection_call (proxy->connection, proxy->owner, proxy->object_path,
                          SP_SHARED_OBJECT_DBUS_INTERFACE, "Release",
                          g_variant_new ("(sb@av)", self->handle, written, values), NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
  proxy_guard_gone (proxy);
}

/* TRUE for the one caller that marks @self released. */
static gboolean
proxy_guard_claim_release (SpProxyGuard *self)
{
  gboolean first;

  sp_mutex_lock (&self->mutex);
  first = !self->released;
  self->released = TRUE;
  sp_mutex_unlock (&self->mutex);
  return first;
}

static void
sp_proxy_guard_dispose (GObject *object)
{
  SpProxyGuard *self = SP_PROXY_GUARD (object);

  if (self->proxy != NULL && proxy_guard_claim_release (self))
    proxy_guard_release_internal (self);
  G_OBJECT_CLASS (sp_proxy_guard_parent_class)->dispose (object);
}

static void
sp_proxy_guard_finalize (GObject *object)
{
  SpProxyGuard *self = SP_PROXY_GUARD (object);

  if (G_IS_VALUE (&self->value))
    g_value_unset (&self->value);
  g_clear_object (&self->proxy);
  g_free (self->handle);
  g_free (self->label);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (sp_proxy_guard_parent_class)->finalize (object);
}

static void
sp_proxy_guard_class_init (SpProxyGuardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_proxy_guard_dispose;
  object_class->finalize = sp_proxy_guard_finalize;
}

static void
sp_proxy_guard_init (SpProxyGuard *self)
{
  g_mutex_init (&self->mutex);
}

/**
 * sp_proxy_guard_get_mode:
 * @self: a [class@Sharedpotato.ProxyGuard]
 *
 * Tells whether the guard holds the lock shared or exclusive.
 *
 * Returns: whether the lock is shared or exclusive
 *
 * Since: 1.0
 */
SpLockMode
sp_proxy_guard_get_mode (SpProxyGuard *self)
{
  g_return_val_if_fail (SP_IS_PROXY_GUARD (self), SP_LOCK_MODE_SHARED);
  return self->mode;
}

/**
 * sp_proxy_guard_is_released:
 * @self: a [class@Sharedpotato.ProxyGuard]
 *
 * Tells whether the guard was released.
 *
 * Returns: whether the guard was released
 *
 * Since: 1.0
 */
gboolean
sp_proxy_guard_is_released (SpProxyGuard *self)
{
  gboolean released;

  g_return_val_if_fail (SP_IS_PROXY_GUARD (self), TRUE);
  sp_mutex_lock (&self->mutex);
  released = self->released;
  sp_mutex_unlock (&self->mutex);
  return released;
}

/**
 * sp_proxy_guard_set_label:
 * @self: a [class@Sharedpotato.ProxyGuard]
 * @label: (nullable): where the lock is held, for debugging
 *
 * Names the code that holds the guard, as
 * [method@Sharedpotato.Guard.set_label] does.
 *
 * Since: 1.0
 */
void
sp_proxy_guard_set_label (SpProxyGuard *self, const char *label)
{
  g_return_if_fail (SP_IS_PROXY_GUARD (self));
  sp_mutex_lock (&self->mutex);
  g_free (self->label);
  self->label = g_strdup (label);
  sp_mutex_unlock (&self->mutex);
}

#define RETURN_IF_RELEASED_LOCKED(self, val)                                                       \
 G_STMT_START                                                                                      \
 {                                                                                                 \
  if ((self)->released)                                                                            \
   {                                                                                               \
    sp_mutex_unlock (&(self)->mutex);                                                              \
    g_return_val_if_fail (!"the guard is released", val);                                          \
   }                                                                                               \
 }                                                                                                 \
 G_STMT_END

/**
 * sp_proxy_guard_is_initialized:
 * @self: a [class@Sharedpotato.ProxyGuard]
 *
 * Tells whether the guarded value is set, as the holder sees it.
 *
 * Returns: whether the guarded object holds a value
 *
 * Since: 1.0
 */
gboolean
sp_proxy_guard_is_initialized (SpProxyGuard *self)
{
  gboolean initialized;

  g_return_val_if_fail (SP_IS_PROXY_GUARD (self), FALSE);
  sp_mutex_lock (&self->mutex);
  RETURN_IF_RELEASED_LOCKED (self, FALSE);
  initialized = G_IS_VALUE (&self->value);
  sp_mutex_unlock (&self->mutex);
  return initialized;
}

/**
 * sp_proxy_guard_get_value:
 * @self: a [class@Sharedpotato.ProxyGuard]
 * @value: (out caller-allocates): an empty #GValue that receives the value,
 *   or the zero of the type if there is none
 *
 * Reads the value, as the guard's holder last wrote it or as it was when
 * the lock was granted. No round trip: the lock is held.
 *
 * Returns: whether there is a value
 *
 * Since: 1.0
 */
gboolean
sp_proxy_guard_get_value (SpProxyGuard *self, GValue *value)
{
  gboolean initialized;

  g_return_val_if_fail (SP_IS_PROXY_GUARD (self), FALSE);
  g_return_val_if_fail (value != NULL && !G_IS_VALUE (value), FALSE);
  sp_mutex_lock (&self->mutex);
  if (self->released)
    {
      sp_mutex_unlock (&self->mutex);
      sp_value_init_zero (self->proxy->value_type, value);
      g_return_val_if_fail (!"the guard is released", FALSE);
    }
  initialized = G_IS_VALUE (&self->value);
  if (initialized)
    {
      g_value_init (value, G_VALUE_TYPE (&self->value));
      g_value_copy (&self->value, value);
    }
  else
    sp_value_init_zero (self->proxy->value_type, value);
  sp_mutex_unlock (&self->mutex);
  return initialized;
}

/**
 * sp_proxy_guard_set_value:
 * @self: an exclusive [class@Sharedpotato.ProxyGuard]
 * @value: the new value, converted as
 *   [method@Sharedpotato.Guard.set_value] converts
 * @error: return location for a #GError
 *
 * Writes the value; it is stored in the exported object when the guard is
 * released. Writing through a shared or released guard is a programmer
 * error.
 *
 * Returns: %TRUE, or %FALSE with %G_IO_ERROR_INVALID_ARGUMENT for a value
 *   that cannot be converted without loss or cannot travel
 *
 * Since: 1.0
 */
gboolean
sp_proxy_guard_set_value (SpProxyGuard *self, const GValue *value, GError **error)
{
  g_auto (GValue) converted = G_VALUE_INIT;
  g_autoptr (GVariant) check = NULL;

  g_return_val_if_fail (SP_IS_PROXY_GUARD (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (self->mode == SP_LOCK_MODE_EXCLUSIVE, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sp_value_convert (self->proxy->value_type, value, &converted, "SharedObjectProxy", error))
    return FALSE;
  check = sp_dbus_value_to_variant (&converted, error);
  if (check == NULL)
    {
      if (error != NULL)
        (*error)->code = G_IO_ERROR_INVALID_ARGUMENT;
      return FALSE;
    }

  sp_mutex_lock (&self->mutex);
  RETURN_IF_RELEASED_LOCKED (self, FALSE);
  if (G_IS_VALUE (&self->value))
    g_value_unset (&self->value);
  sp_value_move (&self->value, &converted);
  self->written = TRUE;
  sp_mutex_unlock (&self->mutex);
  return TRUE;
}

/**
 * sp_proxy_guard_clear:
 * @self: an exclusive [class@Sharedpotato.ProxyGuard]
 *
 * Clears the value; the exported object is cleared when the guard is
 * released.
 *
 * Since: 1.0
 */
void
sp_proxy_guard_clear (SpProxyGuard *self)
{
  g_return_if_fail (SP_IS_PROXY_GUARD (self));
  g_return_if_fail (self->mode == SP_LOCK_MODE_EXCLUSIVE);

  sp_mutex_lock (&self->mutex);
  if (self->released)
    {
      sp_mutex_unlock (&self->mutex);
      g_return_if_fail (!"the guard is released");
    }
  if (G_IS_VALUE (&self->value))
    g_value_unset (&self->value);
  self->written = TRUE;
  sp_mutex_unlock (&self->mutex);
}

/**
 * sp_proxy_guard_release:
 * @self: a [class@Sharedpotato.ProxyGuard]
 *
 * Stores what the guard wrote, if anything, and releases the lock.
 * Releasing twice is a programmer error. Dropping the last reference
 * releases it too.
 *
 * Since: 1.0
 */
void
sp_proxy_guard_release (SpProxyGuard *self)
{
  g_return_if_fail (SP_IS_PROXY_GUARD (self));
  g_return_if_fail (proxy_guard_claim_release (self));
  proxy_guard_release_internal (self);
}
