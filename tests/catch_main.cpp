// Catch2's main lives alone here so the test files themselves compile quickly.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
