/* test-guard.c
 *
 * SPDX-License-Identifier: MIT
 */

#include <sharedpotato.h>

#include "sp-test-util.h"

static void
test_release_on_last_unref (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  Result next = { 0 };

  {
    g_autoptr (SpGuard) guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);

    g_assert_nonnull (guard);
    sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &next);
    drain ();
    g_assert_false (next.done);
  }

  /* Scope exit released it. */
  iterate_until (&next.done);
  g_assert_true (next.ok);
  result_clear (&next);
}

/* Every reference keeps the lock; the last one gives it back. */
static void
test_references (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  SpGuard *guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  SpGuard *other;

  g_assert_true (sp_guard_ref (guard) == guard);
  sp_guard_unref (guard);
  g_assert_false (sp_guard_is_released (guard));
  g_assert_null (sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED));
  sp_guard_unref (guard);

  other = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  g_assert_nonnull (other);
  sp_guard_unref (other);
}

static void
test_released_twice (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  SpGuard *guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  SpGuard *other;

  sp_guard_release (guard);
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*already released*");
  sp_guard_release (guard);
  g_test_assert_expected_messages ();
  sp_guard_unref (guard);

  /* The hold was given back exactly once: a writer gets in, and only one. */
  other = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  g_assert_nonnull (other);
  g_assert_null (sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE));
  sp_guard_unref (other);
}

static void
test_use_after_release (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  g_autoptr (SpGuard) guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  GValue value = G_VALUE_INIT;

  sp_guard_release (guard);
  g_assert_true (sp_guard_is_released (guard));

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*already released*");
  g_assert_false (sp_guard_get_value (guard, &value));
  g_test_assert_expected_messages ();
  g_assert_false (G_IS_VALUE (&value));

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 2);
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*already released*");
  g_assert_false (sp_guard_set_value (guard, &value, NULL));
  g_test_assert_expected_messages ();
  g_value_unset (&value);

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*already released*");
  sp_guard_clear (guard);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*already released*");
  g_assert_false (sp_guard_is_initialized (guard));
  g_test_assert_expected_messages ();

  g_assert_true (sp_shared_object_try_get (object, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 1);
  g_value_unset (&value);
}

static void
test_shared_refuses_writes (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  g_autoptr (SpGuard) guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);
  GValue value = G_VALUE_INIT;

  g_assert_cmpint (sp_guard_get_mode (guard), ==, SP_LOCK_MODE_SHARED);
  g_assert_true (sp_guard_is_initialized (guard));

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 2);
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*shared lock*");
  g_assert_false (sp_guard_set_value (guard, &value, NULL));
  g_test_assert_expected_messages ();
  g_value_unset (&value);

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*shared lock*");
  sp_guard_clear (guard);
  g_test_assert_expected_messages ();

  g_assert_true (sp_guard_get_value (guard, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 1);
  g_value_unset (&value);
}

static void
test_set_wrong_type (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  g_autoptr (SpGuard) guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  g_autoptr (GError) error = NULL;
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_OBJECT);
  g_assert_false (sp_guard_set_value (guard, &value, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_value_unset (&value);

  g_assert_true (sp_guard_get_value (guard, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 1);
  g_value_unset (&value);
}

static void
test_clear (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  g_autoptr (SpGuard) guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  GValue value = G_VALUE_INIT;

  sp_guard_clear (guard);
  g_assert_false (sp_guard_is_initialized (guard));
  g_assert_false (sp_guard_get_value (guard, &value));
  /* The zero of the type, so that bindings can convert it. */
  g_assert_true (G_VALUE_HOLDS_INT (&value));
  g_assert_cmpint (g_value_get_int (&value), ==, 0);
}

static void
test_bad_input (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (1);
  g_autoptr (SpGuard) guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  GValue value = G_VALUE_INIT;

  EXPECT_CRITICAL ("sp_guard_get_mode: assertion 'SP_IS_GUARD (self)' failed",
                   sp_guard_get_mode (NULL));
  EXPECT_CRITICAL ("sp_guard_is_released: assertion 'SP_IS_GUARD (self)' failed",
                   sp_guard_is_released (NULL));
  EXPECT_CRITICAL ("sp_guard_is_initialized: assertion 'SP_IS_GUARD (self)' failed",
                   sp_guard_is_initialized (NULL));
  EXPECT_CRITICAL ("sp_guard_get_value: assertion 'SP_IS_GUARD (self)' failed",
                   sp_guard_get_value (NULL, &value));
  EXPECT_CRITICAL ("sp_guard_get_value: assertion 'SP_IS_GUARD (self)' failed",
                   sp_guard_get_value ((SpGuard *) object, &value));
  EXPECT_CRITICAL ("sp_guard_ref: assertion 'SP_IS_GUARD (self)' failed",
                   sp_guard_ref ((SpGuard *) object));
  EXPECT_CRITICAL ("sp_guard_unref: assertion 'SP_IS_GUARD (self)' failed", sp_guard_unref (NULL));
  EXPECT_CRITICAL ("sp_guard_set_value: assertion 'SP_IS_GUARD (self)' failed",
                   sp_guard_set_value (NULL, &value, NULL));
  EXPECT_CRITICAL ("sp_guard_set_value: assertion 'G_IS_VALUE (value)' failed",
                   sp_guard_set_value (guard, NULL, NULL));
  EXPECT_CRITICAL ("sp_guard_set_value: assertion 'G_IS_VALUE (value)' failed",
                   sp_guard_set_value (guard, &value, NULL));
  EXPECT_CRITICAL ("sp_guard_clear: assertion 'SP_IS_GUARD (self)' failed", sp_guard_clear (NULL));
  EXPECT_CRITICAL ("sp_guard_release: assertion 'SP_IS_GUARD (self)' failed",
                   sp_guard_release (NULL));
  g_value_init (&value, G_TYPE_INT);
  EXPECT_CRITICAL ("sp_guard_get_value: assertion 'value == NULL || !G_IS_VALUE (value)' failed",
                   sp_guard_get_value (guard, &value));
  g_value_unset (&value);

  g_assert_false (sp_guard_is_released (guard));
  g_assert_true (sp_guard_get_value (guard, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 1);
  g_value_unset (&value);
}

static void
test_downgrade_lets_readers_in (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  SpGuard *guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  GValue   value = G_VALUE_INIT;
  Result   r1 = { 0 }, r2 = { 0 }, w = { 0 }, g = { 0 };

  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r1);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_SHARED, 0, NULL, lock_cb, &r2);
  sp_shared_object_lock_async (object, SP_LOCK_MODE_EXCLUSIVE, 0, NULL, lock_cb, &w);
  drain ();
  g_assert_false (r1.done || r2.done || g.done || w.done);

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 12);
  g_assert_true (sp_guard_set_value (guard, &value, NULL));
  g_value_unset (&value);
  sp_guard_downgrade (guard);
  g_assert_cmpint (sp_guard_get_mode (guard), ==, SP_LOCK_MODE_SHARED);
  /* No writer can slip in: a try_lock fails, the queued writer waits. */
  g_assert_null (sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE));
  drain ();
  g_assert_true (r1.ok && r2.ok && g.ok);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 12);
  g_assert_false (w.done);

  /* The downgraded guard reads, and is a reader like the others. */
  g_assert_true (sp_guard_get_value (guard, &value));
  g_assert_cmpint (g_value_get_int (&value), ==, 12);
  g_value_unset (&value);
  sp_guard_release (guard);
  sp_guard_unref (guard);
  result_clear (&r1);
  drain ();
  g_assert_false (w.done);
  result_clear (&r2);
  iterate_until (&w.done);
  g_assert_true (w.ok);

  result_clear (&w);
  result_clear (&g);
}

static void
test_downgrade_misuse (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (SpGuard) reader = sp_shared_object_try_lock (object, SP_LOCK_MODE_SHARED);

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*shared lock*");
  sp_guard_downgrade (reader);
  g_test_assert_expected_messages ();

  sp_guard_release (reader);
  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*already released*");
  sp_guard_downgrade (reader);
  g_test_assert_expected_messages ();
}

static gboolean
downgrade_in_initializer (SpSharedObject *object, SpGuard *guard, gpointer user_data)
{
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, 31);
  g_assert_true (sp_guard_set_value (guard, &value, NULL));
  g_value_unset (&value);
  sp_guard_downgrade (guard);
  /* Keeps reading what it initialized while the waiting gets go on. */
  *(SpGuard **) user_data = guard;
  return TRUE;
}

static void
test_downgrade_initializer (void)
{
  g_autoptr (SpSharedObject) object = sp_shared_object_new (G_TYPE_INT);
  SpGuard *kept = NULL;
  Result   g = { 0 };

  sp_shared_object_set_initializer (object, downgrade_in_initializer, &kept, NULL);
  sp_shared_object_get_async (object, 0, NULL, get_cb, &g);
  iterate_until (&g.done);
  g_assert_cmpint (g_value_get_int (&g.value), ==, 31);
  g_assert_nonnull (kept);
  g_assert_false (sp_guard_is_released (kept));
  sp_guard_unref (kept);
  result_clear (&g);
}

static void
test_release_with_error_misuse (void)
{
  g_autoptr (SpSharedObject) object = new_int_object (0);
  g_autoptr (SpGuard) guard = sp_shared_object_try_lock (object, SP_LOCK_MODE_EXCLUSIVE);
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*not given to an initializer*");
  sp_guard_release_with_error (guard, error);
  g_test_assert_expected_messages ();
  g_assert_false (sp_guard_is_released (guard));

  g_test_expect_message ("Sharedpotato", G_LOG_LEVEL_CRITICAL, "*error != NULL*");
  sp_guard_release_with_error (guard, NULL);
  g_test_assert_expected_messages ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sharedpotato/Guard/release/last-unref", test_release_on_last_unref);
  g_test_add_func ("/Sharedpotato/Guard/release/twice", test_released_twice);
  g_test_add_func ("/Sharedpotato/Guard/references", test_references);
  g_test_add_func ("/Sharedpotato/Guard/release/use-after", test_use_after_release);
  g_test_add_func ("/Sharedpotato/Guard/shared/refuses-writes", test_shared_refuses_writes);
  g_test_add_func ("/Sharedpotato/Guard/set/wrong-type", test_set_wrong_type);
  g_test_add_func ("/Sharedpotato/Guard/clear", test_clear);
  g_test_add_func ("/Sharedpotato/Guard/downgrade/lets-readers-in", test_downgrade_lets_readers_in);
  g_test_add_func ("/Sharedpotato/Guard/downgrade/misuse", test_downgrade_misuse);
  g_test_add_func ("/Sharedpotato/Guard/downgrade/initializer", test_downgrade_initializer);
  g_test_add_func ("/Sharedpotato/Guard/release-with-error/misuse", test_release_with_error_misuse);
  g_test_add_func ("/Sharedpotato/Guard/bad-input/criticals", test_bad_input);

  return g_test_run ();
}
