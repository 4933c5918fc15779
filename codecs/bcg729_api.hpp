#pragma once
// bcg729's headers have no extern "C" guards; include them through here.

extern "C" {
#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
}
