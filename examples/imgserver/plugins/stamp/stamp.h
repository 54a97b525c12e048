#ifndef WELD_STAMP_H
#define WELD_STAMP_H

#ifdef __cplusplus
extern "C" {
#endif

/* stamp_rgb returns the stamp's colour as 0xRRGGBB. */
unsigned int stamp_rgb(void);

#ifdef __cplusplus
}
#endif

#endif
