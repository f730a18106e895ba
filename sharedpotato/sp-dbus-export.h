/* sp-dbus-export.h: sharing an SpSharedObject with other processes
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sp-shared-object.h"
#include "sp-version-macros.h"

G_BEGIN_DECLS

/**
 * SP_SHARED_OBJECT_DBUS_INTERFACE:
 *
 * The name of the D-Bus interface an exported
 * [class@Sharedpotato.SharedObject] implements,
 * `org.gnome.Sharedpotato.SharedObject1`. Its description is installed as
 * `org.gnome.Sharedpotato.SharedObject1.xml`; see the
 * [D-Bus guide](dbus.html).
 *
 * Since: 1.0
 */
#define SP_SHARED_OBJECT_DBUS_INTERFACE "org.gnome.Sharedpotato.SharedObject1"

/**
 * SP_DBUS_MAX_REQUESTS_PER_PEER:
 *
 * How many requests one peer may have in an exported object at once:
 * calls not yet answered plus locks it holds. A request beyond it fails
 * with %G_DBUS_ERROR_LIMITS_EXCEEDED at once, and queues nothing.
 *
 * Since: 1.0
 */
#define SP_DBUS_MAX_REQUESTS_PER_PEER 64

SP_AVAILABLE_IN_ALL
guint sp_shared_object_export (SpSharedObject  *self,
                               GDBusConnection *connection,
                               const char      *object_path,
                               GError         **error);
SP_AVAILABLE_IN_ALL
void sp_shared_object_unexport (SpSharedObject *self, guint export_id);

G_END_DECLS
