// SPDX-License-Identifier: GPL-2.0-only
#define BOOST_TEST_MODULE ctwatch netdata unit tests
#include "boost_test.hpp"
