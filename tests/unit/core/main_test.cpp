// SPDX-License-Identifier: GPL-2.0-only
#define BOOST_TEST_MODULE ctwatch core unit tests
#include "boost_test.hpp"
