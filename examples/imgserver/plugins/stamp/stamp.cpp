// The colour is produced through the C++ standard library (a string
// stream and std::stoul) on purpose: the plugin exists to show that a
// plugin may bring C++ code, and with it the C++ runtime, into the binary,
// which on Windows means shipping libstdc++ and libgcc DLLs.
#include <sstream>
#include <string>

#include "stamp.h"

extern "C" unsigned int stamp_rgb(void) {
	std::ostringstream hex;
	hex << std::hex << 0x2e8b57;  // sea green
	return static_cast<unsigned int>(std::stoul(hex.str(), nullptr, 16));
}
