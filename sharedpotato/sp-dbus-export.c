/* sp-dbus-export.c: an SpSharedObject served over D-Bus
 *
 * SPDX-License-Identifier: MIT
 */

/* THE PROTOCOL
 *
 * An export serves one SpSharedObject at one object path of one
 * GDBusConnection, with the interface described in
 * introspection/org.gnome.Sharedpotato.SharedObject1.xml. It adds no lock
 * of its own: every remote request becomes one call of the object's public
 * asynchronous API, made with a cancellable of the request's own, so
 * remote and local callers share one FIFO queue, the same readers-writer
 * rules, and the same cancel, timeout and close races, which the object
 * already settles.
 *
 * Threads. Everything of an export (its peers, their requests) is touched
 * only in the main context that was thread-default at export time, the
 * export context: GDBus dispatches method calls there, the object's
 * callbacks come back there (it was the caller's context), the name
 * watches report there, and a closed connection is forwarded there by an
 * idle source. Hence no mutex, only the global table of exports, which
 * export and unexport may reach from any thread (exports_lock, a leaf).
 * The object's signals are forwarded as D-Bus signals from whatever
 * context emits them, through an SpDBusEmitter that owns the connection
 * and the path and is freed by the handlers' destroy notify.
 *
 * Peers. A peer is one sender (a unique name; the empty string on a
 * peer-to-peer connection, whose peer is the connection itself). It is
 * created by its first request and watched with
 * g_bus_watch_name_on_connection(), which also reports a name that left
 * before the watch began. It owns its requests:
 *
 *   PENDING  a local call is under way; the request is in peer->requests
 *            (by id) and the call's callback owns it.
 *   HELD     a granted lock; the request is in peer->requests and
 *            peer->handles (by handle) and the peer owns it and its guard.
 *
 * What each event does:
 *
 *   reply of the local call   PENDING → reply, gone; a granted lock →
 *                             HELD, or released at once if the peer left
 *                             meanwhile (request->peer is NULL).
 *   Cancel(id)                PENDING → the cancellable fires: the object
 *                             withdraws the call from its queue at once (or
 *                             gives back a lock granted but not delivered),
 *                             and the reply is CANCELLED; HELD → released.
 *   timeout                   the object's own: the timeout travels with
 *                             the call.
 *   Release(handle)           HELD of the same sender → optional write,
 *                             released, gone. A handle of another sender
 *                             is not in this peer's table: AccessDenied.
 *   peer vanished / connection closed
 *                             every PENDING: peer pointer cleared,
 *                             cancellable fired; every HELD: released;
 *                             the peer and its watch go.
 *   object closed             the object fails PENDING calls with
 *                             CLOSED; held guards stay until released, as
 *                             for local holders.
 *   unexport                  as if every peer vanished; proxies get a
 *                             Closed signal.
 *
 * Limits. A peer has at most SP_DBUS_MAX_REQUESTS_PER_PEER requests, PENDING
 * and HELD together; more fail with LimitsExceeded before anything is
 * queued, so a flooding peer holds at most that many places in the FIFO
 * and everybody behind them is served as they are.
 *
 * Handles are 128 random bits from getrandom(), looked up only in the
 * sender's own table: one peer cannot name another's lock.
 */

#include "config.h"

#include "sp-dbus-export.h"
#include "sp-dbus-private.h"

typedef struct _SpDBusExport  SpDBusExport;
typedef struct _SpDBusPeer    SpDBusPeer;
typedef struct _SpDBusRequest SpDBusRequest;

typedef enum
{
  REQUEST_GET,
  REQUEST_PEEK,
  REQUEST_SET,
  REQUEST_CLEAR,
  REQUEST_LOCK,
} RequestKind;

struct _SpDBusExport
{
  gatomicrefcount  ref_count;
  guint            id;
  gboolean         unexported;
  SpSharedObject  *object;
  GDBusConnection *connection;
  char            *object_path;
  const char      *signature;
  guint            registration_id;
  GMainContext    *context;
  GHashTable      *peers; /* sender → SpDBusPeer, owned */
  gulong           signal_ids[4];
  gulong           connection_closed_id;
};

struct _SpDBusPeer
{
  SpDBusExport *export; /* borrowed: the export owns its peers */
  char       *sender;
  guint       watch_id;
  GHashTable *requests; /* id → SpDBusRequest: borrowed PENDING, owned HELD */
  GHashTable *handles;  /* handle → SpDBusRequest (HELD), borrowed */
};

struct _SpDBusRequest
{
  SpDBusPeer *peer; /* NULL once the peer or the export is gone */
  SpDBusExport *export;
  guint32                id;
  RequestKind            kind;
  GDBusMethodInvocation *invocation;
  GCancellable          *cancellable;
  SpGuard               *guard;
  char                  *handle;
};

/* What forwards the object's signals: it outlives the export while a
 * handler runs in another context. */
typedef struct
{
  gatomicrefcount  ref_count;
  GDBusConnection *connection;
  char            *object_path;
} SpDBusEmitter;

G_LOCK_DEFINE_STATIC (exports_lock);
static GHashTable *exports; /* id → SpDBusExport, owned */
static guint       last_export_id;

static SpDBusExport *
export_ref (SpDBusExport *export)
{
  g_atomic_ref_count_inc (&export->ref_count);
  return export;
}

static void
export_unref (gpointer data)
{
  SpDBusExport *export = data;

  if (!g_atomic_ref_count_dec (&export->ref_count))
    return;
  g_assert (export->peers == NULL || g_hash_table_size (export->peers) == 0);
  g_clear_pointer (&export->peers, g_hash_table_unref);
  g_clear_object (&export->object);
  g_clear_object (&export->connection);
  g_clear_pointer (&export->context, g_main_context_unref);
  g_free (export->object_path);
  g_free (export);
}

static void
export_closure_unref (gpointer data, GClosure *closure)
{
  export_unref (data);
}

static SpDBusEmitter *
emitter_ref (SpDBusEmitter *emitter)
{
  g_atomic_ref_count_inc (&emitter->ref_count);
  return emitter;
}

static void
emitter_unref (gpointer data, GClosure *closure)
{
  SpDBusEmitter *emitter = data;

  if (!g_atomic_ref_count_dec (&emitter->ref_count))
    return;
  g_object_unref (emitter->connection);
  g_free (emitter->object_path);
  g_free (emitter);
}

static void
emitter_emit (SpDBusEmitter *emitter, const char *signal, GVariant *parameters)
{
  /* Fails only on a closed connection, where nobody is left to tell. */
  g_dbus_connection_emit_signal (emitter->connection, NULL, emitter->object_path,
                                 SP_SHARED_OBJECT_DBUS_INTERFACE, signal, parameters, NULL);
}

static void
on_object_changed (SpSharedObject *object,
                   const GValue   *old_value,
                   const GValue   *new_value,
                   SpDBusEmitter  *emitter)
{
  emitter_emit (emitter, "Changed",
                g_variant_new ("(@av@av)", sp_dbus_value_to_maybe (old_value),
                               sp_dbus_value_to_maybe (new_value)));
}

static void
on_object_cleared (SpSharedObject *object, SpDBusEmitter *emitter)
{
  emitter_emit (emitter, "Cleared", NULL);
}

static void
on_object_initialized (SpSharedObject *object, SpDBusEmitter *emitter)
{
  emitter_emit (emitter, "Initialized", NULL);
}

static void
on_object_closed (SpSharedObject *object, const GValue *final_value, SpDBusEmitter *emitter)
{
  emitter_emit (emitter, "Closed", g_variant_new ("(@av)", sp_dbus_value_to_maybe (final_value)));
}

/* Requests and peers */

static void
request_free (SpDBusRequest *request)
{
  g_assert (request->invocation == NULL);
  g_clear_pointer (&request->guard, sp_guard_unref);
  g_clear_object (&request->cancellable);
  g_free (request->handle);
  export_unref (request->export);
  g_free (request);
}

/* Takes the request out of its peer's tables, if it still has a peer. */
static void
request_detach (SpDBusRequest *request)
{
  if (request->peer == NULL)
    return;
  g_hash_table_remove (request->peer->requests, GUINT_TO_POINTER (request->id));
  if (request->handle != NULL)
    g_hash_table_remove (request->peer->handles, request->handle);
  request->peer = NULL;
}

static void
request_return_error (SpDBusRequest *request, GError *error)
{
  g_dbus_method_invocation_return_gerror (g_steal_pointer (&request->invocation), error);
}

static void
peer_free (SpDBusPeer *peer)
{
  GHashTableIter iter;
  gpointer       value;

  if (peer->watch_id != 0)
    g_bus_unwatch_name (peer->watch_id);

  g_hash_table_iter_init (&iter, peer->requests);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SpDBusRequest *request = value;

      request->peer = NULL;
      g_hash_table_iter_remove (&iter);
      if (request->guard != NULL)
        {
          /* HELD: the peer owned it. */
          sp_guard_release (request->guard);
          request_free (request);
        }
      else
        {
          /* PENDING: its callback owns it, and replies CANCELLED. */
          g_cancellable_cancel (request->cancellable);
        }
    }
  g_hash_table_unref (peer->requests);
  g_hash_table_unref (peer->handles);
  g_free (peer->sender);
  g_free (peer);
}

static void
on_peer_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  SpDBusPeer *peer = user_data;

  g_debug ("D-Bus peer %s of %s left: its locks and queued calls go", peer->sender,
           peer->export->object_path);
  /* Frees the peer, and with it the watch that called us. */
  g_hash_table_remove (peer->export->peers, peer->sender);
}

static SpDBusPeer *
export_lookup_peer (SpDBusExport *export, const char *sender)
{
  return g_hash_table_lookup (export->peers, sender != NULL ? sender : "");
}

static SpDBusPeer *
export_ensure_peer (SpDBusExport *export, const char *sender)
{
  SpDBusPeer *peer = export_lookup_peer (export, sender);

  if (peer != NULL)
    return peer;

  peer = g_new0 (SpDBusPeer, 1);
  peer->export = export;
  peer->sender = g_strdup (sender != NULL ? sender : "");
  peer->requests = g_hash_table_new (NULL, NULL);
  peer->handles = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (export->peers, peer->sender, peer);

  /* A peer-to-peer connection has no sender: its peer goes with the
   * connection (connection_closed_cb). */
  if (sender != NULL)
    peer->watch_id =
        g_bus_watch_name_on_connection (export->connection, sender, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                        NULL, on_peer_vanished, peer, NULL);
  return peer;
}

/* Replies and local callbacks */

static void
on_get_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SpDBusRequest *request = user_data;
  g_auto (GValue) value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) variant = NULL;

  request_detach (request);
  if (sp_shared_object_get_finish (SP_SHARED_OBJECT (source), result, &value, &error) &&
      (variant = sp_dbus_value_to_variant (&value, &error)) != NULL)
    g_dbus_method_invocation_return_value (g_steal_pointer (&request->invocation),
                                           g_variant_new ("(v)", variant));
  else
    request_return_error (request, error);
  request_free (request);
}

static void
on_peek_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SpDBusRequest *request = user_data;
  g_auto (GValue) value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;
  gboolean initialized = FALSE;

  request_detach (request);
  if (sp_shared_object_peek_finish (SP_SHARED_OBJECT (source), result, &initialized, &value,
                                    &error))
    g_dbus_method_invocation_return_value (
        g_steal_pointer (&request->invocation),
        g_variant_new ("(@av)", sp_dbus_value_to_maybe (initialized ? &value : NULL)));
  else
    request_return_error (request, error);
  request_free (request);
}

static void
on_write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SpDBusRequest *request = user_data;
  g_autoptr (GError) error = NULL;
  gboolean done;

  request_detach (request);
  if (request->kind == REQUEST_SET)
    done = sp_shared_object_set_finish (SP_SHARED_OBJECT (source), result, &error);
  else
    done = sp_shared_object_clear_finish (SP_SHARED_OBJECT (source), result, &error);
  if (done)
    g_dbus_method_invocation_return_value (g_steal_pointer (&request->invocation), NULL);
  else
    request_return_error (request, error);
  request_free (request);
}

static void
on_lock_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SpDBusRequest *request = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GValue) value = G_VALUE_INIT;
  SpGuard *guard;

  guard = sp_shared_object_lock_finish (SP_SHARED_OBJECT (source), result, &error);
  if (guard != NULL && request->peer == NULL)
    {
      /* Granted after its peer left (or the export went): nobody to hold
       * it. */
      sp_guard_release (guard);
      sp_guard_unref (guard);
      guard = NULL;
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "The caller of this lock left before it was granted");
    }
  if (guard == NULL)
    {
      request_detach (request);
      request_return_error (request, error);
      request_free (request);
      return;
    }

  /* HELD: the peer owns it from now on. */
  request->guard = guard;
  request->handle = sp_dbus_new_handle ();
  g_hash_table_insert (request->peer->handles, request->handle, request);
  sp_guard_get_value (guard, &value);
  g_dbus_method_invocation_return_value (
      g_steal_pointer (&request->invocation),
      g_variant_new ("(s@av)", request->handle,
                     sp_dbus_value_to_maybe (sp_guard_is_initialized (guard) ? &value : NULL)));
}

/* Method calls */

static gboolean
check_timeout (GDBusMethodInvocation *invocation, gint32 timeout_ms)
{
  if (timeout_ms >= -1)
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                         "timeout_ms must be -1 (the default), 0 (none) or a "
                                         "number of milliseconds, not %d",
                                         timeout_ms);
  return FALSE;
}

/* A new PENDING request of the sender's, or NULL after replying with the
 * error that refused it. */
static SpDBusRequest *
request_new (SpDBusExport *export, GDBusMethodInvocation *invocation, guint32 id, RequestKind kind)
{
  SpDBusPeer *peer = export_ensure_peer (export, g_dbus_method_invocation_get_sender (invocation));
  SpDBusRequest *request;

  if (g_hash_table_contains (peer->requests, GUINT_TO_POINTER (id)))
    {
      g_dbus_method_invocation_return_error (
          invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
          "Request %u is already in use by this connection (ids must be unique among a "
          "connection's unfinished requests and held locks)",
          id);
      return NULL;
    }
  if (g_hash_table_size (peer->requests) >= SP_DBUS_MAX_REQUESTS_PER_PEER)
    {
      g_dbus_method_invocation_return_error (
          invocation, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
          "This connection already has %u requests (unanswered calls and held locks) on %s",
          SP_DBUS_MAX_REQUESTS_PER_PEER, export->object_path);
      return NULL;
    }

  request = g_new0 (SpDBusRequest, 1);
  request->peer = peer;
  request->export = export_ref (export);
  request->id = id;
  request->kind = kind;
  request->invocation = invocation; /* the handler's reference, consumed by the reply */
  request->cancellable = g_cancellable_new ();
  g_hash_table_insert (peer->requests, GUINT_TO_POINTER (id), request);
  return request;
}

static void
handle_release (SpDBusExport *export, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  SpDBusPeer *peer = export_lookup_peer (export, g_dbus_method_invocation_get_sender (invocation));
  SpDBusRequest *request = NULL;
  const char    *handle;
  gboolean       write;
  g_autoptr (GVariant) values = NULL;
  g_autoptr (GError) error = NULL;

  g_variant_get (parameters, "(&sb@av)", &handle, &write, &values);
  if (peer != NULL)
    request = g_hash_table_lookup (peer->handles, handle);
  if (request == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                                             "This connection holds no lock on %s with this handle",
                                             export->object_path);
      return;
    }

  /* A write that is refused writes nothing, but the lock is released all
   * the same: the proxy does not wait for this reply, and a lock kept
   * for a holder that believes it released would stay held for as long
   * as its process lives. */
  if (write)
    {
      if (sp_guard_get_mode (request->guard) != SP_LOCK_MODE_EXCLUSIVE)
        g_set_error_literal (&error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                             "A shared lock cannot write; the lock is released, nothing written");
      else if (g_variant_n_children (values) > 1)
        g_set_error_literal (&error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                             "At most one value can be written; the lock is released, nothing "
                             "written");
      else if (g_variant_n_children (values) == 1)
        {
          g_autoptr (GVariant) boxed = g_variant_get_child_value (values, 0);
          g_autoptr (GVariant) variant = g_variant_get_variant (boxed);
          g_auto (GValue) value = G_VALUE_INIT;
          g_autoptr (GError) refused = NULL;

          if (!sp_dbus_value_from_variant (sp_shared_object_get_value_type (export->object),
                                           variant, &value, &refused) ||
              !sp_guard_set_value (request->guard, &value, &refused))
            g_set_error (&error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                         "%s; the lock is released, nothing written", refused->message);
        }
      else
        sp_guard_clear (request->guard);
    }

  g_hash_table_remove (peer->handles, request->handle);
  g_hash_table_remove (peer->requests, GUINT_TO_POINTER (request->id));
  request->peer = NULL;
  sp_guard_release (request->guard);
  request_free (request);
  if (error != NULL)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
handle_cancel (SpDBusExport *export, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  SpDBusPeer *peer = export_lookup_peer (export, g_dbus_method_invocation_get_sender (invocation));
  SpDBusRequest *request = NULL;
  guint32        id;

  g_variant_get (parameters, "(u)", &id);
  if (peer != NULL)
    request = g_hash_table_lookup (peer->requests, GUINT_TO_POINTER (id));
  if (request != NULL && request->guard != NULL)
    {
      request_detach (request);
      sp_guard_release (request->guard);
      request_free (request);
    }
  else if (request != NULL)
    g_cancellable_cancel (request->cancellable);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
export_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  SpDBusExport *export = user_data;
  SpDBusRequest *request;
  guint32        id, mode;
  gint32         timeout_ms;

  if (export->unexported)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT,
                                             "%s is no longer exported", object_path);
      return;
    }

  /* GDBus has already refused arguments of the wrong D-Bus types. */
  if (g_str_equal (method_name, "Get") || g_str_equal (method_name, "Peek") ||
      g_str_equal (method_name, "Clear"))
    {
      RequestKind kind = method_name[0] == 'G'   ? REQUEST_GET
                         : method_name[0] == 'P' ? REQUEST_PEEK
                                                 : REQUEST_CLEAR;

      g_variant_get (parameters, "(ui)", &id, &timeout_ms);
      if (!check_timeout (invocation, timeout_ms) ||
          (request = request_new (export, invocation, id, kind)) == NULL)
        return;
      if (kind == REQUEST_GET)
        sp_shared_object_get_async (export->object, timeout_ms, request->cancellable, on_get_done,
                                    request);
      else if (kind == REQUEST_PEEK)
        sp_shared_object_peek_async (export->object, timeout_ms, request->cancellable, on_peek_done,
                                     request);
      else
        sp_shared_object_clear_async (export->object, timeout_ms, request->cancellable,
                                      on_write_done, request);
    }
  else if (g_str_equal (method_name, "Set"))
    {
      g_autoptr (GVariant) variant = NULL;
      g_auto (GValue) value = G_VALUE_INIT;
      g_autoptr (GError) error = NULL;

      g_variant_get (parameters, "(uvi)", &id, &variant, &timeout_ms);
      if (!sp_dbus_value_from_variant (sp_shared_object_get_value_type (export->object), variant,
                                       &value, &error))
        {
          g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR,
                                                         G_DBUS_ERROR_INVALID_ARGS, error->message);
          return;
        }
      if (!check_timeout (invocation, timeout_ms) ||
          (request = request_new (export, invocation, id, REQUEST_SET)) == NULL)
        return;
      sp_shared_object_set_async (export->object, &value, timeout_ms, request->cancellable,
                                  on_write_done, request);
    }
  else if (g_str_equal (method_name, "Lock"))
    {
      g_variant_get (parameters, "(uui)", &id, &mode, &timeout_ms);
      if (mode != SP_LOCK_MODE_SHARED && mode != SP_LOCK_MODE_EXCLUSIVE)
        {
          g_dbus_method_invocation_return_error (
              invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
              "mode must be 0 (shared) or 1 (exclusive), not %u", mode);
          return;
        }
      if (!check_timeout (invocation, timeout_ms) ||
          (request = request_new (export, invocation, id, REQUEST_LOCK)) == NULL)
        return;
      sp_shared_object_lock_async (export->object, mode, timeout_ms, request->cancellable,
                                   on_lock_done, request);
    }
  else if (g_str_equal (method_name, "Release"))
    handle_release (export, invocation, parameters);
  else if (g_str_equal (method_name, "Cancel"))
    handle_cancel (export, invocation, parameters);
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

static GVariant *
export_get_property (GDBusConnection *connection,
                     const char      *sender,
                     const char      *object_path,
                     const char      *interface_name,
                     const char      *property_name,
                     GError         **error,
                     gpointer         user_data)
{
  SpDBusExport *export = user_data;

  if (g_str_equal (property_name, "ValueSignature"))
    return g_variant_new_string (export->signature);
  if (g_str_equal (property_name, "Name"))
    {
      const char *name = sp_shared_object_get_name (export->object);

      return g_variant_new_string (name != NULL && g_utf8_validate (name, -1, NULL) ? name : "");
    }
  if (g_str_equal (property_name, "Initialized"))
    return g_variant_new_boolean (sp_shared_object_is_initialized (export->object));
  if (g_str_equal (property_name, "MaxRequestsPerPeer"))
    return g_variant_new_uint32 (SP_DBUS_MAX_REQUESTS_PER_PEER);
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property_name);
  return NULL;
}

static const GDBusInterfaceVTable export_vtable = {
  export_method_call,
  export_get_property,
  NULL,
  { 0 },
};

/* A closed connection takes every peer's locks with it. */
static gboolean
drop_peers_in_export_context (gpointer data)
{
  SpDBusExport *export = data;

  if (export->peers != NULL)
    g_hash_table_remove_all (export->peers);
  return G_SOURCE_REMOVE;
}

static void
on_connection_closed (GDBusConnection *connection,
                      gboolean         remote_peer_vanished,
                      GError          *error,
                      gpointer         user_data)
{
  SpDBusExport *export = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, drop_peers_in_export_context, export_ref (export), export_unref);
  g_source_set_name (source, "[sharedpotato] drop the peers of a closed D-Bus connection");
  g_source_attach (source, export->context);
  g_source_unref (source);
}

/**
 * sp_shared_object_export:
 * @self: a [class@Sharedpotato.SharedObject]
 * @connection: the connection to export it on
 * @object_path: where, a valid D-Bus object path
 * @error: return location for a #GError
 *
 * Serves @self at @object_path on @connection with the
 * `org.gnome.Sharedpotato.SharedObject1` interface, so that other
 * processes use it through a [class@Sharedpotato.SharedObjectProxy], as
 * [method@Gio.DBusConnection.export_action_group] serves actions.
 *
 * Remote calls are ordinary calls of @self: they queue in the same FIFO
 * as local ones, with the same rules. A lock taken by a remote caller
 * belongs to that caller's connection: it is released, and its queued
 * calls withdrawn, when its unique name leaves the bus or the connection
 * closes, so a process that crashes leaves no stale lock. Only the
 * connection that took a lock can release it. Each peer may have at most
 * %SP_DBUS_MAX_REQUESTS_PER_PEER requests at once.
 *
 * Only values a #GVariant carries travel: the value type of @self must be
 * one of #gboolean, #guchar, #gint, #guint, #gint64, #guint64, #gdouble,
 * a string, #GStrv or #GVariant; any other fails with
 * %G_IO_ERROR_INVALID_ARGUMENT. Exporting at a path that is already in
 * use fails with %G_IO_ERROR_EXISTS.
 *
 * The export keeps a reference on @self until it is unexported. On a
 * peer-to-peer connection (no message bus) the peer is the connection
 * itself: its locks go when the connection closes.
 *
 * Call this, and [method@Sharedpotato.SharedObject.unexport], in the main
 * context that serves the export: remote calls are handled there, so it
 * must be running. See the [D-Bus guide](dbus.html).
 *
 * Returns: the export's id (never 0) for
 *   [method@Sharedpotato.SharedObject.unexport], or 0 with @error set
 *
 * Since: 1.0
 */
guint
sp_shared_object_export (SpSharedObject  *self,
                         GDBusConnection *connection,
                         const char      *object_path,
                         GError         **error)
{
  SpDBusExport *export;
  SpDBusEmitter *emitter;
  GType          value_type;
  const char    *signature;

  g_return_val_if_fail (SP_IS_SHARED_OBJECT (self), 0);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), 0);
  g_return_val_if_fail (object_path != NULL && g_variant_is_object_path (object_path), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  value_type = sp_shared_object_get_value_type (self);
  signature = sp_dbus_signature_for_type (value_type);
  if (signature == NULL)
    {
      const char *name = sp_shared_object_get_name (self);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Cannot export SharedObject %s%s%son D-Bus: values of type %s cannot travel "
                   "(only " SP_DBUS_TYPES_THAT_TRAVEL " do)",
                   name != NULL ? "'" : "", name != NULL ? name : "", name != NULL ? "' " : "",
                   g_type_name (value_type));
      return 0;
    }

  export = g_new0 (SpDBusExport, 1);
  g_atomic_ref_count_init (&export->ref_count);
  export->object = g_object_ref (self);
  export->connection = g_object_ref (connection);
  export->object_path = g_strdup (object_path);
  export->signature = signature;
  export->context = g_main_context_ref_thread_default ();
  export->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) peer_free);

  export->registration_id =
      g_dbus_connection_register_object (connection, object_path, SP_DBUS_INTERFACE_INFO,
                                         &export_vtable, export_ref (export), export_unref, error);
  if (export->registration_id == 0)
    {
      export_unref (export); /* the registration's reference */
      export_unref (export);
      return 0;
    }

  emitter = g_new0 (SpDBusEmitter, 1);
  g_atomic_ref_count_init (&emitter->ref_count);
  emitter->connection = g_object_ref (connection);
  emitter->object_path = g_strdup (object_path);
  export->signal_ids[0] = g_signal_connect_data (self, "changed", G_CALLBACK (on_object_changed),
                                                 emitter_ref (emitter), emitter_unref, 0);
  export->signal_ids[1] = g_signal_connect_data (self, "cleared", G_CALLBACK (on_object_cleared),
                                                 emitter_ref (emitter), emitter_unref, 0);
  export->signal_ids[2] =
      g_signal_connect_data (self, "initialized", G_CALLBACK (on_object_initialized),
                             emitter_ref (emitter), emitter_unref, 0);
  export->signal_ids[3] = g_signal_connect_data (self, "closed", G_CALLBACK (on_object_closed),
                                                 emitter, emitter_unref, 0);
  export->connection_closed_id =
      g_signal_connect_data (connection, "closed", G_CALLBACK (on_connection_closed),
                             export_ref (export), export_closure_unref, 0);

  G_LOCK (exports_lock);
  if (exports == NULL)
    exports = g_hash_table_new (NULL, NULL);
  do
    export->id = ++last_export_id;
  while (export->id == 0 || g_hash_table_contains (exports, GUINT_TO_POINTER (export->id)));
  g_hash_table_insert (exports, GUINT_TO_POINTER (export->id), export);
  G_UNLOCK (exports_lock);

  return export->id;
}

/**
 * sp_shared_object_unexport:
 * @self: a [class@Sharedpotato.SharedObject]
 * @export_id: what [method@Sharedpotato.SharedObject.export] returned
 *
 * Stops serving @self. Every remote lock on it is released, every queued
 * remote call withdrawn, and the proxies are told with a `Closed` signal:
 * they become closed, and their pending calls fail with
 * %G_IO_ERROR_CLOSED (the exporter's replies, %G_IO_ERROR_CANCELLED, come
 * after the signal). @self itself stays open.
 *
 * Call it from the main context that was thread-default when @self was
 * exported: the export's bookkeeping lives there.
 *
 * Unexporting an id that is not an export of @self is a programmer
 * error.
 *
 * Since: 1.0
 */
void
sp_shared_object_unexport (SpSharedObject *self, guint export_id)
{
  SpDBusExport *export = NULL;
  g_auto (GValue) value = G_VALUE_INIT;
  gboolean has_value;

  g_return_if_fail (SP_IS_SHARED_OBJECT (self));

  G_LOCK (exports_lock);
  if (exports != NULL)
    export = g_hash_table_lookup (exports, GUINT_TO_POINTER (export_id));
  if (export != NULL && export->object == self)
    g_hash_table_remove (exports, GUINT_TO_POINTER (export_id));
  G_UNLOCK (exports_lock);

  g_return_if_fail (export != NULL);
  g_return_if_fail (export->object == self);

  export->unexported = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (export->signal_ids); i++)
    g_signal_handler_disconnect (self, export->signal_ids[i]);
  g_signal_handler_disconnect (export->connection, export->connection_closed_id);
  g_dbus_connection_unregister_object (export->connection, export->registration_id);
  g_hash_table_remove_all (export->peers);

  has_value = sp_shared_object_try_get (self, &value);
  g_dbus_connection_emit_signal (
      export->connection, NULL, export->object_path, SP_SHARED_OBJECT_DBUS_INTERFACE, "Closed",
      g_variant_new ("(@av)", sp_dbus_value_to_maybe (has_value ? &value : NULL)), NULL);
  export_unref (export);
}
