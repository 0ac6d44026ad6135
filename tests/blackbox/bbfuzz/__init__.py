"""bbfuzz: a black-box fuzzer for the PlanÉtude HTTP server (see tests/blackbox/README.md)."""
