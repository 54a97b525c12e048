package target

import "debug/elf"

// Facts is everything weld needs to know about one target. An empty field
// means the fact does not exist for the target (no Debian architecture for
// darwin, no qemu for windows).
type Facts struct {
	Target Target
	// Unlisted rows describe a platform weld recognises in GOARM or a
	// package architecture but does not offer as a build target.
	Unlisted bool

	// DebianArch is the package architecture a .deb for the target
	// declares. For linux/arm/6 it is armhf, as Raspberry Pi OS names its
	// ARMv6 hard-float port.
	DebianArch string
	// CLibArch is the Debian architecture whose archive packages hold C
	// libraries that run on the target, for sysroots. It differs from
	// DebianArch for linux/arm/6: no archive reachable here serves ARMv6
	// hard-float libraries (Debian's armhf is ARMv7), so it is empty and
	// CLibNote says why.
	CLibArch string
	CLibNote string
	// Triplet is the multiarch triplet: library directories and the GNU
	// cross prefix (Triplet + "-gcc").
	Triplet string
	// CrossCC and CrossCXX are Debian's cross compilers for the target,
	// installed by CrossPackages; empty where Debian has none that fits.
	CrossCC, CrossCXX string
	CrossPackages     []string
	// CCNote says why a Linux target has no cross compiler.
	CCNote string
	// Mingw is the mingw-w64 triplet of a Windows target: the directory of
	// Debian's mingw-w64 -dev packages (/usr/x86_64-w64-mingw32).
	Mingw string
	// Qemu is the qemu-user binary that runs the target's Linux binaries.
	Qemu string
	// ELFMachine tells the target's ELF files from other architectures'.
	ELFMachine elf.Machine
	// OCIArch and OCIVariant are the image platform's architecture and
	// variant.
	OCIArch, OCIVariant string
	// NixSystem is the Nix system; NixCross the nixpkgs pkgsCross set that
	// cross-compiles for it.
	NixSystem, NixCross string
}

// Why linux/arm/6 has no C compiler or C libraries of Debian's.
const (
	armv6CCNote   = "Debian's armhf cross compiler emits ARMv7 code, which a Raspberry Pi Zero or 1 cannot run; set cc: to an ARMv6 toolchain under targets: for linux/arm/6"
	armv6CLibNote = "Debian's armhf libraries are ARMv7 code, which a Raspberry Pi Zero or 1 cannot run, and no archive weld reaches serves ARMv6 hard-float ones; set sysroot: to an ARMv6 tree (and cc: to an ARMv6 toolchain) under targets: for linux/arm/6"
)

// table is the only description of targets in weld.
var table = []Facts{
	{Target: Target{"linux", "amd64", ""}, DebianArch: "amd64", CLibArch: "amd64", Triplet: "x86_64-linux-gnu",
		CrossCC: "x86_64-linux-gnu-gcc", CrossCXX: "x86_64-linux-gnu-g++", CrossPackages: []string{"gcc-x86-64-linux-gnu", "g++-x86-64-linux-gnu"},
		Qemu: "qemu-x86_64", ELFMachine: elf.EM_X86_64, OCIArch: "amd64", NixSystem: "x86_64-linux", NixCross: "gnu64"},
	{Target: Target{"linux", "arm64", ""}, DebianArch: "arm64", CLibArch: "arm64", Triplet: "aarch64-linux-gnu",
		CrossCC: "aarch64-linux-gnu-gcc", CrossCXX: "aarch64-linux-gnu-g++", CrossPackages: []string{"gcc-aarch64-linux-gnu", "g++-aarch64-linux-gnu"},
		Qemu: "qemu-aarch64", ELFMachine: elf.EM_AARCH64, OCIArch: "arm64", NixSystem: "aarch64-linux", NixCross: "aarch64-multiplatform"},
	// GOARM=5 (soft-float ARMv5TE and later) is Debian's armel.
	{Target: Target{"linux", "arm", "5"}, Unlisted: true, DebianArch: "armel", CLibArch: "armel", Triplet: "arm-linux-gnueabi",
		CrossCC: "arm-linux-gnueabi-gcc", CrossCXX: "arm-linux-gnueabi-g++", CrossPackages: []string{"gcc-arm-linux-gnueabi", "g++-arm-linux-gnueabi"},
		Qemu: "qemu-arm", ELFMachine: elf.EM_ARM, OCIArch: "arm", OCIVariant: "v5"},
	{Target: Target{"linux", "arm", "6"}, DebianArch: "armhf", CLibNote: armv6CLibNote, CCNote: armv6CCNote, Triplet: "arm-linux-gnueabihf",
		Qemu: "qemu-arm", ELFMachine: elf.EM_ARM, OCIArch: "arm", OCIVariant: "v6", NixSystem: "armv6l-linux", NixCross: "raspberryPi"},
	{Target: Target{"linux", "arm", "7"}, DebianArch: "armhf", CLibArch: "armhf", Triplet: "arm-linux-gnueabihf",
		CrossCC: "arm-linux-gnueabihf-gcc", CrossCXX: "arm-linux-gnueabihf-g++", CrossPackages: []string{"gcc-arm-linux-gnueabihf", "g++-arm-linux-gnueabihf"},
		Qemu: "qemu-arm", ELFMachine: elf.EM_ARM, OCIArch: "arm", OCIVariant: "v7", NixSystem: "armv7l-linux", NixCross: "armv7l-hf-multiplatform"},
	{Target: Target{"linux", "386", ""}, DebianArch: "i386", CLibArch: "i386", Triplet: "i386-linux-gnu",
		CrossCC: "i686-linux-gnu-gcc", CrossCXX: "i686-linux-gnu-g++", CrossPackages: []string{"gcc-i686-linux-gnu", "g++-i686-linux-gnu"},
		Qemu: "qemu-i386", ELFMachine: elf.EM_386, OCIArch: "386", NixSystem: "i686-linux", NixCross: "gnu32"},
	{Target: Target{"linux", "riscv64", ""}, DebianArch: "riscv64", CLibArch: "riscv64", Triplet: "riscv64-linux-gnu",
		CrossCC: "riscv64-linux-gnu-gcc", CrossCXX: "riscv64-linux-gnu-g++", CrossPackages: []string{"gcc-riscv64-linux-gnu", "g++-riscv64-linux-gnu"},
		Qemu: "qemu-riscv64", ELFMachine: elf.EM_RISCV, OCIArch: "riscv64", NixSystem: "riscv64-linux", NixCross: "riscv64"},
	{Target: Target{"linux", "ppc64le", ""}, DebianArch: "ppc64el", CLibArch: "ppc64el", Triplet: "powerpc64le-linux-gnu",
		CrossCC: "powerpc64le-linux-gnu-gcc", CrossCXX: "powerpc64le-linux-gnu-g++", CrossPackages: []string{"gcc-powerpc64le-linux-gnu", "g++-powerpc64le-linux-gnu"},
		Qemu: "qemu-ppc64le", ELFMachine: elf.EM_PPC64, OCIArch: "ppc64le"},
	{Target: Target{"linux", "s390x", ""}, DebianArch: "s390x", CLibArch: "s390x", Triplet: "s390x-linux-gnu",
		CrossCC: "s390x-linux-gnu-gcc", CrossCXX: "s390x-linux-gnu-g++", CrossPackages: []string{"gcc-s390x-linux-gnu", "g++-s390x-linux-gnu"},
		Qemu: "qemu-s390x", ELFMachine: elf.EM_S390, OCIArch: "s390x"},
	{Target: Target{"windows", "amd64", ""}, Mingw: "x86_64-w64-mingw32",
		CrossCC: "x86_64-w64-mingw32-gcc", CrossCXX: "x86_64-w64-mingw32-g++", CrossPackages: []string{"gcc-mingw-w64-x86-64", "g++-mingw-w64-x86-64"},
		OCIArch: "amd64"},
	{Target: Target{"windows", "arm64", ""}, OCIArch: "arm64"},
	{Target: Target{"darwin", "amd64", ""}, OCIArch: "amd64"},
	{Target: Target{"darwin", "arm64", ""}, OCIArch: "arm64"},
	{Target: Target{"freebsd", "amd64", ""}, OCIArch: "amd64"},
	{Target: Target{"freebsd", "arm64", ""}, OCIArch: "arm64"},
}
