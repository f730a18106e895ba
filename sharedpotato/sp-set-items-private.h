/* sp-set-items-private.h: the contents of a SpSharedSet
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* How a set stores its items. Each item is kept as a bare payload, not a
 * GValue: a `char *`, a `GObject *` (by identity), a boxed pointer, or a
 * `gint64 *` for every integer-like type (booleans, enums, flags and the
 * signed and unsigned integers). */
typedef enum
{
  SP_SET_KIND_INVALID,
  SP_SET_KIND_STRING,
  SP_SET_KIND_INTEGER,
  SP_SET_KIND_OBJECT,
  SP_SET_KIND_BOXED,
} SpSetKind;

/* A reference-counted hash set of payloads, the value of a set's inner
 * SpSharedObject (boxed: copying it takes a reference). It has no lock of
 * its own: it is read under a shared guard of the inner object and
 * changed under an exclusive one. */
typedef struct _SpSetItems SpSetItems;

#define SP_TYPE_SET_ITEMS (sp_set_items_get_type ())

GType sp_set_items_get_type (void) G_GNUC_CONST;

/* What kind of item @item_type is, SP_SET_KIND_INVALID if a set cannot
 * hold it. Boxed types other than GBytes need a hash/equal pair. */
SpSetKind sp_set_kind_for_type (GType item_type);
gboolean  sp_set_kind_has_defaults (GType item_type);

/* @hash and @equal are both NULL (the defaults of the kind) or both set. */
SpSetItems *sp_set_items_new (GType item_type, GHashFunc hash, GEqualFunc equal);
SpSetItems *sp_set_items_ref (SpSetItems *items);
void        sp_set_items_unref (SpSetItems *items);

/* Payloads. make converts @value (g_value_transform() where the types
 * differ) into a payload the caller owns, or fails with
 * G_IO_ERROR_INVALID_ARGUMENT. */
gboolean
sp_set_items_make_item (SpSetItems *items, const GValue *value, gpointer *payload, GError **error);
void sp_set_items_free_item (SpSetItems *items, gpointer payload);
/* Into an empty @dest: a copy, or (take) the payload itself. */
void sp_set_items_copy_to_value (SpSetItems *items, gconstpointer payload, GValue *dest);
void sp_set_items_take_to_value (SpSetItems *items, gpointer payload, GValue *dest);

/* The set operations; the caller holds the right guard. */
gboolean sp_set_items_contains (SpSetItems *items, gconstpointer payload);
guint    sp_set_items_size (SpSetItems *items);
/* Takes @payload if it was added; the caller frees it otherwise. */
gboolean sp_set_items_add (SpSetItems *items, gpointer payload);
/* The stored payload equal to @payload, now the caller's, or NULL. */
gpointer sp_set_items_steal (SpSetItems *items, gconstpointer payload);
/* Every stored payload, now the caller's; the set is left empty. */
gpointer *sp_set_items_steal_all (SpSetItems *items, guint *n_items);
/* Copies of every item: an array of @n_items GValues (never NULL). */
GValue *sp_set_items_snapshot (SpSetItems *items, guint *n_items);

GHashTable *sp_set_items_new_index (SpSetItems *items);
GValue     *sp_set_items_snapshot_in_order (SpSetItems *items, guint *n_items);

G_END_DECLS
