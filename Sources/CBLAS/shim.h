// OpenBLAS's CBLAS interface (Debian libopenblas-dev): the matrix products of the sentence encoder.
#include <cblas.h>
