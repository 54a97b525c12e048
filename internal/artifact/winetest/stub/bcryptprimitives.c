/*
 * A stand-in for Windows' bcryptprimitives.dll, for Wine 8, which has none.
 *
 * Since Go 1.22 the Windows runtime gets random bytes from ProcessPrng in
 * bcryptprimitives.dll, loaded from System32 only; without it every Go
 * program aborts at start-up with "bcryptprimitives.dll not found". This
 * stub implements ProcessPrng with BCryptGenRandom, which Wine has.
 * Build with:
 *   x86_64-w64-mingw32-gcc -O2 -shared -o bcryptprimitives.dll \
 *     bcryptprimitives.c -lbcrypt -Wl,--kill-at
 * and copy it to $WINEPREFIX/drive_c/windows/system32/.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
