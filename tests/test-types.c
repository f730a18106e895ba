/* test-types.c: what sp-types.h, sp-version-info.h and
 * sp-version-macros.h declare: the lock mode and error enumerations, and
 * the version checks at compile time and at run time.
 *
 * SPDX-License-Identifier: MIT
 */

#include <sharedpotato.h>

static void
test_lock_mode_type (void)
{
  GEnumClass *klass = g_type_class_ref (SP_TYPE_LOCK_MODE);
  GEnumValue *shared = g_enum_get_value (klass, SP_LOCK_MODE_SHARED);
  GEnumValue *exclusive = g_enum_get_value (klass, SP_LOCK_MODE_EXCLUSIVE);

  g_assert_true (G_TYPE_IS_ENUM (SP_TYPE_LOCK_MODE));
  g_assert_cmpstr (shared->value_nick, ==, "shared");
  g_assert_cmpstr (exclusive->value_nick, ==, "exclusive");
  g_assert_cmpuint (klass->n_values, ==, 2);
  g_type_class_unref (klass);
}

static void
test_error_domain (void)
{
  g_autoptr (GError) error = g_error_new_literal (SP_ERROR, SP_ERROR_NOT_INITIALIZED, "x");
  GEnumClass *klass = g_type_class_ref (SP_TYPE_ERROR);

  g_assert_cmpstr (g_quark_to_string (SP_ERROR), ==, "sp-error-quark");
  g_assert_true (g_error_matches (error, SP_ERROR, SP_ERROR_NOT_INITIALIZED));
  g_assert_cmpstr (g_enum_get_value (klass, SP_ERROR_NOT_INITIALIZED)->value_nick, ==,
                   "not-initialized");
  g_assert_cmpstr (g_enum_get_value (klass, SP_ERROR_FAILED)->value_nick, ==, "failed");
  g_type_class_unref (klass);
}

static void
test_version_info (void)
{
  g_assert_cmpuint (sp_get_major_version (), ==, SP_MAJOR_VERSION);
  g_assert_cmpuint (sp_get_minor_version (), ==, SP_MINOR_VERSION);
  g_assert_cmpuint (sp_get_micro_version (), ==, SP_MICRO_VERSION);
  g_assert_null (sp_check_version (SP_MAJOR_VERSION, 0, 0));
  g_assert_null (sp_check_version (SP_MAJOR_VERSION, SP_MINOR_VERSION, SP_MICRO_VERSION));
  g_assert_nonnull (sp_check_version (SP_MAJOR_VERSION + 1, 0, 0));
  g_assert_nonnull (sp_check_version (SP_MAJOR_VERSION - 1, 0, 0));
  g_assert_nonnull (sp_check_version (SP_MAJOR_VERSION, SP_MINOR_VERSION + 1, 0));
  g_assert_nonnull (sp_check_version (SP_MAJOR_VERSION, SP_MINOR_VERSION, SP_MICRO_VERSION + 1));
}

static void
test_version_macros (void)
{
  g_autofree char *expected =
      g_strdup_printf ("%d.%d.%d", SP_MAJOR_VERSION, SP_MINOR_VERSION, SP_MICRO_VERSION);

  g_assert_true (SP_CHECK_VERSION (1, 0, 0));
  g_assert_true (SP_CHECK_VERSION (SP_MAJOR_VERSION, SP_MINOR_VERSION, SP_MICRO_VERSION));
  g_assert_false (SP_CHECK_VERSION (SP_MAJOR_VERSION + 1, 0, 0));
  g_assert_false (SP_CHECK_VERSION (SP_MAJOR_VERSION, SP_MINOR_VERSION + 1, 0));
  g_assert_cmpstr (SP_VERSION_S, ==, expected);
  g_assert_cmpint (SP_VERSION_MIN_REQUIRED, <=, SP_VERSION_MAX_ALLOWED);
  g_assert_cmpint (SP_VERSION_1_0, ==, G_ENCODE_VERSION (1, 0));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/Types/lock-mode", test_lock_mode_type);
  g_test_add_func ("/Sharedpotato/Types/error-domain", test_error_domain);
  g_test_add_func ("/Sharedpotato/VersionInfo/run-time", test_version_info);
  g_test_add_func ("/Sharedpotato/VersionMacros/compile-time", test_version_macros);

  return g_test_run ();
}
