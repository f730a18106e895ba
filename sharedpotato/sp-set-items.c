/* sp-set-items.c: the contents of a SpSharedSet
 *
 * SPDX-License-Identifier: MIT
 */

/* NOTES:
 *
 * Items are hashed as bare payloads rather than as GValues: GHashFunc
 * takes no user data, so a GValue key would need its own copy of the
 * kind and of the user's hash/equal pair in every item. A payload is one
 * pointer, and the GLib functions for it (g_str_hash, g_direct_hash,
 * g_int64_hash, the user's pair) hash it directly. The table has no
 * destroy functions: freeing a boxed payload needs its type, which only
 * the container knows, so items leave through steal and are freed here.
 */

#include "config.h"

#include <stdlib.h>

#include <gio/gio.h>

#include "sp-set-items-private.h"
#include "sp-value-private.h"

struct _SpSetItems
{
  int         ref_count;
  SpSetKind   kind;
  GType       item_type;
  GHashTable *table;
  GHashFunc   hash;
  GEqualFunc  equal;
  /* Each item's value in the table is its rank of insertion, for a list
   * model that shows them in that order. */
  gsize next_rank;
};

G_DEFINE_BOXED_TYPE (SpSetItems, sp_set_items, sp_set_items_ref, sp_set_items_unref)

SpSetKind
sp_set_kind_for_type (GType item_type)
{
  if (!G_TYPE_IS_VALUE_TYPE (item_type))
    return SP_SET_KIND_INVALID;

  if (item_type == G_TYPE_STRING)
    return SP_SET_KIND_STRING;

  if (g_type_is_a (item_type, G_TYPE_OBJECT))
    return SP_SET_KIND_OBJECT;

  switch (G_TYPE_FUNDAMENTAL (item_type))
    {
    case G_TYPE_CHAR:
    case G_TYPE_UCHAR:
    case G_TYPE_BOOLEAN:
    case G_TYPE_INT:
    case G_TYPE_UINT:
    case G_TYPE_LONG:
    case G_TYPE_ULONG:
    case G_TYPE_INT64:
    case G_TYPE_UINT64:
    case G_TYPE_ENUM:
    case G_TYPE_FLAGS:
      return SP_SET_KIND_INTEGER;

    case G_TYPE_BOXED:
      return SP_SET_KIND_BOXED;

    default:
      return SP_SET_KIND_INVALID;
    }
}

/* Whether a set of @item_type needs no hash/equal pair from its creator. */
gboolean
sp_set_kind_has_defaults (GType item_type)
{
  switch (sp_set_kind_for_type (item_type))
    {
    case SP_SET_KIND_STRING:
    case SP_SET_KIND_INTEGER:
    case SP_SET_KIND_OBJECT:
      return TRUE;
    case SP_SET_KIND_BOXED:
      return item_type == G_TYPE_BYTES;
    case SP_SET_KIND_INVALID:
    default:
      return FALSE;
    }
}

SpSetItems *
sp_set_items_new (GType item_type, GHashFunc hash, GEqualFunc equal)
{
  SpSetItems *items = g_new0 (SpSetItems, 1);

  items->ref_count = 1;
  items->item_type = item_type;
  items->kind = sp_set_kind_for_type (item_type);

  if (hash == NULL)
    {
      switch (items->kind)
        {
        case SP_SET_KIND_STRING:
          hash = g_str_hash, equal = g_str_equal;
          break;
        case SP_SET_KIND_INTEGER:
          hash = g_int64_hash, equal = g_int64_equal;
          break;
        case SP_SET_KIND_BOXED:
          if (item_type == G_TYPE_BYTES)
            {
              hash = g_bytes_hash, equal = g_bytes_equal;
              break;
            }
          /* A set nothing can be added to; the constructor complained. */
          items->kind = SP_SET_KIND_INVALID;
          hash = g_direct_hash, equal = g_direct_equal;
          break;
        case SP_SET_KIND_OBJECT:
        case SP_SET_KIND_INVALID:
        default:
          hash = g_direct_hash, equal = g_direct_equal;
          break;
        }
    }

  items->table = g_hash_table_new (hash, equal);
  items->hash = hash;
  items->equal = equal;

  return items;
}

SpSetItems *
sp_set_items_ref (SpSetItems *items)
{
  g_atomic_int_inc (&items->ref_count);
  return items;
}

void
sp_set_items_unref (SpSetItems *items)
{
  GHashTableIter iter;
  gpointer       payload;

  if (!g_atomic_int_dec_and_test (&items->ref_count))
    return;

  g_hash_table_iter_init (&iter, items->table);
  while (g_hash_table_iter_next (&iter, &payload, NULL))
    sp_set_items_free_item (items, payload);
  g_hash_table_unref (items->table);
  g_free (items);
}

/* Integers ------------------------------------------------------------- */

static gint64
integer_from_value (const GValue *value)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_CHAR:
      return g_value_get_schar (value);
    case G_TYPE_UCHAR:
      return g_value_get_uchar (value);
    case G_TYPE_BOOLEAN:
      return g_value_get_boolean (value) != FALSE;
    case G_TYPE_INT:
      return g_value_get_int (value);
    case G_TYPE_UINT:
      return g_value_get_uint (value);
    case G_TYPE_LONG:
      return g_value_get_long (value);
    case G_TYPE_ULONG:
      return (gint64) g_value_get_ulong (value);
    case G_TYPE_INT64:
      return g_value_get_int64 (value);
    case G_TYPE_UINT64:
      return (gint64) g_value_get_uint64 (value);
    case G_TYPE_ENUM:
      return g_value_get_enum (value);
    case G_TYPE_FLAGS:
      return g_value_get_flags (value);
    default:
      g_assert_not_reached ();
    }
}

static void
integer_to_value (gint64 n, GValue *dest)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (dest)))
    {
    case G_TYPE_CHAR:
      g_value_set_schar (dest, (gint8) n);
      break;
    case G_TYPE_UCHAR:
      g_value_set_uchar (dest, (guchar) n);
      break;
    case G_TYPE_BOOLEAN:
      g_value_set_boolean (dest, (gboolean) n);
      break;
    case G_TYPE_INT:
      g_value_set_int (dest, (int) n);
      break;
    case G_TYPE_UINT:
      g_value_set_uint (dest, (guint) n);
      break;
    case G_TYPE_LONG:
      g_value_set_long (dest, (long) n);
      break;
    case G_TYPE_ULONG:
      g_value_set_ulong (dest, (gulong) n);
      break;
    case G_TYPE_INT64:
      g_value_set_int64 (dest, n);
      break;
    case G_TYPE_UINT64:
      g_value_set_uint64 (dest, (guint64) n);
      break;
    case G_TYPE_ENUM:
      g_value_set_enum (dest, (int) n);
      break;
    case G_TYPE_FLAGS:
      g_value_set_flags (dest, (guint) n);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Payloads ------------------------------------------------------------- */

/* GJS 1.74 passes `null` for a GValue argument as a GValue of
 * G_TYPE_POINTER holding NULL. */
static gboolean
value_is_null_item (const GValue *value)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_POINTER:
    case G_TYPE_STRING:
    case G_TYPE_OBJECT:
    case G_TYPE_INTERFACE:
    case G_TYPE_BOXED:
      return g_value_peek_pointer (value) == NULL;
    default:
      return FALSE;
    }
}

/* Duplicates the payload of @value, which holds the item type. */
static gpointer
payload_from_value (SpSetItems *items, const GValue *value)
{
  switch (items->kind)
    {
    case SP_SET_KIND_STRING:
      return g_value_dup_string (value);
    case SP_SET_KIND_INTEGER:
      return g_memdup2 (&(gint64){ integer_from_value (value) }, sizeof (gint64));
    case SP_SET_KIND_OBJECT:
      return g_value_dup_object (value);
    case SP_SET_KIND_BOXED:
      return g_value_dup_boxed (value);
    case SP_SET_KIND_INVALID:
    default:
      g_assert_not_reached ();
    }
}

gboolean
sp_set_items_make_item (SpSetItems *items, const GValue *value, gpointer *payload, GError **error)
{
  *payload = NULL;

  if (items->kind == SP_SET_KIND_INVALID)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "A set of %s cannot hold items",
                   g_type_name (items->item_type));
      return FALSE;
    }

  /* A boxed GValue stands for its content (see sp_value_convert()). */
  if (G_VALUE_HOLDS (value, G_TYPE_VALUE) && items->item_type != G_TYPE_VALUE &&
      g_value_get_boxed (value) != NULL)
    return sp_set_items_make_item (items, g_value_get_boxed (value), payload, error);

  if (value_is_null_item (value))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "A set cannot hold NULL");
      return FALSE;
    }

  if (G_VALUE_HOLDS (value, items->item_type))
    {
      *payload = payload_from_value (items, value);
    }
  else if (g_value_type_transformable (G_VALUE_TYPE (value), items->item_type))
    {
      GValue converted = G_VALUE_INIT;

      g_value_init (&converted, items->item_type);
      if (sp_value_transform_exactly (value, &converted))
        *payload = payload_from_value (items, &converted);
      g_value_unset (&converted);
    }

  if (*payload == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A value of type %s cannot be stored in a set of %s", G_VALUE_TYPE_NAME (value),
                   g_type_name (items->item_type));
      return FALSE;
    }

  return TRUE;
}

void
sp_set_items_free_item (SpSetItems *items, gpointer payload)
{
  switch (items->kind)
    {
    case SP_SET_KIND_STRING:
    case SP_SET_KIND_INTEGER:
      g_free (payload);
      break;
    case SP_SET_KIND_OBJECT:
      g_object_unref (payload);
      break;
    case SP_SET_KIND_BOXED:
      g_boxed_free (items->item_type, payload);
      break;
    case SP_SET_KIND_INVALID:
    default:
      g_assert_not_reached ();
    }
}

void
sp_set_items_copy_to_value (SpSetItems *items, gconstpointer payload, GValue *dest)
{
  g_value_init (dest, items->item_type);

  switch (items->kind)
    {
    case SP_SET_KIND_STRING:
      g_value_set_string (dest, payload);
      break;
    case SP_SET_KIND_INTEGER:
      integer_to_value (*(const gint64 *) payload, dest);
      break;
    case SP_SET_KIND_OBJECT:
      g_value_set_object (dest, (gpointer) payload);
      break;
    case SP_SET_KIND_BOXED:
      g_value_set_boxed (dest, payload);
      break;
    case SP_SET_KIND_INVALID:
    default:
      g_assert_not_reached ();
    }
}

void
sp_set_items_take_to_value (SpSetItems *items, gpointer payload, GValue *dest)
{
  g_value_init (dest, items->item_type);

  switch (items->kind)
    {
    case SP_SET_KIND_STRING:
      g_value_take_string (dest, payload);
      break;
    case SP_SET_KIND_INTEGER:
      integer_to_value (*(gint64 *) payload, dest);
      g_free (payload);
      break;
    case SP_SET_KIND_OBJECT:
      g_value_take_object (dest, payload);
      break;
    case SP_SET_KIND_BOXED:
      g_value_take_boxed (dest, payload);
      break;
    case SP_SET_KIND_INVALID:
    default:
      g_assert_not_reached ();
    }
}

/* Operations ----------------------------------------------------------- */

gboolean
sp_set_items_contains (SpSetItems *items, gconstpointer payload)
{
  return g_hash_table_contains (items->table, payload);
}

guint
sp_set_items_size (SpSetItems *items)
{
  return g_hash_table_size (items->table);
}

gboolean
sp_set_items_add (SpSetItems *items, gpointer payload)
{
  if (g_hash_table_contains (items->table, payload))
    return FALSE;

  g_hash_table_insert (items->table, payload, GSIZE_TO_POINTER (++items->next_rank));
  return TRUE;
}

gpointer
sp_set_items_steal (SpSetItems *items, gconstpointer payload)
{
  gpointer stored = NULL;

  if (!g_hash_table_steal_extended (items->table, payload, &stored, NULL))
    return NULL;

  return stored;
}

gpointer *
sp_set_items_steal_all (SpSetItems *items, guint *n_items)
{
  gpointer *payloads = g_hash_table_get_keys_as_array (items->table, n_items);

  g_hash_table_steal_all (items->table);

  return payloads;
}

GValue *
sp_set_items_snapshot (SpSetItems *items, guint *n_items)
{
  /* One more: an empty snapshot is an empty array, not NULL. */
  GValue        *values = g_new0 (GValue, g_hash_table_size (items->table) + 1);
  GHashTableIter iter;
  gpointer       payload;
  guint          n = 0;

  g_hash_table_iter_init (&iter, items->table);
  while (g_hash_table_iter_next (&iter, &payload, NULL))
    sp_set_items_copy_to_value (items, payload, &values[n++]);

  *n_items = n;
  return values;
}

typedef struct
{
  gsize         rank;
  gconstpointer payload;
} Ranked;

static int
compare_ranks (gconstpointer a, gconstpointer b)
{
  gsize ra = ((const Ranked *) a)->rank, rb = ((const Ranked *) b)->rank;

  return ra < rb ? -1 : ra > rb;
}

/* A snapshot in the order the items were added. */
GValue *
sp_set_items_snapshot_in_order (SpSetItems *items, guint *n_items)
{
  guint              n = g_hash_table_size (items->table);
  g_autofree Ranked *ranked = g_new (Ranked, MAX (n, 1));
  GValue            *values = g_new0 (GValue, n + 1);
  GHashTableIter     iter;
  gpointer           payload, rank;
  guint              i = 0;

  g_hash_table_iter_init (&iter, items->table);
  while (g_hash_table_iter_next (&iter, &payload, &rank))
    ranked[i++] = (Ranked){ GPOINTER_TO_SIZE (rank), payload };
  qsort (ranked, n, sizeof *ranked, compare_ranks);
  for (i = 0; i < n; i++)
    sp_set_items_copy_to_value (items, ranked[i].payload, &values[i]);

  *n_items = n;
  return values;
}

/* A table keyed by payloads of these items, compared as the set compares
 * them. It frees nothing: its keys go with sp_set_items_free_item(). */
GHashTable *
sp_set_items_new_index (SpSetItems *items)
{
  return g_hash_table_new (items->hash, items->equal);
}
