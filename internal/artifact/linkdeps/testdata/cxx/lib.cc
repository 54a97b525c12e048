// C++ half of cxxprog: uses the standard library and exceptions, so the
// program needs libstdc++ and libgcc's unwinder at run time.

#include <string>
#include <vector>
#include <numeric>
#include <stdexcept>

extern "C" int cxx_sum(int n) {
	std::vector<int> v(n);
	std::iota(v.begin(), v.end(), 1);
	try {
		if (n < 0) throw std::runtime_error("negative");
	} catch (const std::exception&) { return -1; }
	return std::accumulate(v.begin(), v.end(), 0);
}

extern "C" const char* cxx_name(void) {
	static std::string s = std::string("lib") + "stdc++";
	return s.c_str();
}
