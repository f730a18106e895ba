/* sp-value-private.h: storing GValues of a fixed type
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <string.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* g_value_init() + g_value_copy() into an empty @dest, for a value whose
 * type's value table is @table (looked up once by the caller). Exactly
 * what g_value_copy() does once @dest is initialized: zeroed data, then
 * the table's value_copy; but GLib 2.74 takes a global read lock for each
 * of the four table lookups of the public calls, which cost more than
 * the copy of a plain value. */
static inline void
sp_value_copy_with_table (const GTypeValueTable *table,
                          const GValue          *src,
                          GValue                *dest)
{
  dest->g_type = G_VALUE_TYPE (src);
  memset (dest->data, 0, sizeof dest->data);
  table->value_copy (src, dest);
}

/* Copies @src into @dest (empty) as a @value_type, converting with
 * g_value_transform() when the types differ. @container names what the
 * value is refused by, for the INVALID_ARGUMENT message. */
static inline gboolean
sp_value_convert (GType          value_type,
                  const GValue  *src,
                  GValue        *dest,
                  const char    *container,
                  GError       **error)
{
  if (G_TYPE_IS_VALUE_TYPE (value_type))
    {
      if (G_VALUE_HOLDS (src, value_type))
        {
          g_value_init (dest, value_type);
          g_value_copy (src, dest);
          return TRUE;
        }

      if (g_value_type_transformable (G_VALUE_TYPE (src), value_type))
        {
          g_value_init (dest, value_type);
          if (g_value_transform (src, dest))
            return TRUE;
          g_value_unset (dest);
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "A value of type %s cannot be stored in a %s of type %s",
               G_VALUE_TYPE_NAME (src), container, g_type_name (value_type));
  return FALSE;
}

/* Takes over @src's contents, leaving it empty. */
static inline void
sp_value_move (GValue *dest,
               GValue *src)
{
  *dest = *src;
  memset (src, 0, sizeof *src);
}

/* What an out value holds when there is nothing to give: the zero of the
 * type, which owns nothing (so a C caller that skips unsetting it leaks
 * nothing), and which bindings can convert, unlike an empty GValue. */
static inline void
sp_value_init_zero (GType   value_type,
                    GValue *dest)
{
  if (G_TYPE_IS_VALUE_TYPE (value_type))
    g_value_init (dest, value_type);
}

G_END_DECLS
