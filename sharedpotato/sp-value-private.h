/* sp-value-private.h: storing GValues of a fixed type
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <math.h>
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
sp_value_copy_with_table (const GTypeValueTable *table, const GValue *src, GValue *dest)
{
  dest->g_type = G_VALUE_TYPE (src);
  memset (dest->data, 0, sizeof dest->data);
  table->value_copy (src, dest);
}

/* Whether values of @type are numbers that g_value_transform() converts
 * between with C casts, which truncate and wrap without a word. */
static inline gboolean
sp_value_type_is_number (GType type)
{
  switch (G_TYPE_FUNDAMENTAL (type))
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
    case G_TYPE_FLOAT:
    case G_TYPE_DOUBLE:
    case G_TYPE_ENUM:
    case G_TYPE_FLAGS:
      return TRUE;
    default:
      return FALSE;
    }
}

/* @a and @b hold the same number type. */
static inline gboolean
sp_value_numbers_equal (const GValue *a, const GValue *b)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (a)))
    {
    case G_TYPE_CHAR:
      return g_value_get_schar (a) == g_value_get_schar (b);
    case G_TYPE_UCHAR:
      return g_value_get_uchar (a) == g_value_get_uchar (b);
    case G_TYPE_BOOLEAN:
      return g_value_get_boolean (a) == g_value_get_boolean (b);
    case G_TYPE_INT:
      return g_value_get_int (a) == g_value_get_int (b);
    case G_TYPE_UINT:
      return g_value_get_uint (a) == g_value_get_uint (b);
    case G_TYPE_LONG:
      return g_value_get_long (a) == g_value_get_long (b);
    case G_TYPE_ULONG:
      return g_value_get_ulong (a) == g_value_get_ulong (b);
    case G_TYPE_INT64:
      return g_value_get_int64 (a) == g_value_get_int64 (b);
    case G_TYPE_UINT64:
      return g_value_get_uint64 (a) == g_value_get_uint64 (b);
    case G_TYPE_FLOAT:
      return g_value_get_float (a) == g_value_get_float (b);
    case G_TYPE_DOUBLE:
      return g_value_get_double (a) == g_value_get_double (b);
    case G_TYPE_ENUM:
      return g_value_get_enum (a) == g_value_get_enum (b);
    case G_TYPE_FLAGS:
      return g_value_get_flags (a) == g_value_get_flags (b);
    default:
      return FALSE;
    }
}

/* Whether a number is below zero: a cast between a signed and an
 * unsigned type of one width survives the round trip (-1 → 4294967295 →
 * -1), so the sign is compared as well. */
static inline gboolean
sp_value_number_is_negative (const GValue *v)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (v)))
    {
    case G_TYPE_CHAR:
      return g_value_get_schar (v) < 0;
    case G_TYPE_INT:
      return g_value_get_int (v) < 0;
    case G_TYPE_LONG:
      return g_value_get_long (v) < 0;
    case G_TYPE_INT64:
      return g_value_get_int64 (v) < 0;
    case G_TYPE_FLOAT:
      return g_value_get_float (v) < 0;
    case G_TYPE_DOUBLE:
      return g_value_get_double (v) < 0;
    case G_TYPE_ENUM:
      return g_value_get_enum (v) < 0;
    default:
      return FALSE;
    }
}

/* What the refusal message shows of a number: for a floating-point one,
 * the shortest decimal that reads back as the same double ("4.6", not
 * "4.5999999999999996" nor "4.600000"). */
static inline char *
sp_value_describe_number (const GValue *v)
{
  char   buffer[G_ASCII_DTOSTR_BUF_SIZE];
  double d;

  if (G_VALUE_HOLDS_DOUBLE (v))
    d = g_value_get_double (v);
  else if (G_VALUE_HOLDS_FLOAT (v))
    d = g_value_get_float (v);
  else
    return g_strdup_value_contents (v);

  for (int digits = 1; digits < 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, d);
      if (g_ascii_strtod (buffer, NULL) == d)
        return g_strdup (buffer);
    }
  return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, d));
}

/* g_value_transform() of @src into @dest (initialized to the target
 * type), refusing a conversion between numbers that loses information: a
 * fraction (4.6 into an int), a value out of range (300 into a uchar, -1
 * into a uint, 2^53 + 1 into a double), a non-number (NaN into an int).
 * The test is the round trip: converted back, the number must be the one
 * given, with the same sign. A float target is the one exception: rounding to the nearest
 * float is what a float is for, so only a finite value beyond its range
 * is refused. On failure @dest is left initialized, with undefined
 * contents. */
/* Whether the number @d fits an integer @type: C leaves a conversion
 * out of range undefined (x86 gives the "indefinite" integer, ARM
 * saturates), so it is checked before any cast is made. */
static inline gboolean
sp_value_double_fits (double d, GType type)
{
  if (isnan (d))
    return FALSE;

  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_CHAR:
      return d >= G_MININT8 && d <= G_MAXINT8;
    case G_TYPE_UCHAR:
      return d >= 0 && d <= G_MAXUINT8;
    case G_TYPE_BOOLEAN:
      return d == 0 || d == 1;
    case G_TYPE_INT:
    case G_TYPE_ENUM:
      return d >= G_MININT && d <= G_MAXINT;
    case G_TYPE_UINT:
    case G_TYPE_FLAGS:
      return d >= 0 && d <= G_MAXUINT;
    case G_TYPE_LONG:
    case G_TYPE_INT64:
      return d >= -9223372036854775808.0 && d < 9223372036854775808.0;
    case G_TYPE_ULONG:
    case G_TYPE_UINT64:
      return d >= 0 && d < 18446744073709551616.0;
    default:
      return TRUE;
    }
}

static inline gboolean
sp_value_type_is_floating (GType type)
{
  return G_TYPE_FUNDAMENTAL (type) == G_TYPE_FLOAT || G_TYPE_FUNDAMENTAL (type) == G_TYPE_DOUBLE;
}

static inline double
sp_value_get_floating (const GValue *v)
{
  return G_VALUE_HOLDS_FLOAT (v) ? g_value_get_float (v) : g_value_get_double (v);
}

static inline gboolean
sp_value_transform_exactly (const GValue *src, GValue *dest)
{
  GType    src_type = G_VALUE_TYPE (src);
  GType    dest_type = G_VALUE_TYPE (dest);
  GValue   back = G_VALUE_INIT;
  gboolean exact;

  /* A floating-point number out of the integer's range never reaches a
   * cast. */
  if (sp_value_type_is_floating (src_type) && sp_value_type_is_number (dest_type) &&
      !sp_value_type_is_floating (dest_type) &&
      !sp_value_double_fits (sp_value_get_floating (src), dest_type))
    return FALSE;

  if (!g_value_transform (src, dest))
    return FALSE;

  if (!sp_value_type_is_number (src_type) || !sp_value_type_is_number (dest_type))
    return TRUE;

  if (G_TYPE_FUNDAMENTAL (dest_type) == G_TYPE_FLOAT)
    {
      GValue as_double = G_VALUE_INIT;
      double d;

      g_value_init (&as_double, G_TYPE_DOUBLE);
      if (!g_value_transform (src, &as_double))
        return TRUE;
      d = g_value_get_double (&as_double);
      return !isfinite (d) || fabs (d) <= G_MAXFLOAT;
    }

  /* The way back too: 2^63 is the double nearest G_MAXINT64, and does not
   * fit an int64. */
  if (sp_value_type_is_floating (dest_type) && !sp_value_type_is_floating (src_type) &&
      !sp_value_double_fits (sp_value_get_floating (dest), src_type))
    return FALSE;

  g_value_init (&back, src_type);
  exact = g_value_transform (dest, &back) && sp_value_numbers_equal (src, &back) &&
          sp_value_number_is_negative (src) == sp_value_number_is_negative (dest);
  g_value_unset (&back);

  return exact;
}

/* Copies @src into @dest (empty) as a @value_type, converting with
 * sp_value_transform_exactly() when the types differ. @container names
 * what the value is refused by, for the INVALID_ARGUMENT message. */
static inline gboolean
sp_value_convert (GType         value_type,
                  const GValue *src,
                  GValue       *dest,
                  const char   *container,
                  GError      **error)
{
  /* A boxed GValue (a :value property read, a binding's argument) stands
   * for its content, converted by the same rules; NULL stands for no
   * value, which cannot be stored. */
  if (G_VALUE_HOLDS (src, G_TYPE_VALUE) && value_type != G_TYPE_VALUE)
    {
      const GValue *content = g_value_get_boxed (src);

      if (content != NULL)
        return sp_value_convert (value_type, content, dest, container, error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "An empty GValue cannot be stored in a %s of type %s", container,
                   g_type_name (value_type));
      return FALSE;
    }

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
          if (sp_value_transform_exactly (src, dest))
            return TRUE;
          g_value_unset (dest);

          if (sp_value_type_is_number (G_VALUE_TYPE (src)))
            {
              g_autofree char *contents = sp_value_describe_number (src);

              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The %s %s cannot be stored in a %s of type %s without "
                           "losing information",
                           G_VALUE_TYPE_NAME (src), contents, container, g_type_name (value_type));
              return FALSE;
            }
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "A value of type %s cannot be stored in a %s of type %s", G_VALUE_TYPE_NAME (src),
               container, g_type_name (value_type));
  return FALSE;
}

/* Takes over @src's contents, leaving it empty. */
static inline void
sp_value_move (GValue *dest, GValue *src)
{
  *dest = *src;
  memset (src, 0, sizeof *src);
}

/* What an out value holds when there is nothing to give: the zero of the
 * type, which owns nothing (so a C caller that skips unsetting it leaks
 * nothing), and which bindings can convert, unlike an empty GValue. */
static inline void
sp_value_init_zero (GType value_type, GValue *dest)
{
  if (G_TYPE_IS_VALUE_TYPE (value_type))
    g_value_init (dest, value_type);
}

G_END_DECLS
