// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, pthread variant via alternatives).
#include <x86_64-linux-gnu/openblas-pthread/cblas.h>
