// Boost.JSON compiled from its sources, for the fuzz build only (CMakeLists.txt, PLANETUDE_FUZZ).
#include <boost/json/src.hpp>
