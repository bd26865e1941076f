/* A stand-in vendor library for the plugin-loading tests: a real shared
 * object the needs_vendor plugin links against, installed where the dynamic
 * loader does not look unless told (LD_LIBRARY_PATH), so a test can show a
 * plugin whose vendor library is missing and then present. */
__attribute__((visibility("default"))) const char *eb_test_vendor_version(void)
{
    return "test-vendor 1.0";
}
