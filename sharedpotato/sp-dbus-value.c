/* sp-dbus-value.c: values as they travel over D-Bus
 *
 * SPDX-License-Identifier: MIT
 */

/* NOTES: only types whose values a GVariant carries without loss and that
 * a proxy can map back to the same GType travel. An enum or a flags type
 * would arrive as a bare number whose GType the other side cannot know,
 * a float would come back as a double; both are refused at export rather
 * than silently changed. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include "sp-dbus-private.h"

/* In the order of type_at(). */
static const char *const signatures[] = { "b", "y", "i", "u", "x", "t", "d", "s", "as", "v" };

static GType
type_at (guint i)
{
  switch (i)
    {
    case 0:
      return G_TYPE_BOOLEAN;
    case 1:
      return G_TYPE_UCHAR;
    case 2:
      return G_TYPE_INT;
    case 3:
      return G_TYPE_UINT;
    case 4:
      return G_TYPE_INT64;
    case 5:
      return G_TYPE_UINT64;
    case 6:
      return G_TYPE_DOUBLE;
    case 7:
      return G_TYPE_STRING;
    case 8:
      return G_TYPE_STRV;
    default:
      return G_TYPE_VARIANT;
    }
}

const char *
sp_dbus_signature_for_type (GType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (signatures); i++)
    if (type_at (i) == type)
      return signatures[i];
  return NULL;
}

GType
sp_dbus_type_for_signature (const char *signature)
{
  for (guint i = 0; signature != NULL && i < G_N_ELEMENTS (signatures); i++)
    if (g_str_equal (signatures[i], signature))
      return type_at (i);
  return G_TYPE_INVALID;
}

GVariant *
sp_dbus_value_to_variant (const GValue *value, GError **error)
{
  GVariant *variant = NULL;
  GType     type = G_VALUE_TYPE (value);

  if (type == G_TYPE_BOOLEAN)
    variant = g_variant_new_boolean (g_value_get_boolean (value));
  else if (type == G_TYPE_UCHAR)
    variant = g_variant_new_byte (g_value_get_uchar (value));
  else if (type == G_TYPE_INT)
    variant = g_variant_new_int32 (g_value_get_int (value));
  else if (type == G_TYPE_UINT)
    variant = g_variant_new_uint32 (g_value_get_uint (value));
  else if (type == G_TYPE_INT64)
    variant = g_variant_new_int64 (g_value_get_int64 (value));
  else if (type == G_TYPE_UINT64)
    variant = g_variant_new_uint64 (g_value_get_uint64 (value));
  else if (type == G_TYPE_DOUBLE)
    variant = g_variant_new_double (g_value_get_double (value));
  else if (type == G_TYPE_STRING)
    {
      const char *string = g_value_get_string (value);

      if (string != NULL && g_utf8_validate (string, -1, NULL))
        variant = g_variant_new_string (string);
    }
  else if (type == G_TYPE_STRV)
    {
      const char *const *strv = g_value_get_boxed (value);
      gboolean           valid = TRUE;

      for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
        valid = valid && g_utf8_validate (strv[i], -1, NULL);
      if (valid)
        variant = g_variant_new_strv (strv, -1);
    }
  else if (type == G_TYPE_VARIANT)
    {
      GVariant *content = g_value_get_variant (value);

      if (content != NULL)
        variant = g_variant_new_variant (content);
    }

  if (variant == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "This %s value cannot travel over D-Bus (a NULL string or variant, or a "
                   "string that is not UTF-8)",
                   G_VALUE_TYPE_NAME (value));
      return NULL;
    }
  return g_variant_ref_sink (variant);
}

GVariant *
sp_dbus_value_to_maybe (const GValue *value)
{
  g_autoptr (GVariant) variant = NULL;
  GVariant *boxed;

  if (value != NULL && G_IS_VALUE (value))
    variant = sp_dbus_value_to_variant (value, NULL);
  if (variant == NULL)
    return g_variant_new_array (G_VARIANT_TYPE_VARIANT, NULL, 0);
  boxed = g_variant_new_variant (variant);
  return g_variant_new_array (G_VARIANT_TYPE_VARIANT, &boxed, 1);
}

gboolean
sp_dbus_value_from_variant (GType type, GVariant *variant, GValue *value, GError **error)
{
  const char *signature = sp_dbus_signature_for_type (type);

  if (signature == NULL || !g_variant_is_of_type (variant, G_VARIANT_TYPE (signature)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A value of D-Bus type %s was given where one of type %s was expected",
                   g_variant_get_type_string (variant), signature != NULL ? signature : "?");
      return FALSE;
    }

  g_value_init (value, type);
  if (type == G_TYPE_BOOLEAN)
    g_value_set_boolean (value, g_variant_get_boolean (variant));
  else if (type == G_TYPE_UCHAR)
    g_value_set_uchar (value, g_variant_get_byte (variant));
  else if (type == G_TYPE_INT)
    g_value_set_int (value, g_variant_get_int32 (variant));
  else if (type == G_TYPE_UINT)
    g_value_set_uint (value, g_variant_get_uint32 (variant));
  else if (type == G_TYPE_INT64)
    g_value_set_int64 (value, g_variant_get_int64 (variant));
  else if (type == G_TYPE_UINT64)
    g_value_set_uint64 (value, g_variant_get_uint64 (variant));
  else if (type == G_TYPE_DOUBLE)
    g_value_set_double (value, g_variant_get_double (variant));
  else if (type == G_TYPE_STRING)
    g_value_set_string (value, g_variant_get_string (variant, NULL));
  else if (type == G_TYPE_STRV)
    g_value_take_boxed (value, g_variant_dup_strv (variant, NULL));
  else
    g_value_take_variant (value, g_variant_get_variant (variant));
  return TRUE;
}

char *
sp_dbus_new_handle (void)
{
  guint8   bytes[16];
  gsize    got = 0;
  GString *handle;

  /* getrandom() blocks only until the kernel's pool is first seeded. */
  while (got < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  if (got < sizeof bytes)
    {
      int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);

      g_assert (fd >= 0);
      while (got < sizeof bytes)
        {
          ssize_t n = read (fd, bytes + got, sizeof bytes - got);

          g_assert (n > 0 || errno == EINTR);
          if (n > 0)
            got += (gsize) n;
        }
      close (fd);
    }

  handle = g_string_sized_new (33);
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (handle, "%02x", bytes[i]);
  return g_string_free (handle, FALSE);
}
