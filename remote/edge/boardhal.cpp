// Compiles the interface on its own so that header mistakes show here first.
#include "remote/edge/boardhal.h"
