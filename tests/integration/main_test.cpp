// SPDX-License-Identifier: GPL-2.0-only
#define BOOST_TEST_MODULE ctwatch kernel integration tests
#define BOOST_TEST_NO_MAIN
#include "boost_test.hpp"
#include "integration/netns_fixture.hpp"

int main(int argc, char** argv) {
  ctwatch::test::require_kernel_or_skip();
  return boost::unit_test::unit_test_main([] { return true; }, argc, argv);
}
