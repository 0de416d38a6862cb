// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Boost.Test as a system header, so the project's warning flags do not
// apply to Boost's own code.
#pragma GCC system_header
#include <boost/test/unit_test.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/data/monomorphic.hpp>
